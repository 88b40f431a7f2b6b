"""Reads for matching: stored proposals only — pages never compute on the request path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from partners.models import Posting, PostingStatus, Visibility

from . import explain
from .models import MatchProposal


@dataclass
class Suggestion:
    proposal: MatchProposal
    sentences: list[str]
    bars: list[explain.Bar]
    second_sentences: list[str]


def _suggestion(
    proposal: MatchProposal, funding_route: str, names: Mapping[str, str]
) -> Suggestion:
    breakdown: dict[str, Any] = proposal.breakdown
    if proposal.kind == MatchProposal.Kind.TRIAD:
        first, second = breakdown.get("first", {}), breakdown.get("second", {})
        return Suggestion(
            proposal,
            explain.sentences(first, names=names, funding_route=funding_route),
            explain.bars(first),
            explain.sentences(second, names=names, funding_route=funding_route),
        )
    return Suggestion(
        proposal,
        explain.sentences(breakdown, names=names, funding_route=funding_route),
        explain.bars(breakdown),
        [],
    )


_SUGGESTION_RELATED = {
    MatchProposal.Kind.PAIR: (
        "partner__prefecture",
        "partner__location__prefecture",
        "partner_posting",
    ),
    MatchProposal.Kind.TRIAD: ("partner", "second_partner"),
}
# The columns those lists show (matching/_suggestions.html, explain): a partner's name, kind
# and place label, a partner posting's title. Whole rows were ≈ 115 columns for a pair, and
# Django's compiler pays for every selected column of an ordered query (it matches the ORDER
# BY against each one): with whole rows a pair list cost 5.5–6.3 ms of CPU, with these
# 3.9–4.1; a triad list 3.2–4.1 → 2.2–2.3 ms (300 postings of the load data set, in process).
_PLACE = ("name", "name_en")
_PROPOSAL_SHOWN = ("posting_id", "kind", "score", "rank", "breakdown", "state")
_SUGGESTION_ONLY = {
    MatchProposal.Kind.PAIR: (
        *_PROPOSAL_SHOWN,
        "partner__kind",
        "partner__name",
        *(f"partner__prefecture__{f}" for f in _PLACE),
        "partner__location__name",
        "partner__location__level",
        *(f"partner__location__prefecture__{f}" for f in _PLACE),
        "partner_posting__title",
    ),
    MatchProposal.Kind.TRIAD: (*_PROPOSAL_SHOWN, "partner__name", "second_partner__name"),
}


def suggestion_list_for_posting(
    *, posting: Posting, kind: str, limit: int = 10
) -> list[Suggestion]:
    """The posting's proposals of one kind, best first, with explanations.

    The engine matches over every open posting, but these lists are shown to the posting's
    organisation: a partner posting meant for coordinators only must not appear in them (its
    title would leak; tests/security/test_canary_leaks.py)."""
    proposals = (
        MatchProposal.objects.filter(posting=posting, kind=kind, created_by__isnull=True)
        .exclude(partner_posting__visibility=Visibility.COORDINATORS)
        .exclude(second_partner_posting__visibility=Visibility.COORDINATORS)
        # Only what each list shows (matching/_suggestions.html): a pair's partner with its
        # place and posting, a triad's two names. Every join made PostgreSQL's planning of
        # this query dearer (≈ 4 ms with all ten tables, more than running it).
        .select_related(*_SUGGESTION_RELATED[kind])
        .only(*_SUGGESTION_ONLY[kind])
        .order_by("rank")[:limit]
    )
    names = explain.theme_names(p.breakdown for p in proposals)
    return [_suggestion(p, posting.funding_route, names) for p in proposals]


def triad_list_for_coordinator(*, prefecture_codes: set[int] | None) -> QuerySet[MatchProposal]:
    """The best three-way proposals (rank 1–3) of open issues in the coordinator's region."""
    proposals = (
        MatchProposal.objects.filter(
            kind=MatchProposal.Kind.TRIAD,
            rank__lte=3,
            posting__status=PostingStatus.OPEN,
            posting__direction="issue",
        )
        .select_related("posting__organisation", "partner", "second_partner")
        .order_by("-score", "pk")
    )
    if prefecture_codes is not None:
        proposals = proposals.filter(posting__organisation__prefecture_id__in=prefecture_codes)
    return proposals


_WORKFLOW_RELATED = (
    "posting__organisation__prefecture",
    "partner",
    "second_partner",
    "requested_by",
)


def review_queue(
    *,
    prefecture_codes: set[int] | None,
    prefecture: Any = None,
    kind: str = "",
    requested_before: Any = None,
) -> QuerySet[MatchProposal]:
    """Requested introductions waiting for a coordinator, oldest first (the SLA order)."""
    proposals = (
        MatchProposal.objects.filter(state=MatchProposal.State.REQUESTED)
        .select_related(*_WORKFLOW_RELATED)
        .order_by("requested_at", "pk")
    )
    if prefecture_codes is not None:
        proposals = proposals.filter(posting__organisation__prefecture_id__in=prefecture_codes)
    if prefecture is not None:
        proposals = proposals.filter(posting__organisation__prefecture=prefecture)
    if kind:
        proposals = proposals.filter(kind=kind)
    if requested_before is not None:
        proposals = proposals.filter(requested_at__lte=requested_before)
    return proposals


def proposals_for_organisations(organisation_ids: list[int]) -> QuerySet[MatchProposal]:
    """Every proposal beyond `suggested` that involves one of these organisations, newest
    change first."""
    from django.db.models import F, Q

    return (
        MatchProposal.objects.exclude(state=MatchProposal.State.SUGGESTED)
        .filter(
            Q(posting__organisation_id__in=organisation_ids)
            | Q(partner_id__in=organisation_ids)
            | Q(second_partner_id__in=organisation_ids)
        )
        .select_related(*_WORKFLOW_RELATED)
        .prefetch_related("responses")
        .order_by(F("state_changed_at").desc(nulls_last=True), "-pk")
    )
