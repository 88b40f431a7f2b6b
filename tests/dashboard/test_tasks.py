"""The cache warmer: one computation per distinct region, run by beat and by a command."""

import pytest
from django.conf import settings
from django.core.management import call_command

from partners.models import Prefecture
from sankangaku.dashboard import selectors
from sankangaku.dashboard.forms import default_period
from sankangaku.dashboard.tasks import dashboard_warm, dashboard_warm_all
from tests import factories

pytestmark = pytest.mark.django_db


def test_beat_runs_the_warmer():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-warm"]
    assert entry["task"] == "sankangaku.dashboard.tasks.dashboard_warm"
    assert entry["schedule"] < selectors.cache_seconds()


def test_warm_once_per_region_then_the_page_reads_the_cache(client, personas):
    hokkaido = Prefecture.objects.get(code=1)
    factories.CoordinatorFactory(prefectures=[hokkaido])
    factories.CoordinatorFactory(prefectures=[hokkaido])
    # personas.coordinator is nationwide: regions are {1} and the whole country.
    assert dashboard_warm_all() == 2
    assert dashboard_warm.delay().get() == 2
    start, end = default_period()
    cached = selectors.aggregates_for(
        scope={1}, filters=selectors.Filters(date_from=start, date_to=end)
    )
    assert cached.from_cache
    client.force_login(personas.coordinator)
    assert client.get("/coordination/dashboard/").context["aggregates"].from_cache


def test_command(capsys, personas):
    call_command("dashboard_warm")
    assert "1 region" in capsys.readouterr().out
