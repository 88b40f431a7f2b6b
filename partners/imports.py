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
"""

import contextlib
import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sankangaku.accounts.models import User

from . import identifiers
from .access import coordinator_prefecture_codes
from .models import (
    CompanySize,
    Direction,
    FundingRoute,
    ImportJob,
    Industry,
    LegalForm,
    LocalGovernment,
    Membership,
    Organisation,
    OrganisationKind,
    PlaceScope,
    Prefecture,
    Role,
    SchoolKind,
    Theme,
    Visibility,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_ERRORS_SHOWN = 200
PROGRESS_EVERY = 10


_NOT_SHIFT_JIS = re.compile("[\u0080-\u009f\ue000-\uf8ff]")


class CsvRejected(ValidationError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Any
    example: str
    aliases: tuple[str, ...] = ()


ORGANISATION_COLUMNS = [
    Column(
        "kind",
        True,
        gettext_lazy("company, municipality or school (企業 / 自治体 / 学校)"),
        "company",
        ("種別",),
    ),
    Column(
        "name",
        False,
        gettext_lazy("Name; required except for municipalities (taken from the code)"),
        "株式会社サンプル",
        ("名称",),
    ),
    Column("name_kana", False, gettext_lazy("Name in kana"), "カブシキガイシャサンプル", ("カナ",)),
    Column(
        "municipality_code",
        True,
        gettext_lazy(
            "6-digit local government code (全国地方公共団体コード) of the municipality, or of "
            "the head office for companies"
        ),
        "202029",
        ("団体コード",),
    ),
    Column(
        "corporate_number",
        False,
        gettext_lazy("Corporate number (法人番号, 13 digits); required for companies"),
        "7000012050002",
        ("法人番号",),
    ),
    Column(
        "legal_form",
        False,
        gettext_lazy("Companies: %(choices)s"),
        "kk",
        ("法人格",),
    ),
    Column("industry", False, gettext_lazy("Companies: %(choices)s"), "it", ("業種",)),
    Column("company_size", False, gettext_lazy("Companies: %(choices)s"), "", ("規模",)),
    Column("school_kind", False, gettext_lazy("Schools: %(choices)s"), "", ("学校種別",)),
    Column(
        "school_code",
        False,
        gettext_lazy("Schools: 学校コード (13 characters)"),
        "",
        ("学校コード",),
    ),
    Column(
        "website", False, gettext_lazy("Website (https://…)"), "https://example.co.jp", ("URL",)
    ),
    Column("description", False, gettext_lazy("Description"), "", ("説明",)),
]

POSTING_COLUMNS = [
    Column(
        "organisation_code",
        False,
        gettext_lazy(
            "The organisation's 法人番号, 全国地方公共団体コード or 学校コード; or give "
            "organisation_id"
        ),
        "202029",
        ("組織コード",),
    ),
    Column("organisation_id", False, gettext_lazy("The organisation's ID on this portal"), "", ()),
    Column(
        "direction",
        True,
        gettext_lazy("issue or strength (課題 / 強み)"),
        "issue",
        ("区分",),
    ),
    Column(
        "title", True, gettext_lazy("Title (up to 120 characters)"), "空き家の活用", ("タイトル",)
    ),
    Column(
        "body",
        True,
        gettext_lazy("Summary (up to 4,000 characters)"),
        "中心市街地の空き家を活用するアイデアと担い手を探しています。",
        ("概要",),
    ),
    Column(
        "department",
        False,
        gettext_lazy("Department in charge (added to the summary)"),
        "建築住宅課",
        ("担当課",),
    ),
    Column(
        "place_scope",
        False,
        gettext_lazy("municipality, prefecture, nationwide or online; default: municipality"),
        "municipality",
        ("場所",),
    ),
    Column(
        "municipality_code",
        False,
        gettext_lazy("6-digit local government code of the place; default: the organisation's"),
        "",
        ("団体コード",),
    ),
    Column(
        "prefecture_code", False, gettext_lazy("Prefecture number 1–47"), "", ("都道府県コード",)
    ),
    Column(
        "starts_on",
        False,
        gettext_lazy("From, as 2027-04-01 or 2027/4/1"),
        "2027-04-01",
        ("開始日",),
    ),
    Column(
        "ends_on",
        False,
        gettext_lazy("Until, as 2028-03-31 or 2028/3/31"),
        "2028-03-31",
        ("終了日",),
    ),
    Column("funding_route", False, gettext_lazy("One of: %(choices)s"), "commission", ("財源",)),
    Column("budget_min", False, gettext_lazy("Budget from (yen)"), "", ("予算下限",)),
    Column("budget_max", False, gettext_lazy("Budget up to (yen)"), "3000000", ("予算上限",)),
    Column(
        "visibility",
        False,
        gettext_lazy("One of: %(choices)s; default: public"),
        "public",
        ("公開範囲",),
    ),
    Column(
        "sdgs",
        False,
        gettext_lazy("SDG numbers separated by spaces, e.g. 11 17"),
        "11 17",
        ("SDGs",),
    ),
]

CHOICES: dict[str, list[str]] = {
    "legal_form": LegalForm.values,
    "industry": Industry.values,
    "company_size": CompanySize.values,
    "school_kind": SchoolKind.values,
    "funding_route": FundingRoute.values,
    "visibility": Visibility.values,
}

COLUMNS = {
    ImportJob.Kind.ORGANISATIONS: ORGANISATION_COLUMNS,
    ImportJob.Kind.POSTINGS: POSTING_COLUMNS,
}

KIND_WORDS = {
    "company": OrganisationKind.COMPANY,
    "企業": OrganisationKind.COMPANY,
    "団体": OrganisationKind.COMPANY,
    "municipality": OrganisationKind.MUNICIPALITY,
    "自治体": OrganisationKind.MUNICIPALITY,
    "school": OrganisationKind.SCHOOL,
    "学校": OrganisationKind.SCHOOL,
}
DIRECTION_WORDS = {
    "issue": Direction.ISSUE,
    "課題": Direction.ISSUE,
    "strength": Direction.STRENGTH,
    "強み": Direction.STRENGTH,
}


def column_help(column: Column) -> str:
    text = str(column.help)
    if "%(choices)s" in text:
        text = text % {"choices": ", ".join(CHOICES[column.name])}
    return text


def template_csv(kind: str) -> str:
    """The header and one example row, for the upload page's download link."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = COLUMNS[kind]
    writer.writerow([c.name for c in columns])
    writer.writerow([c.example for c in columns])
    return out.getvalue()


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


def _header_key(title: str, columns: list[Column]) -> str | None:
    key = unicodedata.normalize("NFKC", title).strip().lower().replace(" ", "_")
    for column in columns:
        if key == column.name or key in {a.lower() for a in column.aliases}:
            return column.name
    return None


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
    header = [_header_key(title, columns) for title in records[0]]
    unknown = [title for title, key in zip(records[0], header, strict=True) if key is None]
    if unknown:
        raise CsvRejected(
            _("Unknown columns: %(columns)s. Use the column names of the template.")
            % {"columns": ", ".join(t.strip() or "(blank)" for t in unknown[:10])}
        )
    if len(set(header)) != len(header):
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
        if len(record) > len(header):
            values = dict(zip(header, record, strict=False))
            values["__extra__"] = "1"
        else:
            values = dict(zip(header, record, strict=False))
        rows.append((line, values))
    if not rows:
        raise CsvRejected(_("The file has a header row but no data rows."))
    if len(rows) > MAX_ROWS:
        raise CsvRejected(
            _("The file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows


# --- Cleaning rows ----------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d\s.]|$)")


class RowErrors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, row: int, column: str, message: Any) -> None:
        self.items.append({"row": row, "column": column, "message": str(message)})


def _cells(line: int, values: dict[str, str], errors: RowErrors) -> dict[str, str]:
    """Stripped cells; a cell a spreadsheet would run as a formula is an error."""
    if values.pop("__extra__", None):
        errors.add(line, "", _("This row has more cells than the header row."))
    cleaned = {}
    for name, value in values.items():
        value = (value or "").strip()
        if value.startswith("'") and _FORMULA.match(value[1:]):
            value = value[1:]  # our own export's escape: the text is meant literally
        elif _FORMULA.match(value):
            errors.add(
                line,
                name,
                _(
                    "This cell starts like a spreadsheet formula (= + - @). Remove the "
                    "formula or put the text in quotes with a leading apostrophe."
                ),
            )
            continue
        cleaned[name] = value
    return cleaned


def _choice(line: int, cells: dict, name: str, errors: RowErrors, *, default: str = "") -> str:
    value = cells.get(name, "")
    if not value:
        return default
    if value not in CHOICES[name]:
        errors.add(
            line,
            name,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(CHOICES[name])},
        )
        return default
    return value


def _local_government(
    line: int, value: str, errors: RowErrors, column: str = "municipality_code"
) -> LocalGovernment | None:
    try:
        code = identifiers.validate_local_government_code(value)
    except ValidationError as exc:
        errors.add(line, column, exc.messages[0])
        return None
    found = LocalGovernment.objects.select_related("prefecture").filter(code=code).first()
    if found is None:
        errors.add(line, column, _("No municipality has the code %(code)s.") % {"code": code})
    return found


def _in_scope(prefecture_id: int | None, scope: set[int] | None) -> bool:
    return scope is None or prefecture_id in scope


def _date(line: int, cells: dict, name: str, errors: RowErrors) -> str | None:
    value = unicodedata.normalize("NFKC", cells.get(name, ""))
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    errors.add(
        line, name, _("“%(value)s” is not a date. Write it as 2027-04-01.") % {"value": value}
    )
    return None


def _amount(line: int, cells: dict, name: str, errors: RowErrors) -> int | None:
    value = unicodedata.normalize("NFKC", cells.get(name, "")).replace(",", "").removesuffix("円")
    if not value:
        return None
    if not value.isdigit():
        errors.add(line, name, _("Write the amount in yen as digits, e.g. 3000000."))
        return None
    return int(value)


def clean_organisation_row(
    line: int, values: dict[str, str], *, scope: set[int] | None, errors: RowErrors
) -> dict[str, Any] | None:
    before = len(errors.items)
    cells = _cells(line, values, errors)
    kind = KIND_WORDS.get(cells.get("kind", "").lower())
    if kind is None:
        errors.add(line, "kind", _("Write company, municipality or school."))
        return None
    data: dict[str, Any] = {"kind": str(kind)}
    lg = _local_government(line, cells.get("municipality_code", ""), errors)
    if lg is not None:
        if not _in_scope(lg.prefecture_id, scope):
            errors.add(line, "municipality_code", _("This place is outside your region."))
        data |= {"prefecture": lg.prefecture_id, "location": lg.code}
    if kind == OrganisationKind.MUNICIPALITY:
        if lg is not None:
            data |= {"local_government": lg.code, "name": cells.get("name") or str(lg)}
    elif not cells.get("name"):
        errors.add(line, "name", _("The name is required."))
    else:
        data["name"] = cells["name"]
    if kind == OrganisationKind.COMPANY:
        try:
            data["corporate_number"] = identifiers.validate_corporate_number(
                cells.get("corporate_number", "")
            )
        except ValidationError as exc:
            errors.add(line, "corporate_number", exc.messages[0])
        for name in ("legal_form", "industry"):
            data[name] = _choice(line, cells, name, errors)
            if not data[name] and not any(
                e["row"] == line and e["column"] == name for e in errors.items
            ):
                errors.add(line, name, _("Required for companies."))
        data["company_size"] = _choice(line, cells, "company_size", errors)
    if kind == OrganisationKind.SCHOOL:
        data["school_kind"] = _choice(line, cells, "school_kind", errors)
        if not data["school_kind"] and "school_kind" not in {
            e["column"] for e in errors.items if e["row"] == line
        }:
            errors.add(line, "school_kind", _("Required for schools."))
        if cells.get("school_code"):
            try:
                data["school_code"] = identifiers.validate_school_code(cells["school_code"])
            except ValidationError as exc:
                errors.add(line, "school_code", exc.messages[0])
    for name in ("name_kana", "website", "description"):
        if cells.get(name):
            data[name] = cells[name]
    return data if len(errors.items) == before else None


def _find_organisation(
    line: int, cells: dict, *, scope: set[int] | None, errors: RowErrors
) -> Organisation | None:
    organisations = Organisation.objects.select_related("location")
    if scope is not None:
        organisations = organisations.filter(prefecture_id__in=scope)
    found = None
    if cells.get("organisation_id"):
        value = unicodedata.normalize("NFKC", cells["organisation_id"])
        found = organisations.filter(pk=int(value)).first() if value.isdigit() else None
    elif cells.get("organisation_code"):
        code = identifiers.normalise_identifier(cells["organisation_code"]).upper()
        found = organisations.filter(
            **(
                {"local_government_id": code}
                if len(code) == 6
                else {"school_code": code}
                if code[:1].isalpha()
                else {"corporate_number": code}
            )
        ).first()
    else:
        errors.add(line, "organisation_code", _("Give organisation_code or organisation_id."))
        return None
    if found is None:
        # Organisations outside the coordinator's region are "unknown" too: 404 rule.
        errors.add(line, "organisation_code", _("No organisation in your region matches this."))
    return found


def clean_posting_row(
    line: int, values: dict[str, str], *, scope: set[int] | None, errors: RowErrors
) -> dict[str, Any] | None:
    before = len(errors.items)
    cells = _cells(line, values, errors)
    organisation = _find_organisation(line, cells, scope=scope, errors=errors)
    direction = DIRECTION_WORDS.get(cells.get("direction", "").lower())
    if direction is None:
        errors.add(line, "direction", _("Write issue or strength."))
    data: dict[str, Any] = {
        "organisation": organisation.pk if organisation else None,
        "direction": str(direction) if direction else "",
    }
    title = " ".join(cells.get("title", "").split())
    if not title:
        errors.add(line, "title", _("The title is required."))
    elif len(title) > 120:
        errors.add(line, "title", _("The title is longer than 120 characters."))
    body = cells.get("body", "")
    if cells.get("department"):
        body = f"【{cells['department']}】\n{body}"
    if not cells.get("body"):
        errors.add(line, "body", _("The summary is required."))
    elif len(body) > 4000:
        errors.add(line, "body", _("The summary is longer than 4,000 characters."))
    data |= {"title": title, "body": body}

    scope_value = cells.get("place_scope") or ""
    if scope_value and scope_value not in PlaceScope.values:
        errors.add(
            line,
            "place_scope",
            _("Write municipality, prefecture, nationwide or online."),
        )
    lg = (
        _local_government(line, cells["municipality_code"], errors)
        if cells.get("municipality_code")
        else None
    )
    prefecture = None
    if cells.get("prefecture_code"):
        code = unicodedata.normalize("NFKC", cells["prefecture_code"])
        prefecture = int(code) if code.isdigit() and 1 <= int(code) <= 47 else None
        if prefecture is None:
            errors.add(line, "prefecture_code", _("Write the prefecture number, 1 to 47."))
    if not scope_value:
        scope_value = (
            PlaceScope.MUNICIPALITY
            if lg or (not prefecture and organisation and organisation.location_id)
            else PlaceScope.PREFECTURE
        )
    if scope_value == PlaceScope.MUNICIPALITY:
        if lg is None and organisation is not None and not cells.get("municipality_code"):
            lg = organisation.location
        if lg is None and "municipality_code" not in {
            e["column"] for e in errors.items if e["row"] == line
        }:
            errors.add(line, "municipality_code", _("Give the municipality's code."))
        if lg is not None:
            data |= {"location": lg.code, "prefecture": lg.prefecture_id}
    elif scope_value == PlaceScope.PREFECTURE:
        prefecture = prefecture or (organisation.prefecture_id if organisation else None)
        if prefecture is None and organisation is not None:
            errors.add(line, "prefecture_code", _("Give the prefecture number."))
        data |= {"prefecture": prefecture, "location": None}
    else:
        data |= {"prefecture": None, "location": None, "online_ok": scope_value == "online"}
    data["place_scope"] = str(scope_value)

    data["starts_on"] = _date(line, cells, "starts_on", errors)
    data["ends_on"] = _date(line, cells, "ends_on", errors)
    if data["starts_on"] and data["ends_on"] and data["ends_on"] < data["starts_on"]:
        errors.add(line, "ends_on", _("The period cannot end before it starts."))
    data["budget_min"] = _amount(line, cells, "budget_min", errors)
    data["budget_max"] = _amount(line, cells, "budget_max", errors)
    low, high = data["budget_min"], data["budget_max"]
    if low is not None and high is not None and high < low:
        errors.add(line, "budget_max", _("The upper budget must not be below the lower."))
    data["funding_route"] = _choice(
        line, cells, "funding_route", errors, default=FundingRoute.UNDECIDED
    )
    data["visibility"] = _choice(line, cells, "visibility", errors, default=Visibility.PUBLIC)
    sdgs = []
    for word in re.split(r"[\s,;、・]+", unicodedata.normalize("NFKC", cells.get("sdgs", ""))):
        if not word:
            continue
        if not word.isdigit() or not 1 <= int(word) <= 17:
            errors.add(line, "sdgs", _("Write SDG numbers from 1 to 17, e.g. 11 17."))
            break
        sdgs.append(int(word))
    data["sdgs"] = sdgs
    return data if len(errors.items) == before else None


CLEANERS = {
    ImportJob.Kind.ORGANISATIONS: clean_organisation_row,
    ImportJob.Kind.POSTINGS: clean_posting_row,
}


# --- Applying rows ----------------------------------------------------------------------


class _Rehearsal(Exception):
    """Raised to roll back a dry run."""


class RowFailed(Exception):
    def __init__(self, row: int, error: ValidationError) -> None:
        super().__init__(row)
        self.row = row
        self.error = error


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _create_organisation(*, actor: User, data: dict[str, Any], job_id: int | None) -> None:
    from .services.organisations import _audit, _save_validated

    fields = dict(data)
    organisation = Organisation(
        kind=fields.pop("kind"),
        prefecture_id=fields.pop("prefecture", None),
        location_id=fields.pop("location", None),
        local_government_id=fields.pop("local_government", None),
    )
    for name, value in fields.items():
        setattr(organisation, name, value)
    _save_validated(organisation)
    _audit(
        actor=actor,
        organisation=organisation,
        action="organisation.imported",
        kind=organisation.kind,
        job=job_id,
    )


def _create_posting(*, actor: User, data: dict[str, Any], publish: bool) -> bool:
    """Create one posting as a draft; publish it when asked and the organisation is
    verified. Returns whether it was published."""
    from .services import posting_create, posting_publish

    fields = dict(data)
    organisation = Organisation.objects.get(pk=fields.pop("organisation"))
    sdgs = fields.pop("sdgs", [])
    themes = list(Theme.objects.filter(kind=Theme.Kind.SDG, number__in=sdgs)) if sdgs else []
    for name in ("starts_on", "ends_on"):
        if fields.get(name):
            fields[name] = date.fromisoformat(fields[name])
    fields["prefecture"] = (
        Prefecture.objects.get(pk=fields["prefecture"]) if fields.get("prefecture") else None
    )
    fields["location"] = (
        LocalGovernment.objects.get(pk=fields["location"]) if fields.get("location") else None
    )
    # The organisation's first administrator is the contact, not the importing coordinator.
    admin = (
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN)
        .order_by("created_at")
        .values_list("user_id", flat=True)
        .first()
    )
    fields["contact_id"] = admin
    posting = posting_create(organisation=organisation, actor=actor, data=fields, themes=themes)
    if publish and organisation.is_verified:
        posting_publish(posting=posting, actor=actor)
        return True
    return False


def _apply(
    job: ImportJob, *, actor: User, rows: list[dict[str, Any]], on_row: Any = None
) -> tuple[int, int]:
    """Create every row (the caller holds the transaction). Raises RowFailed."""
    created = published = 0
    for index, row in enumerate(rows, start=1):
        try:
            if job.kind == ImportJob.Kind.ORGANISATIONS:
                _create_organisation(actor=actor, data=row["data"], job_id=job.pk)
            else:
                published += _create_posting(actor=actor, data=row["data"], publish=job.publish)
        except ValidationError as exc:
            raise RowFailed(row["line"], exc) from exc
        created += 1
        if on_row is not None:
            on_row(index)
    return created, published


def _rehearse(job: ImportJob, *, actor: User, rows: list[dict[str, Any]], errors: RowErrors) -> int:
    """Try every row in a transaction that is rolled back; collect what the database refuses
    (duplicates, constraints). Returns how many would be published."""
    published = 0
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        published += _apply(job, actor=actor, rows=[row])[1]
                except RowFailed as failed:
                    for column, message in _messages(failed.error):
                        errors.add(failed.row, column, message)
            raise _Rehearsal
    except _Rehearsal:
        pass
    return published


# --- Services ---------------------------------------------------------------------------


def import_job_preview(
    *, user: User, kind: str, upload: UploadedFile, publish: bool = False
) -> ImportJob:
    """Read and check the upload, rehearse the import, and store the job as `ready` (no
    errors) or `invalid` with its row errors. Nothing else is saved. Raises CsvRejected when
    the file as a whole cannot be used (then no job is stored)."""
    text, encoding = decode_upload(upload)
    records = read_rows(text, kind)
    scope = coordinator_prefecture_codes(user)
    errors = RowErrors()
    rows = []
    for line, values in records:
        data = CLEANERS[kind](line, values, scope=scope, errors=errors)
        if data is not None:
            rows.append({"line": line, "data": data})
    job = ImportJob(
        created_by=user,
        kind=kind,
        filename=(upload.name or "")[:200],
        encoding=encoding,
        publish=publish,
        total=len(records),
    )
    published = _rehearse(job, actor=user, rows=rows, errors=errors) if rows else 0
    job.errors = sorted(errors.items, key=lambda e: e["row"])[:MAX_ERRORS_SHOWN]
    job.status = ImportJob.Status.INVALID if errors.items else ImportJob.Status.READY
    job.rows = rows if not errors.items else []
    job.published_count = published if not errors.items else 0
    job.save()
    return job


def _progress_key(job_id: int) -> str:
    return f"partners:import-job:{job_id}:processed"


def import_job_progress(job: ImportJob) -> int:
    """Rows processed so far: the cache while running, the row otherwise."""
    if job.status == ImportJob.Status.RUNNING:
        try:
            return int(cache.get(_progress_key(job.pk)) or 0)
        except Exception:  # noqa: BLE001 - progress is cosmetic; never fail the page for it
            return 0
    return job.processed


@transaction.atomic
def import_job_start(*, job: ImportJob, user: User) -> bool:
    """Queue a ready job (once: a double submit has one effect). The task runs after commit."""
    from .tasks import import_job_run

    claimed = ImportJob.objects.filter(
        pk=job.pk, created_by=user, status=ImportJob.Status.READY
    ).update(status=ImportJob.Status.QUEUED)
    if claimed:
        transaction.on_commit(partial(import_job_run.delay, job_id=job.pk))
    return bool(claimed)


def import_job_execute(*, job_id: int) -> str:
    """Run a queued job in one transaction. Idempotent: only a queued job is claimed.
    Returns the final status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job.status

    def on_row(index: int) -> None:
        if index % PROGRESS_EVERY == 0 or index == len(job.rows):
            with contextlib.suppress(Exception):  # progress is cosmetic
                cache.set(_progress_key(job_id), index, timeout=3600)

    result: dict[str, Any] = {"finished_at": timezone.now()}
    try:
        if job.created_by is None or not job.created_by.is_active:
            raise RowFailed(0, ValidationError(_("The coordinator's account is no longer active.")))
        with transaction.atomic():
            created, published = _apply(job, actor=job.created_by, rows=job.rows, on_row=on_row)
    except RowFailed as failed:
        errors = RowErrors()
        for column, message in _messages(failed.error):
            errors.add(failed.row, column, message)
        result |= {"status": ImportJob.Status.FAILED, "errors": errors.items, "processed": 0}
    except OperationalError:
        # Transient (the database restarted): put it back in the queue and let Celery retry.
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.QUEUED)
        raise
    except Exception:
        logger.exception("import job %s failed", job_id)
        result |= {
            "status": ImportJob.Status.FAILED,
            "errors": [{"row": 0, "column": "", "message": _("An unexpected error stopped it.")}],
            "processed": 0,
        }
    else:
        result |= {
            "status": ImportJob.Status.SUCCEEDED,
            "processed": len(job.rows),
            "created_count": created,
            "published_count": published,
        }
    result["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(**result)
    return result["status"]
