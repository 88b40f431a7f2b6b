"""From the database to the engine's plain records (matching.core.Org / Post)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from types import SimpleNamespace

from django.db.models import Avg, QuerySet
from django.utils import timezone

from partners.models import LocalGovernment, Organisation, PlaceScope, Posting, PostingStatus
from partners.services import SEARCH_FIELDS, posting_text

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


# What build_index reads of a posting and its organisation: values() rows instead of model
# instances (building 2 × 100,000 models cost more than the text statistics).
_POSTING_VALUES = (
    "pk",
    "organisation_id",
    "direction",
    "search_tokens",
    *dict.fromkeys(SEARCH_FIELDS),
    "prefecture_id",
    "location_id",
    "online_ok",
    "place_scope",
    "starts_on",
    "ends_on",
    "school_year",
    "budget_status",
    "funding_route",
    "student_count",
    "budget_min",
    "budget_max",
)
_ORGANISATION_VALUES = (
    "kind",
    "name",
    "prefecture_id",
    "location_id",
    "local_government_id",
    "created_at",
)


def _place(row: dict, prefix: str) -> SimpleNamespace | None:
    """A related LocalGovernment as far as _point reads it (None when there is none)."""
    if row[f"{prefix}_id"] is None:
        return None
    return SimpleNamespace(
        latitude=row[f"{prefix}__latitude"], longitude=row[f"{prefix}__longitude"]
    )


def build_index(
    *,
    postings: QuerySet[Posting] | None = None,
    weights: dict[str, float] | None = None,
    today: date | None = None,
) -> Index:
    postings = postings if postings is not None else matchable_postings()
    organisation = [f"organisation__{name}" for name in _ORGANISATION_VALUES]
    places = [
        f"{prefix}__{name}"
        for prefix in ("location", "organisation__location", "organisation__local_government")
        for name in ("latitude", "longitude")
    ]
    rows = postings.values(*_POSTING_VALUES, *organisation, *places)
    themes: dict[int, set[str]] = {}
    through = Posting.themes.through.objects.filter(posting__in=postings.values("pk"))
    for posting_id, slug in through.values_list("posting_id", "theme__slug").iterator(
        chunk_size=10_000
    ):
        themes.setdefault(posting_id, set()).add(slug)
    orgs: dict[int, Org] = {}
    posts: list[Post] = []
    for row in rows.iterator(chunk_size=5000):
        org_id = row["organisation_id"]
        if org_id not in orgs:
            orgs[org_id] = org_record(
                SimpleNamespace(  # type: ignore[arg-type]
                    pk=org_id,
                    **{name: row[f"organisation__{name}"] for name in _ORGANISATION_VALUES},
                    location=_place(row, "organisation__location"),
                    local_government=_place(row, "organisation__local_government"),
                ),
                today=today,
            )
        posting = SimpleNamespace(
            **{name: row[name] for name in _POSTING_VALUES}, location=_place(row, "location")
        )
        posts.append(
            post_record(posting, theme_slugs=frozenset(themes.get(row["pk"], ())))  # type: ignore[arg-type]
        )
    return Index(orgs.values(), posts, weights=weights, today=today)
