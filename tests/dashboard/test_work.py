"""The overdue-review cutoff agrees with matching.workflow.review_due_on day by day."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from matching.workflow import review_due_on
from sankangaku.dashboard.selectors import _latest_overdue_request_day


def test_cutoff_matches_review_due_on_around_holidays():
    # Golden Week, the year-end closure and an ordinary month.
    for today in (date(2026, 5, 7), date(2027, 1, 5), date(2026, 10, 15), date(2026, 12, 30)):
        last = _latest_overdue_request_day(today)
        for offset in range(0, 40):
            day = today - timedelta(days=offset)
            due = review_due_on(timezone.make_aware(datetime.combine(day, time(9))))
            assert (due < today) == (day <= last), (today, day)
