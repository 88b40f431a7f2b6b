"""Accounts: sign-up with mandatory verification, no account enumeration, MFA rules,
language preference."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from sankangaku.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def _signup(client, email, password="Kyoryoku-2026-long"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "display_name": "山田 花子", "password1": password, "password2": password},
    )


def test_signup_requires_email_verification_before_login(client):
    response = _signup(client, "hanako@example.jp")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="hanako@example.jp")
    assert user.display_name == "山田 花子"
    assert user.preferred_language == "ja"
    # Not logged in yet: a protected page sends us to log in.
    assert client.get(reverse("partners:dashboard")).status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("//", 1)[1].split("/", 1)[1]
    confirm = client.post("/" + path)
    assert confirm.status_code == 302
    assert client.get(reverse("partners:dashboard")).status_code == 200


def test_signup_with_a_known_email_looks_the_same(client):
    factories.UserFactory(email="taken@example.jp")
    known = _signup(client, "taken@example.jp")
    client.logout()
    unknown = _signup(client, "fresh@example.jp")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert User.objects.filter(email="taken@example.jp").count() == 1


def test_password_reset_does_not_reveal_accounts(client):
    factories.UserFactory(email="known@example.jp")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.jp"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_with_wrong_password_gives_a_message(client):
    factories.UserFactory(email="user@example.jp")
    response = client.post(
        reverse("account_login"), {"login": "user@example.jp", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "alert" in response.content.decode()


def test_login_with_verified_email_works(client):
    factories.UserFactory(email="user@example.jp")
    response = client.post(
        reverse("account_login"), {"login": "user@example.jp", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("partners:dashboard")).status_code == 200


def test_staff_without_mfa_cannot_reach_admin(client):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    factories.give_totp(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_totp_secret_is_not_stored_in_clear(client):
    user = factories.UserFactory()
    authenticator = factories.give_totp(user)
    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert "JBSWY3DPEHPK3PXP" not in stored
    from sankangaku.accounts.adapters import MFAAdapter

    assert MFAAdapter().decrypt(stored) == "JBSWY3DPEHPK3PXP"


def test_coordinator_with_mfa_is_asked_for_the_code_at_login(client, reference_data):
    coordinator = factories.CoordinatorFactory()
    response = client.post(
        reverse("account_login"), {"login": coordinator.user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("partners:verification_queue")).status_code == 302


def test_language_switch_is_stored_for_the_user(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("language_set"), {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    page = client.get(reverse("partners:dashboard"))
    assert page["Content-Language"] == "en"


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    response = client.post(
        reverse("language_set"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_japanese_is_the_default(client):
    response = client.get(reverse("partners:home"))
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja"' in response.content.decode()


def test_profile_settings(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "新しい 名前", "preferred_language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("新しい 名前", "en")
    bad = client.post(reverse("accounts:profile"), {"display_name": "", "preferred_language": "zz"})
    assert bad.status_code == 200
