"""Daily and weekly digests: the items people chose not to get one by one.

A digest run (beat, see CELERY_BEAT_SCHEDULE) finds everyone with items waiting for that
cadence and sends each one email. Items are claimed into a Digest row whose key names the
person, cadence and period, so a repeated run in the same period sends nothing twice; a
person with nothing waiting gets no email; an item emailed at once is never in a digest
(its state is `sent`, not `digest`).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .kinds import SPECS, Channel
from .models import Digest, EmailState, Notification, Preference
from .rendering import digest_email_for

logger = logging.getLogger(__name__)


def period_key(cadence: str, now: datetime) -> str:
    local = timezone.localtime(now)
    if cadence == Channel.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def recipients_due(cadence: str) -> list[int]:
    return list(
        Notification.objects.filter(
            email_state=EmailState.DIGEST, channel=cadence, recipient__isnull=False
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def digest_deliver(*, user_id: int, cadence: str, now: datetime | None = None) -> int:
    """Send one person's digest for this period; returns the number of items sent."""
    now = now or timezone.now()
    key = f"digest:{cadence}:{period_key(cadence, now)}:u{user_id}"
    with transaction.atomic():
        digest, _created = Digest.objects.select_for_update().get_or_create(
            idempotency_key=key, defaults={"recipient_id": user_id, "cadence": cadence}
        )
        if digest.sent_at:
            return 0
        # Unclaimed items, and items of an earlier digest whose email never went out.
        Notification.objects.filter(
            Q(digest__isnull=True) | Q(digest__sent_at__isnull=True),
            recipient_id=user_id,
            channel=cadence,
            email_state=EmailState.DIGEST,
            created_at__lte=now,
        ).update(digest=digest)
    items = list(
        digest.items.filter(email_state=EmailState.DIGEST)
        .select_related("recipient")
        .order_by("group_key", "created_at")
    )
    user = digest.recipient
    # Kinds switched off since they were recorded stay in the inbox only.
    switched_off = set(
        Preference.objects.filter(user=user, channel=Channel.IN_APP).values_list("kind", flat=True)
    )
    off = [
        item.pk
        for item in items
        if not SPECS[item.kind].transactional and item.kind in switched_off
    ]
    if off:
        Notification.objects.filter(pk__in=off).update(email_state=EmailState.SKIPPED)
        items = [item for item in items if item.pk not in off]
    if not items or not user.is_active:
        Notification.objects.filter(digest=digest).update(digest=None)
        digest.delete()
        return 0
    digest_email_for(digest, items).send()  # a failure leaves it all for the retry
    sent = timezone.now()
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(
        email_state=EmailState.DIGESTED, sent_at=sent
    )
    Digest.objects.filter(pk=digest.pk).update(sent_at=sent)
    return len(items)
