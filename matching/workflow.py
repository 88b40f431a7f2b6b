"""The proposal workflow: one service function per transition.

    suggested ─request─▶ requested ─approve─▶ approved ─all parties accept─▶ accepted
                         (or created     └─reject─▶ rejected      └─a party declines─▶ declined
                          by hand as               (reason code)       (reason code)
                          approved)                                └─no answer in time─▶ expired

Every transition is a conditional UPDATE on the current state inside a transaction, so of
many concurrent attempts exactly one changes the row and the others get False ("already
decided") and change nothing. Each writes an AuditEvent (who, from → to, note) and records its
notifications in the same transaction (sankangaku.notifications outbox).
"""

from datetime import date, datetime, timedelta
from typing import Any

import jpholiday
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.access import proposal_party_ids
from partners.models import AuditEvent, Membership, Organisation, Posting, PostingStatus
from partners.services import ServiceError

from . import notices
from .models import MatchProposal, ProposalResponse, ReasonCode

State = MatchProposal.State
Answer = ProposalResponse.Answer


# --- Review SLA in Japanese working days -----------------------------------------------------


def is_working_day(day: date) -> bool:
    """Weekdays that are not national holidays nor the year-end closure (29 Dec – 3 Jan) that
    municipal offices and schools keep."""
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def review_due_on(requested_at: datetime) -> date:
    return add_working_days(
        timezone.localdate(requested_at), settings.PROPOSAL_REVIEW_SLA_WORKING_DAYS
    )


# --- Helpers -----------------------------------------------------------------------------------


def _clean_reason(reason_code: str, reason_text: str) -> tuple[str, str]:
    reason_text = (reason_text or "").strip()[:500]
    if reason_code not in ReasonCode.values:
        raise ServiceError(_("Please choose a reason."))
    if reason_code == ReasonCode.OTHER and not reason_text:
        raise ServiceError(_("Please say briefly what the other reason is."))
    return reason_code, reason_text


def _audit(proposal: MatchProposal, *, actor: Any, before: str, after: str, **data: Any) -> None:
    AuditEvent.objects.create(
        actor=actor,
        organisation_id=proposal.posting.organisation_id,
        action=f"proposal.{after}",
        data={"proposal": proposal.pk, "from": before, "to": after, **data},
    )


def _move(proposal: MatchProposal, *, before: str, after: str, **fields: Any) -> bool:
    now = timezone.now()
    return bool(
        MatchProposal.objects.filter(pk=proposal.pk, state=before).update(
            state=after, state_changed_at=now, **fields
        )
    )


def _requester_accepts(proposal: MatchProposal) -> bool:
    """A request made by a member of the posting's organisation is that party's yes."""
    return bool(
        proposal.requested_by_id
        and Membership.objects.filter(
            organisation_id=proposal.posting.organisation_id, user_id=proposal.requested_by_id
        ).exists()
    )


def _open_responses(proposal: MatchProposal) -> None:
    now = timezone.now()
    requester_yes = _requester_accepts(proposal)
    ProposalResponse.objects.bulk_create(
        [
            ProposalResponse(
                proposal=proposal,
                organisation_id=organisation_id,
                answer=Answer.ACCEPTED if accepted else Answer.PENDING,
                answered_by_id=proposal.requested_by_id if accepted else None,
                answered_at=now if accepted else None,
            )
            for organisation_id in proposal_party_ids(proposal)
            for accepted in [requester_yes and organisation_id == proposal.posting.organisation_id]
        ],
        ignore_conflicts=True,
    )


# --- Transitions ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_decide(
    *,
    proposal: MatchProposal,
    coordinator: Any,
    approve: bool,
    note: str = "",
    reason_code: str = "",
    reason_text: str = "",
) -> bool:
    """A coordinator approves or rejects a requested introduction. False when it was already
    decided (by someone else, or by a double submit)."""
    note = (note or "").strip()[:2000]
    fields: dict[str, Any] = {
        "decided_by": coordinator,
        "decided_at": timezone.now(),
        "decision_note": note,
    }
    if not approve:
        fields["reason_code"], fields["reason_text"] = _clean_reason(reason_code, reason_text)
    after = State.APPROVED if approve else State.REJECTED
    if not _move(proposal, before=State.REQUESTED, after=after, **fields):
        return False
    proposal.refresh_from_db()
    _audit(
        proposal,
        actor=coordinator,
        before=State.REQUESTED,
        after=after,
        note=note,
        reason=fields.get("reason_code", ""),
    )
    if approve:
        _open_responses(proposal)
    notices.proposal_decided(proposal, actor=coordinator)
    return True


@transaction.atomic
def proposal_respond(
    *,
    proposal: MatchProposal,
    organisation: Organisation,
    user: Any,
    accept: bool,
    reason_code: str = "",
    reason_text: str = "",
) -> bool:
    """A party accepts or declines an approved proposal. The last acceptance makes it
    accepted; one decline makes it declined. False when this party already answered or the
    proposal is no longer waiting for answers."""
    reason: tuple[str, str] = ("", "")
    if not accept:
        reason = _clean_reason(reason_code, reason_text)
    # Lock the proposal: answers of different parties must not both think they were last.
    locked = MatchProposal.objects.select_for_update().select_related("posting").get(pk=proposal.pk)
    if locked.state != State.APPROVED:
        return False
    answered = ProposalResponse.objects.filter(
        proposal=locked, organisation=organisation, answer=Answer.PENDING
    ).update(
        answer=Answer.ACCEPTED if accept else Answer.DECLINED,
        answered_by=user,
        answered_at=timezone.now(),
        reason_code=reason[0],
        reason_text=reason[1],
    )
    if not answered:
        return False
    if not accept:
        _move(
            locked,
            before=State.APPROVED,
            after=State.DECLINED,
            reason_code=reason[0],
            reason_text=reason[1],
        )
        _audit(
            locked,
            actor=user,
            before=State.APPROVED,
            after=State.DECLINED,
            organisation=organisation.pk,
            reason=reason[0],
        )
    elif not locked.responses.exclude(answer=Answer.ACCEPTED).exists():
        _move(locked, before=State.APPROVED, after=State.ACCEPTED)
        _audit(
            locked,
            actor=user,
            before=State.APPROVED,
            after=State.ACCEPTED,
            organisation=organisation.pk,
        )
        # Everyone said yes: the project is formed in the same transaction.
        from projects.services import project_form_from_proposal  # projects build on matching

        locked.refresh_from_db()
        project_form_from_proposal(locked, actor=user)
    else:
        AuditEvent.objects.create(
            actor=user,
            organisation_id=locked.posting.organisation_id,
            action="proposal.party_accepted",
            data={"proposal": locked.pk, "organisation": organisation.pk},
        )
    locked.refresh_from_db()
    notices.party_responded(locked, organisation=organisation, accepted=accept, actor=user)
    return True


@transaction.atomic
def proposal_create_by_hand(
    *,
    coordinator: Any,
    posting: Posting,
    partner_posting: Posting,
    second_partner_posting: Posting | None = None,
    note: str = "",
) -> MatchProposal:
    """A coordinator proposes a pair or triad themselves: it starts approved, and every
    party is asked to accept."""
    postings = [posting, partner_posting] + (
        [second_partner_posting] if second_partner_posting else []
    )
    organisations = [p.organisation_id for p in postings]
    if len(set(organisations)) != len(organisations):
        raise ServiceError(_("Choose postings of different organisations."))
    if any(p.status != PostingStatus.OPEN for p in postings):
        raise ServiceError(_("Only open postings can be proposed."))
    kind = MatchProposal.Kind.TRIAD if second_partner_posting else MatchProposal.Kind.PAIR
    lookup = {
        "posting": posting,
        "kind": kind,
        "partner_id": partner_posting.organisation_id,
        "second_partner_id": second_partner_posting.organisation_id
        if second_partner_posting
        else None,
    }
    existing = MatchProposal.objects.select_for_update().filter(**lookup).first()
    if existing is not None and existing.state != State.SUGGESTED:
        raise ServiceError(_("These organisations have already been proposed for this posting."))
    now = timezone.now()
    values = {
        "partner_posting": partner_posting,
        "second_partner_posting": second_partner_posting,
        "state": State.APPROVED,
        "created_by": coordinator,
        "decided_by": coordinator,
        "decided_at": now,
        "decision_note": (note or "").strip()[:2000],
        "state_changed_at": now,
    }
    if existing is None:
        proposal = MatchProposal.objects.create(
            **lookup, score=0.0, rank=0, breakdown={}, engine_version="manual", **values
        )
        before = "new"
    else:
        for field, value in values.items():
            setattr(existing, field, value)
        existing.save()
        proposal, before = existing, State.SUGGESTED
    _audit(
        proposal,
        actor=coordinator,
        before=before,
        after=State.APPROVED,
        note=values["decision_note"],
    )
    _open_responses(proposal)
    notices.proposal_decided(proposal, actor=coordinator)
    return proposal


def proposals_expire_stale(*, now: datetime | None = None) -> int:
    """Approved proposals whose parties did not all answer within PROPOSAL_RESPONSE_DAYS
    expire. Idempotent; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PROPOSAL_RESPONSE_DAYS)
    expired = 0
    stale = MatchProposal.objects.filter(state=State.APPROVED, decided_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    for pk in list(stale):
        with transaction.atomic():
            proposal = MatchProposal.objects.select_related("posting").get(pk=pk)
            if not _move(proposal, before=State.APPROVED, after=State.EXPIRED):
                continue
            _audit(proposal, actor=None, before=State.APPROVED, after=State.EXPIRED)
            proposal.refresh_from_db()
            notices.proposal_expired(proposal)
            expired += 1
    return expired


def reason_counts(posting: Posting) -> list[tuple[str, int]]:
    """How often requests for this posting were rejected or declined, by reason (labels),
    most frequent first: shown to the posting's members so they can improve it."""
    rows = (
        MatchProposal.objects.filter(posting=posting)
        .exclude(reason_code="")
        .values("reason_code")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason_code")
    )
    labels = dict(ReasonCode.choices)
    return [(labels[row["reason_code"]], row["count"]) for row in rows]
