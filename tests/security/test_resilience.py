"""The database going away gives the friendly 503 page (sankangaku/resilience.py), in the
visitor's language, with Retry-After and without technical details (QUALITY.md, Reliability:
"PostgreSQL restarted under load")."""

import psycopg
import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from sankangaku.resilience import RETRY_AFTER_SECONDS, is_database_unavailable
from sankangaku.sessions import SessionStore
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# What must never reach a visitor.
TECHNICAL = ("Traceback", "OperationalError", "InterfaceError", "connection refused", "psycopg")


def _down(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


def _closed(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def _broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


def _wrapped(request: HttpRequest) -> HttpResponse:
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError as exc:
        raise RuntimeError("while rendering") from exc


def _user_page(request: HttpRequest) -> HttpResponse:
    if "touch" in request.GET:
        request.session["touched"] = True  # saved by SessionMiddleware on the way out
    return HttpResponse(f"hello {request.user.pk}")


urlpatterns = [
    path("down/", _down, name="down"),
    path("closed/", _closed, name="closed"),
    path("broken/", _broken, name="broken"),
    path("wrapped/", _wrapped, name="wrapped"),
    path("user/", _user_page, name="user"),
]


@pytest.fixture
def client() -> Client:
    # The test client re-raises exceptions that reach Django's handler; a visitor gets the
    # response instead, which is what these tests are about.
    test_client = Client()
    test_client.raise_request_exception = False
    return test_client


def _assert_friendly_503(response: HttpResponse) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert '<p class="code" aria-hidden="true">503</p>' in body
    for word in TECHNICAL:
        assert word not in body
    return body


def test_view_losing_the_database_gets_the_friendly_503_in_japanese(client):
    body = _assert_friendly_503(client.get(reverse("down")))
    assert '<html lang="ja"' in body
    assert "トップページへ" in body
    assert "数分待ってから、もう一度お試しください" in body


def test_english_visitor_gets_the_friendly_503_in_english(client):
    body = _assert_friendly_503(client.get(reverse("down"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en"' in body
    assert "The portal is briefly unavailable" in body
    assert f"Please try again in {RETRY_AFTER_SECONDS} seconds." in body
    assert "Go to the home page" in body


def test_signed_in_user_gets_the_503_in_their_stored_language(client):
    user = factories.UserFactory(preferred_language="en")
    client.force_login(user)
    body = _assert_friendly_503(client.get(reverse("down"), HTTP_ACCEPT_LANGUAGE="ja"))
    assert '<html lang="en"' in body


def test_closed_connection_gets_the_friendly_503(client):
    _assert_friendly_503(client.get(reverse("closed")))


def test_database_error_behind_another_exception_gets_the_friendly_503(client):
    _assert_friendly_503(client.get(reverse("wrapped")))


def test_database_lost_inside_a_middleware_gets_the_friendly_503_with_security_headers(
    client, monkeypatch
):
    """The session is loaded by a middleware (request.user), outside any view: Django turns
    that error into a 500 on the spot, and the middleware swaps it for the 503."""
    client.force_login(factories.UserFactory())

    def refuse(self):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(SessionStore, "load", refuse)
    response = client.get(reverse("user"))
    _assert_friendly_503(response)
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_database_lost_while_saving_the_session_gets_the_friendly_503(client, monkeypatch):
    """Django turns that failure into SessionInterrupted, a 400, without a signal."""
    client.force_login(factories.UserFactory(preferred_language="en"))

    def refuse(self, *args, **kwargs):
        with connection.wrap_database_errors:  # as a real query would fail
            raise psycopg.OperationalError("the database system is shutting down")

    monkeypatch.setattr(Session, "save", refuse)
    try:
        response = client.get(reverse("user"), {"touch": "1"})
    finally:
        connection.errors_occurred = False
    body = _assert_friendly_503(response)
    assert '<html lang="en"' in body


def test_bad_request_without_a_database_error_stays_a_400(client, monkeypatch):
    client.force_login(factories.UserFactory())

    def interrupted(self, must_create=False):
        raise UpdateError

    monkeypatch.setattr(SessionStore, "save", interrupted)
    response = client.get(reverse("user"), {"touch": "1"})
    assert response.status_code == 400
    assert "Retry-After" not in response


def test_other_errors_stay_a_500(client):
    response = client.get(reverse("broken"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Traceback" not in response.content.decode()


def test_working_database_is_not_affected(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.get(reverse("user"))
    assert response.status_code == 200
    assert response.content.decode() == f"hello {user.pk}"


def test_is_database_unavailable_follows_the_exception_chain():
    try:
        try:
            raise InterfaceError("gone")
        except InterfaceError as exc:
            raise KeyError("x") from exc
    except KeyError as outer:
        assert is_database_unavailable(outer)
    assert not is_database_unavailable(ValueError("x"))
    assert not is_database_unavailable(None)
