"""Fixtures for the dashboard tests: proposals and projects with hand-set timestamps."""

from datetime import timedelta

from django.utils import timezone

from matching.models import MatchProposal
from partners.models import AuditEvent, Prefecture
from projects.models import Project
from tests import factories


def org_in(code: int, *, kind: str = "municipality", name: str = ""):
    factory = {
        "municipality": factories.OrganisationFactory,
        "company": factories.CompanyFactory,
        "school": factories.OrganisationFactory,
    }[kind]
    organisation = factory(
        kind=kind,
        name=name or f"{kind}{code}",
        prefecture=Prefecture.objects.get(code=code),
        location=None,
    )
    admin = factories.UserFactory()
    factories.MembershipFactory(user=admin, organisation=organisation, role="admin")
    return organisation


def proposal(posting, partner, *, state="suggested", created=None, **stamps):
    made = MatchProposal.objects.create(
        posting=posting,
        kind="pair",
        partner=partner,
        score=0.5,
        rank=1,
        breakdown={},
        engine_version="test",
        state=state,
    )
    MatchProposal.objects.filter(pk=made.pk).update(created_at=created or timezone.now(), **stamps)
    made.refresh_from_db()
    return made


def funnel_fixture(personas):
    """Five proposals on the municipality's issue, 30 days ago (hand-computed in the tests):

    P1 suggested
    P2 requested   (+2 d after creation)
    P3 rejected    (+3 d, decided +1 d)
    P4 approved    (+1 d, decided +3 d)
    P5 accepted    (+1 d, decided +1 d, accepted +4 d) → project active 10 d after forming
    """
    issue = factories.make_posting(personas.municipality, title="見守りの課題")
    factories.make_posting(personas.company, direction="strength", title="見守りセンサー")
    factories.make_posting(personas.school, direction="strength", title="生徒の見守り隊")
    base = timezone.now() - timedelta(days=30)
    day = timedelta(days=1)
    partners = [factories.CompanyFactory() for _ in range(5)]
    proposal(issue, partners[0], created=base)
    proposal(issue, partners[1], state="requested", created=base, requested_at=base + 2 * day)
    proposal(
        issue,
        partners[2],
        state="rejected",
        created=base,
        requested_at=base + 3 * day,
        decided_at=base + 4 * day,
    )
    proposal(
        issue,
        partners[3],
        state="approved",
        created=base,
        requested_at=base + day,
        decided_at=base + 4 * day,
    )
    accepted = proposal(
        issue,
        partners[4],
        state="accepted",
        created=base,
        requested_at=base + day,
        decided_at=base + 2 * day,
        state_changed_at=base + 6 * day,
    )
    project = Project.objects.create(
        title="見守りプロジェクト", proposal=accepted, posting=issue, state="active"
    )
    Project.objects.filter(pk=project.pk).update(
        created_at=base + 6 * day, state_changed_at=base + 16 * day
    )
    event = AuditEvent.objects.create(
        organisation=personas.municipality, action="project.active", data={"project": project.pk}
    )
    AuditEvent.objects.filter(pk=event.pk).update(created_at=base + 16 * day)
    return issue, project
