"""Authorization denials are logged as structured records (logger "sankangaku.security")."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _records(caplog):
    return [r for r in caplog.records if r.name == "sankangaku.security"]


def test_member_without_the_capability_is_logged_with_user_and_organisation(
    client, personas, caplog
):
    client.force_login(personas.company_member)
    url = reverse("partners:edit", kwargs={"pk": personas.company.pk})
    with caplog.at_level(logging.WARNING, logger="sankangaku.security"):
        response = client.get(url, headers={"X-Request-ID": "req-0001-abcd"})
    assert response.status_code == 403
    [record] = _records(caplog)
    assert record.event == "access_denied"
    assert record.outcome == "permission_denied"
    assert record.status == 403
    assert record.user_id == personas.company_member.pk
    assert record.path == url
    assert record.request_id == "req-0001-abcd"
    assert response["X-Request-ID"] == "req-0001-abcd"


def test_outsider_404_is_logged(client, personas, caplog):
    client.force_login(personas.outsider)
    session = client.session
    session["current_organisation_id"] = personas.other_company.pk
    session.save()
    url = reverse("partners:members", kwargs={"pk": personas.company.pk})
    with caplog.at_level(logging.WARNING, logger="sankangaku.security"):
        response = client.get(url)
    assert response.status_code == 404
    [record] = _records(caplog)
    assert (record.outcome, record.status) == ("not_found", 404)
    assert record.user_id == personas.outsider.pk
    assert record.organisation_id == personas.other_company.pk
    assert len(record.request_id) == 32


def test_allowed_requests_log_nothing(client, personas, caplog):
    client.force_login(personas.company_admin)
    with caplog.at_level(logging.WARNING, logger="sankangaku.security"):
        response = client.get(reverse("partners:edit", kwargs={"pk": personas.company.pk}))
    assert response.status_code == 200
    assert _records(caplog) == []


def test_api_404_is_logged_too(client, personas, caplog):
    # django-ninja answers its 404s itself; its handler logs them like the views' refusals.
    from tests.factories import make_posting

    draft = make_posting(personas.company, publish=False)
    client.force_login(personas.outsider)
    url = reverse("api-v1:posting_detail", kwargs={"pk": draft.pk})
    with caplog.at_level(logging.WARNING, logger="sankangaku.security"):
        response = client.get(url, headers={"X-Request-ID": "req-0002-api"})
    assert response.status_code == 404
    [record] = _records(caplog)
    assert (record.outcome, record.status) == ("not_found", 404)
    assert record.user_id == personas.outsider.pk
    assert record.path == url
    assert record.request_id == "req-0002-api"
