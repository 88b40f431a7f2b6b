"""PostgreSQL only: indexes of open postings for the capped posting search.

partners.selectors.posting_search reads at most SEARCH_CAP + 1 open matches, newest first
(or ranks only those). Measured with benchmark_search on 100,000 postings (EXPLAIN ANALYZE,
best of 7; the machine was shared, so read the ratios):

- `partners_posting_open_newest` (published_at DESC, id DESC) WHERE status = 'open': the order
  of the cap as an index walk that stops after SEARCH_CAP + 1 matches. The existing
  (status, visibility, published_at) index gives that order only when one visibility is
  allowed (anonymous visitors); for signed-in users "地域 連携" went from a parallel seq scan
  and sort of every match (178 ms) to a walk of this index (30 ms for 1,001 rows).
- `partners_posting_open_search_gin`, replacing the GIN index of migration 0005: the stored
  vector, and with btree_gin also the equality filters of the search form (direction,
  funding route, prefecture), WHERE status = 'open' (search and the similar-posting check
  only show open postings). Partial alone, "防災 + theme + funding" 57 → 24 ms: the full index
  led the planner to probe 7,700 postings through the theme table; with the filter columns
  in the index, 24 → 9 ms (half the heap pages). btree_gin is a trusted extension (PG 13+),
  so a database owner may create it; where that is refused the index holds the vector only.

Skipped on SQLite (the embedded demo), like migrations 0003 and 0005.
"""

from django.db import migrations

NEWEST = "partners_posting_open_newest"
SEARCH = "partners_posting_open_search_gin"
OLD_SEARCH = "partners_posting_tokens_tsv_gin"  # migration 0005


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEWEST} ON partners_posting "
        "(published_at DESC, id DESC) WHERE status = 'open'"
    )
    schema_editor.execute("SAVEPOINT sankangaku_btree_gin")
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH} ON partners_posting USING gin "
            "(search_tokens_tsv, direction, funding_route, prefecture_id) "
            "WHERE status = 'open'"
        )
        schema_editor.execute("RELEASE SAVEPOINT sankangaku_btree_gin")
    except Exception:  # noqa: BLE001 - any refusal means "index the vector only"
        schema_editor.execute("ROLLBACK TO SAVEPOINT sankangaku_btree_gin")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH} ON partners_posting USING gin "
            "(search_tokens_tsv) WHERE status = 'open'"
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_SEARCH}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_SEARCH} ON partners_posting USING gin (search_tokens_tsv)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEWEST}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_posting_stored_search_vector")]

    operations = [migrations.RunPython(create, drop)]
