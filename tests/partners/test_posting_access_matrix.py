"""Every persona against every posting page and action, plain and as an htmx request.

The postings belong to the company "テスト株式会社"; the coordinator covers the whole country
but belongs to no organisation. Outsiders get 404 for what they may not see, insiders
without the capability 403, anonymous visitors are sent to log in for actions.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Posting
from tests import factories
from tests.conftest import PERSONA_NAMES

OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, "login", 403, 404


def _postings(p):
    company = p.company
    return {
        "open": factories.make_posting(company, title="公開中の課題"),
        "draft": factories.make_posting(company, title="下書き", publish=False),
        "members": factories.make_posting(company, title="会員限定", visibility="members"),
        "coordinators": factories.make_posting(
            company, title="コーディネーター限定", visibility="coordinators"
        ),
        "call": factories.make_posting(
            company,
            title="逆指名の募集",
            is_open_call=True,
            call_budget=1_000_000,
            call_deadline=timezone.localdate() + timedelta(days=30),
            selection_criteria="地域への効果",
        ),
        "review": factories.make_posting(company, title="審査待ち", wants_review=True),
    }


# action → (method, posting key, url name, POST data)
ACTIONS = {
    "view_open": ("get", "open", "partners:posting_detail", None),
    "view_draft": ("get", "draft", "partners:posting_detail", None),
    "view_members_only": ("get", "members", "partners:posting_detail", None),
    "view_coordinators_only": ("get", "coordinators", "partners:posting_detail", None),
    "edit": ("get", "open", "partners:posting_edit", None),
    "publish": ("post", "draft", "partners:posting_publish", {}),
    "close": ("post", "open", "partners:posting_close", {}),
    "confirm": ("post", "open", "partners:posting_confirm", {}),
    "respond": ("get", "call", "partners:call_respond", None),
    "responses": ("get", "call", "partners:call_responses", None),
    "review": (
        "post",
        "review",
        "partners:posting_review_decide",
        {"decision": "approve", "note": ""},
    ),
    "review_queue": ("get", None, "partners:posting_review_queue", None),
    "mine": ("get", None, "partners:posting_mine", None),
    "create": ("get", None, "partners:posting_create", None),
}

MEMBER = {
    "view_open": OK,
    "view_draft": OK,
    "view_members_only": OK,
    "view_coordinators_only": OK,
    "edit": OK,
    "publish": REDIRECT,
    "close": REDIRECT,
    "confirm": REDIRECT,
    "respond": FORBIDDEN,
    "responses": OK,
    "review": FORBIDDEN,
    "review_queue": NOT_FOUND,
    "mine": OK,
    "create": OK,
}
OTHER_MEMBER = {
    "view_open": OK,
    "view_draft": NOT_FOUND,
    "view_members_only": OK,
    "view_coordinators_only": NOT_FOUND,
    "edit": NOT_FOUND,
    "publish": NOT_FOUND,
    "close": NOT_FOUND,
    "confirm": NOT_FOUND,
    "respond": OK,
    "responses": NOT_FOUND,
    "review": NOT_FOUND,
    "review_queue": NOT_FOUND,
    "mine": OK,
    "create": OK,
}
POLICY = {
    "company_admin": MEMBER,
    "company_member": MEMBER,
    "municipal_officer": OTHER_MEMBER,
    "teacher": OTHER_MEMBER,
    "outsider": OTHER_MEMBER,
    "coordinator": {
        "view_open": OK,
        "view_draft": OK,
        "view_members_only": OK,
        "view_coordinators_only": OK,
        "edit": FORBIDDEN,
        "publish": FORBIDDEN,
        "close": FORBIDDEN,
        "confirm": FORBIDDEN,
        "respond": FORBIDDEN,
        "responses": FORBIDDEN,
        "review": REDIRECT,
        "review_queue": OK,
        # A coordinator who belongs to no organisation has no postings of their own.
        "mine": NOT_FOUND,
        "create": REDIRECT,
    },
    "anonymous": {
        **dict.fromkeys(ACTIONS, LOGIN),
        "view_open": OK,
        "view_draft": NOT_FOUND,
        "view_members_only": NOT_FOUND,
        "view_coordinators_only": NOT_FOUND,
    },
}

CASES = [
    (persona, action, htmx)
    for persona in PERSONA_NAMES
    for action in ACTIONS
    for htmx in (False, True)
]


def test_policy_is_complete():
    assert set(POLICY) == set(PERSONA_NAMES)
    for persona, actions in POLICY.items():
        assert set(actions) == set(ACTIONS), persona


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "action", "htmx"), CASES)
def test_posting_access(client, personas, persona, action, htmx):
    postings = _postings(personas)
    before = {p.pk: p.status for p in Posting.objects.all()}
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    method, key, name, data = ACTIONS[action]
    url = reverse(name, args=[postings[key].pk]) if key else reverse(name)
    headers = {"HX-Request": "true"} if htmx else {}
    response = (
        client.get(url, headers=headers)
        if method == "get"
        else client.post(url, data, headers=headers)
    )
    expected = POLICY[persona][action]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (persona, action, htmx)
    if expected in (FORBIDDEN, NOT_FOUND, LOGIN):
        assert {p.pk: p.status for p in Posting.objects.all()} == before
