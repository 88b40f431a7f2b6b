"""Posting life cycle: draft → (review) → open → closed | expired, freshness, hand-over, open
calls. Each transition is one service; a repeat or a race has exactly one effect."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import AuditEvent, CallResponse, Posting
from sankangaku.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_verified_organisation_publishes_directly(personas):
    posting = factories.make_posting(personas.company, publish=False)
    assert posting.status == "draft"
    assert services.posting_publish(posting=posting, actor=personas.company_admin) == "open"
    posting.refresh_from_db()
    assert posting.published_at is not None
    assert posting.expires_on == timezone.localdate() + timedelta(days=90)
    assert posting.freshness == "fresh"
    assert posting.search_tokens  # analysed for search


def test_unverified_organisation_goes_through_review(
    personas, client, django_capture_on_commit_callbacks
):
    personas.company.verification_status = "unverified"
    personas.company.save()
    posting = factories.make_posting(personas.company)
    assert posting.status == "in_review"
    client.force_login(personas.coordinator)
    queue = client.get(reverse("partners:posting_review_queue")).content.decode()
    assert posting.title in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners:posting_review_decide", args=[posting.pk]),
            {"decision": "reject", "note": "場所と時期を具体的に書いてください"},
        )
    posting.refresh_from_db()
    assert posting.status == "draft"
    assert "場所と時期" in posting.review_note
    assert mail.outbox and "場所と時期" in mail.outbox[-1].body


def test_saving_a_draft_does_not_recheck_the_people_and_organisation_it_was_given(personas):
    posting = factories.make_posting(personas.company, publish=False)
    with CaptureQueriesContext(connection) as queries:
        services.posting_update(
            posting=posting, actor=personas.company_admin, data={"title": "空き家の活用策"}
        )
    existence_checks = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "accounts_user"')
        or q["sql"].startswith('SELECT 1 AS "a" FROM "partners_organisation"')
    ]
    assert existence_checks == []  # places chosen in the form are still checked
    posting.refresh_from_db()
    assert posting.title == "空き家の活用策"


def test_posting_can_ask_for_review_even_when_verified(personas):
    posting = factories.make_posting(personas.company, wants_review=True)
    assert posting.status == "in_review"


def test_publishing_twice_has_one_effect(personas):
    posting = factories.make_posting(personas.company, publish=False)
    services.posting_publish(posting=posting, actor=personas.company_admin)
    stale = Posting.objects.get(pk=posting.pk)
    stale.status = "draft"  # a second tab that still thinks it is a draft
    with pytest.raises(services.ServiceError):
        services.posting_publish(posting=stale, actor=personas.company_admin)
    assert AuditEvent.objects.filter(action="posting.submitted").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_review_decisions_give_one_decision(reference_data):
    coordinator = factories.CoordinatorFactory().user
    company = factories.CompanyFactory(verification_status="unverified")
    factories.MembershipFactory(organisation=company, role="admin")
    posting = factories.make_posting(company)
    assert posting.status == "in_review"

    def decide(approve: bool) -> bool:
        try:
            return services.posting_review_decide(
                posting=Posting.objects.get(pk=posting.pk),
                coordinator=coordinator,
                approve=approve,
                note="" if approve else "戻します",
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(decide, [True, False] * 8))
    assert results.count(True) == 1
    assert AuditEvent.objects.filter(action__startswith="posting.review_").count() == 1


def test_close_and_confirm(personas, client):
    posting = factories.make_posting(personas.company)
    client.force_login(personas.company_member)
    client.post(reverse("partners:posting_close", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.status == "closed"
    assert client.post(reverse("partners:posting_confirm", args=[posting.pk])).status_code == 302
    posting.refresh_from_db()
    assert posting.status == "closed"  # closed postings are not reopened by confirming


def test_reminder_then_expiry_with_time_travel(personas, django_capture_on_commit_callbacks):
    posting = factories.make_posting(personas.company)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.posting_send_reminders(now=now) == 0
        assert services.posting_send_reminders(now=now + timedelta(days=77)) == 1
        # Reminded once per expiry date, not every run.
        assert services.posting_send_reminders(now=now + timedelta(days=78)) == 0
    assert "confirm/" in mail.outbox[-1].body
    posting.refresh_from_db()
    assert posting.reminded_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.posting_expire_stale(now=now + timedelta(days=90)) == 0
        assert services.posting_expire_stale(now=now + timedelta(days=91)) == 1
        assert services.posting_expire_stale(now=now + timedelta(days=92)) == 0
    posting.refresh_from_db()
    assert posting.status == "expired"
    assert posting.freshness == "expired"


def test_confirming_an_expired_posting_reopens_it(personas, client):
    posting = factories.make_posting(personas.company)
    services.posting_expire_stale(now=timezone.now() + timedelta(days=100))
    client.force_login(personas.company_admin)
    client.post(reverse("partners:posting_confirm", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.status == "open"
    assert posting.expires_on == timezone.localdate() + timedelta(days=90)
    assert posting.reminded_at is None


def test_needs_confirmation_light(personas):
    posting = factories.make_posting(personas.company)
    Posting.objects.filter(pk=posting.pk).update(
        expires_on=timezone.localdate() + timedelta(days=5)
    )
    posting.refresh_from_db()
    assert posting.freshness == "needs_confirmation"


def test_expire_postings_command(personas):
    posting = factories.make_posting(personas.company)
    Posting.objects.filter(pk=posting.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    call_command("expire_postings", verbosity=0)
    posting.refresh_from_db()
    assert posting.status == "expired"


def test_leaving_member_hands_postings_over(personas, client, django_capture_on_commit_callbacks):
    posting = factories.make_posting(personas.company, actor=personas.company_member)
    client.force_login(personas.company_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:leave", args=[personas.company.pk]))
    posting.refresh_from_db()
    assert posting.organisation == personas.company
    assert posting.contact is None
    assert mail.outbox[-1].to == [personas.company_admin.email]
    client.force_login(personas.company_admin)
    client.post(
        reverse("partners:posting_contact", args=[posting.pk]),
        {"contact": personas.company_admin.pk},
    )
    posting.refresh_from_db()
    assert posting.contact == personas.company_admin


def test_contact_must_be_a_member(personas, client):
    posting = factories.make_posting(personas.company)
    client.force_login(personas.company_admin)
    client.post(
        reverse("partners:posting_contact", args=[posting.pk]), {"contact": personas.outsider.pk}
    )
    posting.refresh_from_db()
    assert posting.contact == personas.company_admin


def _open_call(personas):
    return factories.make_posting(
        personas.company,
        title="地域課題解決アイデア募集（逆指名）",
        is_open_call=True,
        call_budget=3_000_000,
        call_deadline=timezone.localdate() + timedelta(days=30),
        selection_criteria="実現可能性と地域への波及効果",
    )


def test_open_call_answers_shortlist_choose_and_outcome(
    personas, client, django_capture_on_commit_callbacks
):
    call = _open_call(personas)
    answer = {
        "idea": "生徒が観光ルートを提案します",
        "who": "2年生120名",
        "when": "2027年度2学期",
        "cost": "0",
    }
    for user in (personas.teacher, personas.municipal_officer):
        client.force_login(user)
        response = client.post(reverse("partners:call_respond", args=[call.pk]), answer)
        assert response.status_code == 302
    # One answer per organisation.
    client.force_login(personas.teacher)
    assert client.post(reverse("partners:call_respond", args=[call.pk]), answer).status_code == 200
    assert CallResponse.objects.filter(call=call).count() == 2

    client.force_login(personas.company_admin)
    chosen = CallResponse.objects.get(organisation=personas.school)
    base = "partners:call_response_decide"
    client.post(reverse(base, args=[call.pk, chosen.pk]), {"decision": "shortlist"})
    chosen.refresh_from_db()
    assert chosen.status == "shortlisted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(base, args=[call.pk, chosen.pk]), {"decision": "choose"})
    statuses = dict(CallResponse.objects.values_list("organisation__kind", "status"))
    assert statuses == {"school": "chosen", "municipality": "not_chosen"}
    call.refresh_from_db()
    assert call.status == "closed"
    # Every respondent hears the outcome: the municipality by email at once, the teacher in
    # the inbox and the weekly digest (the teachers' default).
    outcomes = Notification.objects.filter(kind="call_outcome")
    assert {n.recipient for n in outcomes} == {personas.teacher, personas.municipal_officer}
    assert outcomes.get(recipient=personas.teacher).payload["chosen"] is True
    assert outcomes.get(recipient=personas.teacher).email_state == "digest"
    assert [m.to for m in mail.outbox] == [[personas.municipal_officer.email]]
    # A second choice changes nothing.
    other = CallResponse.objects.get(organisation=personas.municipality)
    client.post(reverse(base, args=[call.pk, other.pk]), {"decision": "choose"})
    other.refresh_from_db()
    assert other.status == "not_chosen"


def test_bad_call_answers_change_nothing(personas, client):
    call = _open_call(personas)
    client.force_login(personas.teacher)
    response = client.post(
        reverse("partners:call_respond", args=[call.pk]),
        {"idea": "", "who": "x" * 5000, "when": "", "cost": "-5"},
    )
    assert response.status_code == 200
    assert not CallResponse.objects.exists()


def test_call_after_deadline_refuses_answers(personas):
    call = _open_call(personas)
    Posting.objects.filter(pk=call.pk).update(call_deadline=timezone.localdate() - timedelta(1))
    call.refresh_from_db()
    with pytest.raises(services.ServiceError):
        services.call_response_submit(
            call=call,
            organisation=personas.school,
            actor=personas.teacher,
            data={"idea": "案", "who": "生徒", "when": "来年"},
        )
