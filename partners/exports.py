"""CSV exports for coordinators (their region) and for municipal and school administrators
(their own organisation's postings).

Files are UTF-8 with a byte-order mark so that Excel opens the Japanese correctly, and every
text cell that a spreadsheet would run as a formula (= + - @, tab, carriage return) gets a
leading apostrophe. The querysets start from what the user may see (STYLE.md rule 12).
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
from .models import Organisation, Posting

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


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
        _("ID"),
        _("Kind"),
        _("Name"),
        _("Name in kana"),
        _("Prefecture"),
        _("Municipality"),
        _("Corporate number"),
        _("Local government code"),
        _("School code"),
        _("Verification"),
        _("Website"),
        _("Registered"),
    ]
    rows = (
        [
            o.pk,
            o.get_kind_display(),
            o.name,
            o.name_kana,
            o.prefecture.name if o.prefecture_id else "",
            o.location.name if o.location_id else "",
            o.corporate_number or "",
            o.local_government_id or "",
            o.school_code or "",
            o.get_verification_status_display(),
            o.website,
            o.created_at,
        ]
        for o in organisations
    )
    return csv_response("organisations.csv", header, rows)


def postings_csv(postings: Iterable[Posting], filename: str = "postings.csv") -> HttpResponse:
    header = [
        _("ID"),
        _("Organisation"),
        _("Direction"),
        _("Title"),
        _("Summary"),
        _("Status"),
        _("Visibility"),
        _("Place"),
        _("Prefecture"),
        _("Municipality"),
        _("From"),
        _("Until"),
        _("Funding route"),
        _("SDGs"),
        _("Published"),
        _("Expires on"),
    ]
    rows = (
        [
            p.pk,
            p.organisation.name,
            p.get_direction_display(),
            p.title,
            p.body,
            p.get_status_display(),
            p.get_visibility_display(),
            p.get_place_scope_display(),
            p.prefecture.name if p.prefecture_id else "",
            p.location.name if p.location_id else "",
            p.starts_on,
            p.ends_on,
            p.get_funding_route_display(),
            " ".join(str(t.number) for t in p.themes.all() if t.number),
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
