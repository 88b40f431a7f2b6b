"""Writes for matching: compute and store proposals, record introduction requests.

The engine's index lives in the worker process (build_index costs seconds at scale, the
SudachiPy dictionary ≈ 100 MB): it is reused for MATCHING_INDEX_MAX_AGE seconds, while the
query posting itself is always read fresh, so a changed posting gets proposals from its new
text at once and new candidates appear within that age (and at every full recompute).
"""

from __future__ import annotations

import time
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import AuditEvent, Posting, PostingStatus
from partners.services import ServiceError

from . import notices, tasks
from .core import ENGINE_VERSION, Candidate, Index, Triad, rerank_for_diversity
from .loading import build_index, matchable_postings, org_record, post_record
from .models import MatchProposal

PAIRS_PER_POSTING = 10
TRIADS_PER_POSTING = 10

_cache: dict[str, object] = {}


def index_get(*, fresh: bool = False) -> Index:
    """The process's index, rebuilt when older than settings.MATCHING_INDEX_MAX_AGE."""
    built = _cache.get("built_at", 0.0)
    if (
        fresh
        or "index" not in _cache
        or time.monotonic() - built > (settings.MATCHING_INDEX_MAX_AGE)
    ):
        from .feedback import active_weights

        _cache["index"] = build_index(weights=active_weights())
        _cache["built_at"] = time.monotonic()
    return _cache["index"]  # type: ignore[return-value]


def index_forget() -> None:
    _cache.clear()


def _with_query(index: Index, posting: Posting) -> None:
    """Make sure the index knows the query posting as it is now."""
    post = post_record(posting, theme_slugs=frozenset(t.slug for t in posting.themes.all()))
    if posting.organisation_id not in index.orgs:
        index.orgs[posting.organisation_id] = org_record(posting.organisation)
    from .themes import infer_themes

    if not post.themes:
        post.themes = infer_themes(post.tokens)
    index.posts[posting.pk] = post


def _breakdown(candidate: Candidate) -> dict:
    data = asdict(candidate)
    data.pop("org_id")
    return data


def _store(posting: Posting, pairs: list[Candidate], triads: list[Triad]) -> int:
    """Replace the posting's suggested proposals; keep rows people have acted on."""
    with transaction.atomic():
        kept = MatchProposal.objects.filter(posting=posting).exclude(
            state=MatchProposal.State.SUGGESTED
        )
        acted = {(p.kind, p.partner_id, p.second_partner_id) for p in kept}
        MatchProposal.objects.filter(posting=posting, state=MatchProposal.State.SUGGESTED).delete()
        rows = []
        for rank, candidate in enumerate(pairs, start=1):
            if ("pair", candidate.org_id, None) in acted:
                continue
            rows.append(
                MatchProposal(
                    posting=posting,
                    kind=MatchProposal.Kind.PAIR,
                    partner_id=candidate.org_id,
                    partner_posting_id=candidate.posting_id,
                    score=candidate.score,
                    rank=rank,
                    breakdown=_breakdown(candidate),
                    engine_version=ENGINE_VERSION,
                )
            )
        for rank, triad in enumerate(triads, start=1):
            first, second = triad.members
            if ("triad", first.org_id, second.org_id) in acted:
                continue
            rows.append(
                MatchProposal(
                    posting=posting,
                    kind=MatchProposal.Kind.TRIAD,
                    partner_id=first.org_id,
                    partner_posting_id=first.posting_id,
                    second_partner_id=second.org_id,
                    second_partner_posting_id=second.posting_id,
                    score=triad.score,
                    rank=rank,
                    breakdown={
                        "fit": triad.fit,
                        "first": _breakdown(first),
                        "second": _breakdown(second),
                    },
                    engine_version=ENGINE_VERSION,
                )
            )
        MatchProposal.objects.bulk_create(rows)
    return len(rows)


def _existing_postings(index: Index, posting_ids: list[int]) -> list[int]:
    return [pk for pk in posting_ids if pk in index.posts]


def proposals_compute_for_posting(*, posting_id: int, index: Index | None = None) -> int:
    """Compute and store the proposals of one posting. A posting that is no longer open
    loses its suggestions. Idempotent. Returns the number of stored suggestions."""
    posting = (
        Posting.objects.select_related("organisation__location", "location")
        .prefetch_related("themes")
        .filter(pk=posting_id)
        .first()
    )
    if posting is None:
        return 0
    if posting.status != PostingStatus.OPEN:
        MatchProposal.objects.filter(posting=posting, state=MatchProposal.State.SUGGESTED).delete()
        return 0
    index = index or index_get()
    _with_query(index, posting)
    post = index.posts[posting.pk]
    pairs = index.rank(post, limit=PAIRS_PER_POSTING)
    triads = index.triads(post, limit=TRIADS_PER_POSTING) if post.direction == "issue" else []
    return _store(posting, pairs, triads)


def proposals_recompute_all(*, chunk: list[int] | None = None) -> dict[str, float]:
    """Recompute every open posting's proposals from one fresh index, re-ranked across
    postings so one large organisation does not fill every list. `chunk` limits the work to
    some postings (parallel workers each take a chunk)."""
    started = time.perf_counter()
    index = index_get(fresh=True)
    posting_ids = sorted(
        chunk if chunk is not None else matchable_postings().values_list("pk", flat=True)
    )
    posting_ids = _existing_postings(index, posting_ids)
    pairs = {pk: index.rank(index.posts[pk], limit=PAIRS_PER_POSTING * 2) for pk in posting_ids}
    pairs = {
        pk: candidates[:PAIRS_PER_POSTING] for pk, candidates in rerank_for_diversity(pairs).items()
    }
    postings = Posting.objects.in_bulk(posting_ids)
    stored = 0
    for pk in posting_ids:
        post = index.posts[pk]
        triads = index.triads(post, limit=TRIADS_PER_POSTING) if post.direction == "issue" else []
        stored += _store(postings[pk], pairs[pk], triads)
    closed = (
        MatchProposal.objects.filter(state=MatchProposal.State.SUGGESTED)
        .exclude(posting__status=PostingStatus.OPEN)
        .delete()[0]
    )
    return {
        "postings": len(posting_ids),
        "proposals": stored,
        "removed": closed,
        "seconds": round(time.perf_counter() - started, 2),
    }


def proposals_schedule(*, posting_id: int) -> None:
    """Ask for a recompute after commit, debounced: several changes within
    MATCHING_DEBOUNCE_SECONDS lead to one computation."""
    from django.core.cache import cache

    key = f"matching:pending:{posting_id}"

    def enqueue() -> None:
        try:
            first = cache.add(key, 1, timeout=settings.MATCHING_DEBOUNCE_SECONDS)
        except Exception:  # noqa: BLE001 - a cache outage must not fail the request
            first = True
        if first:
            tasks.proposals_compute.apply_async(
                kwargs={"posting_id": posting_id},
                countdown=settings.MATCHING_DEBOUNCE_SECONDS,
            )

    transaction.on_commit(enqueue)


@transaction.atomic
def proposal_request_introduction(*, proposal: MatchProposal, user: object, message: str) -> bool:
    """A member asks coordinators to introduce them to a suggested partner. False when it
    was already requested (double submit)."""
    message = message.strip()[:1000]
    updated = MatchProposal.objects.filter(
        pk=proposal.pk, state=MatchProposal.State.SUGGESTED
    ).update(
        state=MatchProposal.State.REQUESTED,
        requested_by=user,
        requested_at=timezone.now(),
        request_message=message,
    )
    if not updated:
        if proposal.state == MatchProposal.State.SUGGESTED:
            raise ServiceError(_("This suggestion is no longer available."))
        return False
    AuditEvent.objects.create(
        actor=user,
        organisation=proposal.posting.organisation,
        action="proposal.requested",
        data={"proposal": proposal.pk},
    )
    proposal.refresh_from_db()
    notices.introduction_requested(proposal, actor=user)
    return True
