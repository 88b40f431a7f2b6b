"""Periodic work on postings. Emails go through the notifications outbox
(partners/notices.py), not through tasks here."""

from celery import shared_task


@shared_task
def postings_expire_and_remind() -> dict[str, int]:
    """Periodic (daily): remind owners before expiry, then expire what was not confirmed.
    Also `manage.py expire_postings`."""
    from .services import posting_expire_stale, posting_send_reminders

    return {"reminded": posting_send_reminders(), "expired": posting_expire_stale()}
