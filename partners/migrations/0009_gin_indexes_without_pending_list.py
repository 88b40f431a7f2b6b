"""PostgreSQL only: the GIN indexes write new entries straight into the index
(fastupdate = off) instead of into a pending list.

With fastupdate on (PostgreSQL's default) new entries wait in an unsorted pending list
until a VACUUM or until the list outgrows gin_pending_list_limit (4 MB). Every scan of the
index reads the whole list. Measured on the load benchmark's data set (3,100 postings, just
built, not yet vacuumed: 309 pending pages): the search "防災" in one region and one kind of
organisation took 13.3 ms to run, because it scanned the index once for each prefecture of
the region and each scan read the list; with the list merged, 1.0 ms. Postings are
written far less often than they are searched, so each write now pays for its index entries
instead of every search that follows. Organisation names (trigram index) likewise.

Turning the option off does not merge a list that already exists; gin_clean_pending_list
does, and autovacuum would later.

Skipped on SQLite (the embedded demo), like migrations 0003, 0005 and 0006.
"""

from django.db import migrations

INDEXES = (
    "partners_posting_open_search_gin",  # migration 0006
    "partners_posting_ngrams_gin",  # migration 0003
    "partners_organisation_name_trgm",  # migration 0003, only where pg_trgm was allowed
)


def _existing(schema_editor) -> list[str]:
    if schema_editor.connection.vendor != "postgresql":
        return []
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [list(INDEXES)])
        return [row[0] for row in cursor.fetchall()]


def forwards(apps, schema_editor):
    for name in _existing(schema_editor):
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def backwards(apps, schema_editor):
    for name in _existing(schema_editor):
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("partners", "0008_audit_project_index")]

    operations = [migrations.RunPython(forwards, backwards)]
