"""Every persona against every project page and action, plain and as an htmx request.

Expected answers: parties' members read (200); only administrators sign, invite and close
(403 for members); outsiders and coordinators of other regions learn nothing (404);
anonymous visitors are sent to sign in (302 to the login page)."""

import pytest
from django.urls import reverse

from partners.models import Prefecture
from tests import factories
from tests.projects.helpers import active_triad
from tests.projects.test_projects import _accepted_triad

pytestmark = pytest.mark.django_db

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

# action → (method, url builder, data, expected per persona in PERSONAS order)
ANON = "login"
ACTIONS = {
    "detail": (
        "get",
        lambda p, party: reverse("projects:detail", args=[p.pk]),
        None,
        [200, 200, 200, 200, 200, 404, 404, ANON],
    ),
    "messages": (
        "get",
        lambda p, party: reverse("projects:messages", args=[p.pk]),
        None,
        [200, 200, 200, 200, 200, 404, 404, ANON],
    ),
    "calendar": (
        "get",
        lambda p, party: reverse("projects:calendar", args=[p.pk]),
        None,
        [200, 200, 200, 200, 200, 404, 404, ANON],
    ),
    "agreement": (
        "get",
        lambda p, party: reverse("projects:agreement", args=[p.pk]),
        None,
        [200, 200, 200, 200, 403, 404, 404, ANON],
    ),
    "sign": (
        "post",
        lambda p, party: reverse("projects:sign", args=[p.pk]),
        lambda party: {"party": party.pk, "version": 1},
        [302, 403, 302, 302, 403, 404, 404, ANON],
    ),
    "invite": (
        "post",
        lambda p, party: reverse("projects:invite", args=[p.pk]),
        lambda party: {"organisation": "x"},
        [422, 403, 422, 422, 403, 404, 404, ANON],
    ),
    "handover": (
        "get",
        lambda p, party: reverse("projects:handover", args=[p.pk, party.pk]),
        None,
        [200, 403, 403, 403, 403, 404, 404, ANON],
    ),
    "report": (
        "get",
        lambda p, party: reverse("projects:report", args=[p.pk, party.pk]),
        None,
        [200, 200, 403, 403, 403, 404, 404, ANON],
    ),
    "cancel": (
        "post",
        lambda p, party: reverse("projects:cancel", args=[p.pk]),
        lambda party: {"reason": ""},
        [422, 403, 422, 422, 422, 404, 404, ANON],
    ),
}


def _login(client, personas, name):
    if name == "far_coordinator":
        far = factories.CoordinatorFactory(prefectures=[Prefecture.objects.get(code=47)]).user
        client.force_login(far)
    elif name != "anonymous":
        client.force_login(personas.user(name))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_project_access_matrix(client, personas, action, htmx):
    # Reports are written once the project is active; everything else is checked while forming.
    project = active_triad(personas) if action == "report" else _accepted_triad(personas)
    company_party = project.parties.get(organisation=personas.company)
    method, url_for, data_for, expected = ACTIONS[action]
    url = url_for(project, company_party)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    mismatches = []
    for name, want in zip(PERSONAS, expected, strict=True):
        client.logout()
        _login(client, personas, name)
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = client.post(url, data_for(company_party), **headers)
        got = response.status_code
        if want == ANON:
            ok = got == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = got == want
        if not ok:
            mismatches.append((name, want, got))
    assert mismatches == []
