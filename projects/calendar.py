"""iCalendar feeds of milestones: one per project, and one per person across their projects
(a secret, signed address a calendar app can subscribe to without signing in)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from icalendar import Calendar, Event

from .models import Milestone

FEED_SALT = "sankangaku.projects.calendar"


def feed_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=FEED_SALT, compress=True)


def feed_user_id(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def calendar_for(milestones, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Sankangaku//projects//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = settings.SITE_URL.split("//", 1)[-1]
    for milestone in milestones:
        event = Event()
        event.add("uid", f"milestone-{milestone.pk}@{host}")
        event.add("summary", f"{milestone.title} ({milestone.project.title})")
        event.add("dtstart", milestone.due_on)
        event.add("dtend", milestone.due_on + timedelta(days=1))
        event.add("dtstamp", milestone.created_at)
        event.add("url", settings.SITE_URL + milestone.project.get_absolute_url())
        if milestone.done_at:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def milestones_for_user(user):
    from .models import ProjectState

    return (
        Milestone.objects.filter(
            project__parties__organisation__memberships__user=user,
            project__state__in=[ProjectState.FORMING, ProjectState.ACTIVE],
        )
        .select_related("project")
        .distinct()
        .order_by("due_on", "pk")
    )
