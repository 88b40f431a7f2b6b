"""Writes for postings (stated issues and strengths) and open calls.

State machine (one service per transition):

    draft ──publish──> open                  (verified organisation, no review asked)
    draft ──publish──> in_review ──approve──> open
                                 └─return──> draft (with the coordinator's note)
    open ──close──> closed       open ──(expiry date passes)──> expired
    open/expired ──confirm──> open (fresh expiry date)

Each transition is atomic and race-safe: it updates the row only if it is still in the state
the transition starts from (a conditional UPDATE), so a double submit has one effect.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.analysis import char_ngrams, content_tokens

from .. import notices
from ..models import (
    CallResponse,
    Direction,
    Membership,
    Organisation,
    Posting,
    PostingStatus,
    Role,
    Theme,
)
from .organisations import ServiceError, _audit

# Fields whose text is searchable, in order of weight (the title counts twice).
SEARCH_FIELDS = (
    "title",
    "title",
    "body",
    "situation",
    "desired_outcome",
    "constraints",
    "assets",
    "partnership_forms",
    "offer_what",
    "offer_for_whom",
    "conditions",
    "capacity",
    "selection_criteria",
)


def _refresh_proposals(posting: Posting) -> None:
    """After commit, let the matching engine recompute this posting's suggestions (or drop
    them when it is no longer open)."""
    if settings.MATCHING_COMPUTE_ON_CHANGE:
        from matching.services import proposals_schedule  # matching builds on partners

        proposals_schedule(posting_id=posting.pk)


def posting_lifetime() -> timedelta:
    return timedelta(days=settings.POSTING_LIFETIME_DAYS)


def _today(now: datetime | None) -> date:
    return timezone.localdate(now or timezone.now())


def posting_text(posting: Posting) -> str:
    return "\n".join(getattr(posting, name) or "" for name in SEARCH_FIELDS)


def _analyse(posting: Posting, themes: list[Theme] | None) -> None:
    """Store the analysed text: Sudachi tokens (plus theme names) and character bigrams."""
    text = posting_text(posting)
    theme_words = [t.name_ja for t in themes] if themes else []
    posting.search_tokens = " ".join(content_tokens(text) + content_tokens(" ".join(theme_words)))
    posting.search_ngrams = " ".join(char_ngrams(text))


def _save(posting: Posting, themes: list[Theme] | None) -> None:
    _analyse(
        posting,
        themes if themes is not None else (list(posting.themes.all()) if posting.pk else []),
    )
    # The organisation, contact person and author are instances the caller loaded or a form
    # validated (the database's foreign keys still hold): checking that they exist cost a
    # query each on every save of a draft.
    posting.full_clean(
        exclude=["search_tokens", "search_ngrams", "organisation", "contact", "created_by"]
    )
    posting.save()
    if themes is not None:
        posting.themes.set(themes)


@transaction.atomic
def posting_create(
    *,
    organisation: Organisation,
    actor: Any,
    data: dict[str, Any],
    themes: list[Theme] | None = None,
) -> Posting:
    """A new draft; the author is its contact person."""
    posting = Posting(
        organisation=organisation, contact=actor, created_by=actor, status=PostingStatus.DRAFT
    )
    for field, value in data.items():
        setattr(posting, field, value)
    _save(posting, themes or [])
    _audit(
        actor=actor,
        organisation=organisation,
        action="posting.created",
        posting=posting.pk,
        direction=posting.direction,
    )
    return posting


@transaction.atomic
def posting_update(
    *, posting: Posting, actor: Any, data: dict[str, Any], themes: list[Theme] | None = None
) -> Posting:
    changed = sorted(k for k, v in data.items() if getattr(posting, k) != v)
    for field, value in data.items():
        setattr(posting, field, value)
    _save(posting, themes)
    _audit(
        actor=actor,
        organisation=posting.organisation,
        action="posting.updated",
        posting=posting.pk,
        fields=changed,
    )
    if posting.status == PostingStatus.OPEN:
        _refresh_proposals(posting)
    return posting


def _transition(posting: Posting, *, from_states: list[str], **changes: Any) -> bool:
    """Apply `changes` only if the posting is still in one of `from_states`."""
    updated = Posting.objects.filter(pk=posting.pk, status__in=from_states).update(
        **changes, updated_at=timezone.now()
    )
    if updated:
        for field, value in changes.items():
            setattr(posting, field, value)
    return bool(updated)


def _open_changes(now: datetime) -> dict[str, Any]:
    return {
        "status": PostingStatus.OPEN,
        "published_at": now,
        "last_confirmed_at": now,
        "expires_on": _today(now) + posting_lifetime(),
        "reminded_at": None,
    }


@transaction.atomic
def posting_publish(*, posting: Posting, actor: Any, now: datetime | None = None) -> str:
    """Publish a draft. Verified organisations publish directly unless they asked for a
    review; unverified ones go to the coordinators' review queue. Returns the new status."""
    now = now or timezone.now()
    if not posting.title.strip() or not posting.body.strip():
        raise ServiceError(_("Write a title and a summary before publishing."))
    if posting.organisation.is_verified and not posting.wants_review:
        changes = _open_changes(now)
    else:
        changes = {"status": PostingStatus.IN_REVIEW}
    if not _transition(posting, from_states=[PostingStatus.DRAFT], **changes):
        raise ServiceError(_("This posting is no longer a draft."))
    _audit(
        actor=actor,
        organisation=posting.organisation,
        action="posting.submitted",
        posting=posting.pk,
        status=posting.status,
    )
    if posting.status == PostingStatus.OPEN:
        _refresh_proposals(posting)
    return posting.status


@transaction.atomic
def posting_review_decide(
    *, posting: Posting, coordinator: Any, approve: bool, note: str, now: datetime | None = None
) -> bool:
    """A coordinator publishes a posting waiting for review, or returns it to draft with a
    note. False when someone else decided first."""
    note = note.strip()
    if not approve and not note:
        raise ServiceError(_("Please write a note saying what to improve."))
    changes = _open_changes(now or timezone.now()) if approve else {"status": PostingStatus.DRAFT}
    changes["review_note"] = note
    if not _transition(posting, from_states=[PostingStatus.IN_REVIEW], **changes):
        return False
    _audit(
        actor=coordinator,
        organisation=posting.organisation,
        action="posting.review_approved" if approve else "posting.review_returned",
        posting=posting.pk,
        note=note,
    )
    notices.posting_review_decided(posting, actor=coordinator, published=approve, note=note)
    if approve:
        _refresh_proposals(posting)
    return True


@transaction.atomic
def posting_close(*, posting: Posting, actor: Any, now: datetime | None = None) -> bool:
    closed = _transition(
        posting,
        from_states=[PostingStatus.OPEN, PostingStatus.EXPIRED, PostingStatus.IN_REVIEW],
        status=PostingStatus.CLOSED,
        closed_at=now or timezone.now(),
    )
    if closed:
        _audit(
            actor=actor,
            organisation=posting.organisation,
            action="posting.closed",
            posting=posting.pk,
        )
        _refresh_proposals(posting)
    return closed


@transaction.atomic
def posting_confirm(*, posting: Posting, actor: Any, now: datetime | None = None) -> bool:
    """ "Still current": one click moves the expiry date forward. Works on expired postings
    too, which reopens them."""
    now = now or timezone.now()
    confirmed = _transition(
        posting,
        from_states=[PostingStatus.OPEN, PostingStatus.EXPIRED],
        status=PostingStatus.OPEN,
        last_confirmed_at=now,
        expires_on=_today(now) + posting_lifetime(),
        reminded_at=None,
    )
    if confirmed:
        _audit(
            actor=actor,
            organisation=posting.organisation,
            action="posting.confirmed",
            posting=posting.pk,
        )
        _refresh_proposals(posting)
    return confirmed


def posting_expire_stale(*, now: datetime | None = None) -> int:
    """Expire open postings whose expiry date has passed. Idempotent; returns how many."""
    today = _today(now)
    with transaction.atomic():
        stale = list(
            Posting.objects.select_for_update(skip_locked=True)
            .filter(status=PostingStatus.OPEN, expires_on__lt=today)
            .values_list("pk", flat=True)
        )
        Posting.objects.filter(pk__in=stale, status=PostingStatus.OPEN).update(
            status=PostingStatus.EXPIRED, updated_at=timezone.now()
        )
        for posting in Posting.objects.filter(pk__in=stale).select_related("contact"):
            notices.posting_expired(posting)
        for pk in stale:
            if settings.MATCHING_COMPUTE_ON_CHANGE:
                from matching.services import proposals_schedule

                proposals_schedule(posting_id=pk)
    return len(stale)


def posting_send_reminders(*, now: datetime | None = None) -> int:
    """Remind owners of open postings that expire within POSTING_REMIND_DAYS, once per
    expiry date (the stamp is cleared when they confirm)."""
    now = now or timezone.now()
    horizon = _today(now) + timedelta(days=settings.POSTING_REMIND_DAYS)
    with transaction.atomic():
        due = list(
            Posting.objects.select_for_update(skip_locked=True)
            .filter(status=PostingStatus.OPEN, expires_on__lte=horizon, reminded_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Posting.objects.filter(pk__in=due).update(reminded_at=now)
        for posting in Posting.objects.filter(pk__in=due).select_related("contact"):
            notices.posting_expiring(posting)
    return len(due)


def posting_handover_on_leave(*, organisation: Organisation, user: Any) -> int:
    """When someone leaves, their postings stay with the organisation without a contact, and
    the administrators are asked to name a new one. Runs inside the leaving transaction."""
    postings = list(
        Posting.objects.filter(organisation=organisation, contact=user).values_list("pk", flat=True)
    )
    if postings:
        Posting.objects.filter(pk__in=postings).update(contact=None)
        notices.postings_handed_over(organisation, posting_ids=postings, left=user)
    return len(postings)


@transaction.atomic
def posting_set_contact(*, posting: Posting, actor: Any, contact: Any) -> Posting:
    if not Membership.objects.filter(organisation=posting.organisation, user=contact).exists():
        raise ServiceError(_("The contact person must be a member of the organisation."))
    posting.contact = contact
    posting.save(update_fields=["contact", "updated_at"])
    _audit(
        actor=actor,
        organisation=posting.organisation,
        action="posting.contact_changed",
        posting=posting.pk,
        contact=contact.pk,
    )
    return posting


# --- Open calls -------------------------------------------------------------------------


@transaction.atomic
def call_response_submit(
    *,
    call: Posting,
    organisation: Organisation,
    actor: Any,
    data: dict[str, Any],
    now: datetime | None = None,
) -> CallResponse:
    if not call.is_open_call or call.direction != Direction.ISSUE:
        raise ServiceError(_("This posting does not take proposals."))
    if call.status != PostingStatus.OPEN:
        raise ServiceError(_("This call is no longer open."))
    if call.call_deadline and call.call_deadline < _today(now):
        raise ServiceError(_("The deadline for proposals has passed."))
    if organisation.pk == call.organisation_id:
        raise ServiceError(_("You cannot answer your own call."))
    if CallResponse.objects.filter(call=call, organisation=organisation).exists():
        raise ServiceError(_("Your organisation has already answered this call."))
    response = CallResponse(call=call, organisation=organisation, submitted_by=actor, **data)
    response.full_clean()
    response.save()
    _audit(
        actor=actor,
        organisation=call.organisation,
        action="call.response_submitted",
        posting=call.pk,
        responder=organisation.pk,
    )
    return response


@transaction.atomic
def call_response_shortlist(*, response: CallResponse, actor: Any, shortlisted: bool) -> bool:
    source = CallResponse.Status.SUBMITTED if shortlisted else CallResponse.Status.SHORTLISTED
    target = CallResponse.Status.SHORTLISTED if shortlisted else CallResponse.Status.SUBMITTED
    updated = CallResponse.objects.filter(pk=response.pk, status=source).update(status=target)
    if updated:
        response.status = target
        _audit(
            actor=actor,
            organisation=response.call.organisation,
            action="call.shortlisted" if shortlisted else "call.unshortlisted",
            posting=response.call_id,
            response=response.pk,
        )
    return bool(updated)


@transaction.atomic
def call_choose(
    *, call: Posting, response: CallResponse, actor: Any, now: datetime | None = None
) -> bool:
    """Choose one response; every other respondent is told they were not chosen, and the
    call closes. False (nothing changes) when a choice was already made."""
    now = now or timezone.now()
    locked = Posting.objects.select_for_update().get(pk=call.pk)
    if locked.responses.filter(status=CallResponse.Status.CHOSEN).exists():
        return False
    if response.call_id != call.pk:
        raise ServiceError(_("This proposal belongs to another call."))
    CallResponse.objects.filter(pk=response.pk).update(
        status=CallResponse.Status.CHOSEN, decided_at=now
    )
    locked.responses.exclude(pk=response.pk).update(
        status=CallResponse.Status.NOT_CHOSEN, decided_at=now
    )
    _transition(
        locked,
        from_states=[PostingStatus.OPEN, PostingStatus.EXPIRED],
        status=PostingStatus.CLOSED,
        closed_at=now,
    )
    _audit(
        actor=actor,
        organisation=call.organisation,
        action="call.chosen",
        posting=call.pk,
        response=response.pk,
    )
    notices.call_decided(locked)
    return True


def organisation_admin_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN).values_list(
            "user__email", flat=True
        )
    )
