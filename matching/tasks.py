"""Celery tasks for matching: thin, take ids, idempotent."""

import contextlib

from celery import shared_task
from django.core.cache import cache


@shared_task(acks_late=True)
def proposals_compute(*, posting_id: int) -> int:
    from .services import proposals_compute_for_posting

    # The debounce key is an optimisation only: a cache outage must not stop the work.
    with contextlib.suppress(Exception):
        cache.delete(f"matching:pending:{posting_id}")
    return proposals_compute_for_posting(posting_id=posting_id)


@shared_task(acks_late=True)
def proposals_recompute_all(*, processes: int | None = None) -> dict:
    """Periodic full recompute (also `manage.py recompute_proposals`): the index is built
    once in this worker process, which forks `processes` (default: its CPUs) to rank."""
    from .services import proposals_recompute_all as recompute
    from .services import recompute_processes

    return recompute(processes=processes or recompute_processes())


@shared_task
def proposals_expire() -> int:
    """Periodic (daily): approved proposals nobody finished answering expire (also
    `manage.py expire_proposals`)."""
    from .workflow import proposals_expire_stale

    return proposals_expire_stale()
