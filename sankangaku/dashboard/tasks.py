"""Rebuild the dashboard's roll-up, then warm the cache for every coordinator's region
(default filters), so the first look of the day is fast. Idempotent: the rebuild replaces the
roll-up and the warm-up only overwrites cache entries."""

from celery import shared_task
from django.utils import timezone

from partners.models import Coordinator

from . import selectors, services
from .forms import default_period


def dashboard_warm_all() -> int:
    """Rebuild the roll-up, then compute the default view's aggregates once per distinct
    region; returns how many regions."""
    services.monthly_counts_rebuild()
    start, end = default_period(timezone.localdate())
    filters = selectors.Filters(date_from=start, date_to=end)
    scopes: set[frozenset[int] | None] = set()
    for coordinator in Coordinator.objects.filter(is_active=True).prefetch_related("prefectures"):
        codes = frozenset(p.code for p in coordinator.prefectures.all())
        scopes.add(codes or None)
    for scope in scopes:
        selectors.aggregates_for(
            scope=set(scope) if scope is not None else None, filters=filters, refresh=True
        )
    return len(scopes)


@shared_task(acks_late=True)
def dashboard_warm() -> int:
    return dashboard_warm_all()
