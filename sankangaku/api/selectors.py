"""Reads for the open API. Everything starts from what an anonymous visitor may see, whoever
calls: the API has no sign-in, so a signed-in member's session never widens it."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from partners import selectors as partner_selectors
from partners.access import posting_visible_q
from partners.models import (
    LocalGovernment,
    Organisation,
    Posting,
    PostingStatus,
    Prefecture,
    Theme,
)
from projects import selectors as project_selectors
from projects.models import CaseStudy


def organisation_api_list(
    *, q: str = "", kind: str = "", prefecture: Prefecture | None = None, verified: bool = False
) -> QuerySet[Organisation]:
    """The public directory (refused organisations never appear), ordered by name, id."""
    return partner_selectors.organisation_filter(
        organisations=partner_selectors.organisation_public_list(),
        q=q,
        kind=kind,
        prefecture=prefecture,
        verified=verified,
    ).prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("slug")))


def posting_api_open() -> QuerySet[Posting]:
    """Open postings an anonymous visitor may see: public visibility, status open. Drafts,
    postings in review, closed or expired ones, members-only and coordinators-only ones
    never appear."""
    return (
        Posting.objects.filter(posting_visible_q(AnonymousUser()), status=PostingStatus.OPEN)
        .select_related("organisation", "prefecture", "location")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("slug")))
        .defer("search_tokens", "search_ngrams")
    )


def theme_api_list(*, kind: str = "") -> QuerySet[Theme]:
    themes = Theme.objects.filter(is_active=True)
    if kind:
        themes = themes.filter(kind=kind)
    return themes.order_by("kind", "position", "slug")


def prefecture_api_list(*, region: str = "") -> QuerySet[Prefecture]:
    prefectures = Prefecture.objects.all()
    if region:
        prefectures = prefectures.filter(region=region)
    return prefectures.order_by("code")


def local_government_api_list(
    *, prefecture: int | None = None, level: str = ""
) -> QuerySet[LocalGovernment]:
    governments = LocalGovernment.objects.all()
    if prefecture is not None:
        governments = governments.filter(prefecture_id=prefecture)
    if level:
        governments = governments.filter(level=level)
    return governments.order_by("code")


def case_study_api_list(
    *,
    q: str = "",
    prefecture: Prefecture | None = None,
    sdg: Theme | None = None,
    kind: str = "",
) -> QuerySet[CaseStudy]:
    """Published case studies only (projects.selectors.case_study_public_list)."""
    return project_selectors.case_study_public_list(q=q, prefecture=prefecture, sdg=sdg, kind=kind)
