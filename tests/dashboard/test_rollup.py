"""The roll-up (MonthlyCount) against the source tables: every aggregate of the page is the
same whether it is counted live or read from the roll-up, for every kind of filter and for
periods that start or end mid-month; and when the roll-up may be used at all."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from django.utils import timezone

from partners.models import Posting, Theme
from sankangaku.dashboard import cubes, selectors, services
from sankangaku.dashboard.forms import default_period
from sankangaku.dashboard.models import MonthlyCount, RollupState
from sankangaku.dashboard.tasks import dashboard_warm_all
from tests import factories
from tests.dashboard.helpers import funnel_fixture, org_in, proposal

pytestmark = pytest.mark.django_db


def _spread(personas):
    """The funnel fixture plus postings and proposals over several months, prefectures,
    kinds, statuses and themes."""
    funnel_fixture(personas)
    sdgs = list(Theme.objects.filter(kind="sdg").order_by("number")[:3])
    now = timezone.now()
    sapporo, naha = org_in(1, name="札幌"), org_in(47, name="那覇")
    company = org_in(1, kind="company", name="北の会社")
    for index, (owner, days, themes) in enumerate(
        [
            (sapporo, 5, sdgs[:1]),
            (sapporo, 40, sdgs[:2]),
            (naha, 70, sdgs[1:]),
            (company, 100, []),
            (naha, 150, sdgs),
            (company, 200, sdgs[2:]),
            (sapporo, 330, sdgs[:1]),
            (naha, 500, sdgs[:1]),  # before the default period
        ]
    ):
        posting = factories.make_posting(
            owner,
            title=f"課題{index}",
            themes=themes,
            direction="issue" if index % 2 else "strength",
        )
        Posting.objects.filter(pk=posting.pk).update(published_at=now - timedelta(days=days))
        if index % 3 == 0:
            Posting.objects.filter(pk=posting.pk).update(status="closed")
        proposal(
            posting,
            personas.company,
            state="requested" if index % 2 else "suggested",
            created=now - timedelta(days=days - 1),
            requested_at=now - timedelta(days=days - 2) if index % 2 else None,
        )
    return sdgs


def _everything(scope, filters):
    aggregates = selectors.aggregates_compute(scope=scope, filters=filters)
    return (
        [asdict(s) for s in aggregates.funnel],
        [asdict(r) for r in aggregates.trends],
        sorted((t.theme_id, t.count) for t in aggregates.themes),
        aggregates.map,
    )


def _cases(sdgs):
    start, end = default_period()
    today = timezone.localdate()
    return [
        (None, selectors.Filters(date_from=start, date_to=end)),
        ({1}, selectors.Filters(date_from=start, date_to=end)),
        (None, selectors.Filters(date_from=start, date_to=end, kind="municipality")),
        (None, selectors.Filters(date_from=start, date_to=end, theme=sdgs[0].pk)),
        (None, selectors.Filters(date_from=start, date_to=end, prefecture=47)),
        # Mid-month at both ends: the partial months are counted live.
        (
            None,
            selectors.Filters(
                date_from=today - timedelta(days=160), date_to=today - timedelta(days=20)
            ),
        ),
        (None, selectors.Filters(date_from=today - timedelta(days=600), date_to=today)),
    ]


def test_rollup_gives_the_same_figures_as_the_source_tables(personas):
    sdgs = _spread(personas)
    live = [_everything(scope, f) for scope, f in _cases(sdgs)]
    assert cubes.rollup_state() is None  # never built: everything was counted live
    services.monthly_counts_rebuild()
    assert cubes.rollup_state() is not None
    assert MonthlyCount.objects.filter(series="themes").exists()
    from_rollup = [_everything(scope, f) for scope, f in _cases(sdgs)]
    for (scope, f), expected, got in zip(_cases(sdgs), live, from_rollup, strict=True):
        assert got == expected, (scope, f)
    # The figures are not all zero: the comparison means something.
    assert live[0][0][0]["count"] > 0 and live[0][2]


def test_hand_computed_funnel_from_the_rollup(personas):
    """tests/dashboard/test_funnel.py's figures, read from the roll-up (step times included)."""
    funnel_fixture(personas)
    services.monthly_counts_rebuild()
    start, end = default_period()
    f = selectors.Filters(date_from=start, date_to=end)
    assert cubes.plan_for(f, state=cubes.rollup_state()).live == ()
    stages = {s.key: s for s in selectors.funnel(None, f)}
    assert [stages[k].count for k in stages] == [3, 5, 4, 2, 1, 1, 0]
    assert [stages[k].median_days for k in ("requested", "approved", "accepted", "active")] == [
        1.5,
        2.0,
        4.0,
        10.0,
    ]


def test_rebuild_is_repeatable_and_the_warmer_runs_it(personas):
    _spread(personas)
    services.monthly_counts_rebuild()

    def rows():
        return sorted(
            map(str, MonthlyCount.objects.values_list("series", "month", "theme", "count"))
        )

    before = rows()
    services.monthly_counts_rebuild()
    assert rows() == before
    RollupState.objects.all().delete()
    dashboard_warm_all()
    assert RollupState.objects.get(pk=1).built_at is not None


def test_the_page_says_how_old_the_figures_are(client, personas):
    funnel_fixture(personas)
    services.monthly_counts_rebuild()
    built = RollupState.objects.get(pk=1).built_at
    client.force_login(personas.coordinator)
    response = client.get("/coordination/dashboard/")
    assert response.context["aggregates"].computed_at == built


# --- When the roll-up is used ----------------------------------------------------------------


def _state(**changes):
    values = {
        "built_at": timezone.now(),
        "timezone": timezone.get_current_timezone_name(),
    } | changes
    RollupState.objects.update_or_create(pk=1, defaults=values)
    return cubes.rollup_state()


def test_default_period_is_read_from_the_rollup_alone():
    start, end = default_period()
    plan = cubes.plan_for(selectors.Filters(date_from=start, date_to=end), state=_state())
    assert plan.live == () and plan.first == start and plan.last == end.replace(day=1)


def test_partial_months_are_counted_live():
    today = timezone.localdate()
    date_from = (today - timedelta(days=100)).replace(day=15)
    date_to = (today - timedelta(days=40)).replace(day=10)
    f = selectors.Filters(date_from=date_from, date_to=date_to)
    plan = cubes.plan_for(f, state=_state())
    assert plan.first == (date_from.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert plan.last == (date_to.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert plan.live[0][0] == f.start and plan.live[-1][1] == f.end
    assert len(plan.live) == 2


def test_a_period_inside_one_month_is_all_live():
    today = timezone.localdate()
    day = (today - timedelta(days=60)).replace(day=10)
    f = selectors.Filters(date_from=day, date_to=day + timedelta(days=5))
    assert cubes.plan_for(f, state=_state()).live == ((f.start, f.end),)


@pytest.mark.parametrize(
    "changes",
    [
        {"built_at": None},  # never built
        {"built_at": timezone.now() - timedelta(hours=2)},  # beat stopped: too old
        {"timezone": "UTC"},  # months cut in another time zone
    ],
)
def test_unusable_rollup_means_counting_live(changes):
    state = _state(**changes)
    assert state is None
    start, end = default_period()
    f = selectors.Filters(date_from=start, date_to=end)
    assert cubes.plan_for(f, state=state).live == ((f.start, f.end),)
