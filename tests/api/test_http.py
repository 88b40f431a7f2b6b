"""HTTP behaviour: conditional GET, throttling, CORS, errors, the docs page."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.utils.http import parse_http_date

from partners import services as partner_services

from .conftest import API

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/postings", "/organisations?kind=company", "/prefectures/13"])
def test_if_none_match_gets_304(client, world, path):
    first = client.get(API + path)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified
    again = client.get(API + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(API + path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(API + path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_change_gives_a_new_etag_and_a_later_last_modified(client, world):
    path = f"{API}/postings"
    first = client.get(path)
    # Closing a posting removes it from the list although no row in the list changed.
    partner_services.posting_close(
        posting=world.public_issue, actor=world.personas.municipal_officer
    )
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert parse_http_date(second["Last-Modified"]) > parse_http_date(first["Last-Modified"])
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=second["Last-Modified"]).status_code == 304


def test_detail_etag(client, world):
    url = f"{API}/postings/{world.public_issue.pk}"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_throttled_after_the_limit(client, reference_data, settings):
    settings.API_THROTTLE_RATE = "3/m"
    for _ in range(3):
        assert client.get(f"{API}/prefectures/13").status_code == 200
    response = client.get(f"{API}/prefectures/13")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert int(response["Retry-After"]) >= 1
    # Another client (IP) has its own allowance.
    assert client.get(f"{API}/prefectures/13", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_forwarded_for_does_not_escape_the_limit(client, reference_data, settings):
    settings.API_THROTTLE_RATE = "2/m"
    for n in range(2):
        client.get(f"{API}/prefectures/13", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = client.get(f"{API}/prefectures/13", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_cors_allows_get_from_any_origin_without_credentials(client, reference_data):
    response = client.get(f"{API}/prefectures/13", HTTP_ORIGIN="https://data.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"{API}/prefectures",
        HTTP_ORIGIN="https://data.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "OPTIONS"}


def test_no_cors_outside_the_api(client, reference_data):
    response = client.get("/postings/", HTTP_ORIGIN="https://data.example.org")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/postings?page=0", "page"),
        ("/postings?page_size=101", "page_size"),
        ("/postings?page=abc", "page"),
        ("/postings?direction=sideways", "direction"),
        ("/postings?theme=no-such-theme", "theme"),
        ("/postings?grade=13", "grade"),
        ("/postings?period_from=2026-13-01", "period_from"),
        ("/postings?q=%00", "q"),
        ("/organisations?prefecture=48", "prefecture"),
        ("/organisations/abc", "pk"),
        ("/organisations/99999999999999999999", "pk"),
        ("/case-studies?sdg=18", "sdg"),
        ("/municipalities/12", "code"),
        ("/themes/a%20b", "slug"),
    ],
)
def test_bad_parameters_get_422_json(client, reference_data, path, where):
    response = client.get(API + path)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(item["loc"][-1] == where and item["msg"] for item in detail), detail


def test_unknown_ids_get_404_json(client, reference_data):
    for path in ["/postings/999999", "/organisations/999999", "/municipalities/999999"]:
        response = client.get(API + path)
        assert response.status_code == 404
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail


def test_error_messages_follow_the_language(client, reference_data):
    response = client.get(f"{API}/postings/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Not found."}


def test_write_methods_are_refused(client, reference_data):
    assert client.post(f"{API}/prefectures").status_code == 405
    assert client.delete(f"{API}/prefectures/13").status_code == 405


def test_schema_and_docs_need_no_cdn(client):
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Every script and stylesheet comes from our static files, none from another host.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/ninja/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
    assert "<script>" not in html  # nothing inline to execute (CSP-ready)
    assert '"validatorUrl": "none"' in html  # Swagger UI would fetch validator.swagger.io
