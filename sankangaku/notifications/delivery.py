"""Email delivery: claim a row, send it, record the outcome. At least once, idempotently.

A row is claimed with a conditional update (pending → sending), so two workers never both
send it. Temporary SMTP failures (4xx, dropped connections) are retried with exponential
backoff and jitter; permanent ones (5xx) and rows that run out of attempts are dead-lettered
for the admin's resend action. A worker killed mid-send leaves a row in `sending`; the sweep
returns it to `pending` after NOTIFICATIONS_CLAIM_TIMEOUT, which is why a kill can cause at
most one duplicate email per kill and pool process, never a lost one.
"""

import logging
import random
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .kinds import SPECS, Channel
from .models import EmailState, Notification, Preference
from .rendering import email_for

logger = logging.getLogger(__name__)


class Outcome:
    SENT = "sent"
    NOT_CLAIMED = "not_claimed"
    SKIPPED = "skipped"
    RETRY = "retry"
    DEAD = "dead"


def is_permanent(exc: BaseException) -> bool:
    """5xx answers are permanent; 4xx, timeouts and dropped connections are worth a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def backoff_seconds(attempts: int) -> float:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    delay = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return delay * random.uniform(0.5, 1.5)  # jitter: failed rows do not retry in lockstep


def deliver(notification_id: int) -> str:
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, email_state=EmailState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(email_state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Outcome.NOT_CLAIMED
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    rows = Notification.objects.filter(pk=notification_id)
    # The person may have switched this kind off since the event. Role defaults never say
    # "in the portal only", so only an explicit preference can (one cheap query per email).
    if (
        notification.recipient_id
        and not SPECS[notification.kind].transactional
        and Preference.objects.filter(
            user_id=notification.recipient_id, kind=notification.kind, channel=Channel.IN_APP
        ).exists()
    ):
        rows.update(email_state=EmailState.SKIPPED, secret_url="")
        return Outcome.SKIPPED
    try:
        email_for(notification).send()
    except Exception as exc:  # every failure is recorded; the kind of failure decides what next
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent(exc) or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            rows.update(email_state=EmailState.DEAD, last_error=error)
            logger.error("notification %s dead-lettered: %s", notification_id, error)
            return Outcome.DEAD
        delay = backoff_seconds(notification.attempts)
        rows.update(
            email_state=EmailState.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=error,
        )
        logger.warning(
            "notification %s attempt %s failed, retry in %.1fs: %s",
            notification_id,
            notification.attempts,
            delay,
            error,
        )
        from .services import enqueue

        enqueue(notification_id, countdown=delay)
        return Outcome.RETRY
    rows.update(email_state=EmailState.SENT, sent_at=timezone.now(), secret_url="", last_error="")
    return Outcome.SENT


def sweep(now=None) -> dict[str, int]:
    """Re-enqueue what the broker lost: stale claims back to pending, due pending rows sent
    again. Safe to run any time and as often as wanted: the claim makes repeats no-ops."""
    from .services import enqueue

    now = now or timezone.now()
    released = Notification.objects.filter(
        email_state=EmailState.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT),
    ).update(email_state=EmailState.PENDING)
    due = list(
        Notification.objects.filter(
            email_state=EmailState.PENDING,
            created_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS),
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_SWEEP_BATCH]
    )
    enqueued = sum(enqueue(pk) for pk in due)
    return {"released": released, "due": len(due), "enqueued": enqueued}
