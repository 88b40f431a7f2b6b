"""Reads for the coordinator dashboard.

Everything is scoped to the coordinator's prefectures (`scope`: a set of JIS codes, or None
for the whole country) through the *posting's organisation* — the organisation that stated
the issue or strength, which is also how the review queue is scoped — and, for case
studies, through the case study's prefecture.

The period filters when things began: a posting's publication, a proposal's creation, a
project's creation, a case study's publication.

The aggregates (funnel, trends, themes, map) are counted from the roll-up of monthly counts
(cubes.py, models.MonthlyCount; rebuilt by beat every four minutes) for whole months and
from the source tables for partial months, so even an uncached ("cold") page reads a few
thousand pre-counted rows rather than every posting. They are then cached for
DASHBOARD_CACHE_SECONDS under a key made of the scope and the filters, so a coordinator
clicking around pays for them once; the work lists are live (they change with every nudge
and decision).
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from matching.models import MatchProposal, ProposalResponse
from matching.workflow import review_due_on
from partners.models import AuditEvent, Posting, PostingStatus, Theme
from projects.models import CaseStudy, Milestone, Project, ProjectMessage, ProjectState

from . import cubes

CACHE_VERSION = 2  # 2: themes ignore the theme filter; figures may come from the roll-up
State = MatchProposal.State
PostingThemes = Posting.themes.through

# States a proposal passes through once a coordinator approved it.
APPROVED_OR_LATER = [State.APPROVED, State.ACCEPTED, State.DECLINED, State.EXPIRED]


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 300))


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    prefecture: int | None = None
    kind: str = ""
    theme: int | None = None

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive: the start of the day after `date_to`."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def cache_key(self, name: str, scope: set[int] | None) -> str:
        scope_part = "all" if scope is None else ",".join(map(str, sorted(scope)))
        raw = f"{name}|{scope_part}|{self.date_from}|{self.date_to}|{self.prefecture}|"
        raw += f"{self.kind}|{self.theme}|{timezone.get_current_timezone_name()}"
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"dashboard:v{CACHE_VERSION}:{name}:{digest}"


# --- Scoped querysets ----------------------------------------------------------------------


def _scoped(
    queryset: QuerySet, *, org: str, posting_pk: str, scope: set[int] | None, f: Filters
) -> QuerySet:
    """Filter by scope, prefecture, organisation kind and theme through the organisation at
    path `org` and the posting whose pk is at `posting_pk`."""
    if scope is not None:
        queryset = queryset.filter(**{f"{org}__prefecture_id__in": scope})
    if f.prefecture is not None:
        queryset = queryset.filter(**{f"{org}__prefecture_id": f.prefecture})
    if f.kind:
        queryset = queryset.filter(**{f"{org}__kind": f.kind})
    if f.theme is not None:
        # EXISTS, not a join: a join on the m2m would count a posting once per theme.
        queryset = queryset.filter(
            Exists(PostingThemes.objects.filter(posting_id=OuterRef(posting_pk), theme_id=f.theme))
        )
    return queryset


def proposals_in(scope: set[int] | None, f: Filters) -> QuerySet[MatchProposal]:
    return _scoped(
        MatchProposal.objects.order_by(),
        org="posting__organisation",
        posting_pk="posting_id",
        scope=scope,
        f=f,
    )


def case_studies_in(scope: set[int] | None, f: Filters) -> QuerySet[CaseStudy]:
    queryset = CaseStudy.objects.order_by().filter(is_published=True)
    if scope is not None:
        queryset = queryset.filter(prefecture_id__in=scope)
    if f.prefecture is not None:
        queryset = queryset.filter(prefecture_id=f.prefecture)
    if f.kind:
        queryset = queryset.filter(project__posting__organisation__kind=f.kind)
    if f.theme is not None:
        queryset = queryset.filter(
            Exists(
                PostingThemes.objects.filter(
                    posting_id=OuterRef("project__posting_id"), theme_id=f.theme
                )
            )
        )
    return queryset


# --- Cubes: the funnel, the trends and the map share them ----------------------------------
# Counted per month from the roll-up and the source tables (cubes.py), never per chart.


def _plan(f: Filters, plan: cubes.Plan | None) -> cubes.Plan:
    return plan if plan is not None else cubes.plan_for(f, state=cubes.rollup_state())


PostingCube = list[tuple[date | None, int, str, str, int]]


def posting_cube(
    scope: set[int] | None, f: Filters, *, plan: cubes.Plan | None = None
) -> PostingCube:
    """(month, organisation's prefecture, direction, status, count) of the postings published
    in the period, ignoring the prefecture filter: the funnel, the trends and the map all
    read it."""
    rows = cubes.rows_for(cubes.Series.POSTING, scope, f, _plan(f, plan))
    return [(month, code, direction, status, n) for month, code, _t, status, direction, n in rows]


def project_cube(
    scope: set[int] | None, f: Filters, *, plan: cubes.Plan | None = None
) -> list[tuple[date | None, int, str, int]]:
    """(month, prefecture of the posting's organisation, state, count) of the projects
    created in the period, ignoring the prefecture filter (trends and map)."""
    rows = cubes.rows_for(cubes.Series.PROJECT, scope, f, _plan(f, plan))
    return [(month, code, state, n) for month, code, _t, state, _d, n in rows]


def _in_prefecture(code: int | None, f: Filters) -> bool:
    return f.prefecture is None or code == f.prefecture


# --- Funnel --------------------------------------------------------------------------------

STARTED = [ProjectState.ACTIVE, ProjectState.COMPLETED]
# (stage, from, to, which proposals): the median time to reach each proposal stage.
PROPOSAL_STEPS = [
    ("requested", "created_at", "requested_at", ~Q(state=State.SUGGESTED)),
    ("approved", "requested_at", "decided_at", Q(state__in=APPROVED_OR_LATER)),
    ("accepted", "decided_at", "state_changed_at", Q(state=State.ACCEPTED)),
]
STEP_STATES = {
    "requested": set(State.values) - {State.SUGGESTED},
    "approved": set(APPROVED_OR_LATER),
    "accepted": {State.ACCEPTED},
}


def use_sql_median() -> bool:
    """PostgreSQL computes the medians itself; elsewhere (the SQLite default) Python does,
    from the rows. At 100,000 postings fetching and parsing the timestamps cost ~100 ms."""
    return connection.vendor == "postgresql"


class MedianDays(Aggregate):
    """PostgreSQL's exact median of `end - start`, in days."""

    function = "PERCENTILE_CONT"
    template = (
        "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    )
    output_field = FloatField()

    def __init__(self, end: str, start: str, **extra: Any) -> None:
        super().__init__(
            ExpressionWrapper(F(end) - F(start), output_field=DurationField()), **extra
        )


@dataclass
class Stage:
    key: str
    count: int
    conversion: float | None = None  # share of the previous stage, 0–1
    median_days: float | None = None  # median time from the previous stage


def proposal_step_days(
    created_at: datetime | None,
    requested_at: datetime | None,
    decided_at: datetime | None,
    state_changed_at: datetime | None,
    state: str,
) -> dict[str, float]:
    """The days one proposal took for each step it made (PROPOSAL_STEPS), leaving out steps
    with a missing or negative time, as the SQL medians do."""
    stamps = {
        "created_at": created_at,
        "requested_at": requested_at,
        "decided_at": decided_at,
        "state_changed_at": state_changed_at,
    }
    days = {}
    for key, begin, finish, _condition in PROPOSAL_STEPS:
        start, end = stamps[begin], stamps[finish]
        if state in STEP_STATES[key] and start and end and end >= start:
            days[key] = (end - start).total_seconds() / 86_400
    return days


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _step_medians(
    scope: set[int] | None, f: Filters, plan: cubes.Plan, acted_on: QuerySet
) -> dict[str, float | None]:
    """Median days to reach requested / approved / accepted, exact whichever way: by
    PostgreSQL over the proposals (no roll-up) or over the roll-up's stored step times (the
    roll-up alone), or in Python over both (partial months, or another database)."""
    if plan.first is None and use_sql_median():
        values = acted_on.aggregate(
            **{
                f"{key}_median": MedianDays(
                    finish, begin, filter=condition & Q(**{f"{finish}__gte": F(begin)})
                )
                for key, begin, finish, condition in PROPOSAL_STEPS
            }
        )
        return {key: _round(values[f"{key}_median"]) for key, *_rest in PROPOSAL_STEPS}
    if plan.first is not None and not plan.live:
        in_sql = cubes.step_medians(scope, f, plan)
        if in_sql is not None:  # projects' steps too: the funnel needs no other query
            keys = [key for key, *_rest in PROPOSAL_STEPS] + ["active", "completed"]
            return {key: _round(in_sql.get(key)) for key in keys}
    days: dict[str, list[float]] = {key: [] for key, *_rest in PROPOSAL_STEPS}
    if plan.first is not None:
        for key, values in cubes.step_days(scope, f, plan).items():
            if key in days:  # the projects' steps are counted from the projects
                days[key] += values
    for start, end in plan.live:
        for row in acted_on.filter(created_at__gte=start, created_at__lt=end).values_list(
            "created_at", "requested_at", "decided_at", "state_changed_at", "state"
        ):
            for key, value in proposal_step_days(*row).items():
                days[key].append(value)
    return {key: _median(values) for key, values in days.items()}


def project_step_days(
    created_at: datetime | None,
    started: datetime | None,
    state: str,
    state_changed_at: datetime | None,
) -> dict[str, float]:
    """Days from a project's forming to its start ("active") and from its start to its
    completion ("completed"), leaving out missing or negative times."""
    days = {}
    if created_at and started and started >= created_at:
        days["active"] = (started - created_at).total_seconds() / 86_400
    finished = state_changed_at if state == ProjectState.COMPLETED else None
    if started and finished and finished >= started:
        days["completed"] = (finished - started).total_seconds() / 86_400
    return days


def project_starts(project_ids: list[int], *, since: datetime | None = None) -> dict[int, datetime]:
    """When each project became active: its first "project.active" audit event."""
    activated: dict[int, datetime] = {}
    if not project_ids:
        return activated
    events = AuditEvent.objects.filter(action="project.active", data__project__in=project_ids)
    if since is not None:
        # created_at (indexed) bounds the scan: a project starts after its proposal was
        # created, so inside the period; the audit table grows with every action.
        events = events.filter(created_at__gte=since)
    for project_id, created_at in events.order_by("created_at").values_list(
        "data__project", "created_at"
    ):
        activated.setdefault(int(project_id), created_at)
    return activated


def started_at(
    activated: dict[int, datetime], pk: int, state: str, state_changed_at: datetime | None
) -> datetime | None:
    return activated.get(pk) or (state_changed_at if state == ProjectState.ACTIVE else None)


def _project_medians(acted_on: QuerySet, *, since: datetime) -> dict[str, float | None]:
    # Projects: few (thousands at most); their start is the "project.active" audit event.
    # They hang on accepted proposals, so the acted-on ones hold them all.
    projects = list(
        acted_on.filter(project__state__in=STARTED).values_list(
            "project__pk", "project__created_at", "project__state", "project__state_changed_at"
        )
    )
    activated = project_starts([row[0] for row in projects], since=since)
    days: dict[str, list[float]] = {"active": [], "completed": []}
    for pk, created_at, state, changed in projects:
        started = started_at(activated, pk, state, changed)
        for key, value in project_step_days(created_at, started, state, changed).items():
            days[key].append(value)
    return {key: _median(values) for key, values in days.items()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def funnel(
    scope: set[int] | None,
    f: Filters,
    *,
    postings: list[tuple] | None = None,
    plan: cubes.Plan | None = None,
) -> list[Stage]:
    """open postings → suggested → requested → approved → accepted → active → completed.

    Proposal stages count the proposals created in the period that reached at least that
    stage (a proposal made by hand as approved counts as requested too). Conversion is the
    share of the previous stage; for "suggested" the previous stage counts postings, not
    proposals, so no conversion is given. Median times come from the proposal's
    requested_at / decided_at / state_changed_at and the project's created_at, its
    "project.active" audit event and state_changed_at; they are computed live from the
    proposals people acted on (medians do not roll up), the counts come from the cubes.
    """
    plan = _plan(f, plan)
    if postings is None:
        postings = posting_cube(scope, f, plan=plan)
    open_postings = sum(
        n for _m, code, _d, status, n in postings if status == "open" and _in_prefecture(code, f)
    )
    counts = dict.fromkeys(("suggested", "requested", "approved", "accepted"), 0)
    counts |= {"active": 0, "completed": 0}
    for _month, code, _theme, state, project_state, n in cubes.rows_for(
        cubes.Series.PROPOSAL, scope, f, plan
    ):
        if not _in_prefecture(code, f):
            continue
        counts["suggested"] += n
        counts["requested"] += n if state != State.SUGGESTED else 0
        counts["approved"] += n if state in APPROVED_OR_LATER else 0
        counts["accepted"] += n if state == State.ACCEPTED else 0
        counts["active"] += n if project_state in STARTED else 0
        counts["completed"] += n if project_state == ProjectState.COMPLETED else 0
    proposals = proposals_in(scope, f).filter(created_at__gte=f.start, created_at__lt=f.end)
    # Suggested proposals have no step times: leave them out of the scan (the partial index
    # proposal_queue_idx holds exactly the others).
    acted_on = proposals.exclude(state=State.SUGGESTED)
    medians = _step_medians(scope, f, plan, acted_on)
    if "active" not in medians:  # not read from the roll-up: from the projects themselves
        medians |= _project_medians(acted_on, since=f.start)
    stages = [
        Stage("open", open_postings),
        Stage("suggested", counts["suggested"]),
        *(
            Stage(key, counts[key], median_days=medians[key])
            for key in ("requested", "approved", "accepted", "active", "completed")
        ),
    ]
    for previous, stage in zip(stages[1:], stages[2:], strict=False):
        stage.conversion = round(stage.count / previous.count, 4) if previous.count else None
    return stages


# --- Trends and themes -----------------------------------------------------------------------


def months_between(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


@dataclass
class MonthRow:
    month: date
    postings: int
    requests: int
    projects: int


def trends(
    scope: set[int] | None,
    f: Filters,
    *,
    postings: list[tuple] | None = None,
    projects: list[tuple] | None = None,
    plan: cubes.Plan | None = None,
) -> list[MonthRow]:
    """Per month of the period: postings published, introductions requested, projects
    formed."""
    plan = _plan(f, plan)
    if postings is None:
        postings = posting_cube(scope, f, plan=plan)
    if projects is None:
        projects = project_cube(scope, f, plan=plan)
    published: dict[date, int] = defaultdict(int)
    for month, code, _direction, _status, n in postings:
        if month and _in_prefecture(code, f):
            published[month] += n
    formed: dict[date, int] = defaultdict(int)
    for month, code, _state, n in projects:
        if month and _in_prefecture(code, f):
            formed[month] += n
    requested: dict[date, int] = defaultdict(int)
    for month, code, _theme, _state, _detail, n in cubes.rows_for(
        cubes.Series.REQUEST, scope, f, plan
    ):
        if month and _in_prefecture(code, f):
            requested[month] += n
    return [
        MonthRow(month, published.get(month, 0), requested.get(month, 0), formed.get(month, 0))
        for month in months_between(f.date_from, f.date_to)
    ]


@dataclass
class ThemeRow:
    theme_id: int
    kind: str
    number: int | None
    name_ja: str
    name_en: str
    color: str
    count: int


def themes(scope: set[int] | None, f: Filters, *, plan: cubes.Plan | None = None) -> list[ThemeRow]:
    """Open postings published in the period, per theme (SDGs first, then domain themes);
    a posting with two themes counts for both. The theme filter is ignored (the chart is
    how one compares themes, as the map ignores the prefecture filter)."""
    counts = cubes.open_postings_per_theme(scope, f, _plan(f, plan))
    return [
        ThemeRow(t.pk, t.kind, t.number, t.name_ja, t.name_en, t.color, counts[t.pk])
        for t in Theme.objects.filter(pk__in=[pk for pk, n in counts.items() if n])
    ]


# --- Map -----------------------------------------------------------------------------------


def map_counts(
    scope: set[int] | None,
    f: Filters,
    *,
    postings: list[tuple] | None = None,
    projects: list[tuple] | None = None,
    plan: cubes.Plan | None = None,
) -> dict[str, dict[int, int]]:
    """Per prefecture code: open issues, active projects and published case studies of the
    period. The prefecture filter is ignored (the map is how one picks a prefecture)."""
    plan = _plan(f, plan)
    if postings is None:
        postings = posting_cube(scope, f, plan=plan)
    if projects is None:
        projects = project_cube(scope, f, plan=plan)
    issues: dict[int, int] = defaultdict(int)
    for _month, code, direction, status, n in postings:
        if code and status == "open" and direction == "issue":
            issues[code] += n
    active: dict[int, int] = defaultdict(int)
    for _month, code, state, n in projects:
        if code and state == ProjectState.ACTIVE:
            active[code] += n
    cases = (
        case_studies_in(scope, replace(f, prefecture=None))
        .filter(published_at__gte=f.start, published_at__lt=f.end)
        .values("prefecture_id")
        .annotate(n=Count("pk"))
        .values_list("prefecture_id", "n")
    )
    return {
        "open_issues": dict(issues),
        "active_projects": dict(active),
        "case_studies": {code: n for code, n in cases if code},
    }


# --- Cached bundle -------------------------------------------------------------------------


@dataclass
class Aggregates:
    funnel: list[Stage]
    trends: list[MonthRow]
    themes: list[ThemeRow]
    map: dict[str, dict[int, int]]
    computed_at: datetime
    from_cache: bool = field(default=False)


def aggregates_compute(*, scope: set[int] | None, filters: Filters) -> Aggregates:
    """Every aggregate of the page. `computed_at` is when the oldest figure was counted: the
    roll-up's build time when it was used."""
    plan = cubes.plan_for(filters, state=cubes.rollup_state())
    postings = posting_cube(scope, filters, plan=plan)
    projects = project_cube(scope, filters, plan=plan)
    return Aggregates(
        funnel=funnel(scope, filters, postings=postings, plan=plan),
        trends=trends(scope, filters, postings=postings, projects=projects, plan=plan),
        themes=themes(scope, filters, plan=plan),
        map=map_counts(scope, filters, postings=postings, projects=projects, plan=plan),
        computed_at=plan.built_at or timezone.now(),
    )


def aggregates_for(
    *, scope: set[int] | None, filters: Filters, refresh: bool = False
) -> Aggregates:
    """The aggregates from the cache, or computed and cached (fails open: Redis down means
    computing every time, never an error)."""
    key = filters.cache_key("aggregates", scope)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return replace(cached, from_cache=True)
    result = aggregates_compute(scope=scope, filters=filters)
    cache.set(key, result, cache_seconds())
    return result


# --- Work lists (live) -----------------------------------------------------------------------

WORK_LIMIT = 10


@dataclass
class WorkList:
    key: str
    items: list[Any]
    total: int


def _scope_filter(queryset: QuerySet, org: str, scope: set[int] | None, f: Filters) -> QuerySet:
    if scope is not None:
        queryset = queryset.filter(**{f"{org}__prefecture_id__in": scope})
    if f.prefecture is not None:
        queryset = queryset.filter(**{f"{org}__prefecture_id": f.prefecture})
    if f.kind:
        queryset = queryset.filter(**{f"{org}__kind": f.kind})
    return queryset


def _latest_overdue_request_day(today: date) -> date:
    """The latest request day whose review is overdue today. The due date only grows with
    the request day, so walk back from the newest candidate (working days are at least
    calendar days, hence the SLA in calendar days) until one is overdue: a few calls of
    review_due_on instead of one per request."""
    day = today - timedelta(days=settings.PROPOSAL_REVIEW_SLA_WORKING_DAYS + 1)
    while review_due_on(timezone.make_aware(datetime.combine(day, time(12)))) >= today:
        day -= timedelta(days=1)
    return day


def overdue_reviews(scope: set[int] | None, f: Filters, *, today: date) -> WorkList:
    """Requested introductions past their review due date (working days, holidays)."""
    last_day = _latest_overdue_request_day(today)
    cutoff = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    queryset = _scope_filter(
        MatchProposal.objects.filter(state=State.REQUESTED, requested_at__lt=cutoff),
        "posting__organisation",
        scope,
        f,
    )
    items = list(
        queryset.select_related("posting__organisation").order_by("requested_at", "pk")[:WORK_LIMIT]
    )
    for proposal in items:
        proposal.due_on = review_due_on(proposal.requested_at)
    total = len(items) if len(items) < WORK_LIMIT else queryset.count()
    return WorkList("review", items, total)


def stale_postings(scope: set[int] | None, f: Filters, *, today: date) -> WorkList:
    """Open postings that expired or expire within POSTING_REMIND_DAYS (the "needs
    confirmation" and "expired" lights of Posting.freshness)."""
    queryset = _scope_filter(
        Posting.objects.filter(
            status=PostingStatus.OPEN,
            expires_on__lte=today + timedelta(days=settings.POSTING_REMIND_DAYS),
        ),
        "organisation",
        scope,
        f,
    )
    items = list(queryset.select_related("organisation").order_by("expires_on", "pk")[:WORK_LIMIT])
    total = len(items) if len(items) < WORK_LIMIT else queryset.count()
    return WorkList("posting", items, total)


def waiting_responses(scope: set[int] | None, f: Filters, *, now: datetime, days: int) -> WorkList:
    """Approved proposals whose party has not answered for more than `days` days."""
    queryset = _scope_filter(
        ProposalResponse.objects.filter(
            answer=ProposalResponse.Answer.PENDING,
            proposal__state=State.APPROVED,
            proposal__decided_at__lt=now - timedelta(days=days),
        ),
        "proposal__posting__organisation",
        scope,
        f,
    )
    items = list(
        queryset.select_related("proposal__posting", "organisation").order_by(
            "proposal__decided_at", "pk"
        )[:WORK_LIMIT]
    )
    total = len(items) if len(items) < WORK_LIMIT else queryset.count()
    return WorkList("response", items, total)


def stalled_projects_q(cutoff: datetime) -> Q:
    """Active projects with no state change, message or milestone (added or done) since
    `cutoff`."""
    recent_message = ProjectMessage.objects.filter(project=OuterRef("pk"), created_at__gte=cutoff)
    recent_milestone = Milestone.objects.filter(project=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff) | Q(done_at__gte=cutoff)
    )
    return Q(state=ProjectState.ACTIVE) & ~Exists(recent_message) & ~Exists(recent_milestone)


def stalled_projects(scope: set[int] | None, f: Filters, *, now: datetime, weeks: int) -> WorkList:
    cutoff = now - timedelta(weeks=weeks)
    queryset = _scope_filter(
        Project.objects.annotate(last_change=Coalesce("state_changed_at", "created_at")).filter(
            stalled_projects_q(cutoff), last_change__lt=cutoff
        ),
        "posting__organisation",
        scope,
        f,
    )
    items = list(
        queryset.select_related("posting__organisation").order_by("last_change", "pk")[:WORK_LIMIT]
    )
    total = len(items) if len(items) < WORK_LIMIT else queryset.count()
    return WorkList("project", items, total)


def nudged_today(*, keys: list[str], today: date) -> set[str]:
    """Which work items ("posting:12") were already nudged today (one query)."""
    if not keys:
        return set()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return set(
        AuditEvent.objects.filter(
            action="dashboard.nudge", created_at__gte=start, data__item__in=keys
        ).values_list("data__item", flat=True)
    )
