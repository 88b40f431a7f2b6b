"""Writes of the coordinator dashboard: the one-click nudge and the roll-up's rebuild."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, F, Sum
from django.db.models.functions import Cast, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal, ProposalResponse
from partners.access import coordinator_prefecture_codes, coordinators_covering
from partners.models import AuditEvent, Membership, Posting, PostingStatus
from partners.notices import posting_recipients
from projects.models import Project, ProjectState
from sankangaku.accounts.models import User
from sankangaku.notifications.kinds import Kind
from sankangaku.notifications.services import notify

from . import cubes, selectors
from .models import MonthlyCount, RollupState

NUDGE_TYPES = ("review", "posting", "response", "project")


@dataclass
class NudgeTarget:
    item_type: str
    obj: Any
    organisation_id: int

    @property
    def key(self) -> str:
        return f"{self.item_type}:{self.obj.pk}"


def nudge_target_for(user: User, item_type: str, pk: int) -> NudgeTarget:
    """The work item `pk` of `item_type` if it lies in the coordinator's region and can
    still be nudged; Http404 otherwise (outsiders learn nothing)."""
    codes = coordinator_prefecture_codes(user)

    def scoped(queryset: Any, org: str) -> Any:
        if codes is not None:
            queryset = queryset.filter(**{f"{org}__prefecture_id__in": codes})
        return queryset.filter(pk=pk).first()

    obj: Any = None
    organisation_id = 0
    if item_type == "review":
        obj = scoped(
            MatchProposal.objects.filter(state=MatchProposal.State.REQUESTED).select_related(
                "posting__organisation"
            ),
            "posting__organisation",
        )
        organisation_id = obj.posting.organisation_id if obj else 0
    elif item_type == "posting":
        obj = scoped(
            Posting.objects.filter(status=PostingStatus.OPEN).select_related("organisation"),
            "organisation",
        )
        organisation_id = obj.organisation_id if obj else 0
    elif item_type == "response":
        obj = scoped(
            ProposalResponse.objects.filter(
                answer=ProposalResponse.Answer.PENDING,
                proposal__state=MatchProposal.State.APPROVED,
            ).select_related("proposal__posting", "organisation"),
            "proposal__posting__organisation",
        )
        organisation_id = obj.proposal.posting.organisation_id if obj else 0
    elif item_type == "project":
        obj = scoped(
            Project.objects.filter(state=ProjectState.ACTIVE).select_related("posting"),
            "posting__organisation",
        )
        organisation_id = obj.posting.organisation_id if obj else 0
    if obj is None:
        raise Http404
    return NudgeTarget(item_type, obj, organisation_id)


def _organisation_users(organisation_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(organisation_id=organisation_id).select_related("user")
    ]


def _project_recipients(project: Project) -> list[User]:
    users: list[User] = []
    for party in project.parties.select_related("contact").order_by("pk"):
        if party.contact_id and party.contact.is_active:
            users.append(party.contact)
        else:
            users.extend(
                m.user
                for m in Membership.objects.filter(
                    organisation_id=party.organisation_id, role="admin"
                ).select_related("user")
            )
    return users


def _send(target: NudgeTarget, *, actor: User, day: str) -> int:
    key = f"nudge:{target.key}:{day}"
    obj = target.obj
    if target.item_type == "posting":
        # The posting's own reminder, worded for its contact: "still current?".
        return notify(
            Kind.POSTING_EXPIRING,
            key=key,
            users=posting_recipients(obj),
            payload={
                "title": obj.title,
                "expires": obj.expires_on.isoformat() if obj.expires_on else "",
            },
            url=reverse("partners:posting_confirm", kwargs={"pk": obj.pk}),
            actor=actor,
        )
    if target.item_type == "review":
        colleagues = [u for u in coordinators_covering(obj.posting.organisation) if u != actor]
        return notify(
            Kind.NUDGE,
            key=key,
            users=colleagues,
            payload={"what": "review", "title": obj.posting.title},
            url=reverse("matching:proposal", kwargs={"pk": obj.pk}),
            actor=actor,
        )
    if target.item_type == "response":
        return notify(
            Kind.NUDGE,
            key=key,
            users=_organisation_users(obj.organisation_id),
            payload={
                "what": "response",
                "title": obj.proposal.posting.title,
                "organisation": obj.organisation.name,
            },
            url=reverse("matching:proposal", kwargs={"pk": obj.proposal_id}),
            actor=actor,
        )
    return notify(
        Kind.NUDGE,
        key=key,
        users=_project_recipients(obj),
        payload={"what": "project", "title": obj.title},
        url=reverse("projects:detail", kwargs={"pk": obj.pk}),
        actor=actor,
    )


def nudge_send(*, actor: User, target: NudgeTarget) -> int:
    """Remind the people a work item waits on; returns how many notifications were written.

    Idempotent per item per day: the item's row is locked, and if an audit event says it was
    nudged today nothing is sent (0). The notification keys carry the day as well, so even
    a lost lock cannot notify anyone twice.
    """
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    with transaction.atomic():
        type(target.obj).objects.select_for_update().filter(pk=target.obj.pk).first()
        if AuditEvent.objects.filter(
            action="dashboard.nudge",
            organisation_id=target.organisation_id,
            created_at__gte=start,
            data__item=target.key,
        ).exists():
            return 0
        sent = _send(target, actor=actor, day=today.isoformat())
        AuditEvent.objects.create(
            actor=actor,
            organisation_id=target.organisation_id,
            action="dashboard.nudge",
            data={"item": target.key, "recipients": sent},
        )
    return sent


# --- The roll-up -----------------------------------------------------------------------------


def _insert_select(series: str, *, by_theme: bool, tz: Any) -> None:
    queryset = cubes.source_queryset(series, tz=tz, by_kind=True, by_theme=by_theme)
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(MonthlyCount._meta.db_table)
    theme = "sub.r_theme" if by_theme else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (series, month, prefecture, kind, theme, state, detail, count) "
            f"SELECT %s, sub.r_month, sub.r_prefecture, sub.r_kind, {theme}, sub.r_state, "
            f"sub.r_detail, sub.r_n FROM ({sql}) sub",
            [series, *params],
        )


def _theme_mix() -> None:
    """The "themes" rows: per month, prefecture and kind, the open postings per theme."""
    mix: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows = (
        MonthlyCount.objects.order_by()
        .filter(series=MonthlyCount.Series.POSTING, theme__isnull=False, state="open")
        .values("month", "prefecture", "kind", "theme")
        .annotate(n=Sum("count"))
        .values_list("month", "prefecture", "kind", "theme", "n")
    )
    for month, prefecture, kind, theme, n in rows.iterator(chunk_size=5000):
        mix[(month, prefecture, kind)][str(theme)] = n
    MonthlyCount.objects.bulk_create(
        [
            MonthlyCount(
                series=MonthlyCount.Series.THEMES,
                month=month,
                prefecture=prefecture,
                kind=kind,
                count=sum(themes.values()),
                data=themes,
            )
            for (month, prefecture, kind), themes in mix.items()
        ],
        batch_size=2000,
    )


def _timings(tz: Any) -> None:
    """The "timings" rows: per month, prefecture, kind and theme (and for every theme), the
    step durations of the proposals people acted on (see selectors.proposal_step_days)."""
    State = MatchProposal.State
    rows = (
        MatchProposal.objects.order_by()
        .exclude(state=State.SUGGESTED)
        .annotate(
            r_month=Cast(TruncMonth("created_at", tzinfo=tz), output_field=DateField()),
            r_prefecture=F("posting__organisation__prefecture_id"),
            r_kind=F("posting__organisation__kind"),
        )
        .values_list(
            "pk",
            "posting_id",
            "r_month",
            "r_prefecture",
            "r_kind",
            "created_at",
            "requested_at",
            "decided_at",
            "state_changed_at",
            "state",
        )
    )
    cells: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    counted: dict[tuple, int] = defaultdict(int)
    rows = list(rows)
    themes: dict[int, list[int]] = defaultdict(list)
    for posting_id, theme_id in Posting.themes.through.objects.filter(
        posting_id__in={row[1] for row in rows}
    ).values_list("posting_id", "theme_id"):
        themes[posting_id].append(theme_id)
    # Projects hang on accepted proposals: their steps are kept with their proposal's cell.
    projects = {
        proposal_id: (pk, created_at, state, changed)
        for proposal_id, pk, created_at, state, changed in Project.objects.filter(
            state__in=selectors.STARTED
        ).values_list("proposal_id", "pk", "created_at", "state", "state_changed_at")
    }
    activated = selectors.project_starts([p[0] for p in projects.values()])
    for proposal_id, posting_id, month, prefecture, kind, *stamps in rows:
        steps = selectors.proposal_step_days(*stamps)
        if proposal_id in projects:
            pk, created_at, state, changed = projects[proposal_id]
            started = selectors.started_at(activated, pk, state, changed)
            steps |= selectors.project_step_days(created_at, started, state, changed)
        for theme in [None, *themes[posting_id]]:
            key = (month, prefecture, kind, theme)
            counted[key] += 1
            for step, days in steps.items():
                cells[key][step].append(days)
    MonthlyCount.objects.bulk_create(
        [
            MonthlyCount(
                series=MonthlyCount.Series.TIMINGS,
                month=month,
                prefecture=prefecture,
                kind=kind,
                theme=theme,
                count=counted[(month, prefecture, kind, theme)],
                data=dict(steps),
            )
            for (month, prefecture, kind, theme), steps in cells.items()
        ],
        batch_size=2000,
    )


def monthly_counts_rebuild() -> float:
    """Replace the roll-up with fresh counts from the source tables, in one transaction
    (readers see the old roll-up until it commits). Serialised on the state row, so two
    rebuilds never interleave; a repeat is harmless. Returns the seconds it took."""
    started = perf_counter()
    tz = cubes.rollup_timezone()
    with transaction.atomic():
        RollupState.objects.get_or_create(pk=1)
        RollupState.objects.select_for_update().get(pk=1)
        # Rows committed from here on may be missed: they are newer than built_at.
        as_of = timezone.now()
        MonthlyCount.objects.all().delete()
        with timezone.override(tz):
            for series in cubes.SPECS:
                for by_theme in (False, True):
                    _insert_select(series, by_theme=by_theme, tz=tz)
            _theme_mix()
            _timings(tz)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner takes the new table for empty.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(MonthlyCount._meta.db_table)}")
        seconds = perf_counter() - started
        RollupState.objects.filter(pk=1).update(built_at=as_of, timezone=tz.key, seconds=seconds)
    return seconds
