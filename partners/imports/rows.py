"""Cleaning rows: every cell of a data row checked and turned into the plain data a job
stores (JSON) and later creates. Problems are collected per row and column in `RowErrors`;
a row with any error gives None."""

import re
import unicodedata
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import identifiers
from ..models import (
    FundingRoute,
    ImportJob,
    LocalGovernment,
    Organisation,
    OrganisationKind,
    PlaceScope,
    Visibility,
)
from .columns import CHOICES, DIRECTION_WORDS, KIND_WORDS, unescape_formula

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
        literal = unescape_formula(value)  # our own export's escape: meant literally
        if literal is not None:
            value = literal
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
    # The code first: it names the same organisation in every database (an exported file
    # carries both), the portal's ID only in this one.
    if cells.get("organisation_code"):
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
    elif cells.get("organisation_id"):
        value = unicodedata.normalize("NFKC", cells["organisation_id"])
        found = organisations.filter(pk=int(value)).first() if value.isdigit() else None
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
