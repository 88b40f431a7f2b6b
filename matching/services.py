"""Writes for matching: compute and store proposals, record introduction requests.

The engine's index lives in the worker process (build_index costs seconds at scale, the
SudachiPy dictionary ≈ 100 MB): it is reused for MATCHING_INDEX_MAX_AGE seconds, while the
query posting itself is always read fresh, so a changed posting gets proposals from its new
text at once and new candidates appear within that age (and at every full recompute).
"""

from __future__ import annotations

import enum
import gc
import json
import os
import time
import uuid
from typing import NamedTuple

import billiard
from django.conf import settings
from django.db import connections, models, router, transaction
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
# The full recompute ranks and stores this many postings per transaction.
RECOMPUTE_BATCH = 500
# ... and works in chunks of this many postings (consecutive in id order): each chunk is
# ranked, re-ranked for diversity among its own postings and stored by one process, a
# forked one or any Celery worker (tasks.proposals_recompute_chunk), independently of the
# other chunks, so the work spreads over processes and machines (matching/README.md).
RECOMPUTE_CHUNK = 1000
STORE_BATCH_ROWS = 2000

_cache: dict[str, object] = {}


def index_get(*, fresh: bool = False, run: str | None = None) -> Index:
    """The process's index, rebuilt when older than settings.MATCHING_INDEX_MAX_AGE; with
    `run` (a full recompute's id), rebuilt only when this process has not built one since
    that run began, and then reused whatever its age (one build per worker process per
    run, however many of its chunks the process takes)."""
    if run is not None:
        stale = _cache.get("run") != run
    else:
        age = time.monotonic() - _cache.get("built_at", 0.0)  # type: ignore[operator]
        stale = age > settings.MATCHING_INDEX_MAX_AGE
    if fresh or "index" not in _cache or stale:
        from .feedback import active_weights

        _cache["index"] = build_index(weights=active_weights())
        _cache["built_at"] = time.monotonic()
        if run is not None:
            _cache["run"] = run
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
    """What a stored proposal keeps of a candidate (the fields of Candidate but org_id)."""
    return {
        "score": candidate.score,
        "signals": candidate.signals,
        "shared_words": candidate.shared_words,
        "shared_themes": candidate.shared_themes,
        "distance_km": candidate.distance_km,
        "posting_id": candidate.posting_id,
    }


class RawJson(str):
    """A JSON document already encoded (by a recompute process), written as it is."""


class RankedPair(NamedTuple):
    """A pair candidate as the recompute passes it between processes: what the diversity
    re-ranking reads (org_id, score) and the stored row's fields, the breakdown encoded."""

    org_id: int
    score: float
    posting_id: int | None
    breakdown: RawJson


class RankedTriad(NamedTuple):
    first_id: int
    first_posting_id: int | None
    second_id: int
    second_posting_id: int | None
    score: float
    breakdown: RawJson


def _ranked_pair(candidate: Candidate) -> RankedPair:
    return RankedPair(
        candidate.org_id,
        candidate.score,
        candidate.posting_id,
        RawJson(json.dumps(_breakdown(candidate))),
    )


def _ranked_triad(triad: Triad) -> RankedTriad:
    first, second = triad.members
    breakdown = {"fit": triad.fit, "first": _breakdown(first), "second": _breakdown(second)}
    return RankedTriad(
        first.org_id,
        first.posting_id,
        second.org_id,
        second.posting_id,
        triad.score,
        RawJson(json.dumps(breakdown)),
    )


def _proposal_rows(
    posting_id: int, pairs: list[RankedPair], triads: list[RankedTriad], acted: set[tuple]
) -> list[dict[str, object]]:
    """The new suggested rows of one posting, as field values (attname → value)."""
    rows: list[dict[str, object]] = []
    for rank, pair in enumerate(pairs, start=1):
        if (posting_id, "pair", pair.org_id, None) in acted:
            continue
        rows.append(
            {
                "posting_id": posting_id,
                "kind": MatchProposal.Kind.PAIR.value,
                "partner_id": pair.org_id,
                "partner_posting_id": pair.posting_id,
                "score": pair.score,
                "rank": rank,
                "breakdown": pair.breakdown,
                "engine_version": ENGINE_VERSION,
            }
        )
    for rank, triad in enumerate(triads, start=1):
        if (posting_id, "triad", triad.first_id, triad.second_id) in acted:
            continue
        rows.append(
            {
                "posting_id": posting_id,
                "kind": MatchProposal.Kind.TRIAD.value,
                "partner_id": triad.first_id,
                "partner_posting_id": triad.first_posting_id,
                "second_partner_id": triad.second_id,
                "second_partner_posting_id": triad.second_posting_id,
                "score": triad.score,
                "rank": rank,
                "breakdown": triad.breakdown,
                "engine_version": ENGINE_VERSION,
            }
        )
    return rows


def _store(results: dict[int, tuple[list[RankedPair], list[RankedTriad]]]) -> int:
    """Replace the suggested proposals of these postings (posting id → (pairs, triads)) in
    one transaction and a fixed number of queries; keep rows people have acted on. Postings
    deleted meanwhile are skipped. Returns the number of stored suggestions."""
    if not results:
        return 0
    with transaction.atomic():
        posting_ids = set(Posting.objects.filter(pk__in=list(results)).values_list("pk", flat=True))
        acted = set(
            MatchProposal.objects.filter(posting_id__in=posting_ids)
            .exclude(state=MatchProposal.State.SUGGESTED)
            .values_list("posting_id", "kind", "partner_id", "second_partner_id")
        )
        # Partners already shown (or acted on) before this computation: what is left of the
        # new top list is news for the posting's people.
        shown = set(
            MatchProposal.objects.filter(
                posting_id__in=posting_ids, kind=MatchProposal.Kind.PAIR
            ).values_list("posting_id", "partner_id")
        )
        # Only the ids: a model pointing at proposals (SET_NULL) makes Django fetch the rows
        # before deleting them, and the JSON breakdowns are large.
        MatchProposal.objects.filter(
            posting_id__in=posting_ids, state=MatchProposal.State.SUGGESTED
        ).only("pk").delete()
        rows = []
        for posting_id, (pairs, triads) in results.items():
            if posting_id in posting_ids:
                rows.extend(_proposal_rows(posting_id, pairs, triads, acted))
        _insert(rows)
        fresh: dict[int, int] = {}
        for row in rows:
            key = (row["posting_id"], row["partner_id"])
            if row["kind"] == MatchProposal.Kind.PAIR.value and key not in shown:
                fresh[row["posting_id"]] = fresh.get(row["posting_id"], 0) + 1
        notices.new_suggestions(fresh)
    return len(rows)


def _insert(rows: list[dict[str, object]]) -> None:
    """Insert new MatchProposal rows given as field values (unset fields get their model
    default; auto_now fields now). On PostgreSQL through COPY: bulk_create builds a model
    per row and sends the JSON breakdowns as escaped text arrays (UNNEST), which cost more
    CPU than ranking the posting; COPY streams the rows as they are."""
    if not rows:
        return
    connection = connections[router.db_for_write(MatchProposal)]
    if connection.vendor != "postgresql":
        MatchProposal.objects.bulk_create(
            [
                MatchProposal(
                    **{
                        name: json.loads(value) if isinstance(value, RawJson) else value
                        for name, value in row.items()
                    }
                )
                for row in rows
            ],
            batch_size=STORE_BATCH_ROWS,
        )
        return
    now = timezone.now()
    fields = [f for f in MatchProposal._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    for name, value in defaults.items():
        if isinstance(value, enum.Enum):  # choices (state): psycopg would send the name
            defaults[name] = value.value
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(MatchProposal._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, defaults[field.attname])
                if field.attname in json_fields and not isinstance(value, RawJson):
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)


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
    return _store(
        {posting.pk: ([_ranked_pair(c) for c in pairs], [_ranked_triad(t) for t in triads])}
    )


# The index the recompute processes share: set in the parent just before it forks them, so
# each inherits it copy-on-write instead of building its own.
_shared_index: Index | None = None


def _rank_batch(
    index: Index, posting_ids: list[int]
) -> list[tuple[int, list[RankedPair], list[RankedTriad]]]:
    """Rank one batch of postings (pairs and triads share the posting's text work); plain
    tuples out. No database."""
    index.prepare([index.posts[pk] for pk in posting_ids])
    ranked = []
    for pk in posting_ids:
        post = index.posts[pk]
        pairs = index.rank(post, limit=PAIRS_PER_POSTING * 2)
        triads = index.triads(post, limit=TRIADS_PER_POSTING) if post.direction == "issue" else []
        ranked.append((pk, [_ranked_pair(c) for c in pairs], [_ranked_triad(t) for t in triads]))
    return ranked


def recompute_chunks(posting_ids: list[int]) -> list[list[int]]:
    """The full recompute's chunks: RECOMPUTE_CHUNK postings at a time, in id order."""
    ordered = sorted(posting_ids)
    return [
        ordered[start : start + RECOMPUTE_CHUNK]
        for start in range(0, len(ordered), RECOMPUTE_CHUNK)
    ]


def _recompute_chunk(index: Index, posting_ids: list[int]) -> int:
    """Rank, re-rank for diversity and store one chunk of the full recompute, in batches of
    RECOMPUTE_BATCH postings (one transaction each) with the exposure carried over from the
    chunk's earlier batches (the same result as one pass over the chunk). Returns the
    number of stored suggestions."""
    posting_ids = _existing_postings(index, sorted(posting_ids))
    exposure: dict[int, int] = {}
    stored = 0
    for start in range(0, len(posting_ids), RECOMPUTE_BATCH):
        ranked = _rank_batch(index, posting_ids[start : start + RECOMPUTE_BATCH])
        pairs = rerank_for_diversity({pk: p for pk, p, _t in ranked}, exposure=exposure)
        stored += _store({pk: (pairs[pk][:PAIRS_PER_POSTING], t) for pk, _p, t in ranked})
    return stored


def proposals_recompute_chunk(*, posting_ids: list[int], run: str | None = None) -> int:
    """One chunk of the full recompute (a list from recompute_chunks), with this process's
    index (built once for the `run`, see index_get). Idempotent. Returns the number of
    stored suggestions."""
    return _recompute_chunk(index_get(run=run), posting_ids)


def _recompute_chunk_forked(posting_ids: list[int]) -> int:
    """A chunk in a forked recompute process, with the shared index and a database
    connection of its own (closed when the chunk is stored)."""
    assert _shared_index is not None
    try:
        return _recompute_chunk(_shared_index, posting_ids)
    finally:
        connections.close_all()


def _forked_worker_init() -> None:
    """In a forked recompute process: keep the inherited database connections referenced
    (freeing one would close the parent's session) but out of use, and give every alias a
    fresh connection of this process's own (opened on first use, outside any transaction
    the parent may have been in)."""
    global _inherited_connections
    _inherited_connections = []
    for alias in connections:
        _inherited_connections.append(connections[alias])
        connections[alias] = connections.create_connection(alias)


_inherited_connections: list[object] = []


def recompute_processes() -> int:
    """How many processes the full recompute uses by default: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _recompute_chunks(index: Index, chunks: list[list[int]], processes: int) -> int:
    """Recompute the chunks here, or in `processes` forked processes that share the index
    built by this one (copy-on-write), each storing its chunks on its own connection."""
    global _shared_index
    if processes <= 1 or len(chunks) <= 1:
        return sum(_recompute_chunk(index, chunk) for chunk in chunks)
    _shared_index = index
    # Objects that exist now never need the collector again; freezing them keeps the
    # children from touching (and so copying) the pages of the shared index.
    gc.collect()
    gc.freeze()
    try:
        # billiard (Celery's multiprocessing) rather than multiprocessing: a Celery prefork
        # worker process is daemonic, and multiprocessing refuses to fork from one.
        pool = billiard.get_context("fork").Pool(
            min(processes, len(chunks)), initializer=_forked_worker_init
        )
        try:
            # One chunk at a time per process, largest share of the work first served.
            return sum(pool.imap_unordered(_recompute_chunk_forked, chunks, chunksize=1))
        finally:
            pool.terminate()
            pool.join()
    finally:
        gc.unfreeze()
        _shared_index = None


def _remove_closed() -> int:
    """Suggestions of postings that are no longer open."""
    return (
        MatchProposal.objects.filter(state=MatchProposal.State.SUGGESTED)
        .exclude(posting__status=PostingStatus.OPEN)
        .delete()[0]
    )


def proposals_recompute_all(
    *, chunk: list[int] | None = None, processes: int = 1
) -> dict[str, float]:
    """Recompute every open posting's proposals from one fresh index, re-ranked across
    postings so one large organisation does not fill every list. `chunk` limits the work to
    some postings.

    The postings are split into chunks of RECOMPUTE_CHUNK in id order (recompute_chunks);
    each chunk is ranked, re-ranked for diversity among its postings and stored in
    transactions of RECOMPUTE_BATCH postings. With `processes` > 1 the index is built once,
    here, and that many forked processes (Linux) share it and each recompute and store
    whole chunks on connections of their own (so call it outside a transaction): the same
    rows as with one process."""
    started = time.perf_counter()
    index = index_get(fresh=True)
    posting_ids = sorted(
        chunk if chunk is not None else matchable_postings().values_list("pk", flat=True)
    )
    posting_ids = _existing_postings(index, posting_ids)
    stored = _recompute_chunks(index, recompute_chunks(posting_ids), processes)
    return {
        "postings": len(posting_ids),
        "proposals": stored,
        "removed": _remove_closed(),
        "processes": processes,
        "seconds": round(time.perf_counter() - started, 2),
    }


def proposals_recompute_fan_out() -> dict[str, int]:
    """The full recompute spread over Celery workers: one proposals_recompute_chunk task
    per chunk (any worker of the `matching` queue takes it and builds its index once for
    the run), enqueued after commit. Returns the number of postings and chunks."""
    removed = _remove_closed()
    posting_ids = list(matchable_postings().values_list("pk", flat=True))
    chunks = recompute_chunks(posting_ids)
    # A run id rather than a time: worker clocks need not agree.
    run = uuid.uuid4().hex

    def enqueue() -> None:
        for chunk in chunks:
            tasks.proposals_recompute_chunk.delay(posting_ids=chunk, run=run)

    transaction.on_commit(enqueue)
    return {"postings": len(posting_ids), "chunks": len(chunks), "removed": removed}


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
        state_changed_at=timezone.now(),
    )
    if not updated:
        if proposal.state == MatchProposal.State.SUGGESTED:
            raise ServiceError(_("This suggestion is no longer available."))
        return False
    AuditEvent.objects.create(
        actor=user,
        organisation=proposal.posting.organisation,
        action="proposal.requested",
        data={"proposal": proposal.pk, "from": "suggested", "to": "requested", "note": message},
    )
    proposal.refresh_from_db()
    notices.introduction_requested(proposal, actor=user)
    return True
