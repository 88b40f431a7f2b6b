"""The CSV columns of the organisation and posting imports: machine names, Japanese
aliases, help for the upload page, the words accepted for kinds and directions, the
columns an export adds that the import ignores, and the one rule for formula-like cells
that exports escape and imports unescape (so a file exported here imports back as is)."""

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from ..models import (
    CompanySize,
    Direction,
    FundingRoute,
    ImportJob,
    Industry,
    LegalForm,
    OrganisationKind,
    SchoolKind,
    Visibility,
)


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


# Columns the exports add for people reading the file (ids, names, labels, states, dates):
# the import skips them, so an exported file imports back without editing. An exported
# `id` is ignored too: imported rows are always new.
EXPORT_ONLY_COLUMNS: dict[str, tuple[str, ...]] = {
    ImportJob.Kind.ORGANISATIONS: (
        "id",
        "kind_label",
        "prefecture",
        "municipality",
        "verification",
        "registered_at",
    ),
    ImportJob.Kind.POSTINGS: (
        "id",
        "organisation",
        "direction_label",
        "prefecture",
        "municipality",
        "status",
        "status_label",
        "published_at",
        "expires_on",
    ),
}

# A cell starting with one of these is escaped on export with a leading apostrophe (OWASP's
# advice for CSV injection); the import takes such an apostrophe away again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_START) else text


def unescape_formula(text: str) -> str | None:
    """The text an exported cell stood for, or None when it was not escaped by us."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return None


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
