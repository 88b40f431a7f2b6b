"""Sessions: a new key at sign-in, a dead cookie after sign-out, other sessions ended by a
password change, idle and absolute limits (shorter for coordinators), and the admin's login
sent through allauth's rate-limited, MFA-aware sign-in."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sankangaku.accounts.middleware import SESSION_AUTH_AT, SESSION_LAST_SEEN
from sankangaku.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_sign_in_issues_a_new_session_key(client):
    user = factories.UserFactory()
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert _session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()
    assert _signed_in(client)


def test_old_cookie_is_dead_after_sign_out(client):
    client.force_login(factories.UserFactory())
    old_key = _session_key(client)
    assert client.post(reverse("account_logout")).status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not _signed_in(replay)
    assert not Session.objects.filter(session_key=old_key).exists()


def test_password_change_ends_other_sessions_but_keeps_this_one():
    user = factories.UserFactory()
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert _signed_in(elsewhere)
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": factories.PASSWORD,
            "password1": "Atarashii-Himitsu-2026",
            "password2": "Atarashii-Himitsu-2026",
        },
    )
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_idle_session_is_signed_out(client):
    client.force_login(factories.UserFactory())
    _age_session(client, **{SESSION_LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    assert not _signed_in(client)


def test_active_session_survives_its_idle_limit(client):
    client.force_login(factories.UserFactory())
    _age_session(client, **{SESSION_LAST_SEEN: settings.SESSION_IDLE_TIMEOUT - 100})
    assert _signed_in(client)


def test_session_past_its_absolute_limit_is_signed_out_even_when_active(client):
    client.force_login(factories.UserFactory())
    _age_session(client, **{SESSION_AUTH_AT: settings.SESSION_ABSOLUTE_TIMEOUT + 5})
    assert not _signed_in(client)


def test_coordinator_idle_limit_is_shorter(client, personas):
    idle = settings.COORDINATOR_SESSION_IDLE_TIMEOUT + 5
    assert idle < settings.SESSION_IDLE_TIMEOUT
    client.force_login(personas.coordinator)
    _age_session(client, **{SESSION_LAST_SEEN: idle})
    assert not _signed_in(client)
    member = Client()
    member.force_login(personas.company_member)
    _age_session(member, **{SESSION_LAST_SEEN: idle})
    assert _signed_in(member)


def test_coordinator_absolute_limit_is_shorter(client, personas):
    age = settings.COORDINATOR_SESSION_ABSOLUTE_TIMEOUT + 5
    assert age < settings.SESSION_ABSOLUTE_TIMEOUT
    client.force_login(personas.coordinator)
    _age_session(client, **{SESSION_AUTH_AT: age})
    assert not _signed_in(client)


def test_badge_poll_does_not_count_as_activity(client):
    client.force_login(factories.UserFactory())
    _age_session(client, **{SESSION_LAST_SEEN: 600})
    before = client.session[SESSION_LAST_SEEN]
    client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    assert client.session[SESSION_LAST_SEEN] == before
    client.get(reverse("notifications:inbox"))
    assert client.session[SESSION_LAST_SEEN] > before


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_staff_signing_in_for_the_admin_is_asked_for_the_second_factor(client):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.give_totp(staff)
    response = client.post(
        reverse("account_login") + "?next=" + reverse("admin:index"),
        {"login": staff.email, "password": factories.PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302


def test_signed_in_non_staff_is_refused_the_admin_login(client):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


# --- The signed-in user is cached (partners.auth_backends) ----------------------------------


def test_the_cached_user_follows_a_deactivation_at_the_next_request(
    client, django_assert_num_queries
):
    user = factories.UserFactory()
    client.force_login(user)
    assert _signed_in(client)
    with django_assert_num_queries(0):  # session and user both from the cache
        client.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    user.is_active = False
    user.save()
    assert not _signed_in(client)


def test_the_cached_user_follows_their_coordinator_row_at_the_next_request(client):
    user = factories.UserFactory()
    client.force_login(user)
    queue = reverse("partners:posting_review_queue")
    assert client.get(queue).status_code == 404
    coordinator = factories.CoordinatorFactory(user=user)
    assert client.get(queue).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    assert client.get(queue).status_code == 404
    coordinator.is_active = True
    coordinator.save()
    assert client.get(queue).status_code == 200
    coordinator.delete()
    assert client.get(queue).status_code == 404


def test_the_signed_in_user_is_read_at_once_not_through_a_lazy_wrapper(client):
    # sankangaku.accounts.middleware.AuthenticationMiddleware: every page asks for the user,
    # so it is read before the view rather than proxied on every use.
    anonymous = client.get(reverse("account_login")).wsgi_request.user
    assert type(anonymous) is AnonymousUser
    user = factories.UserFactory()
    client.force_login(user)
    signed_in = client.get(reverse("accounts:profile")).wsgi_request.user
    assert type(signed_in) is User
    assert signed_in.pk == user.pk
