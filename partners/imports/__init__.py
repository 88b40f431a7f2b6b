"""CSV import of organisations and postings by coordinators.

Flow: upload → `import_job_preview` decodes and checks the file, cleans every row and
rehearses the whole import inside a transaction that is always rolled back (so the preview
finds exactly what the real run would refuse, duplicates included) → the coordinator starts
it → `import_job_start` queues `partners.tasks.import_job_run` after commit →
`import_job_execute` creates everything in one transaction: one bad row and nothing is saved.

Rows are kept as cleaned JSON on the `ImportJob` (never the uploaded file). Progress is
written to the cache, because rows written inside the import's transaction are invisible to
the status page until it commits.

Writes go through the partners services (`posting_create`, `posting_publish`) and their
helpers (`_save_validated`, `_audit` for organisations: `organisation_create` would make the
importing coordinator the organisation's first administrator, which they must not become).

Round trip with the exports (decision): the organisation and posting exports
(`partners/exports.py`) write the import's machine column names as their header row and
machine values in the importable columns (`company`, `issue`, `kk`, `public`, codes, ISO
dates), so a downloaded file imports back as is, whatever the language of the page that
exported or imports it. Human-readable labels stay in the file, in extra columns
(`kind_label`, `status_label`, names of prefectures and municipalities…) that the import
skips (`EXPORT_ONLY_COLUMNS`), and on the upload page, which explains every column. Headers
are not translated because a translated header changes with the UI language and with every
edit of the translations; the Japanese aliases (種別, 名称…) are still accepted for files
people type themselves. In postings, `organisation_code` (法人番号, 団体コード or
学校コード) wins over `organisation_id`, so a file moves between databases.

Modules: `columns` (the columns, aliases, export-only columns, formula escaping),
`reading` (the file as a whole), `rows` (cleaning each row), `jobs` (preview, start, run).
"""

from .columns import (
    CHOICES,
    COLUMNS,
    DIRECTION_WORDS,
    EXPORT_ONLY_COLUMNS,
    FORMULA_START,
    KIND_WORDS,
    ORGANISATION_COLUMNS,
    POSTING_COLUMNS,
    Column,
    column_help,
    escape_formula,
    template_csv,
    unescape_formula,
)
from .jobs import (
    MAX_ERRORS_SHOWN,
    PROGRESS_EVERY,
    RowFailed,
    import_job_execute,
    import_job_preview,
    import_job_progress,
    import_job_start,
)
from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, CsvRejected, decode_upload, read_rows
from .rows import CLEANERS, RowErrors, clean_organisation_row, clean_posting_row

__all__ = [
    "CHOICES",
    "CLEANERS",
    "COLUMNS",
    "DIRECTION_WORDS",
    "EXPORT_ONLY_COLUMNS",
    "FORMULA_START",
    "KIND_WORDS",
    "MAX_ERRORS_SHOWN",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "ORGANISATION_COLUMNS",
    "POSTING_COLUMNS",
    "PROGRESS_EVERY",
    "Column",
    "CsvRejected",
    "RowErrors",
    "RowFailed",
    "clean_organisation_row",
    "clean_posting_row",
    "column_help",
    "decode_upload",
    "escape_formula",
    "import_job_execute",
    "import_job_preview",
    "import_job_progress",
    "import_job_start",
    "read_rows",
    "template_csv",
    "unescape_formula",
]
