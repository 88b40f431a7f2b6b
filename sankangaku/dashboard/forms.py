"""The dashboard's filters. Invalid input re-renders the page with the errors (status 200)
and the figures for no filter, never a 500."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import OrganisationKind, Prefecture, Theme

MAX_PERIOD_DAYS = 366 * 5


class Metric:
    OPEN_ISSUES = "open_issues"
    ACTIVE_PROJECTS = "active_projects"
    CASE_STUDIES = "case_studies"

    CHOICES = [
        (OPEN_ISSUES, _("Open issues")),
        (ACTIVE_PROJECTS, _("Active projects")),
        (CASE_STUDIES, _("Published case studies")),
    ]


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"), queryset=Prefecture.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Organisation kind"),
        choices=[("", _("All kinds")), *OrganisationKind.choices],
        required=False,
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    metric = forms.ChoiceField(label=_("Map shows"), choices=Metric.CHOICES, required=False)
    waiting_days = forms.IntegerField(
        label=_("Waiting on a party for more than (days)"),
        min_value=1,
        max_value=365,
        required=False,
    )
    stale_weeks = forms.IntegerField(
        label=_("Projects without progress for (weeks)"),
        min_value=1,
        max_value=104,
        required=False,
    )

    def __init__(self, *args: Any, prefecture_codes: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefectures = Prefecture.objects.all()
        if prefecture_codes is not None:
            prefectures = prefectures.filter(code__in=prefecture_codes)
        # A prefecture outside the coordinator's region is simply not a valid choice.
        self.fields["prefecture"].queryset = prefectures
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", _("Please choose a period of at most five years."))
        return data


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, from the first of the month eleven months ago to today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _month in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today
