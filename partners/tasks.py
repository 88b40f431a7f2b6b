"""Periodic work on postings. Emails go through the notifications outbox
(partners/notices.py), not through tasks here."""

from celery import shared_task
from django.db import OperationalError


@shared_task
def postings_expire_and_remind() -> dict[str, int]:
    """Periodic (daily): remind owners before expiry, then expire what was not confirmed.
    Also `manage.py expire_postings`."""
    from .services import posting_expire_stale, posting_send_reminders

    return {"reminded": posting_send_reminders(), "expired": posting_expire_stale()}


@shared_task(acks_late=True)
def trust_signals_compute_all() -> int:
    """Periodic (nightly): recompute every organisation's trust signals. Idempotent.
    Also `manage.py compute_trust_signals`."""
    from .trust import trust_signals_compute

    return trust_signals_compute()


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def import_job_run(*, job_id: int) -> str:
    """Run a previewed CSV import all-or-nothing. Idempotent: only a queued job is claimed."""
    from .imports import import_job_execute

    return import_job_execute(job_id=job_id)
