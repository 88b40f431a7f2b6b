"""The coordinator dashboard: funnel, map, trends and themes (cached aggregates) and the
work lists with one-click nudges (live)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partners.access import coordinator_prefecture_codes, coordinator_required
from partners.models import Prefecture, Theme

from . import selectors, services, svg
from .forms import DashboardFilterForm, Metric, default_period

DEFAULT_WAITING_DAYS = 7
DEFAULT_STALE_WEEKS = 4
FILTER_NAMES = ("date_from", "date_to", "prefecture", "kind", "theme", "metric")


def _query(params: dict[str, object], **changes: object) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


@require_GET
@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = coordinator_prefecture_codes(request.user)
    today = timezone.localdate()
    start, end = default_period(today)
    form = DashboardFilterForm(request.GET or None, prefecture_codes=scope)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    prefecture = data.get("prefecture")
    theme = data.get("theme")
    filters = selectors.Filters(
        date_from=data.get("date_from") or start,
        date_to=data.get("date_to") or end,
        prefecture=prefecture.code if prefecture else None,
        kind=data.get("kind") or "",
        theme=theme.pk if theme else None,
    )
    if filters.date_from > filters.date_to:  # only "from" given, after the default end
        filters = replace(filters, date_to=filters.date_from)
    metric = data.get("metric") or Metric.OPEN_ISSUES
    waiting_days = data.get("waiting_days") or DEFAULT_WAITING_DAYS
    stale_weeks = data.get("stale_weeks") or DEFAULT_STALE_WEEKS

    aggregates = selectors.aggregates_for(scope=scope, filters=filters)
    now = timezone.now()
    work = [
        selectors.overdue_reviews(scope, filters, today=today),
        selectors.stale_postings(scope, filters, today=today),
        selectors.waiting_responses(scope, filters, now=now, days=waiting_days),
        selectors.stalled_projects(scope, filters, now=now, weeks=stale_weeks),
    ]
    keys = [f"{w.key}:{item.pk}" for w in work for item in w.items]
    nudged = selectors.nudged_today(keys=keys, today=today)
    nudge_url = reverse("dashboard:nudge", args=["TYPE", 0])
    for worklist in work:
        for item in worklist.items:
            item.nudged = f"{worklist.key}:{item.pk}" in nudged
            # One reverse() for the page, not two per row.
            item.nudge_url = nudge_url.replace("TYPE/0/", f"{worklist.key}/{item.pk}/")

    # Links keep only valid filters, so a bad value is not carried into every link.
    params: dict[str, object] = {
        "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(),
        "prefecture": filters.prefecture or "",
        "kind": filters.kind,
        "theme": filters.theme or "",
        "metric": metric,
    }
    english = (get_language() or "ja").startswith("en")
    prefectures = list(Prefecture.objects.all())
    names = {p.code: (p.name_en if english else p.name) for p in prefectures}
    tiles = svg.map_tiles(
        names=names,
        values=aggregates.map.get(metric, {}),
        scope=scope,
        selected=filters.prefecture,
        url_for={
            code: _query(params, prefecture="" if code == filters.prefecture else code)
            for code in names
        },
    )
    theme_rows = [
        (
            (r.name_en if english else r.name_ja)
            if r.number is None
            else f"SDG {r.number} {r.name_en if english else r.name_ja}",
            r.count,
            r.color,
        )
        for r in aggregates.themes
    ]
    theme_bars, theme_height = svg.horizontal_bars(theme_rows)
    month_label = "%Y-%m"
    trend_charts = []
    for series, label in (
        ("postings", _("Postings published")),
        ("requests", _("Introductions requested")),
        ("projects", _("Projects formed")),
    ):
        bars, width = svg.vertical_bars(
            [(row.month.strftime(month_label), getattr(row, series)) for row in aggregates.trends]
        )
        trend_charts.append({"key": series, "label": label, "bars": bars, "width": width})
    context = {
        "form": form,
        "form_fields": _form_fields(form, prefectures=prefectures, scope=scope, english=english),
        "filters": filters,
        "metric": metric,
        "metric_label": dict(Metric.CHOICES)[metric],
        "metric_links": [
            (value, label, _query(params, metric=value)) for value, label in Metric.CHOICES
        ],
        "aggregates": aggregates,
        "stages": _stage_rows(aggregates.funnel),
        "tiles": tiles,
        "map_width": svg.MAP_WIDTH,
        "map_height": svg.MAP_HEIGHT,
        "tile_size": svg.TILE,
        "map_rows": [t for t in tiles if t.in_scope],
        "theme_bars": theme_bars,
        "theme_height": theme_height,
        "trends": aggregates.trends,
        "trend_charts": trend_charts,
        "work": {w.key: w for w in work},
        "waiting_days": waiting_days,
        "stale_weeks": stale_weeks,
        "scope_names": None if scope is None else [names[c] for c in sorted(scope)],
        "selected_prefecture": names.get(filters.prefecture) if filters.prefecture else "",
        "clear_prefecture_url": _query(params, prefecture=""),
        "next_url": request.get_full_path(),
        "today": today,
    }
    return render(request, "dashboard/dashboard.html", context)


def _form_fields(
    form: DashboardFilterForm,
    *,
    prefectures: list[Prefecture],
    scope: set[int] | None,
    english: bool,
) -> list[dict]:
    """The filter inputs as plain data. Django's widget templates render each <option>
    through an include and iterate a ModelChoiceField's queryset again; at 47 prefectures
    and ~40 themes that was a large share of the page's time."""
    themes = list(Theme.objects.filter(is_active=True))
    choices: dict[str, list[tuple[str, str]]] = {
        "prefecture": [("", _("Whole region"))]
        + [
            (str(p.code), p.name_en if english else p.name)
            for p in prefectures
            if scope is None or p.code in scope
        ],
        "kind": [(str(v), str(label)) for v, label in form.fields["kind"].choices],
        "theme": [("", _("All themes"))] + [(str(t.pk), t.name) for t in themes],
        "metric": [(v, str(label)) for v, label in Metric.CHOICES],
    }
    types = {"date_from": "date", "date_to": "date", "waiting_days": "number"}
    types["stale_weeks"] = "number"
    fields = []
    for bound in form:
        value = bound.value()
        value = "" if value is None else str(value)
        options = [(v, label, v == value) for v, label in choices.get(bound.name, [])]
        fields.append(
            {
                "name": bound.name,
                "id": bound.auto_id,
                "label": bound.label,
                "type": types.get(bound.name, "select"),
                "value": value,
                "options": options,
                "errors": bound.errors,
            }
        )
    return fields


STAGE_LABELS = {
    "open": lambda: _("Open issues and strengths"),
    "suggested": lambda: _("Suggested"),
    "requested": lambda: _("Introduction requested"),
    "approved": lambda: _("Approved by a coordinator"),
    "accepted": lambda: _("Accepted by every party"),
    "active": lambda: _("Project active"),
    "completed": lambda: _("Project completed"),
}


def _stage_rows(stages: list[selectors.Stage]) -> list[dict]:
    top = max((s.count for s in stages), default=0) or 1
    rows = []
    for index, stage in enumerate(stages):
        rows.append(
            {
                "key": stage.key,
                "label": STAGE_LABELS[stage.key](),
                "count": stage.count,
                "conversion": None if stage.conversion is None else stage.conversion * 100,
                "median_days": stage.median_days,
                "y": index * 28,
                "width": round(360 * stage.count / top, 1),
            }
        )
    return rows


@require_POST
@coordinator_required
def nudge(request: HttpRequest, item_type: str, pk: int) -> HttpResponse:
    """Send a reminder for one work item (at most once per item per day)."""
    target = services.nudge_target_for(request.user, item_type, pk)
    sent = services.nudge_send(actor=request.user, target=target)
    context = {"item_type": item_type, "pk": pk, "sent": sent, "done": True, "url": request.path}
    if request.htmx:
        return render(request, "dashboard/dashboard.html#nudge-button", context)
    if sent:
        messages.success(request, _("Reminder sent."))
    else:
        messages.info(request, _("Already reminded today, or there is no one to remind."))
    next_url = request.POST.get("next", "")
    if not next_url.startswith(reverse("dashboard:index")):
        next_url = reverse("dashboard:index")
    return redirect(next_url)
