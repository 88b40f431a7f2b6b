"""Reading an uploaded CSV: size and encoding checks (UTF-8 with or without BOM, or
Shift_JIS), the header row (machine names, Japanese aliases, export-only columns skipped) and
the data rows. Everything here rejects the file as a whole (`CsvRejected`); row-level
problems are for `rows.py`."""

import csv
import io
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .columns import COLUMNS, EXPORT_ONLY_COLUMNS, Column

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
SKIPPED = "__skipped__"


_NOT_SHIFT_JIS = re.compile("[\u0080-\u009f\ue000-\uf8ff]")


class CsvRejected(ValidationError):
    """The file as a whole cannot be read; the message says what to do."""


# --- Reading the file -------------------------------------------------------------------


def decode_upload(upload: UploadedFile) -> tuple[str, str]:
    """The text of the upload and the encoding it was in. Raises CsvRejected."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise CsvRejected(_("The file is larger than 5 MB. Split it into smaller files."))
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise CsvRejected(_("The file is larger than 5 MB. Split it into smaller files."))
    if not raw.strip():
        raise CsvRejected(_("The file is empty. Choose a CSV file with a header row and data."))
    if b"\x00" in raw:
        raise CsvRejected(
            _(
                "This is not a CSV file. Save the spreadsheet as CSV (UTF-8 or Shift_JIS) "
                "and upload that."
            )
        )
    for encoding, label in (("utf-8-sig", "utf-8"), ("cp932", "shift_jis")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Python's cp932 maps most stray bytes to C1 controls or private-use characters
        # rather than failing; a real Shift_JIS spreadsheet contains neither.
        if label == "shift_jis" and _NOT_SHIFT_JIS.search(text):
            break
        return text, label
    raise CsvRejected(
        _(
            "The file's characters could not be read. Save it as CSV in UTF-8 or Shift_JIS "
            "(Excel: “CSV UTF-8” or “CSV”)."
        )
    )


def _header_key(title: str, columns: list[Column], skipped: tuple[str, ...]) -> str | None:
    key = unicodedata.normalize("NFKC", title).strip().lower().replace(" ", "_")
    for column in columns:
        if key == column.name or key in {a.lower() for a in column.aliases}:
            return column.name
    return SKIPPED if key in skipped else None


def read_rows(text: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for every non-blank data row. Raises CsvRejected for a
    file that is not a CSV of this kind."""
    columns = COLUMNS[kind]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CsvRejected(
            _("The file is not valid CSV (%(error)s). Check quotes and line breaks.")
            % {"error": exc}
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise CsvRejected(_("The first line must be the header row. Start from the template."))
    header = [_header_key(title, columns, EXPORT_ONLY_COLUMNS[kind]) for title in records[0]]
    unknown = [title for title, key in zip(records[0], header, strict=True) if key is None]
    if unknown:
        raise CsvRejected(
            _("Unknown columns: %(columns)s. Use the column names of the template.")
            % {"columns": ", ".join(t.strip() or "(blank)" for t in unknown[:10])}
        )
    if len(set(header) - {SKIPPED}) != len(header) - header.count(SKIPPED):
        raise CsvRejected(_("A column appears twice in the header row."))
    missing = [c.name for c in columns if c.required and c.name not in header]
    if missing:
        raise CsvRejected(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {k: v for k, v in zip(header, record, strict=False) if k != SKIPPED}
        if len(record) > len(header):
            values["__extra__"] = "1"
        rows.append((line, values))
    if not rows:
        raise CsvRejected(_("The file has a header row but no data rows."))
    if len(rows) > MAX_ROWS:
        raise CsvRejected(
            _("The file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows
