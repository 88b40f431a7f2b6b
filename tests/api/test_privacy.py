"""Canary scan: nothing private appears in any API response, for any caller."""

import pytest

from .conftest import API

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/postings?page_size=100",
    "/postings?q=秘密",
    "/postings?sort=deadline&page_size=100",
    "/organisations?page_size=100",
    "/organisations?q=秘密",
    "/case-studies?page_size=100",
    "/case-studies?q=秘密",
]


def _urls(world) -> list[str]:
    detail = [
        f"/postings/{world.public_issue.pk}",
        f"/postings/{world.public_strength.pk}",
        f"/organisations/{world.personas.company.pk}",
        f"/organisations/{world.unverified.pk}",
        f"/case-studies/{world.case.pk}",
    ]
    return [API + url for url in LIST_URLS + detail]


def _assert_clean(text: str, markers: list[str]) -> None:
    leaked = [marker for marker in markers if marker in text]
    assert not leaked, leaked


@pytest.mark.parametrize("persona", ["anonymous", "company_admin", "coordinator"])
def test_no_private_marker_in_any_response(client, world, persona):
    """Signed-in members and coordinators get exactly what anonymous visitors get."""
    user = world.personas.user(persona)
    if user is not None:
        client.force_login(user)
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), world.markers)


def test_private_postings_are_not_found_by_id(client, world):
    from partners.models import Posting

    private = Posting.objects.filter(title__startswith="秘密")
    assert private.count() == 5
    client.force_login(world.personas.company_admin)  # a member of their organisation
    for posting in private:
        response = client.get(f"{API}/postings/{posting.pk}")
        assert response.status_code == 404
        _assert_clean(response.content.decode(), world.markers)


def test_refused_organisation_and_unpublished_case_are_not_found(client, world):
    from partners.models import Organisation
    from projects.models import CaseStudy

    refused = Organisation.objects.get(verification_status="rejected")
    assert client.get(f"{API}/organisations/{refused.pk}").status_code == 404
    hidden = CaseStudy.objects.get(is_published=False)
    assert client.get(f"{API}/case-studies/{hidden.pk}").status_code == 404


def test_schema_has_no_personal_fields(client):
    schema = client.get(f"{API}/openapi.json").content.decode()
    for name in ("email", "display_name", "contact", "created_by", "verified_by", "user"):
        assert f'"{name}"' not in schema, name
