"""The one way to notify: `notify(...)` inside the business transaction (the outbox)."""

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .kinds import SPECS, Channel
from .models import EmailState, Notification, Preference
from .preferences import channels_for_users

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "sankangaku.notifications.unsubscribe"

_STATE_FOR_CHANNEL = {
    Channel.INSTANT: EmailState.PENDING,
    Channel.DAILY: EmailState.DIGEST,
    Channel.WEEKLY: EmailState.DIGEST,
    Channel.IN_APP: EmailState.SKIPPED,
}


def notify(
    kind: str,
    *,
    key: str,
    users: Iterable[Any] = (),
    emails: Iterable[tuple[str, str]] = (),
    payload: dict[str, Any] | None = None,
    url: str = "",
    secret_url: str = "",
    actor: Any = None,
    group: tuple[str, str] = ("", ""),
) -> int:
    """Record one notification per recipient of an event; deliver after commit.

    `key` names the event (e.g. "verification:12:3"); each row's idempotency key is the
    event key plus the recipient, so calling twice for the same event notifies once.
    `users` are accounts (inbox + email by their preference); `emails` are (address,
    language) pairs for people without an account (an invitation). Call it inside the
    transaction of the change: a rollback then notifies no one.
    """
    if kind not in SPECS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    payload = payload or {}
    rows: list[Notification] = []
    seen: set[str] = set()
    users = [user for user in users if user is not None and user.is_active]
    # Every recipient's channel in one go: a fixed number of queries, not three per person.
    channels = channels_for_users(users, kind)
    for user in users:
        row_key = f"{key}:u{user.pk}"
        if row_key in seen:
            continue
        seen.add(row_key)
        channel = channels[user.pk]
        rows.append(
            Notification(
                recipient=user,
                email=user.email,
                language=user.preferred_language or settings.LANGUAGE_CODE,
                kind=kind,
                actor=actor,
                payload=payload,
                url=url,
                secret_url=secret_url,
                group_key=group[0],
                group_label=group[1][:300],
                idempotency_key=row_key[:200],
                channel=channel,
                email_state=_STATE_FOR_CHANNEL[channel],
            )
        )
    for address, language in emails:
        row_key = f"{key}:e{address.lower()}"
        if row_key in seen:
            continue
        seen.add(row_key)
        rows.append(
            Notification(
                email=address,
                language=language or settings.LANGUAGE_CODE,
                kind=kind,
                actor=actor,
                payload=payload,
                url=url,
                secret_url=secret_url,
                group_key=group[0],
                group_label=group[1][:300],
                idempotency_key=row_key[:200],
                channel=Channel.INSTANT,
                email_state=EmailState.PENDING,
            )
        )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    _unread_changed([row.recipient_id for row in rows if row.recipient_id])
    keys = [row.idempotency_key for row in rows if row.email_state == EmailState.PENDING]
    if keys:
        transaction.on_commit(lambda: enqueue_pending(keys))
    return len(rows)


def enqueue_pending(keys: list[str]) -> None:
    pks = Notification.objects.filter(
        idempotency_key__in=keys, email_state=EmailState.PENDING
    ).values_list("pk", flat=True)
    for pk in pks:
        enqueue(pk)


def enqueue(notification_id: int, countdown: float | None = None) -> bool:
    """Hand one row to the broker. Never raises: if the broker is down the row stays pending
    and the beat sweep enqueues it later, so a page never fails or hangs because of Redis."""
    from .tasks import notification_deliver

    app = notification_deliver.app
    kwargs = {"notification_id": notification_id}
    if app.conf.task_always_eager:  # no broker: sent in-process, and errors are real errors
        notification_deliver.apply_async(kwargs=kwargs, countdown=countdown)
        return True
    try:
        with app.producer_or_acquire() as producer:
            # retry=False alone is not enough: before publishing, kombu re-connects a dropped
            # connection for up to broker_connection_timeout (2 s a call). One refusal is
            # answer enough; the row is the retry.
            producer.connection.ensure_connection(max_retries=0)
            notification_deliver.apply_async(
                kwargs=kwargs, countdown=countdown, retry=False, producer=producer
            )
    except Exception:  # the broker's errors vary by transport; all mean "later"
        logger.warning("notification %s: broker unavailable, left for the sweep", notification_id)
        return False
    return True


# --- The inbox ----------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> bool:
    changed = Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    if changed:
        _unread_changed([user.pk])
        user.__dict__.pop(UNREAD_SNAPSHOT, None)
    return bool(changed)


def notifications_mark_all_read(*, user) -> int:
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        _unread_changed([user.pk])
        user.__dict__.pop(UNREAD_SNAPSHOT, None)
    return changed


# --- The unread count ---------------------------------------------------------------------
# The header badge shows it on every page and polls it every minute. Cached per user as
# (version, count): a change stores a new version after its commit, so a count read before
# the change can never be taken for the current one, even if it is stored after it. With
# Redis away nothing is cached (sankangaku.cache); a change made then is seen at the latest
# after UNREAD_SECONDS.
UNREAD_SECONDS = 10 * 60
_UNREAD_VERSION_SECONDS = 24 * 60 * 60


# The signed-in user is read from the cache in one round trip with these two keys
# (partners.auth_backends), which leaves their values on the user as a snapshot: the header
# of the same request then needs no round trip of its own. A snapshot is used once, and the
# request's own changes (marking read) drop it.
UNREAD_SNAPSHOT = "_unread_snapshot"


def unread_keys(user_id: int | str) -> tuple[str, str]:
    return f"unread:version:{user_id}", f"unread:count:{user_id}"


def unread_count(user) -> int:
    """How many of `user`'s notifications are unread."""
    version_key, count_key = unread_keys(user.pk)
    snapshot = user.__dict__.pop(UNREAD_SNAPSHOT, None)
    if snapshot is None:
        cached = cache.get_many([version_key, count_key])
        snapshot = cached.get(version_key), cached.get(count_key)
    version, entry = snapshot
    if entry is not None and entry[0] == version:
        return entry[1]
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    cache.set(count_key, (version, count), UNREAD_SECONDS)
    return count


def _unread_changed(user_ids: Iterable[int]) -> None:
    """New versions now (this transaction's own reads) and again after the commit (a count
    read by another request in between saw the rows before the change)."""
    keys = {unread_keys(pk)[0] for pk in user_ids}
    if not keys:
        return

    def bump() -> None:
        cache.set_many(dict.fromkeys(keys, time.time_ns()), _UNREAD_VERSION_SECONDS)

    bump()
    transaction.on_commit(bump)


# --- Preferences and unsubscribe ------------------------------------------------------------


def preferences_set(*, user, channels: dict[str, str]) -> None:
    with transaction.atomic():
        for kind, channel in channels.items():
            if SPECS[kind].transactional:
                continue
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


def unsubscribe_token(*, user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) from an unsubscribe link, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in SPECS or SPECS[kind].transactional:
        return None
    return user_id, kind


def unsubscribe(*, user_id: int, kind: str) -> None:
    """Stop emails of this one kind (the inbox still shows them); nothing else changes."""
    Preference.objects.update_or_create(
        user_id=user_id, kind=kind, defaults={"channel": Channel.IN_APP}
    )


# --- Dead letters -----------------------------------------------------------------------------


def notifications_resend(*, notification_ids: Iterable[int]) -> int:
    """Admin action: give dead-lettered emails a fresh set of attempts."""
    ids = list(
        Notification.objects.filter(
            pk__in=list(notification_ids), email_state=EmailState.DEAD
        ).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids, email_state=EmailState.DEAD).update(
        email_state=EmailState.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return len(ids)
