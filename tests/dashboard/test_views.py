"""The dashboard page: who may see it, what the region shows, filters, map links, and a
pinned query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import Posting, Prefecture
from tests import factories
from tests.conftest import PERSONA_NAMES
from tests.dashboard.helpers import funnel_fixture, org_in

pytestmark = pytest.mark.django_db

URL = "/coordination/dashboard/"


def test_url_name():
    assert reverse("dashboard:index") == URL


@pytest.mark.parametrize("name", [n for n in PERSONA_NAMES if n not in ("coordinator",)])
def test_non_coordinators_get_404_or_login(client, personas, name):
    user = personas.user(name)
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    if name == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


def test_inactive_coordinator_gets_404(client, personas):
    coordinator = factories.CoordinatorFactory(is_active=False)
    client.force_login(coordinator.user)
    assert client.get(URL).status_code == 404


def test_coordinator_sees_the_funnel(client, personas):
    funnel_fixture(personas)
    client.force_login(personas.coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    stages = {s["key"]: s for s in response.context["stages"]}
    assert stages["suggested"]["count"] == 5 and stages["requested"]["conversion"] == 80.0
    assert 'data-stage="requested"' in response.content.decode()


def _two_regions():
    hokkaido = org_in(1, name="札幌テスト市")
    okinawa = org_in(47, name="那覇テスト市")
    soon = timezone.localdate() + timedelta(days=3)
    shown = factories.make_posting(hokkaido, title="北海道の除雪の課題")
    hidden = factories.make_posting(okinawa, title="沖縄の離島交通の課題")
    Posting.objects.filter(pk__in=[shown.pk, hidden.pk]).update(expires_on=soon)
    coordinator = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=1)])
    return coordinator.user, shown, hidden


@pytest.mark.parametrize("rollup", [False, True])
def test_hokkaido_coordinator_sees_nothing_of_okinawa(client, reference_data, rollup):
    from sankangaku.dashboard.services import monthly_counts_rebuild

    user, shown, hidden = _two_regions()
    if rollup:
        monthly_counts_rebuild()
    client.force_login(user)
    response = client.get(URL)
    html = response.content.decode()
    assert shown.title in html
    assert hidden.title not in html
    assert "那覇テスト市" not in html
    stages = {s["key"]: s["count"] for s in response.context["stages"]}
    assert stages["open"] == 1
    tiles = {t.code: t for t in response.context["tiles"]}
    assert tiles[47].url == "" and tiles[47].value == 0 and not tiles[47].in_scope
    assert tiles[1].value == 1 and tiles[1].url
    assert 'data-prefecture="47"' not in html and 'data-prefecture="1"' in html


def test_prefecture_outside_the_region_is_a_form_error(client, reference_data):
    user, shown, hidden = _two_regions()
    client.force_login(user)
    response = client.get(URL, {"prefecture": 47})
    assert response.status_code == 200
    assert "prefecture" in response.context["form"].errors
    assert hidden.title not in response.content.decode()


def test_nudging_an_item_outside_the_region_is_404(client, reference_data):
    user, shown, hidden = _two_regions()
    client.force_login(user)
    assert client.post(reverse("dashboard:nudge", args=["posting", hidden.pk])).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-45"},
        {"date_from": "2026-05-01", "date_to": "2026-01-01"},
        {"date_from": "1900-01-01", "date_to": "2026-01-01"},
        {"prefecture": "abc"},
        {"kind": "spaceship"},
        {"theme": "999999"},
        {"metric": "<script>"},
        {"waiting_days": "-3"},
        {"stale_weeks": "lots"},
    ],
)
def test_bad_filters_show_errors_never_500(client, personas, params):
    client.force_login(personas.coordinator)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode()


def test_filters_narrow_the_figures(client, personas):
    funnel_fixture(personas)
    client.force_login(personas.coordinator)
    response = client.get(URL, {"kind": "company"})
    stages = {s["key"]: s["count"] for s in response.context["stages"]}
    assert stages["open"] == 1 and stages["suggested"] == 0
    response = client.get(URL, {"prefecture": 20})
    stages = {s["key"]: s["count"] for s in response.context["stages"]}
    assert stages["open"] == 2 and stages["suggested"] == 5  # 長野: the issue and the school


def test_map_links_filter_by_prefecture_and_toggle_off(client, personas):
    funnel_fixture(personas)
    client.force_login(personas.coordinator)
    response = client.get(URL, {"metric": "active_projects"})
    tiles = {t.code: t for t in response.context["tiles"]}
    assert tiles[20].value == 1
    assert "prefecture=20" in tiles[20].url and "metric=active_projects" in tiles[20].url
    followed = client.get(URL + tiles[20].url)
    assert followed.context["filters"].prefecture == 20
    again = {t.code: t for t in followed.context["tiles"]}
    assert "prefecture=" not in again[20].url  # clicking the selected one clears it
    assert again[20].selected


def test_map_metric_switch(client, personas):
    funnel_fixture(personas)
    client.force_login(personas.coordinator)
    for metric, value in (("open_issues", 1), ("active_projects", 1), ("case_studies", 0)):
        tiles = {t.code: t for t in client.get(URL, {"metric": metric}).context["tiles"]}
        assert tiles[20].value == value


def test_every_chart_has_a_table(client, personas):
    from partners.models import Theme

    funnel_fixture(personas)
    factories.make_posting(
        personas.municipality, title="防災の課題", themes=[Theme.objects.filter(kind="sdg").first()]
    )
    client.force_login(personas.coordinator)
    html = client.get(URL).content.decode()
    assert html.count("<svg") >= 5
    assert html.count("<details") >= 4 and html.count("<table") >= 4


@pytest.mark.parametrize("rollup", [False, True])
def test_query_count_is_pinned(client, personas, django_assert_max_num_queries, rollup):
    """The page's queries do not grow with the data.

    Warm (aggregates cached), 14: session, user, coordinator, MFA authenticator, the
    coordinator's prefectures; overdue reviews, stale postings, waiting answers, stalled
    projects (each list adds a COUNT only when it shows its 10-row limit), nudged today;
    prefectures (map and select), themes (select); base.html's memberships and unread badge.
    Cold adds the aggregates, at most 11 for the default period counted live: the roll-up's
    state, postings, projects, proposals, requests (one each), proposal timings, projects
    started, "project.active" audit events (only with projects), open postings per theme,
    theme names (only when a theme counted), case studies. The fixture has projects and no
    themes: 10. Read from the roll-up, the projects' step times come with the proposals'
    (no projects or audit query) and the two JSON reads (timings, themes) each add a
    "SET LOCAL jit = off": 10. (A custom period adds one query per series and partial
    month.)
    """
    from sankangaku.dashboard.services import monthly_counts_rebuild

    funnel_fixture(personas)
    if rollup:
        monthly_counts_rebuild()
    client.force_login(personas.coordinator)
    with django_assert_max_num_queries(24):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["stages"][1]["count"] == 5  # the same figures either way
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
    for _ in range(3):
        funnel_fixture(personas)  # more rows, same queries
    with CaptureQueriesContext(connection) as warm_again:
        assert client.get(URL).status_code == 200
    assert len(warm_again) <= 14


def test_work_lists_add_one_count_each_when_full(client, personas):
    from partners.models import Posting

    for index in range(12):
        factories.make_posting(personas.municipality, title=f"期限間近の課題{index}")
    Posting.objects.update(expires_on=timezone.localdate() + timedelta(days=1))
    client.force_login(personas.coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(URL)
    assert response.context["work"]["posting"].total == 12
    assert len(response.context["work"]["posting"].items) == 10
    assert len(warm) <= 15
