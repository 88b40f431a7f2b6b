"""CSV exports for coordinators (their region) and for municipal and school administrators
(their own organisation's postings).

Files are UTF-8 with a byte-order mark so that Excel opens the Japanese correctly, rows end
in CRLF, and every text cell that a spreadsheet would run as a formula (= + - @, tab,
carriage return) gets a leading apostrophe. The querysets start from what the user may see
(STYLE.md rule 12).

The organisation and posting files are the import's format (see `partners.imports`): the
header row holds the import's machine column names and the importable columns hold machine
values, so a file exported here imports back as is, in either language. Labels for people
(kind, direction, status, names of places) sit in extra columns the import skips.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sankangaku.accounts.models import User

from .access import coordinator_prefecture_codes
from .imports import escape_formula
from .models import Organisation, Posting


def cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet: text that would run as a formula is prefixed
    with an apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    return escape_formula(str(value))


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([cell(title) for title in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response


# --- Scoped querysets -------------------------------------------------------------------


def organisation_export_list_for(*, user: User) -> QuerySet[Organisation]:
    """Organisations in a coordinator's prefectures (all when unscoped)."""
    organisations = Organisation.objects.select_related("prefecture", "location__prefecture")
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        organisations = organisations.filter(prefecture_id__in=codes)
    return organisations.order_by("pk")


def posting_export_list_for(*, user: User) -> QuerySet[Posting]:
    """Postings of organisations in a coordinator's prefectures, drafts included (coordinators
    review them)."""
    postings = Posting.objects.select_related(
        "organisation", "prefecture", "location__prefecture"
    ).prefetch_related("themes")
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        postings = postings.filter(organisation__prefecture_id__in=codes)
    return postings.order_by("pk")


def proposal_export_list_for(*, user: User) -> QuerySet[Any]:
    """Proposals people acted on (not the engine's bare suggestions) for postings of
    organisations in a coordinator's prefectures."""
    from matching.models import MatchProposal  # matching builds on partners

    proposals = MatchProposal.objects.exclude(state=MatchProposal.State.SUGGESTED).select_related(
        "posting__organisation", "partner", "second_partner"
    )
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        proposals = proposals.filter(posting__organisation__prefecture_id__in=codes)
    return proposals.order_by("pk")


# --- Rows -------------------------------------------------------------------------------


def organisations_csv(organisations: Iterable[Organisation]) -> HttpResponse:
    header = [
        "id",
        "kind",
        "kind_label",
        "name",
        "name_kana",
        "municipality_code",
        "prefecture",
        "municipality",
        "corporate_number",
        "legal_form",
        "industry",
        "company_size",
        "school_kind",
        "school_code",
        "website",
        "description",
        "verification",
        "registered_at",
    ]
    rows = (
        [
            o.pk,
            o.kind,
            o.get_kind_display(),
            o.name,
            o.name_kana,
            o.location_id or o.local_government_id or "",
            o.prefecture.name if o.prefecture_id else "",
            o.location.name if o.location_id else "",
            o.corporate_number or "",
            o.legal_form,
            o.industry,
            o.company_size,
            o.school_kind,
            o.school_code or "",
            o.website,
            o.description,
            o.get_verification_status_display(),
            o.created_at,
        ]
        for o in organisations
    )
    return csv_response("organisations.csv", header, rows)


def _organisation_code(organisation: Organisation) -> str:
    """The identifier the import finds an organisation by in any database."""
    return (
        organisation.corporate_number
        or organisation.local_government_id
        or organisation.school_code
        or ""
    )


def postings_csv(postings: Iterable[Posting], filename: str = "postings.csv") -> HttpResponse:
    header = [
        "id",
        "organisation_code",
        "organisation_id",
        "organisation",
        "direction",
        "direction_label",
        "title",
        "body",
        "place_scope",
        "municipality_code",
        "prefecture_code",
        "prefecture",
        "municipality",
        "starts_on",
        "ends_on",
        "funding_route",
        "budget_min",
        "budget_max",
        "visibility",
        "sdgs",
        "status",
        "status_label",
        "published_at",
        "expires_on",
    ]
    rows = (
        [
            p.pk,
            _organisation_code(p.organisation),
            p.organisation_id,
            p.organisation.name,
            p.direction,
            p.get_direction_display(),
            p.title,
            p.body,
            p.place_scope,
            p.location_id or "",
            p.prefecture_id or "",
            p.prefecture.name if p.prefecture_id else "",
            p.location.name if p.location_id else "",
            p.starts_on,
            p.ends_on,
            p.funding_route,
            p.budget_min,
            p.budget_max,
            p.visibility,
            " ".join(str(t.number) for t in p.themes.all() if t.number),
            p.status,
            p.get_status_display(),
            p.published_at,
            p.expires_on,
        ]
        for p in postings
    )
    return csv_response(filename, header, rows)


def proposals_csv(proposals: Iterable[Any]) -> HttpResponse:
    header = [
        _("ID"),
        _("Posting"),
        _("Organisation"),
        _("Partner"),
        _("Second partner"),
        _("Kind"),
        _("State"),
        _("Score"),
        _("Requested"),
        _("Decided"),
        _("State changed"),
    ]
    rows = (
        [
            p.pk,
            p.posting.title,
            p.posting.organisation.name,
            p.partner.name,
            p.second_partner.name if p.second_partner_id else "",
            p.get_kind_display(),
            p.get_state_display(),
            round(p.score, 3),
            p.requested_at,
            p.decided_at,
            p.state_changed_at,
        ]
        for p in proposals
    )
    return csv_response("proposals.csv", header, rows)
