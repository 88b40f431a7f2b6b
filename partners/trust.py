"""Trust signals on organisation profiles, computed periodically into `OrganisationStats`.

- Response rate and median response time to introductions in the last 12 months: for every
  `matching.ProposalResponse` of an approved proposal decided in the window, the time from the
  proposal's `decided_at` to the party's `answered_at`. A response still pending after
  `PROPOSAL_RESPONSE_DAYS` counts as no response. Two kinds of row are left out because the
  party had no real chance or no real choice: the requester's own automatic "yes" (recorded
  when the coordinator approves), and pending answers of a proposal another party already
  declined (it can no longer be answered).
- Completed projects: projects in state completed where the organisation is a party.
- Published case studies the organisation appears in.

`summarise_responses` is pure; `trust_signals_compute` loads the inputs in a handful of
queries for all organisations at once and upserts one row per organisation. Called by the
beat task `partners.tasks.trust_signals_compute_all` and `manage.py compute_trust_signals`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .models import Organisation, OrganisationStats

WINDOW = timedelta(days=365)
BATCH_SIZE = 1000


@dataclass(frozen=True)
class ResponseSummary:
    introductions: int
    answered: int
    median_response_hours: float | None


def summarise_responses(delays_hours: Iterable[float | None]) -> ResponseSummary:
    """Summarise one organisation's responses: each item is the hours it took to answer, or
    None for an introduction left unanswered past its deadline."""
    delays = list(delays_hours)
    answered = [max(0.0, d) for d in delays if d is not None]
    return ResponseSummary(
        introductions=len(delays),
        answered=len(answered),
        median_response_hours=round(median(answered), 2) if answered else None,
    )


def _response_delays(now: datetime) -> dict[int, list[float | None]]:
    from matching.models import MatchProposal, ProposalResponse  # matching builds on partners

    State, Answer = MatchProposal.State, ProposalResponse.Answer
    deadline = now - timedelta(days=settings.PROPOSAL_RESPONSE_DAYS)
    rows = (
        ProposalResponse.objects.filter(
            proposal__decided_at__gte=now - WINDOW, proposal__decided_at__lte=now
        )
        .values_list(
            "organisation_id",
            "answer",
            "answered_at",
            "answered_by_id",
            "proposal__decided_at",
            "proposal__state",
            "proposal__requested_by_id",
            "proposal__posting__organisation_id",
        )
        .order_by()
    )
    delays: dict[int, list[float | None]] = defaultdict(list)
    for org, answer, answered_at, by, decided_at, state, requester, owner in rows.iterator(
        chunk_size=5000
    ):
        if answer == Answer.PENDING:
            lapsed = decided_at < deadline and state in {State.APPROVED, State.EXPIRED}
            if lapsed:
                delays[org].append(None)
            continue
        if (
            org == owner
            and by is not None
            and by == requester
            and answered_at <= decided_at + (timedelta(minutes=1))
        ):
            continue  # the requester's automatic yes, not an answer to an introduction
        delays[org].append((answered_at - decided_at).total_seconds() / 3600)
    return delays


def _count_by_organisation(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    return dict(pairs)


def trust_signals_compute(*, now: datetime | None = None) -> int:
    """Recompute the stored trust signals of every organisation. Idempotent; returns the
    number of rows written."""
    from projects.models import CaseStudy, ProjectParty, ProjectState  # projects build on us

    now = now or timezone.now()
    delays = _response_delays(now)
    completed = _count_by_organisation(
        ProjectParty.objects.filter(project__state=ProjectState.COMPLETED)
        .values("organisation_id")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("organisation_id", "n")
        .order_by()
    )
    cases = _count_by_organisation(
        CaseStudy.organisations.through.objects.filter(casestudy__is_published=True)
        .values("organisation_id")
        .annotate(n=Count("casestudy_id", distinct=True))
        .values_list("organisation_id", "n")
        .order_by()
    )
    written = 0
    ids = Organisation.objects.order_by("pk").values_list("pk", flat=True)
    batch: list[OrganisationStats] = []
    for pk in ids.iterator(chunk_size=BATCH_SIZE):
        summary = summarise_responses(delays.get(pk, []))
        batch.append(
            OrganisationStats(
                organisation_id=pk,
                introductions=summary.introductions,
                answered=summary.answered,
                median_response_hours=summary.median_response_hours,
                completed_projects=completed.get(pk, 0),
                published_case_studies=cases.get(pk, 0),
                computed_at=now,
            )
        )
        if len(batch) >= BATCH_SIZE:
            written += _upsert(batch)
            batch = []
    if batch:
        written += _upsert(batch)
    return written


def _upsert(batch: list[OrganisationStats]) -> int:
    with transaction.atomic():
        OrganisationStats.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["organisation"],
            update_fields=[
                "introductions",
                "answered",
                "median_response_hours",
                "completed_projects",
                "published_case_studies",
                "computed_at",
            ],
        )
    return len(batch)
