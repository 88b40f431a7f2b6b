"""The dashboard's roll-up: monthly counts of postings, proposals, requests and projects per
prefecture, organisation kind and theme, so that a cold dashboard reads a few thousand
pre-counted rows instead of scanning 100,000 postings (sankangaku/dashboard/cubes.py).

The table is derived data: `monthly_counts_rebuild` replaces it wholesale (beat, every few
minutes, and `manage.py dashboard_warm`). Nothing else writes it, so it has no foreign keys.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyCount(models.Model):
    """How many rows of `series` began in `month` (the first day, in TIME_ZONE) for
    organisations of `kind` in `prefecture`.

    `series` and the meaning of `state` / `detail`:
    - posting: by published_at; state = status, detail = direction
    - proposal: by created_at; state = proposal state, detail = its project's state or ""
    - request: by requested_at; no state
    - project: by the project's created_at; state = project state
    - themes: open postings by published_at, `data` = {theme id: count} (the theme chart
      reads one row per month, prefecture and kind instead of one per theme as well)
    - timings: proposals people acted on, by created_at, `data` = {step: [days, …]}, the
      time each took to reach "requested", "approved" and "accepted" (medians do not add
      up, so the durations themselves are kept: a few thousand numbers a year)

    `theme` is NULL on the rows that count every row once; the rows with a theme count the
    rows whose posting has that theme (a posting with two themes is in both).
    """

    class Series(models.TextChoices):
        POSTING = "posting", _("Postings")
        PROPOSAL = "proposal", _("Proposals")
        REQUEST = "request", _("Introduction requests")
        PROJECT = "project", _("Projects")
        THEMES = "themes", _("Open postings per theme")
        TIMINGS = "timings", _("Proposal step times")

    series = models.CharField(max_length=10, choices=Series.choices)
    month = models.DateField()
    prefecture = models.PositiveSmallIntegerField(null=True)  # JIS code of the organisation
    kind = models.CharField(max_length=20)  # the posting's organisation's kind
    theme = models.PositiveIntegerField(null=True)
    state = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField()
    data = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard monthly count")
        verbose_name_plural = _("dashboard monthly counts")
        indexes = [models.Index(fields=["series", "theme", "month"], name="dashboard_rollup_idx")]

    def __str__(self) -> str:
        return f"{self.series} {self.month:%Y-%m} {self.prefecture} {self.kind}: {self.count}"


class RollupState(models.Model):
    """One row (pk 1): when the roll-up was last rebuilt and in which time zone its months
    were cut. Locked during a rebuild, so two rebuilds never interleave."""

    built_at = models.DateTimeField(null=True)
    timezone = models.CharField(max_length=64, blank=True)
    seconds = models.FloatField(default=0)  # how long the last rebuild took

    class Meta:
        verbose_name = _("dashboard roll-up state")

    def __str__(self) -> str:
        return f"roll-up built {self.built_at}"
