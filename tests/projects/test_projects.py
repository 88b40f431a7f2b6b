"""Projects: formed when every party accepts; agreement sign-off and the safety checklist
gate `active`; hand-over when staff rotate; milestones in iCal."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from matching import workflow
from partners import services as partner_services
from partners.models import AuditEvent, Prefecture
from partners.services import ServiceError
from projects import services
from projects.calendar import feed_token
from projects.models import Project, ProjectState, SafetyChecklist
from sankangaku.notifications.models import Notification
from tests import factories
from tests.matching.test_workflow import _requested

pytestmark = pytest.mark.django_db


def _accepted_triad(personas) -> Project:
    proposal = _requested(personas, triad=True)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    workflow.proposal_respond(
        proposal=proposal, organisation=personas.company, user=personas.company_admin, accept=True
    )
    workflow.proposal_respond(
        proposal=proposal, organisation=personas.school, user=personas.teacher, accept=True
    )
    return Project.objects.get(proposal=proposal)


def _admins(personas):
    """Each party's administrator (the personas' teacher and officer administer theirs)."""
    return {
        personas.company.pk: personas.company_admin,
        personas.municipality.pk: personas.municipal_officer,
        personas.school.pk: personas.teacher,
    }


def _sign_all(project, personas, *, skip=None):
    admins = _admins(personas)
    for party in project.parties.all():
        if party.organisation_id != skip:
            services.agreement_sign(
                project=project,
                party=party,
                actor=admins[party.organisation_id],
                version=project.agreement.version,
            )


def test_accepting_forms_a_typed_project_with_a_draft_agreement(personas):
    project = _accepted_triad(personas)
    assert project.state == ProjectState.FORMING
    roles = dict(project.parties.values_list("organisation__kind", "role"))
    assert roles == {"company": "company", "municipality": "municipality", "school": "school"}
    assert project.involves_minors and hasattr(project, "checklist")
    assert project.posting.title in project.agreement.purpose
    formed = Notification.objects.filter(kind="project_formed")
    assert {n.recipient for n in formed} >= {personas.company_admin, personas.municipal_officer}
    assert AuditEvent.objects.filter(action="project.formed", data__project=project.pk).exists()


def test_signatures_and_checklist_gate_active(personas):
    project = _accepted_triad(personas)
    _sign_all(project, personas)
    project.refresh_from_db()
    assert project.state == ProjectState.FORMING  # the checklist is still open
    readiness = services.readiness(project)
    assert readiness["checklist_missing"] and not readiness["unsigned"]
    services.checklist_update(
        project=project,
        actor=personas.teacher,
        items={"insurance": True, "responsibility_split": True, "photo_consent": True},
    )
    project.refresh_from_db()
    assert project.state == ProjectState.FORMING
    services.checklist_update(
        project=project,
        actor=personas.teacher,
        items=dict.fromkeys(SafetyChecklist.ITEMS, True),
    )
    project.refresh_from_db()
    assert project.state == ProjectState.ACTIVE
    assert AuditEvent.objects.filter(action="project.active", data__project=project.pk).count() == 1


def test_changing_the_agreement_asks_everyone_to_sign_again(personas):
    project = _accepted_triad(personas)
    _sign_all(project, personas, skip=personas.school.pk)
    agreement = project.agreement
    data = {f: getattr(agreement, f) for f in agreement.TEXT_FIELDS} | {"costs": "市が負担します。"}
    services.agreement_update(project=project, actor=personas.company_admin, data=data)
    project.refresh_from_db()
    assert project.agreement.version == 2
    assert len(services.readiness(project)["unsigned"]) == 3
    school = project.parties.get(organisation=personas.school)
    with pytest.raises(ServiceError):  # they read version 1
        services.agreement_sign(project=project, party=school, actor=personas.teacher, version=1)
    assert services.agreement_sign(project=project, party=school, actor=personas.teacher, version=2)
    assert not services.agreement_sign(
        project=project, party=school, actor=personas.teacher, version=2
    )


def test_complete_and_cancel(personas):
    project = _accepted_triad(personas)
    assert not services.project_complete(project=project, actor=personas.company_admin)
    with pytest.raises(ServiceError):
        services.project_cancel(project=project, actor=personas.company_admin, reason=" ")
    assert services.project_cancel(project=project, actor=personas.company_admin, reason="予算")
    assert not services.project_cancel(project=project, actor=personas.company_admin, reason="x")
    project.refresh_from_db()
    assert (project.state, project.cancel_reason) == ("cancelled", "予算")


def test_a_leaving_contact_is_handed_over_with_a_memo(personas):
    project = _accepted_triad(personas)
    party = project.parties.get(organisation=personas.company)
    party.contact = personas.company_member
    party.save()
    membership = personas.company.memberships.get(user=personas.company_member)
    partner_services.membership_remove(membership=membership, actor=personas.company_member)
    party.refresh_from_db()
    assert party.contact is None
    asked = Notification.objects.filter(kind="handover", recipient=personas.company_admin)
    assert asked.filter(payload__needed=True).exists()
    successor = factories.UserFactory(display_name="後任 さん")
    factories.MembershipFactory(user=successor, organisation=personas.company)
    with pytest.raises(ServiceError):
        services.party_handover(
            party=party, actor=personas.company_admin, new_contact=successor, memo=""
        )
    with pytest.raises(ServiceError):
        services.party_handover(
            party=party, actor=personas.company_admin, new_contact=personas.teacher, memo="x"
        )
    services.party_handover(
        party=party, actor=personas.company_admin, new_contact=successor, memo="予算は確保済み"
    )
    party.refresh_from_db()
    assert party.contact == successor
    assert party.handovers.get().memo == "予算は確保済み"
    told = Notification.objects.filter(kind="handover", recipient=personas.municipal_officer)
    assert told.exists()


def test_project_pages_and_permissions(client, personas):
    project = _accepted_triad(personas)
    url = reverse("projects:detail", args=[project.pk])
    for user, status in [
        (personas.company_admin, 200),
        (personas.company_member, 200),
        (personas.teacher, 200),
        (personas.coordinator, 200),
        (personas.outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status
    far = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
    client.force_login(far)
    assert client.get(url).status_code == 404
    # A member (not admin) may edit but not sign; an outsider may do nothing.
    client.force_login(personas.company_member)
    party = project.parties.get(organisation=personas.company)
    sign = reverse("projects:sign", args=[project.pk])
    assert client.post(sign, {"party": party.pk, "version": 1}).status_code == 403
    client.force_login(personas.teacher)  # admin of the school, not of the company
    client.post(sign, {"party": party.pk, "version": 1})
    assert not party.signoffs.exists()
    client.force_login(personas.outsider)
    assert client.post(sign, {"party": party.pk, "version": 1}).status_code == 404
    assert client.get(reverse("projects:agreement", args=[project.pk])).status_code == 404
    # The admin signs through the page.
    client.force_login(personas.company_admin)
    assert client.post(sign, {"party": party.pk, "version": 1}).status_code == 302
    assert party.signoffs.count() == 1


def test_bad_milestone_input_gets_a_message_and_changes_nothing(client, personas):
    project = _accepted_triad(personas)
    client.force_login(personas.company_member)
    url = reverse("projects:milestone_add", args=[project.pk])
    response = client.post(url, {"title": "", "due_on": "2027-13-40"})
    assert response.status_code == 422
    assert not project.milestones.exists()
    assert client.post(url, {"title": "現地調査", "due_on": "2027-05-10"}).status_code == 302
    milestone = project.milestones.get()
    done = reverse("projects:milestone_done", args=[project.pk, milestone.pk])
    partial = client.post(done, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    other = _accepted_other(personas)
    wrong = reverse("projects:milestone_done", args=[other.pk, milestone.pk])
    assert client.post(wrong, {"done": "0"}).status_code == 404


def _accepted_other(personas):
    """A project the company member is not part of."""
    outsider_org = factories.CompanyFactory()
    admin = factories.UserFactory()
    factories.MembershipFactory(user=admin, organisation=outsider_org, role="admin")
    issue = factories.make_posting(outsider_org, title="別の課題")
    strength = factories.make_posting(personas.municipality, direction="strength", title="市の施設")
    proposal = workflow.proposal_create_by_hand(
        coordinator=personas.coordinator, posting=issue, partner_posting=strength
    )
    for organisation, user in [
        (outsider_org, admin),
        (personas.municipality, personas.municipal_officer),
    ]:
        workflow.proposal_respond(
            proposal=proposal, organisation=organisation, user=user, accept=True
        )
    return Project.objects.get(proposal=proposal)


def test_ical_feeds_parse_back(client, personas):
    project = _accepted_triad(personas)
    services.milestone_add(
        project=project, actor=personas.company_admin, title="発表会", due_on=date(2027, 2, 12)
    )
    client.force_login(personas.company_admin)
    response = client.get(reverse("projects:calendar", args=[project.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [f"発表会 ({project.title})"]
    assert events[0].decoded("dtstart") == date(2027, 2, 12)
    client.logout()
    feed = reverse("projects:user_calendar", kwargs={"token": feed_token(personas.teacher)})
    assert len(Calendar.from_ical(client.get(feed).content).walk("VEVENT")) == 1
    outsider_feed = reverse(
        "projects:user_calendar", kwargs={"token": feed_token(personas.outsider)}
    )
    assert Calendar.from_ical(client.get(outsider_feed).content).walk("VEVENT") == []
    bad = reverse("projects:user_calendar", kwargs={"token": "forged"})
    assert client.get(bad).status_code == 404


def test_milestones_due_soon_are_reminded_once(personas):
    from datetime import timedelta

    from django.utils import timezone

    project = _accepted_triad(personas)
    today = timezone.localdate()
    soon = services.milestone_add(
        project=project, actor=personas.company_admin, title="中間発表", due_on=today + timedelta(2)
    )
    services.milestone_add(
        project=project,
        actor=personas.company_admin,
        title="最終発表",
        due_on=today + timedelta(30),
    )
    assert services.milestones_remind_due() == 1
    services.milestones_remind_due()
    reminders = Notification.objects.filter(kind="milestone_due")
    assert {n.payload["milestone"] for n in reminders} == {"中間発表"}
    assert reminders.filter(recipient=personas.teacher).count() == 1
    services.milestone_set_done(milestone=soon, actor=personas.teacher, done=True)
    assert services.milestones_remind_due() == 0


def test_the_history_names_what_happened_newest_first_without_the_messages(client, personas):
    from projects.selectors import HISTORY_LIMIT

    project = _accepted_triad(personas)
    services.milestone_add(
        project=project, actor=personas.company_admin, title="中間発表", due_on=date(2027, 1, 15)
    )
    party = project.parties.get(organisation=personas.company)
    for n in range(HISTORY_LIMIT + 5):
        services.message_post(
            project=project, author=personas.company_admin, party=party, body=f"連絡 {n}"
        )
    client.force_login(personas.company_admin)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    history = html[html.index("<details>") : html.index("</details>")]
    assert "project.message_posted" not in history and "project.formed" not in history
    assert history.index("マイルストーン") < history.index("プロジェクト")  # newest first
    for n in range(HISTORY_LIMIT + 10):
        services.milestone_add(
            project=project, actor=personas.company_admin, title=f"節目{n}", due_on=date(2027, 2, 2)
        )
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    history = html[html.index("<details>") : html.index("</details>")]
    assert history.count("<li>") == HISTORY_LIMIT
