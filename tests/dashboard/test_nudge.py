"""One-click nudges: one notification per item per day, with and without htmx."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import ProposalResponse
from partners.models import AuditEvent, Posting
from projects.models import Project
from sankangaku.notifications.models import Notification
from tests import factories
from tests.dashboard.helpers import funnel_fixture, proposal

DASHBOARD = "/coordination/dashboard/"

pytestmark = pytest.mark.django_db


def _stale_posting(personas):
    posting = factories.make_posting(personas.municipality, title="確認待ちの課題")
    Posting.objects.filter(pk=posting.pk).update(
        expires_on=timezone.localdate() + timedelta(days=2), contact=personas.municipal_officer
    )
    return posting


def test_stale_posting_is_listed_and_nudged_once_a_day(client, personas):
    posting = _stale_posting(personas)
    client.force_login(personas.coordinator)
    page = client.get(DASHBOARD)
    assert [p.pk for p in page.context["work"]["posting"].items] == [posting.pk]
    url = reverse("dashboard:nudge", args=["posting", posting.pk])

    with_htmx = {"HTTP_HX_REQUEST": "true"}
    first = client.post(url, **with_htmx)
    assert first.status_code == 200
    assert f'id="nudge-posting-{posting.pk}"' in first.content.decode()
    assert "<html" not in first.content.decode()  # the partial only
    officer = personas.municipal_officer
    rows = Notification.objects.filter(kind="posting_expiring", recipient=officer)
    assert rows.count() == 1 and rows.get().actor == personas.coordinator

    second = client.post(url, **with_htmx)
    assert second.status_code == 200
    assert Notification.objects.filter(kind="posting_expiring").count() == 1
    assert AuditEvent.objects.filter(action="dashboard.nudge").count() == 1

    # Without htmx: a redirect back to the dashboard, still nothing new.
    third = client.post(url, {"next": DASHBOARD + "?kind=municipality"})
    assert third.status_code == 302 and third["Location"] == DASHBOARD + "?kind=municipality"
    assert Notification.objects.filter(kind="posting_expiring").count() == 1
    # The page now shows it as done.
    page = client.get(DASHBOARD)
    assert page.context["work"]["posting"].items[0].nudged


def test_next_outside_the_dashboard_is_ignored(client, personas):
    posting = _stale_posting(personas)
    client.force_login(personas.coordinator)
    url = reverse("dashboard:nudge", args=["posting", posting.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


def test_next_day_may_nudge_again(client, personas, settings):
    posting = _stale_posting(personas)
    client.force_login(personas.coordinator)
    url = reverse("dashboard:nudge", args=["posting", posting.pk])
    client.post(url)
    AuditEvent.objects.filter(action="dashboard.nudge").update(
        created_at=timezone.now() - timedelta(days=1)
    )
    Notification.objects.update(idempotency_key="yesterday")
    client.post(url)
    assert Notification.objects.filter(kind="posting_expiring").count() == 2


def test_waiting_party_is_nudged(client, personas):
    issue, _project = funnel_fixture(personas)
    approved = issue.proposals.get(state="approved")
    approved.decided_at = timezone.now() - timedelta(days=10)
    approved.save(update_fields=["decided_at"])
    response = ProposalResponse.objects.create(
        proposal=approved, organisation=personas.company, answer="pending"
    )
    client.force_login(personas.coordinator)
    page = client.get(DASHBOARD, {"waiting_days": 5})
    assert [r.pk for r in page.context["work"]["response"].items] == [response.pk]
    assert client.get(DASHBOARD, {"waiting_days": 30}).context["work"]["response"].total == 0
    client.post(reverse("dashboard:nudge", args=["response", response.pk]))
    nudges = Notification.objects.filter(kind="nudge", payload__what="response")
    assert {n.recipient for n in nudges} == {personas.company_admin, personas.company_member}


def test_stalled_project_is_listed_and_nudged(client, personas):
    _issue, project = funnel_fixture(personas)
    Project.objects.filter(pk=project.pk).update(
        state_changed_at=timezone.now() - timedelta(weeks=6)
    )
    client.force_login(personas.coordinator)
    page = client.get(DASHBOARD, {"stale_weeks": 4})
    assert [p.pk for p in page.context["work"]["project"].items] == [project.pk]
    assert client.get(DASHBOARD, {"stale_weeks": 8}).context["work"]["project"].total == 0
    response = client.post(
        reverse("dashboard:nudge", args=["project", project.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # No parties in the fixture: nobody to remind, and the button says so.
    assert Notification.objects.filter(kind="nudge").count() == 0


def test_overdue_review_nudges_the_other_coordinators(client, personas):
    issue = factories.make_posting(personas.municipality, title="レビュー待ちの課題")
    late = timezone.now() - timedelta(days=30)
    request = proposal(issue, personas.company, state="requested", created=late, requested_at=late)
    colleague = factories.CoordinatorFactory().user
    client.force_login(personas.coordinator)
    page = client.get(DASHBOARD)
    assert [p.pk for p in page.context["work"]["review"].items] == [request.pk]
    client.post(reverse("dashboard:nudge", args=["review", request.pk]))
    recipients = [n.recipient for n in Notification.objects.filter(kind="nudge")]
    assert recipients == [colleague]


def test_non_coordinator_cannot_nudge(client, personas):
    posting = _stale_posting(personas)
    client.force_login(personas.municipal_officer)
    url = reverse("dashboard:nudge", args=["posting", posting.pk])
    assert client.post(url).status_code == 404
    assert client.get(reverse("dashboard:nudge", args=["posting", posting.pk])).status_code in (
        404,
        405,
    )
    assert Notification.objects.filter(kind="posting_expiring").count() == 0


def test_unknown_item_type_is_404(client, personas):
    client.force_login(personas.coordinator)
    assert client.post(reverse("dashboard:nudge", args=["spaceship", 1])).status_code == 404


def test_nudge_email_renders(personas):
    from sankangaku.notifications.models import Notification as N
    from sankangaku.notifications.rendering import email_for

    for what in ("review", "response", "project"):
        row = N(
            recipient=personas.teacher,
            email=personas.teacher.email,
            language="ja",
            kind="nudge",
            payload={"what": what, "title": "見守り", "organisation": "テスト株式会社"},
            idempotency_key=f"t:{what}",
            channel="instant",
        )
        message = email_for(row)
        assert "見守り" in message.subject


def test_stalled_real_project_nudges_each_party(client, personas):
    from tests.projects.helpers import active_triad

    project = active_triad(personas)
    Project.objects.filter(pk=project.pk).update(
        state_changed_at=timezone.now() - timedelta(weeks=10)
    )
    project.messages.all().delete()
    project.milestones.all().delete()
    client.force_login(personas.coordinator)
    page = client.get(DASHBOARD)
    assert project.pk in [p.pk for p in page.context["work"]["project"].items]
    Notification.objects.all().delete()
    with_htmx = {"HTTP_HX_REQUEST": "true"}
    url = reverse("dashboard:nudge", args=["project", project.pk])
    assert client.post(url, **with_htmx).status_code == 200
    first = set(Notification.objects.filter(kind="nudge").values_list("recipient", flat=True))
    assert len(first) == 3  # one contact (or administrator) per party
    client.post(url, **with_htmx)
    assert Notification.objects.filter(kind="nudge").count() == 3
