"""The policy table (policy.py) asked of the running portal: every object type and action,
every principal (role × scope), plainly and as an htmx request. 0 mismatches.

One test case per (object, action, plain|htmx); inside, every principal's request runs in
a savepoint that is rolled back, and the database fingerprint before and after says
whether anything was written. Expected answers come only from the table.

Every refusal (403/404) must also leave exactly one structured record on the
"sankangaku.security" logger, with the user, the path and the request id; allowed
requests leave none.
"""

import logging
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from . import policy
from ._authz_requests import REQUESTS
from ._authz_world import PRINCIPALS, changed_tables, fingerprint, world  # noqa: F401

pytestmark = pytest.mark.django_db

WRITES_EXPECTED = {policy.DONE}
NOTHING_WRITTEN = {
    policy.KEPT,
    policy.FORM,
    policy.LOGIN,
    policy.ADMIN,
    policy.DENY,
    policy.HIDE,
}


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


DENIALS = logging.getLogger("sankangaku.security")


def judge_log(expected: str, records: list, *, user, path: str) -> str:
    """'' when the denial log matches the outcome, else what was wrong."""
    denials = [r for r in records if getattr(r, "event", "") == "access_denied"]
    if expected in (policy.DENY, policy.HIDE):
        status = 403 if expected == policy.DENY else 404
        if len(denials) != 1:
            return f"{len(denials)} denial records"
        record = denials[0]
        fields = (record.status, record.user_id, record.path, bool(record.request_id))
        if fields != (status, user.pk if user else None, path, True):
            return f"denial record {fields}"
    elif expected != policy.LOGIN and denials:
        return f"allowed, but logged {[(r.status, r.path) for r in denials]}"
    return ""


def judge(rule: policy.Rule, expected: str, response, changed: list[str], htmx: bool) -> str:
    """'' when the response matches `expected`, else what was wrong."""
    status = response.status_code
    location = response.get("Location", "")
    if expected == policy.OK:
        ok = status == 200
    elif expected == policy.DONE:
        ok = status == (200 if htmx and rule.htmx_fragment else 302)
    elif expected in (policy.KEPT, policy.MOVED):
        ok = status == 302
    elif expected == policy.FORM:
        ok = status in (200, 422)
    elif expected == policy.LOGIN:
        ok = status == 302 and location.startswith(reverse("account_login"))
    elif expected == policy.ADMIN:
        ok = status == 302 and location.startswith(reverse("admin:login"))
    elif expected == policy.DENY:
        ok = status == 403
    else:
        ok = status == 404
    if not ok:
        return f"status {status} {location}".strip()
    if rule.method == "post" and expected in WRITES_EXPECTED and not changed:
        return "allowed, but nothing was written"
    if expected in NOTHING_WRITTEN and changed:
        return f"refused, but wrote to {changed}"
    return ""


def ask(world, principal: str, key, *, htmx: bool, records: Records | None = None):  # noqa: F811
    """One principal's request, in a savepoint rolled back afterwards: (response, changed)."""
    rule = policy.POLICY[key]
    request = REQUESTS[key](world, world.own)
    client = world.clients[principal]
    client.cookies.pop("messages", None)
    headers = {"HX-Request": "true"} if htmx else {}
    if records is not None:
        records.records.clear()
    with transaction.atomic():
        before = fingerprint()
        if rule.method == "get":
            response = client.get(request.url, headers=headers)
        else:
            response = client.post(request.url, request.data, headers=headers)
        changed = changed_tables(before, fingerprint())
        transaction.set_rollback(True)
    return response, changed


def test_the_table_is_complete():
    assert set(policy.POLICY) == set(REQUESTS)
    for key, rule in policy.POLICY.items():
        assert tuple(rule.outcomes) == PRINCIPALS, key
        assert rule.method in ("get", "post"), key


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("key", list(policy.POLICY), ids=lambda key: ".".join(key))
def test_policy(world, key, htmx):  # noqa: F811
    rule = policy.POLICY[key]
    # The request really asks about the URL the rule names.
    url = REQUESTS[key](world, world.own).url
    assert resolve(urlsplit(url).path).view_name == rule.url_name
    mismatches = []
    records = Records()
    DENIALS.addHandler(records)
    try:
        for principal in PRINCIPALS:
            expected = rule.outcomes[principal]
            response, changed = ask(world, principal, key, htmx=htmx, records=records)
            problem = judge(rule, expected, response, changed, htmx) or judge_log(
                expected, records.records, user=world.user(principal), path=urlsplit(url).path
            )
            if problem:
                mismatches.append(f"{principal}: expected {expected}, got {problem}")
    finally:
        DENIALS.removeHandler(records)
    assert mismatches == [], f"{'.'.join(key)} ({rule.method.upper()} {rule.url_name})"
