"""Celery tasks for matching: thin, take ids, idempotent."""

import contextlib

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError


@shared_task(acks_late=True)
def proposals_compute(*, posting_id: int) -> int:
    from .services import proposals_compute_for_posting

    # The debounce key is an optimisation only: a cache outage must not stop the work.
    with contextlib.suppress(Exception):
        cache.delete(f"matching:pending:{posting_id}")
    return proposals_compute_for_posting(posting_id=posting_id)


@shared_task(acks_late=True)
def proposals_recompute_all(*, processes: int | None = None, fan_out: bool = False) -> dict:
    """Periodic full recompute (also `manage.py recompute_proposals`): the index is built
    once in this worker process, which forks `processes` (default: its CPUs) that recompute
    and store chunks of postings. With `fan_out`, it enqueues one proposals_recompute_chunk
    task per chunk instead, for every worker of the `matching` queue to share."""
    from .services import proposals_recompute_all as recompute
    from .services import proposals_recompute_fan_out, recompute_processes

    if fan_out:
        return proposals_recompute_fan_out()
    return recompute(processes=processes or recompute_processes())


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def proposals_recompute_chunk(*, posting_ids: list[int], run: str | None = None) -> int:
    """One chunk of a fanned-out full recompute, with this worker process's index (built
    once per `run`). Idempotent."""
    from .services import proposals_recompute_chunk as recompute_chunk

    return recompute_chunk(posting_ids=posting_ids, run=run)


@shared_task
def proposals_expire() -> int:
    """Periodic (daily): approved proposals nobody finished answering expire (also
    `manage.py expire_proposals`)."""
    from .workflow import proposals_expire_stale

    return proposals_expire_stale()
