"""Cubes: the dashboard's counts grouped by month, organisation prefecture, state and detail
(and theme), read from the roll-up (`MonthlyCount`) for whole months and from the source
tables for the rest of the period.

Why: at 100,000 postings one GROUP BY over the postings costs 100–200 ms on this machine,
and the dashboard needs four of them (postings, themes, proposals, requests). The roll-up
holds a few thousand pre-counted rows per year; reading them costs a few milliseconds.

One set of querysets (`source_queryset`) feeds both the live reads and the rebuild
(`services.monthly_counts_rebuild`), so the roll-up and the source tables group the same
way; the tests compare the two on the same data. Two kinds of rows hold JSON instead of a
count: "themes" (open postings per theme, for the theme chart) and "timings" (the step
times of the proposals people acted on, for the funnel's exact medians).

How a period is served (`plan_for`): a month comes from the roll-up when the period covers
all of it, or covers it from its first day up to today (nothing starts in the future); the
partial months at either end are counted live (dashboard_posting_published_idx serves the
postings; proposals and projects are a fraction of their number). The roll-up is used only
when it exists, is younger than DASHBOARD_ROLLUP_MAX_AGE seconds (default 900; beat rebuilds
it every 4 minutes) and was cut in the current time zone; otherwise everything is counted
live, which is exact and merely slower (the embedded default without beat, the tests).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Model,
    OuterRef,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from matching.models import MatchProposal
from partners.models import Posting
from projects.models import Project

from .models import MonthlyCount, RollupState

if TYPE_CHECKING:
    from .selectors import Filters

Series = MonthlyCount.Series
PostingThemes = Posting.themes.through

# (month, prefecture code, theme id or None, state, detail, count)
Row = tuple[date, int | None, int | None, str, str, int]


@dataclass(frozen=True)
class Spec:
    model: type[Model]
    org: str  # path to the posting's organisation
    posting: str  # path to the posting's pk
    themes: str  # path to the posting's themes
    when: str  # the timestamp that places a row in a month
    state: str = ""
    detail: str = ""


SPECS: dict[str, Spec] = {
    Series.POSTING: Spec(
        Posting, "organisation", "pk", "themes", "published_at", "status", "direction"
    ),
    Series.PROPOSAL: Spec(
        MatchProposal,
        "posting__organisation",
        "posting_id",
        "posting__themes",
        "created_at",
        "state",
        "project__state",
    ),
    Series.REQUEST: Spec(
        MatchProposal, "posting__organisation", "posting_id", "posting__themes", "requested_at"
    ),
    Series.PROJECT: Spec(
        Project, "posting__organisation", "posting_id", "posting__themes", "created_at", "state"
    ),
}


def rollup_timezone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def source_queryset(
    series: str,
    *,
    tz: Any,
    scope: set[int] | None = None,
    kind: str = "",
    theme: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    by_kind: bool = False,
    by_theme: bool = False,
) -> QuerySet:
    """The source table's rows of `series` grouped by month, prefecture, (kind), (theme),
    state and detail, with the columns named r_month, r_prefecture, … r_n."""
    spec = SPECS[series]
    queryset = spec.model.objects.order_by().filter(**{f"{spec.when}__isnull": False})
    if start is not None:
        queryset = queryset.filter(**{f"{spec.when}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{spec.when}__lt": end})
    if scope is not None:
        queryset = queryset.filter(**{f"{spec.org}__prefecture_id__in": scope})
    if kind:
        queryset = queryset.filter(**{f"{spec.org}__kind": kind})
    if theme is not None:
        # EXISTS, not a join: a join on the m2m would count a posting once per theme.
        queryset = queryset.filter(
            Exists(PostingThemes.objects.filter(posting_id=OuterRef(spec.posting), theme_id=theme))
        )
    columns: dict[str, Any] = {
        "r_month": Cast(TruncMonth(spec.when, tzinfo=tz), output_field=DateField()),
        "r_prefecture": F(f"{spec.org}__prefecture_id"),
        "r_state": F(spec.state) if spec.state else Value(""),
        "r_detail": Coalesce(F(spec.detail), Value("")) if spec.detail else Value(""),
    }
    if by_kind:
        columns["r_kind"] = F(f"{spec.org}__kind")
    if by_theme:
        # Postings without a theme have no row here (a NULL theme would count them twice).
        queryset = queryset.filter(**{f"{spec.themes}__isnull": False})
        columns["r_theme"] = F(spec.themes)
    return queryset.annotate(**columns).values(*columns).annotate(r_n=Count("pk"))


def source_rows(
    series: str,
    *,
    scope: set[int] | None,
    kind: str,
    theme: int | None,
    start: datetime,
    end: datetime,
) -> list[Row]:
    """Counted live from the source table, for [start, end)."""
    queryset = source_queryset(
        series,
        tz=timezone.get_current_timezone(),
        scope=scope,
        kind=kind,
        theme=theme,
        start=start,
        end=end,
    )
    return [
        (r["r_month"], r["r_prefecture"], None, r["r_state"], r["r_detail"], r["r_n"])
        for r in queryset
    ]


def rollup_rows(
    series: str,
    *,
    scope: set[int] | None,
    kind: str,
    theme: int | None,
    first: date,
    last: date,
) -> list[Row]:
    """Read from the roll-up, for the months first..last (first days)."""
    queryset = MonthlyCount.objects.order_by().filter(
        series=series, month__gte=first, month__lte=last
    )
    queryset = queryset.filter(theme=theme)  # None: the rows that count everything once
    if scope is not None:
        queryset = queryset.filter(prefecture__in=scope)
    if kind:
        queryset = queryset.filter(kind=kind)
    rows = queryset.values("month", "prefecture", "state", "detail").annotate(n=Sum("count"))
    return [(r["month"], r["prefecture"], None, r["state"], r["detail"], r["n"]) for r in rows]


# --- Which part of a period comes from where -------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Where the counts of a period come from: the roll-up's months `first`..`last` (None:
    no roll-up at all) and the live ranges around them."""

    live: tuple[tuple[datetime, datetime], ...]
    first: date | None = None
    last: date | None = None
    built_at: datetime | None = None


def _next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock.min))


def rollup_state() -> RollupState | None:
    """The roll-up's state if it may be used now: built, fresh, and cut in this time zone."""
    state = RollupState.objects.filter(pk=1, built_at__isnull=False).first()
    if state is None or state.timezone != timezone.get_current_timezone_name():
        return None
    max_age = int(getattr(settings, "DASHBOARD_ROLLUP_MAX_AGE", 900))
    if state.built_at < timezone.now() - timedelta(seconds=max_age):
        return None
    return state


def plan_for(f: Filters, *, state: RollupState | None, today: date | None = None) -> Plan:
    everything = Plan(live=((f.start, f.end),))
    if state is None:
        return everything
    today = today or timezone.localdate()
    first = f.date_from if f.date_from.day == 1 else _next_month(f.date_from)
    last = f.date_to.replace(day=1)
    month_end = _next_month(last) - timedelta(days=1)
    if f.date_to < month_end and f.date_to < today:
        last = (last - timedelta(days=1)).replace(day=1)  # the last month is partial
    if first > last:
        return everything
    live = []
    if f.date_from < first:
        live.append((f.start, _midnight(first)))
    tail = _midnight(_next_month(last))
    if tail < f.end and f.date_to < today:
        live.append((tail, f.end))
    return Plan(live=tuple(live), first=first, last=last, built_at=state.built_at)


def rows_for(
    series: str,
    scope: set[int] | None,
    f: Filters,
    plan: Plan,
) -> list[Row]:
    """The rows of `series` for the period, scope, kind and theme (not the prefecture
    filter: callers apply it, since the map ignores it)."""
    theme = f.theme
    rows: list[Row] = []
    if plan.first is not None and plan.last is not None:
        rows += rollup_rows(
            series,
            scope=scope,
            kind=f.kind,
            theme=theme,
            first=plan.first,
            last=plan.last,
        )
    for start, end in plan.live:
        rows += source_rows(
            series,
            scope=scope,
            kind=f.kind,
            theme=theme,
            start=start,
            end=end,
        )
    return rows


def _json_rows(series: str, scope: set[int] | None, f: Filters, plan: Plan) -> QuerySet:
    """The roll-up's JSON rows of `series` for the plan's months and every filter but the
    theme."""
    queryset = MonthlyCount.objects.order_by().filter(
        series=series, month__gte=plan.first, month__lte=plan.last
    )
    if scope is not None:
        queryset = queryset.filter(prefecture__in=scope)
    if f.prefecture is not None:
        queryset = queryset.filter(prefecture=f.prefecture)
    if f.kind:
        queryset = queryset.filter(kind=f.kind)
    return queryset


def _fetch(sql: str, params: Any) -> list[tuple]:
    """Run one of the JSON queries below without JIT: PostgreSQL guesses 100 rows for each
    set-returning function, so a query over a few thousand values looks big enough to
    JIT-compile, which alone took ~0.5 s here. SET LOCAL ends with the transaction (no
    savepoint: inside a caller's transaction the setting simply lasts until its end)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def step_days(scope: set[int] | None, f: Filters, plan: Plan) -> dict[str, list[float]]:
    """The step times (days) of the acted-on proposals of the roll-up's months, with every
    filter applied (rows with theme NULL hold every proposal once)."""
    days: dict[str, list[float]] = {}
    queryset = _json_rows(Series.TIMINGS, scope, f, plan).filter(theme=f.theme)
    for steps in queryset.values_list("data", flat=True):
        for key, values in steps.items():
            days.setdefault(key, []).extend(values)
    return days


def step_medians(scope: set[int] | None, f: Filters, plan: Plan) -> dict[str, float] | None:
    """On PostgreSQL, the exact median days per step of the roll-up's months, computed by the
    database from the stored step times (nothing to decode in Python); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    queryset = _json_rows(Series.TIMINGS, scope, f, plan).filter(theme=f.theme)
    sql, params = queryset.values_list("data").query.sql_with_params()
    rows = _fetch(
        "SELECT step.key, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days.value::float8) "
        f"FROM ({sql}) cell, jsonb_each(cell.data) step, "
        "jsonb_array_elements_text(step.value) days GROUP BY step.key",
        params,
    )
    return dict(rows)


def open_postings_per_theme(scope: set[int] | None, f: Filters, plan: Plan) -> dict[int, int]:
    """Open postings of the period per theme (prefecture filter applied), from the roll-up's
    "themes" rows (one {theme: count} per month, prefecture and kind: ~2,000 rows a year
    rather than ~50,000 per-theme rows) and live for the partial months."""
    counts: dict[int, int] = {}

    def add(pairs: Iterable[tuple[int, int]]) -> None:
        for theme, n in pairs:
            if theme is not None:
                counts[theme] = counts.get(theme, 0) + n

    if plan.first is not None and plan.last is not None:
        queryset = _json_rows(Series.THEMES, scope, f, plan)
        if connection.vendor == "postgresql":
            # Summed by the database: no JSON to decode in Python.
            sql, params = queryset.values_list("data").query.sql_with_params()
            add(
                (int(theme), int(n))
                for theme, n in _fetch(
                    "SELECT mix.key, SUM(mix.value::bigint) "
                    f"FROM ({sql}) cell, jsonb_each_text(cell.data) mix GROUP BY mix.key",
                    params,
                )
            )
        else:
            for mix in queryset.values_list("data", flat=True):
                add((int(theme), n) for theme, n in mix.items())
    for start, end in plan.live:
        queryset = Posting.objects.order_by().filter(
            status="open", published_at__gte=start, published_at__lt=end
        )
        if scope is not None:
            queryset = queryset.filter(organisation__prefecture_id__in=scope)
        if f.prefecture is not None:
            queryset = queryset.filter(organisation__prefecture_id=f.prefecture)
        if f.kind:
            queryset = queryset.filter(organisation__kind=f.kind)
        add(
            PostingThemes.objects.filter(posting_id__in=queryset.values("pk"))
            .values("theme_id")
            .annotate(n=Count("posting_id"))
            .values_list("theme_id", "n")
        )
    return counts
