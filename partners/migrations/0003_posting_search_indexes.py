"""Search indexes that only PostgreSQL has. The posting text is analysed in the application
(SudachiPy; PostgreSQL's parser does not segment Japanese) and stored space-separated, so a
GIN index over to_tsvector('simple', …) makes word lookups fast. Organisation names get a
trigram index for substring search when the pg_trgm extension can be created."""

from django.db import migrations

TABLE = "partners_posting"
INDEXES = {
    "partners_posting_tokens_gin": "search_tokens",
    "partners_posting_ngrams_gin": "search_ngrams",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} "
            f"USING gin (to_tsvector('simple'::regconfig, {column}))"
        )
    # pg_trgm needs the right to create extensions; without it the directory search still
    # works, only without the index.
    schema_editor.execute("SAVEPOINT sankangaku_trgm")
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS partners_organisation_name_trgm "
            "ON partners_organisation USING gin (name gin_trgm_ops)"
        )
        schema_editor.execute("RELEASE SAVEPOINT sankangaku_trgm")
    except Exception:  # noqa: BLE001 - any refusal means "no trigram index here"
        schema_editor.execute("ROLLBACK TO SAVEPOINT sankangaku_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, "partners_organisation_name_trgm"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_postings")]

    operations = [migrations.RunPython(create, drop)]
