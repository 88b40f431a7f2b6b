"""From the database to the engine's plain records (matching.core.Org / Post)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from django.db.models import Avg, QuerySet
from django.utils import timezone

from partners.models import LocalGovernment, Organisation, PlaceScope, Posting, PostingStatus
from partners.services import posting_text

from .core import Index, Org, Post

NEW_ORGANISATION_DAYS = 60


@lru_cache(maxsize=1)
def prefecture_centres() -> dict[int, tuple[float, float]]:
    """Mean position of each prefecture's municipalities (the data set has no prefecture
    coordinates)."""
    rows = (
        LocalGovernment.objects.exclude(latitude__isnull=True)
        .values("prefecture_id")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
    )
    return {row["prefecture_id"]: (row["lat"], row["lng"]) for row in rows}


def _point(
    government: LocalGovernment | None, prefecture_id: int | None
) -> tuple[float | None, float | None]:
    if government is not None and government.latitude is not None:
        return government.latitude, government.longitude
    if prefecture_id is not None:
        return prefecture_centres().get(prefecture_id, (None, None))
    return None, None


def org_record(organisation: Organisation, *, today: date | None = None) -> Org:
    today = today or timezone.localdate()
    government = organisation.location or organisation.local_government
    lat, lng = _point(government, organisation.prefecture_id)
    return Org(
        id=organisation.pk,
        kind=organisation.kind,
        name=organisation.name,
        prefecture=organisation.prefecture_id,
        municipality=(organisation.location_id or organisation.local_government_id),
        lat=lat,
        lng=lng,
        is_new=organisation.created_at.date() >= today - timedelta(days=NEW_ORGANISATION_DAYS)
        if organisation.created_at
        else False,
    )


def post_record(posting: Posting, *, theme_slugs: frozenset[str] | None = None) -> Post:
    lat, lng = _point(posting.location, posting.prefecture_id)
    starts, ends = posting.starts_on, posting.ends_on
    if not starts and not ends and posting.school_year:
        # A school year runs from April to March.
        starts = date(posting.school_year, 4, 1)
        ends = date(posting.school_year + 1, 3, 31)
    return Post(
        id=posting.pk,
        org_id=posting.organisation_id,
        direction=posting.direction,
        tokens=posting.search_tokens.split(),
        text=posting_text(posting),
        themes=theme_slugs if theme_slugs is not None else frozenset(),
        prefecture=posting.prefecture_id,
        municipality=posting.location_id,
        lat=lat,
        lng=lng,
        online_ok=posting.online_ok or posting.place_scope == PlaceScope.ONLINE,
        nationwide=posting.place_scope == PlaceScope.NATIONWIDE,
        starts_on=starts,
        ends_on=ends,
        budget_next_year=posting.budget_status == "next_year",
        funding_route=posting.funding_route,
        student_count=posting.student_count,
        budget_min=posting.budget_min,
        budget_max=posting.budget_max,
    )


def matchable_postings() -> QuerySet[Posting]:
    """What the engine matches over: open postings of verified or pending organisations."""
    return Posting.objects.filter(status=PostingStatus.OPEN).exclude(
        organisation__verification_status="rejected"
    )


def build_index(
    *,
    postings: QuerySet[Posting] | None = None,
    weights: dict[str, float] | None = None,
    today: date | None = None,
) -> Index:
    postings = (
        (postings if postings is not None else matchable_postings())
        .select_related("location", "organisation__location", "organisation__local_government")
        .prefetch_related("themes")
    )
    orgs: dict[int, Org] = {}
    posts: list[Post] = []
    for posting in postings.iterator(chunk_size=2000):
        if posting.organisation_id not in orgs:
            orgs[posting.organisation_id] = org_record(posting.organisation, today=today)
        slugs = frozenset(t.slug for t in posting.themes.all())
        posts.append(post_record(posting, theme_slugs=slugs))
    return Index(orgs.values(), posts, weights=weights, today=today)
