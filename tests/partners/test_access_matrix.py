"""Every persona against every partners page and action, plain and as an htmx request.

Expected outcomes follow partners/access.py: outsiders 404, insiders without the capability
403, anonymous visitors are sent to log in (302 to the login page), allowed requests 200 for
pages and 302 (redirect after success) for actions.
"""

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_NAMES

OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, "login", 403, 404

# action name → (method, url builder, POST data builder)
ACTIONS = {
    "detail": ("get", lambda p: reverse("partners:detail", args=[p.company.pk]), None),
    "edit": ("get", lambda p: reverse("partners:edit", args=[p.company.pk]), None),
    "logo": ("get", lambda p: reverse("partners:logo", args=[p.company.pk]), None),
    "members": ("get", lambda p: reverse("partners:members", args=[p.company.pk]), None),
    "invite": (
        "post",
        lambda p: reverse("partners:invite", args=[p.company.pk]),
        lambda p: {"email": "new.person@example.jp", "role": "member"},
    ),
    "request_verification": (
        "post",
        lambda p: reverse("partners:request_verification", args=[p.company.pk]),
        lambda p: {},
    ),
    "member_role": (
        "post",
        lambda p: reverse(
            "partners:member_role",
            args=[p.company.pk, p.company.memberships.get(user=p.company_member).pk],
        ),
        lambda p: {"role": "admin"},
    ),
    "member_remove": (
        "post",
        lambda p: reverse(
            "partners:member_remove",
            args=[p.company.pk, p.company.memberships.get(user=p.company_member).pk],
        ),
        lambda p: {},
    ),
    "leave": ("post", lambda p: reverse("partners:leave", args=[p.company.pk]), lambda p: {}),
    "verification_queue": ("get", lambda p: reverse("partners:verification_queue"), None),
    "verification_decide": (
        "post",
        lambda p: reverse("partners:verification_decide", args=[p.company.pk]),
        lambda p: {"decision": "approve", "note": ""},
    ),
    "dashboard": ("get", lambda p: reverse("partners:dashboard"), None),
    "create": ("get", lambda p: reverse("partners:create"), None),
    "profile": ("get", lambda p: reverse("accounts:profile"), None),
}

# The policy: persona → action → expected outcome, for the company "テスト株式会社".
# The coordinator covers the whole country but is not a member of the company.
POLICY = {
    "company_admin": {
        "detail": OK,
        "edit": OK,
        "logo": OK,
        "members": OK,
        "invite": REDIRECT,
        "request_verification": REDIRECT,
        "member_role": REDIRECT,
        "member_remove": REDIRECT,
        "leave": REDIRECT,
        "verification_queue": NOT_FOUND,
        "verification_decide": FORBIDDEN,
        "dashboard": OK,
        "create": OK,
        "profile": OK,
    },
    "company_member": {
        "detail": OK,
        "edit": FORBIDDEN,
        "logo": FORBIDDEN,
        "members": OK,
        "invite": FORBIDDEN,
        "request_verification": FORBIDDEN,
        "member_role": FORBIDDEN,
        "member_remove": FORBIDDEN,
        "leave": REDIRECT,
        "verification_queue": NOT_FOUND,
        "verification_decide": FORBIDDEN,
        "dashboard": OK,
        "create": OK,
        "profile": OK,
    },
    "coordinator": {
        "detail": OK,
        "edit": FORBIDDEN,
        "logo": FORBIDDEN,
        "members": OK,
        "invite": FORBIDDEN,
        "request_verification": FORBIDDEN,
        "member_role": FORBIDDEN,
        "member_remove": FORBIDDEN,
        "leave": FORBIDDEN,
        "verification_queue": OK,
        "verification_decide": REDIRECT,
        "dashboard": OK,
        "create": OK,
        "profile": OK,
    },
}
for outsider in ("municipal_officer", "teacher", "outsider"):
    POLICY[outsider] = dict.fromkeys(ACTIONS, NOT_FOUND) | {
        "detail": OK,
        "dashboard": OK,
        "create": OK,
        "profile": OK,
    }
POLICY["anonymous"] = dict.fromkeys(ACTIONS, LOGIN) | {
    "detail": OK,
    "verification_queue": LOGIN,
}

CASES = [
    (persona, action, htmx)
    for persona in PERSONA_NAMES
    for action in ACTIONS
    for htmx in (False, True)
]


def test_policy_covers_every_persona_and_action():
    assert set(POLICY) == set(PERSONA_NAMES)
    for persona, actions in POLICY.items():
        assert set(actions) == set(ACTIONS), persona


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "action", "htmx"), CASES)
def test_access(client, personas, persona, action, htmx):
    if action == "verification_decide":
        personas.company.verification_status = "pending"
        personas.company.save()
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    method, url_for, data_for = ACTIONS[action]
    headers = {"HX-Request": "true"} if htmx else {}
    url = url_for(personas)
    if method == "get":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, data_for(personas), headers=headers)

    expected = POLICY[persona][action]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (persona, action, htmx)


@pytest.mark.django_db
def test_coordinator_out_of_scope_gets_404(client, personas):
    from partners.models import Prefecture
    from tests.factories import CoordinatorFactory

    hokkaido = CoordinatorFactory(prefectures=[Prefecture.objects.get(code=1)])
    client.force_login(hokkaido.user)
    personas.company.verification_status = "pending"
    personas.company.save()
    url = reverse("partners:verification_decide", args=[personas.company.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    personas.company.refresh_from_db()
    assert personas.company.verification_status == "pending"


@pytest.mark.django_db
def test_coordinator_without_mfa_is_sent_to_set_it_up(client, personas):
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory(mfa=False)
    client.force_login(coordinator.user)
    response = client.get(reverse("partners:verification_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_unknown_organisation_is_404_for_everyone(client, personas):
    client.force_login(personas.company_admin)
    assert client.get(reverse("partners:edit", args=[999_999])).status_code == 404
    assert client.get(reverse("partners:detail", args=[999_999])).status_code == 404


def test_memberships_are_read_once_and_forgotten_after_a_change(
    personas, django_assert_num_queries
):
    from django.utils.functional import SimpleLazyObject

    from partners import access, services

    user = SimpleLazyObject(lambda: personas.company_member)  # as request.user
    with django_assert_num_queries(1):
        assert access.membership_for(user, personas.company) is not None
        assert access.membership_for(user, personas.company) is not None
    membership = access.membership_for(user, personas.company)
    services.membership_remove(membership=membership, actor=user)
    assert access.membership_for(user, personas.company) is None


def test_cached_memberships_follow_every_change_at_the_next_request(client, personas):
    """Memberships are kept in the cache between requests (partners.access.memberships_of):
    a removal, a role change or a renamed organisation shows at the very next request,
    whichever way the row was changed."""
    from partners.models import Membership

    client.force_login(personas.company_member)
    edit = reverse("partners:edit", args=[personas.company.pk])
    detail = reverse("partners:detail", args=[personas.company.pk])
    assert client.get(edit).status_code == 403  # a member sees, an admin edits
    membership = Membership.objects.get(user=personas.company_member, organisation=personas.company)
    membership.role = "admin"
    membership.save()
    assert client.get(edit).status_code == 200
    personas.company.name = "改名後株式会社"
    personas.company.save()
    assert "改名後株式会社" in client.get(reverse("partners:dashboard")).content.decode()
    membership.delete()
    assert client.get(edit).status_code == 404  # outsiders are not told what exists
    assert "改名後株式会社" not in client.get(reverse("partners:dashboard")).content.decode()
    assert client.get(detail).status_code == 200  # an outsider may still see the profile


def test_the_signed_in_user_brings_their_cached_memberships(
    personas, django_assert_num_queries, monkeypatch
):
    """partners.auth_backends reads the user and their memberships in one round trip to the
    cache; memberships_of then asks neither the cache nor the database again, and a change
    to the memberships is seen by the next get_user."""
    from django.core.cache import cache

    from partners import access
    from partners.auth_backends import ModelBackend

    user = personas.company_member
    backend = ModelBackend()
    backend.get_user(user.pk)  # fills the user's copy
    access.memberships_of(backend.get_user(user.pk))  # fills the memberships' copy
    signed_in = backend.get_user(user.pk)
    with django_assert_num_queries(0), monkeypatch.context() as patch:
        patch.setattr(access.cache, "get", lambda *a, **k: pytest.fail("a second round trip"))
        assert [m.organisation_id for m in access.memberships_of(signed_in)] == [
            personas.company.pk
        ]
    access.memberships_forget(user)
    assert cache.get(access.memberships_key(user.pk)) is None
    assert not hasattr(backend.get_user(user.pk), "_membership_cache")
