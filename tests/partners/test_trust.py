"""Trust signals: computed periodically into OrganisationStats, read by the pages."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal, ProposalResponse
from partners.models import OrganisationStats
from partners.trust import summarise_responses, trust_signals_compute
from projects.models import CaseStudy, Project, ProjectParty
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def test_summary_is_pure_and_counts_lapsed_as_unanswered():
    summary = summarise_responses([48.0, None, 96.0])
    assert (summary.introductions, summary.answered) == (3, 2)
    assert summary.median_response_hours == 72.0
    assert summarise_responses([]).median_response_hours is None


def _proposal(personas, *, days_ago, state, n):
    posting = factories.make_posting(personas.municipality, title=f"課題 {n}", publish=False)
    return MatchProposal.objects.create(
        posting=posting,
        partner=personas.company,
        score=0.5,
        rank=1,
        engine_version="test",
        state=state,
        requested_by=personas.municipal_officer,
        requested_at=NOW - timedelta(days=days_ago + 1),
        decided_by=personas.coordinator,
        decided_at=NOW - timedelta(days=days_ago),
    )


def _respond(proposal, organisation, *, hours=None, answer="accepted", by=None):
    return ProposalResponse.objects.create(
        proposal=proposal,
        organisation=organisation,
        answer=answer if hours is not None else "pending",
        answered_by=by,
        answered_at=proposal.decided_at + timedelta(hours=hours) if hours is not None else None,
    )


@pytest.fixture
def history(personas):
    """The company, over the last 12 months: answered in 48 h and in 96 h, let one lapse;
    plus rows that must not count."""
    company, municipality = personas.company, personas.municipality
    p1 = _proposal(personas, days_ago=10, state="accepted", n=1)
    _respond(p1, company, hours=48)
    # The requester's automatic yes is not an answer to an introduction.
    _respond(p1, municipality, hours=0, by=personas.municipal_officer)
    p2 = _proposal(personas, days_ago=100, state="declined", n=2)
    _respond(p2, company, hours=96, answer="declined")
    p3 = _proposal(personas, days_ago=60, state="expired", n=3)
    _respond(p3, company)  # pending past PROPOSAL_RESPONSE_DAYS: no response
    p4 = _proposal(personas, days_ago=5, state="approved", n=4)
    _respond(p4, company)  # still within its answer period: not counted yet
    p5 = _proposal(personas, days_ago=400, state="accepted", n=5)
    _respond(p5, company, hours=1)  # outside the 12-month window
    p6 = _proposal(personas, days_ago=50, state="declined", n=6)
    _respond(p6, company)  # another party declined first: it could no longer answer

    completed = Project.objects.create(title="完了", posting=p1.posting, state="completed")
    active = Project.objects.create(title="進行中", posting=p2.posting, state="active")
    for project in (completed, active):
        ProjectParty.objects.create(project=project, organisation=company, role="company")
        ProjectParty.objects.create(project=project, organisation=municipality, role="municipality")
    published = CaseStudy.objects.create(
        project=completed, title="事例", summary="s", is_published=True
    )
    published.organisations.set([company, municipality])
    hidden = CaseStudy.objects.create(project=active, title="非公開", summary="s")
    hidden.organisations.set([company])
    return personas


def test_numbers_match_the_hand_built_history(history, settings):
    settings.PROPOSAL_RESPONSE_DAYS = 21
    written = trust_signals_compute(now=NOW)
    assert written >= 4
    stats = OrganisationStats.objects.get(organisation=history.company)
    assert (stats.introductions, stats.answered) == (3, 2)
    assert stats.response_rate == 67
    assert stats.median_response_hours == 72.0
    assert stats.reply_days == 3
    assert stats.completed_projects == 1
    assert stats.published_case_studies == 1

    town = OrganisationStats.objects.get(organisation=history.municipality)
    assert town.introductions == 0 and town.response_rate is None and town.reply_days is None
    assert town.completed_projects == 1 and town.published_case_studies == 1


def test_recompute_is_idempotent_and_updates_in_place(history):
    trust_signals_compute(now=NOW)
    trust_signals_compute(now=NOW)
    assert OrganisationStats.objects.filter(organisation=history.company).count() == 1


def test_management_command_and_task_compute(history):
    from partners.tasks import trust_signals_compute_all

    call_command("compute_trust_signals", verbosity=0)
    assert OrganisationStats.objects.filter(organisation=history.company).exists()
    assert trust_signals_compute_all.delay().get() >= 4


def test_beat_schedules_the_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partners.tasks.trust_signals_compute_all" in tasks


def test_profile_shows_no_data_yet_before_any_computation(client, personas):
    response = client.get(reverse("partners:detail", args=[personas.company.pk]))
    assert response.status_code == 200
    from django.utils import translation

    with translation.override("ja"):  # the default language of an anonymous visitor
        assert translation.gettext("No data yet") in response.content.decode()


def test_profile_and_cards_read_the_stored_row(client, history):
    trust_signals_compute(now=NOW)
    detail = client.get(reverse("partners:detail", args=[history.company.pk])).content.decode()
    assert "67%" in detail
    listing = client.get(reverse("partners:list")).content.decode()
    assert "org-card-trust" in listing


def test_pages_do_not_compute(client, history, django_assert_max_num_queries):
    """The profile reads one stored row: no aggregate over proposals per request."""
    trust_signals_compute(now=NOW)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("partners:detail", args=[history.company.pk]))
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "matching_proposalresponse" not in sql
