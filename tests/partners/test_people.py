"""Invitations and memberships: the rules that keep an organisation in good hands."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import AuditEvent, Invitation, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Create an invitation through the service and run its after-commit email."""

    def _invite(organisation, actor, email, role="member"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.invitation_create(
                organisation=organisation, actor=actor, email=email, role=role
            )

    return _invite


def _token_from_last_email() -> str:
    match = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_invite_sends_email_after_commit_and_stores_only_a_hash(
    client, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas.company_admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("partners:invite", args=[personas.company.pk]),
            {"email": "New.Colleague@Example.jp", "role": "member"},
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    invitation = Invitation.objects.get()
    assert invitation.email == "new.colleague@example.jp"
    token = _token_from_last_email()
    assert token not in invitation.token_hash
    assert mail.outbox[-1].to == ["new.colleague@example.jp"]
    assert "テスト株式会社" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="invitation.created").exists()


def test_invitee_accepts_and_becomes_member(
    client, personas, invite, django_capture_on_commit_callbacks
):
    invite(personas.company, personas.company_admin, "invitee@example.jp", "member")
    token = _token_from_last_email()
    invitee = factories.UserFactory(email="invitee@example.jp")
    client.force_login(invitee)
    url = reverse("partners:invitation", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, organisation=personas.company).exists()
    assert Invitation.objects.get().status == "accepted"


def test_invitation_for_another_address_is_refused_with_a_message(
    client, personas, invite, django_capture_on_commit_callbacks
):
    invite(personas.company, personas.company_admin, "invitee@example.jp", "admin")
    token = _token_from_last_email()
    client.force_login(personas.outsider)
    response = client.post(reverse("partners:invitation", args=[token]), {"answer": "accept"})
    assert response.status_code == 200
    assert "invitee@example.jp" in response.content.decode()
    assert not Membership.objects.filter(
        user=personas.outsider, organisation=personas.company
    ).exists()


def test_expired_invitation_cannot_be_accepted(
    client, personas, invite, django_capture_on_commit_callbacks
):
    invitation = invite(personas.company, personas.company_admin, "late@example.jp", "member")
    token = _token_from_last_email()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    late = factories.UserFactory(email="late@example.jp")
    client.force_login(late)
    client.post(reverse("partners:invitation", args=[token]), {"answer": "accept"})
    assert not Membership.objects.filter(user=late, organisation=personas.company).exists()


def test_resend_replaces_the_token(client, personas, invite, django_capture_on_commit_callbacks):
    invitation = invite(personas.company, personas.company_admin, "again@example.jp", "member")
    first = _token_from_last_email()
    client.force_login(personas.company_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners:invitation_resend", args=[personas.company.pk, invitation.pk])
        )
    second = _token_from_last_email()
    assert first != second
    assert client.get(reverse("partners:invitation", args=[first])).status_code == 404


def test_decline_and_revoke(client, personas, invite, django_capture_on_commit_callbacks):
    invitation = invite(personas.company, personas.company_admin, "no@example.jp", "member")
    token = _token_from_last_email()
    client.force_login(factories.UserFactory(email="no@example.jp"))
    client.post(reverse("partners:invitation", args=[token]), {"answer": "decline"})
    assert Invitation.objects.get(pk=invitation.pk).status == "declined"
    other = invite(personas.company, personas.company_admin, "maybe@example.jp", "member")
    services.invitation_revoke(invitation=other, actor=personas.company_admin)
    assert Invitation.objects.get(pk=other.pk).status == "revoked"


def test_duplicate_pending_invitation_is_refused_with_a_message(client, personas):
    client.force_login(personas.company_admin)
    url = reverse("partners:invite", args=[personas.company.pk])
    client.post(url, {"email": "dup@example.jp", "role": "member"})
    response = client.post(url, {"email": "dup@example.jp", "role": "member"})
    assert response.status_code == 200
    assert Invitation.objects.filter(email="dup@example.jp").count() == 1


def test_bad_invitation_input_changes_nothing(client, personas):
    client.force_login(personas.company_admin)
    response = client.post(
        reverse("partners:invite", args=[personas.company.pk]),
        {"email": "not-an-email", "role": "owner"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_last_admin_cannot_leave_or_be_demoted(client, personas):
    client.force_login(personas.company_admin)
    client.post(reverse("partners:leave", args=[personas.company.pk]))
    assert Membership.objects.filter(user=personas.company_admin, role="admin").exists()
    mine = Membership.objects.get(user=personas.company_admin, organisation=personas.company)
    client.post(
        reverse("partners:member_role", args=[personas.company.pk, mine.pk]), {"role": "member"}
    )
    mine.refresh_from_db()
    assert mine.role == "admin"


def test_transfer_admin_swaps_roles(client, personas):
    client.force_login(personas.company_admin)
    theirs = Membership.objects.get(user=personas.company_member)
    client.post(reverse("partners:transfer_admin", args=[personas.company.pk, theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.role == "admin"
    assert Membership.objects.get(user=personas.company_admin).role == "member"


def test_member_can_leave(client, personas):
    client.force_login(personas.company_member)
    response = client.post(reverse("partners:leave", args=[personas.company.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=personas.company_member).exists()


def test_membership_ids_of_another_organisation_are_404(client, personas):
    client.force_login(personas.company_admin)
    foreign = Membership.objects.get(user=personas.outsider)
    response = client.post(
        reverse("partners:member_remove", args=[personas.company.pk, foreign.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_switch_current_organisation_only_to_own(client, personas):
    factories.MembershipFactory(user=personas.company_admin, organisation=personas.school)
    client.force_login(personas.company_admin)
    client.post(reverse("partners:switch"), {"organisation": personas.school.pk})
    assert client.session["current_organisation_id"] == personas.school.pk
    client.post(reverse("partners:switch"), {"organisation": personas.other_company.pk})
    assert client.session["current_organisation_id"] == personas.school.pk
    page = client.get(reverse("partners:dashboard")).content.decode()
    assert "テスト市立第一中学校" in page
