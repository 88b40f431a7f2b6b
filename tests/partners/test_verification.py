"""Verification: by email domain, or by a coordinator from the queue."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from partners import services
from partners.models import Organisation
from partners.services import email_domain_proves
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "website", "email", "proves"),
    [
        ("municipality", "", "kikaku@city.matsumoto.lg.jp", True),
        ("municipality", "", "someone@matsumoto.jp", False),
        ("school", "", "teacher@aoba-jh.ed.jp", True),
        ("school", "", "lab@eng.shinshu-u.ac.jp", True),
        ("school", "https://www.example-school.jp", "t@example-school.jp", True),
        ("school", "", "teacher@gmail.com", False),
        ("company", "https://www.shinshu-denki.co.jp/", "csr@shinshu-denki.co.jp", True),
        ("company", "https://shinshu-denki.co.jp", "csr@mail.shinshu-denki.co.jp", True),
        ("company", "https://shinshu-denki.co.jp", "csr@evil-shinshu-denki.co.jp", False),
        ("company", "https://shinshu-denki.co.jp", "csr@gmail.com", False),
        ("company", "https://gmail.com", "csr@gmail.com", False),
        ("company", "", "csr@shinshu-denki.co.jp", False),
        ("company", "https://shinshu-denki.co.jp", "csr@lg.jp", False),
    ],
)
def test_email_domain_proves(kind, website, email, proves):
    organisation = Organisation(kind=kind, website=website)
    assert email_domain_proves(organisation=organisation, email=email) is proves


def test_organisation_created_by_officer_with_lg_jp_email_is_verified(reference_data):
    officer = factories.UserFactory(email="kikaku@city.matsumoto.lg.jp")
    from partners.models import LocalGovernment

    matsumoto = LocalGovernment.objects.get(code="202029")
    organisation = services.organisation_create(
        user=officer,
        kind="municipality",
        data={
            "name": "長野県松本市",
            "prefecture": matsumoto.prefecture,
            "local_government": matsumoto,
            "location": matsumoto,
        },
    )
    assert organisation.is_verified
    assert organisation.verification_method == "email_domain"


def test_unverified_email_does_not_prove_anything(reference_data):
    officer = factories.UserFactory(email="x@example.jp")
    EmailAddress.objects.create(user=officer, email="kikaku@city.ueda.lg.jp", verified=False)
    organisation = factories.MunicipalityFactory(verification_status="unverified")
    assert not services.organisation_try_auto_verify(organisation=organisation, user=officer)


def test_coordinator_approves_from_queue_and_admins_are_told(
    client, personas, django_capture_on_commit_callbacks
):
    personas.company.verification_status = "pending"
    personas.company.save()
    client.force_login(personas.coordinator)
    queue = client.get(reverse("partners:verification_queue"))
    assert "テスト株式会社" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners:verification_decide", args=[personas.company.pk]),
            {"decision": "approve", "note": "法人番号を確認しました"},
        )
    personas.company.refresh_from_db()
    assert personas.company.is_verified
    assert personas.company.verified_by == personas.coordinator
    assert [m.to for m in mail.outbox] == [[personas.company_admin.email]]


def test_refusal_needs_a_note(client, personas):
    personas.company.verification_status = "pending"
    personas.company.save()
    client.force_login(personas.coordinator)
    client.post(
        reverse("partners:verification_decide", args=[personas.company.pk]),
        {"decision": "reject", "note": "  "},
    )
    personas.company.refresh_from_db()
    assert personas.company.verification_status == "pending"


def test_second_decision_is_a_friendly_no_op(client, personas):
    personas.company.verification_status = "pending"
    personas.company.save()
    first = services.organisation_decide_verification(
        organisation=personas.company, coordinator=personas.coordinator, approve=True, note=""
    )
    second = services.organisation_decide_verification(
        organisation=personas.company,
        coordinator=personas.coordinator,
        approve=False,
        note="遅れて拒否",
    )
    assert (first, second) == (True, False)
    personas.company.refresh_from_db()
    assert personas.company.is_verified


def test_request_verification_puts_organisation_in_queue(client, personas):
    personas.company.verification_status = "unverified"
    personas.company.save()
    client.force_login(personas.company_admin)
    client.post(reverse("partners:request_verification", args=[personas.company.pk]))
    personas.company.refresh_from_db()
    assert personas.company.verification_status == "pending"
    assert personas.company.verification_requested_at is not None


def test_queue_is_scoped_to_the_coordinators_prefectures(client, personas):
    from partners.models import Prefecture

    Organisation.objects.filter(pk__in=[personas.company.pk, personas.school.pk]).update(
        verification_status="pending"
    )
    nagano = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=20)])
    client.force_login(nagano.user)
    page = client.get(reverse("partners:verification_queue")).content.decode()
    assert "テスト市立第一中学校" in page
    assert "テスト株式会社" not in page
