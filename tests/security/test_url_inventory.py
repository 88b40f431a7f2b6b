"""Every URL pattern of the site is classified: in the policy table (policy.POLICY, asked by
test_policy_matrix.py), in the public list (policy.PUBLIC, with a reason) or among the
framework's URLs (admin, allauth, media). A new URL that is none of these fails here, and
so does a classification left behind after its URL was removed.
"""

from . import policy
from ._authz_urls import url_patterns

WHERE = (
    "Classify it in tests/security/policy.py: add a rule to POLICY (and how to request it "
    "to REQUESTS in tests/security/_authz_requests.py) if anyone is refused anything there, "
    "or add its name to PUBLIC with the reason it may answer everyone."
)


def classification(name: str | None, route: str) -> str | None:
    if name is not None:
        if name in policy.policy_url_names():
            return "policy"
        if name in policy.PUBLIC:
            return "public"
        if name.startswith(tuple(policy.FRAMEWORK_NAME_PREFIXES)):
            return "framework"
        return None
    if route.startswith(tuple(policy.FRAMEWORK_ROUTE_PREFIXES)):
        return "framework"
    return None


def test_the_walk_reaches_every_kind_of_url():
    names = {name for name, _ in url_patterns()}
    # One of each: an app, the ninja API, allauth, its MFA, the admin, the root patterns.
    for expected in (
        "partners:detail",
        "api-v1:organisation_list",
        "account_login",
        "mfa_activate_totp",
        "admin:index",
        "language_set",
    ):
        assert expected in names


def test_every_url_is_classified():
    unclassified = [
        f"/{route} (name {name!r})"
        for name, route in url_patterns()
        if classification(name, route) is None
    ]
    assert unclassified == [], f"Unclassified URLs: {unclassified}. {WHERE}"


def test_application_urls_have_names():
    # Unnamed patterns can only be classified by route; outside the framework's own
    # prefixes every pattern must have a name.
    unnamed = [
        f"/{route}"
        for name, route in url_patterns()
        if name is None and not route.startswith(tuple(policy.FRAMEWORK_ROUTE_PREFIXES))
    ]
    assert unnamed == [], f"Give these URL patterns a name, then classify them: {unnamed}"


def test_no_stale_classifications():
    patterns = list(url_patterns())
    names = {name for name, _ in patterns if name}
    unnamed_routes = [route for name, route in patterns if name is None]
    stale = sorted((policy.policy_url_names() | set(policy.PUBLIC)) - names)
    stale += [
        prefix
        for prefix in policy.FRAMEWORK_NAME_PREFIXES
        if not any(name.startswith(prefix) for name in names)
    ]
    stale += [
        prefix
        for prefix in policy.FRAMEWORK_ROUTE_PREFIXES
        if prefix not in policy.OPTIONAL_FRAMEWORK_ROUTE_PREFIXES
        and not any(route.startswith(prefix) for route in unnamed_routes)
    ]
    assert stale == [], (
        f"Classified in tests/security/policy.py but no such URL any more: {stale}. "
        "Remove the entries (and their requests in _authz_requests.py)."
    )


def test_public_and_policy_do_not_overlap():
    assert policy.policy_url_names().isdisjoint(policy.PUBLIC)


def test_the_classifier_catches_a_new_url():
    assert classification("partners:something_new", "organisations/new-thing/") is None
    assert classification(None, "somewhere/") is None
    assert classification("partners:detail", "organisations/<int:pk>/") == "policy"
