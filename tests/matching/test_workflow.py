"""The proposal workflow: requested → approved | rejected → accepted | declined | expired.
Every transition is one service, race-safe, audited, and notifies through the outbox."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matching import workflow
from matching.models import MatchProposal, ProposalResponse, ReasonCode
from partners.models import AuditEvent, Prefecture
from partners.services import ServiceError
from sankangaku.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _postings(personas):
    issue = factories.make_posting(
        personas.municipality,
        title="観光客の周遊を増やしたい",
        body="観光客が一部の名所に集中しています。データを使って周遊を促したい。",
    )
    strength = factories.make_posting(
        personas.company,
        direction="strength",
        title="観光客の動態データ分析",
        body="位置情報から観光客の周遊を分析します。",
    )
    school = factories.make_posting(
        personas.school,
        direction="strength",
        title="中学生による観光マップづくり",
        body="生徒が観光マップを作ります。",
    )
    return issue, strength, school


def _proposal(personas, *, triad=False, state="suggested", **extra):
    issue, strength, school = _postings(personas)
    fields = {
        "posting": issue,
        "kind": "triad" if triad else "pair",
        "partner": personas.company,
        "partner_posting": strength,
        "score": 0.8,
        "rank": 1,
        "breakdown": {},
        "engine_version": "test",
        "state": state,
    }
    if triad:
        fields |= {"second_partner": personas.school, "second_partner_posting": school}
    return MatchProposal.objects.create(**fields, **extra)


def _requested(personas, **kwargs):
    from matching.services import proposal_request_introduction

    proposal = _proposal(personas, **kwargs)
    assert proposal_request_introduction(
        proposal=proposal, user=personas.municipal_officer, message="ぜひ紹介を"
    )
    proposal.refresh_from_db()
    return proposal


# --- The happy path, and what each step records ------------------------------------------


def test_request_approve_accept_by_every_party(personas):
    proposal = _requested(personas, triad=True)
    assert proposal.state == "requested"
    assert Notification.objects.filter(
        kind="introduction_requested", recipient=personas.coordinator
    ).exists()

    assert workflow.proposal_decide(
        proposal=proposal, coordinator=personas.coordinator, approve=True, note="良い組合せです"
    )
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.decided_by == personas.coordinator
    answers = dict(ProposalResponse.objects.values_list("organisation_id", "answer"))
    # The requester's organisation asked for it: its yes is already on record.
    assert answers == {
        personas.municipality.pk: "accepted",
        personas.company.pk: "pending",
        personas.school.pk: "pending",
    }
    asked = Notification.objects.filter(kind="proposal_decided")
    assert {n.recipient for n in asked} >= {
        personas.company_admin,
        personas.teacher,
        personas.municipal_officer,
    }

    assert workflow.proposal_respond(
        proposal=proposal, organisation=personas.company, user=personas.company_admin, accept=True
    )
    proposal.refresh_from_db()
    assert proposal.state == "approved"  # the school has not answered yet
    assert workflow.proposal_respond(
        proposal=proposal, organisation=personas.school, user=personas.teacher, accept=True
    )
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    final = Notification.objects.filter(kind="party_responded", payload__everyone=True)
    assert personas.municipal_officer in {n.recipient for n in final}
    assert personas.coordinator in {n.recipient for n in final}

    trail = list(
        AuditEvent.objects.filter(action__startswith="proposal.", data__proposal=proposal.pk)
        .order_by("pk")
        .values_list("action", "data__from", "data__to", "actor")
    )
    assert [(a, f, t) for a, f, t, _ in trail] == [
        ("proposal.requested", "suggested", "requested"),
        ("proposal.approved", "requested", "approved"),
        ("proposal.party_accepted", None, None),
        ("proposal.accepted", "approved", "accepted"),
    ]
    assert trail[1][3] == personas.coordinator.pk


def test_rejection_needs_a_reason_and_is_counted_on_the_posting(personas):
    proposal = _requested(personas)
    with pytest.raises(ServiceError):
        workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=False)
    with pytest.raises(ServiceError):
        workflow.proposal_decide(
            proposal=proposal, coordinator=personas.coordinator, approve=False, reason_code="other"
        )
    proposal.refresh_from_db()
    assert proposal.state == "requested"  # refused input changes nothing
    assert workflow.proposal_decide(
        proposal=proposal, coordinator=personas.coordinator, approve=False, reason_code="timing"
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason_code) == ("rejected", "timing")
    note = Notification.objects.get(kind="proposal_decided")
    assert note.recipient == personas.municipal_officer
    counts = [(str(label), n) for label, n in workflow.reason_counts(proposal.posting)]
    assert counts == [(str(ReasonCode.TIMING.label), 1)]


def test_one_decline_ends_it_with_the_reason(personas):
    proposal = _requested(personas)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    with pytest.raises(ServiceError):
        workflow.proposal_respond(
            proposal=proposal,
            organisation=personas.company,
            user=personas.company_admin,
            accept=False,
        )
    assert workflow.proposal_respond(
        proposal=proposal,
        organisation=personas.company,
        user=personas.company_admin,
        accept=False,
        reason_code="capacity",
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason_code) == ("declined", "capacity")
    # A second answer, by anyone, changes nothing.
    assert not workflow.proposal_respond(
        proposal=proposal, organisation=personas.company, user=personas.company_admin, accept=True
    )
    proposal.refresh_from_db()
    assert proposal.state == "declined"


def test_a_coordinator_proposes_by_hand(personas):
    issue, strength, school = _postings(personas)
    proposal = workflow.proposal_create_by_hand(
        coordinator=personas.coordinator,
        posting=issue,
        partner_posting=strength,
        second_partner_posting=school,
        note="地域でよく知られた取組です",
    )
    assert (proposal.state, proposal.kind) == ("approved", "triad")
    # Nobody asked: every party, the issue's owner too, must accept.
    assert set(proposal.responses.values_list("answer", flat=True)) == {"pending"}
    assert proposal.responses.count() == 3
    with pytest.raises(ServiceError):
        workflow.proposal_create_by_hand(
            coordinator=personas.coordinator,
            posting=issue,
            partner_posting=strength,
            second_partner_posting=school,
        )
    same_org = factories.make_posting(personas.municipality, title="別の課題")
    with pytest.raises(ServiceError):
        workflow.proposal_create_by_hand(
            coordinator=personas.coordinator, posting=issue, partner_posting=same_org
        )


def test_unanswered_proposals_expire(personas):
    proposal = _requested(personas)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    assert workflow.proposals_expire_stale() == 0
    later = timezone.now() + timedelta(days=30)
    assert workflow.proposals_expire_stale(now=later) == 1
    assert workflow.proposals_expire_stale(now=later) == 0
    proposal.refresh_from_db()
    assert proposal.state == "expired"


# --- Races ------------------------------------------------------------------------------------


def _race(target, arguments, workers):
    def run(argument):
        try:
            return target(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, arguments))


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_approvals_give_one_decision(personas):
    rounds = 20
    for round_number in range(rounds):
        proposal = _requested(personas) if round_number == 0 else _fresh_request(personas)

        def approve(_n, proposal=proposal):
            return workflow.proposal_decide(
                proposal=proposal, coordinator=personas.coordinator, approve=True
            )

        results = _race(approve, range(50), workers=50)
        assert results.count(True) == 1, f"round {round_number}"
        assert ProposalResponse.objects.filter(proposal=proposal).count() == 2
        assert (
            AuditEvent.objects.filter(
                action="proposal.approved", data__proposal=proposal.pk
            ).count()
            == 1
        )


def _fresh_request(personas):
    """Another requested proposal on the same issue (a new partner organisation)."""
    from matching.services import proposal_request_introduction

    first = MatchProposal.objects.order_by("pk").first()
    partner = factories.CompanyFactory()
    proposal = MatchProposal.objects.create(
        posting=first.posting,
        kind="pair",
        partner=partner,
        score=0.5,
        rank=2,
        breakdown={},
        engine_version="test",
    )
    proposal_request_introduction(proposal=proposal, user=personas.municipal_officer, message="")
    proposal.refresh_from_db()
    return proposal


@pytest.mark.django_db(transaction=True)
def test_approve_against_reject_and_double_answers(personas):
    proposal = _requested(personas)

    def decide(approve):
        return workflow.proposal_decide(
            proposal=proposal,
            coordinator=personas.coordinator,
            approve=approve,
            reason_code="" if approve else "not_fit",
        )

    results = _race(decide, [True, False] * 10, workers=20)
    assert results.count(True) == 1
    proposal.refresh_from_db()
    if proposal.state == "approved":

        def answer(accept):
            return workflow.proposal_respond(
                proposal=proposal,
                organisation=personas.company,
                user=personas.company_admin,
                accept=accept,
                reason_code="" if accept else "timing",
            )

        answers = _race(answer, [True, False] * 5, workers=10)
        assert answers.count(True) == 1
        proposal.refresh_from_db()
        assert proposal.state in {"accepted", "declined"}


# --- Working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 12, 1), date(2026, 12, 8)),  # Tue → next Tue (weekend skipped)
        (date(2026, 12, 25), date(2027, 1, 7)),  # year-end closure 29 Dec – 3 Jan
        (date(2026, 4, 28), date(2026, 5, 11)),  # Golden Week, with the 6 May substitute
    ],
)
def test_review_due_date_counts_japanese_working_days(start, due, settings):
    settings.PROPOSAL_REVIEW_SLA_WORKING_DAYS = 5
    requested = timezone.make_aware(datetime.combine(start, datetime.min.time()).replace(hour=10))
    assert workflow.review_due_on(requested) == due


# --- Pages and who may do what ---------------------------------------------------------------

PERSONAS = [
    "company_admin",
    "company_member",
    "municipal_officer",
    "teacher",
    "coordinator",
    "far_coordinator",
    "outsider",
    "anonymous",
]


def _login(client, personas, name):
    if name == "far_coordinator":
        user = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
        client.force_login(user)
    elif name != "anonymous":
        client.force_login(personas.user(name))


# (persona) → expected status of: detail GET, decide POST (approve), respond POST (accept)
MATRIX = {
    "company_admin": (200, 403, 302),
    "company_member": (200, 403, 302),
    "municipal_officer": (200, 403, 302),
    "teacher": (404, 404, 404),
    "coordinator": (200, 302, 403),  # sees and decides; no party of theirs to answer for
    "far_coordinator": (404, 404, 404),
    "outsider": (404, 404, 404),
    "anonymous": (302, 302, 302),
}


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("htmx", [False, True])
def test_permission_matrix(client, personas, name, htmx):
    proposal = _requested(personas)
    _login(client, personas, name)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    detail, decide, respond = MATRIX[name]
    url = reverse("matching:proposal", args=[proposal.pk])
    assert client.get(url, **headers).status_code == detail
    response = client.post(
        reverse("matching:proposal_decide", args=[proposal.pk]), {"decision": "approve"}, **headers
    )
    expected_decide = 200 if (htmx and name == "coordinator") else decide
    assert response.status_code == expected_decide
    proposal.refresh_from_db()
    assert proposal.state == (
        "approved" if decide == 302 and name == "coordinator" else "requested"
    )
    if proposal.state == "requested":
        workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    response = client.post(
        reverse("matching:proposal_respond", args=[proposal.pk]), {"answer": "accept"}, **headers
    )
    assert response.status_code == respond
    company_answer = ProposalResponse.objects.get(proposal=proposal, organisation=personas.company)
    assert company_answer.answer == (
        "accepted" if name in {"company_admin", "company_member"} else "pending"
    )


def test_outsider_cannot_see_suggested_or_unknown_proposals(client, personas):
    proposal = _proposal(personas)
    client.force_login(personas.company_admin)
    assert client.get(reverse("matching:proposal", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("matching:proposal", args=[999999])).status_code == 404


def test_bad_answers_get_a_message_and_change_nothing(client, personas):
    proposal = _requested(personas)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    client.force_login(personas.company_admin)
    url = reverse("matching:proposal_respond", args=[proposal.pk])
    for data in (
        {},
        {"answer": "maybe"},
        {"answer": "decline"},
        {"answer": "decline", "reason_code": "other"},
    ):
        response = client.post(url, data)
        assert response.status_code == 422
        assert (
            'role="alert"' in response.content.decode()
            or "aria-invalid" in response.content.decode()
        )
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert set(proposal.responses.values_list("answer", flat=True)) == {"accepted", "pending"}


def test_review_queue_scoped_with_sla_htmx_and_bulk(client, personas):
    proposal = _requested(personas)
    MatchProposal.objects.filter(pk=proposal.pk).update(
        requested_at=timezone.now() - timedelta(days=30)
    )
    second = _fresh_request(personas)
    far = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
    client.force_login(far)
    assert proposal.posting.title not in client.get(reverse("matching:review")).content.decode()

    client.force_login(personas.coordinator)
    page = client.get(reverse("matching:review")).content.decode()
    assert page.count(proposal.posting.title) >= 2
    assert 'class="overdue"' in page
    assert client.get(reverse("matching:review"), {"older_than": "abc"}).status_code == 200
    assert client.get(reverse("matching:review"), {"older_than": "20"}).status_code == 200

    row = client.post(
        reverse("matching:proposal_decide", args=[proposal.pk]),
        {"decision": "approve", "from": "queue"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and "<html" not in row.content.decode()
    assert f'id="review-{proposal.pk}"' in row.content.decode()

    # Bulk: no reason for a rejection → message, nothing changes; then approve.
    bulk = reverse("matching:review_bulk")
    client.post(bulk, {"proposals": [second.pk], "decision": "reject"})
    second.refresh_from_db()
    assert second.state == "requested"
    client.post(bulk, {"proposals": [second.pk, 999999], "decision": "approve"})
    second.refresh_from_db()
    assert second.state == "requested"  # an unknown id spoils the batch: nothing decided
    client.post(bulk, {"proposals": [second.pk], "decision": "approve"})
    second.refresh_from_db()
    assert second.state == "approved"


def test_manual_proposal_page_validates(client, personas):
    issue, strength, school = _postings(personas)
    client.force_login(personas.coordinator)
    url = reverse("matching:proposal_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"posting": "abc", "partner_posting": 999999})
    assert response.status_code == 200
    assert not MatchProposal.objects.exists()
    response = client.post(url, {"posting": issue.pk, "partner_posting": strength.pk})
    assert response.status_code == 302
    assert MatchProposal.objects.get().state == "approved"
    client.force_login(personas.company_admin)
    assert client.get(url).status_code == 404


def test_my_proposals_lists_what_waits_for_us(client, personas):
    proposal = _requested(personas)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    client.force_login(personas.company_admin)
    page = client.get(reverse("matching:proposal_mine")).content.decode()
    assert proposal.posting.title in page
    client.force_login(personas.teacher)
    assert (
        proposal.posting.title not in client.get(reverse("matching:proposal_mine")).content.decode()
    )


def test_posting_page_counts_reasons_for_its_members_only(client, personas):
    proposal = _requested(personas)
    workflow.proposal_decide(
        proposal=proposal, coordinator=personas.coordinator, approve=False, reason_code="timing"
    )
    url = proposal.posting.get_absolute_url()
    client.force_login(personas.municipal_officer)
    label = str(ReasonCode.TIMING.label)
    assert label in client.get(url).content.decode()
    client.force_login(personas.outsider)
    assert label not in client.get(url).content.decode()


def test_expire_proposals_command(personas):
    from django.core.management import call_command

    proposal = _requested(personas)
    workflow.proposal_decide(proposal=proposal, coordinator=personas.coordinator, approve=True)
    MatchProposal.objects.filter(pk=proposal.pk).update(
        decided_at=timezone.now() - timedelta(days=60)
    )
    call_command("expire_proposals", verbosity=0)
    proposal.refresh_from_db()
    assert proposal.state == "expired"
