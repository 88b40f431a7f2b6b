"""Celery tasks of the notifications queue. They take ids, and are safe to repeat."""

import smtplib

from celery import shared_task
from django.conf import settings

from . import delivery, digests


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def notification_deliver(*, notification_id: int) -> str:
    # Retries are the row's business (delivery.deliver schedules them), not Celery's.
    return delivery.deliver(notification_id)


@shared_task(ignore_result=True)
def notifications_sweep() -> dict[str, int]:
    """Beat, every minute: re-enqueue what the broker lost or a killed worker left."""
    return delivery.sweep()


@shared_task(ignore_result=True)
def digests_send(*, cadence: str) -> int:
    """Beat: daily at NOTIFICATIONS_DAILY_DIGEST_HOUR, weekly on Friday afternoon."""
    users = digests.recipients_due(cadence)
    for user_id in users:
        digest_deliver.apply_async(kwargs={"user_id": user_id, "cadence": cadence})
    return len(users)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS,
)
def digest_deliver(*, user_id: int, cadence: str) -> int:
    return digests.digest_deliver(user_id=user_id, cadence=cadence)
