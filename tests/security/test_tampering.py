"""ID tampering and mass assignment.

ID tampering: A's people (and A's coordinator) put B's ids into every URL that takes an id,
into URLs that mix A's ids with B's sub-object ids, into POST bodies, and forge tokens.
They get 404 (or, for ids in a form, a refusal) and nothing is written.

Mass assignment: every form POST of the portal, sent by someone allowed to send it, with
extra fields (organisation, status, approved_by, is_staff, role, …) on top of valid data.
The legitimate change happens; nothing else does: the protected columns of every table
are compared before and after, and new rows must not carry the injected values.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from PIL import Image

from partners.forms import CompanyForm
from partners.selectors import CURRENT_ORGANISATION_SESSION_KEY
from tests.factories import valid_corporate_number

from . import policy
from ._authz_requests import REQUESTS, Request, form_data, report_data
from ._authz_urls import url_patterns
from ._authz_world import World, changed_tables, fingerprint, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _send(client: Client, request: Request, *, htmx: bool = False):
    client.cookies.pop("messages", None)
    headers = {"HX-Request": "true"} if htmx else {}
    if request.data is None:
        return client.get(request.url, headers=headers)
    return client.post(request.url, request.data, headers=headers)


def _attempt(client: Client, request: Request, *, htmx: bool = False):
    """The request in a savepoint rolled back afterwards: (response, tables written)."""
    with transaction.atomic():
        before = fingerprint()
        response = _send(client, request, htmx=htmx)
        changed = changed_tables(before, fingerprint())
        transaction.set_rollback(True)
    return response, changed


# --- 1. B's ids in every URL that takes one ---------------------------------------------

# Rules whose URL carries no object of either side (coordinators' own jobs, the pending
# organisation, signed tokens, ids in the body): covered by sections 2–4 instead.
NOT_SIDE_OWNED = {
    ("organisation.verification", "decide"),
    ("organisation.invitations", "open_by_token"),
    ("import_job", "view"),
    ("import_job", "status"),
    ("import_job", "start"),
    ("import_job", "template"),
    ("project", "my_calendar_feed"),
    ("notification", "unsubscribe_by_token"),
}

# A's principal → B's principal in the same relation to B's objects. The world is
# symmetric, so "A's admin asks for B's object" must be answered as the table answers
# "B's admin asks for A's object"; coord_in is out of region for B as coord_out is for A.
MIRROR = {"own_admin": "other_admin", "own_member": "other_member", "coord_in": "coord_out"}

ROUTES = dict(url_patterns())
ID_TAKING = {name for name, route in ROUTES.items() if name and "<" in route}

FOREIGN_ID_CASES = [
    (key, attacker)
    for key, rule in policy.POLICY.items()
    if rule.url_name in ID_TAKING and key not in NOT_SIDE_OWNED
    for attacker, mirror in MIRROR.items()
    if rule.outcomes[mirror] == policy.HIDE
]


@pytest.mark.parametrize(
    ("key", "attacker"), FOREIGN_ID_CASES, ids=[f"{'.'.join(k)}-{a}" for k, a in FOREIGN_ID_CASES]
)
def test_another_organisations_ids_are_404(world, key, attacker):  # noqa: F811
    own, other = REQUESTS[key](world, world.own), REQUESTS[key](world, world.other)
    assert own.url != other.url, "the request must carry the side's ids"
    for htmx in (False, True):  # the page and its htmx partial
        response, changed = _attempt(world.clients[attacker], other, htmx=htmx)
        assert (response.status_code, changed) == (404, []), f"htmx={htmx}"


# --- 2. A's ids mixed with B's sub-object ids ---------------------------------------------


def _mixed(name: str, *args: Callable[[World], Any], data: dict | None = None):
    def build(w: World) -> Request:
        return Request(reverse(name, args=[a(w) for a in args]), data)

    return build


OWN_ORG = lambda w: w.own.org.pk  # noqa: E731
OWN_PROJECT = lambda w: w.own.project.pk  # noqa: E731
OWN_ACTIVE = lambda w: w.own.active_project.pk  # noqa: E731

# (case id, attacker, request): A's administrator, with every right on A's objects,
# reaches through A's ids for B's.
MIXED_CASES = [
    (
        "member_role",
        _mixed(
            "partners:member_role",
            OWN_ORG,
            lambda w: w.other.member_membership.pk,
            data={"role": "admin"},
        ),
    ),
    (
        "member_remove",
        _mixed("partners:member_remove", OWN_ORG, lambda w: w.other.member_membership.pk, data={}),
    ),
    (
        "transfer_admin",
        _mixed("partners:transfer_admin", OWN_ORG, lambda w: w.other.member_membership.pk, data={}),
    ),
    (
        "invitation_resend",
        _mixed("partners:invitation_resend", OWN_ORG, lambda w: w.other.invitation.pk, data={}),
    ),
    (
        "invitation_revoke",
        _mixed("partners:invitation_revoke", OWN_ORG, lambda w: w.other.invitation.pk, data={}),
    ),
    (
        "call_response_decide",
        _mixed(
            "partners:call_response_decide",
            lambda w: w.own.call.pk,
            lambda w: w.other.call_response.pk,
            data={"decision": "shortlist"},
        ),
    ),
    (
        "milestone_done",
        _mixed(
            "projects:milestone_done",
            OWN_PROJECT,
            lambda w: w.other.milestone.pk,
            data={"done": "1"},
        ),
    ),
    (
        "message_attachment",
        _mixed("projects:message_attachment", OWN_PROJECT, lambda w: w.other.message.pk),
    ),
    ("handover_form", _mixed("projects:handover", OWN_PROJECT, lambda w: w.other.party.pk)),
    (
        "handover",
        lambda w: Request(
            reverse("projects:handover", args=[w.own.project.pk, w.other.party.pk]),
            {"new_contact": w.other.member.pk, "memo": "乗っ取り"},
        ),
    ),
    (
        "commitments_form",
        _mixed("projects:commitments", OWN_PROJECT, lambda w: w.other.party.pk),
    ),
    (
        "commitments",
        _mixed(
            "projects:commitments",
            OWN_PROJECT,
            lambda w: w.other.party.pk,
            data={"commitments": "乗っ取り"},
        ),
    ),
    ("report_form", _mixed("projects:report", OWN_ACTIVE, lambda w: w.other.active_party.pk)),
    (
        "report",
        _mixed(
            "projects:report", OWN_ACTIVE, lambda w: w.other.active_party.pk, data=report_data()
        ),
    ),
    (
        "nudge_out_of_region",  # asked by coord_in below
        _mixed("dashboard:nudge", lambda w: "posting", lambda w: w.other.open.pk, data={}),
    ),
    (
        "import_job_of_another_coordinator",
        _mixed("partners:import_detail", lambda w: w.coord_out_job.pk),
    ),
    (
        "import_status_of_another_coordinator",
        _mixed("partners:import_status", lambda w: w.coord_out_job.pk),
    ),
    (
        "import_start_of_another_coordinator",
        _mixed("partners:import_start", lambda w: w.coord_out_job.pk, data={}),
    ),
    ("forged_invitation_token", _mixed("partners:invitation", lambda w: "forged-token")),
    ("forged_calendar_token", _mixed("projects:user_calendar", lambda w: "forged-token")),
]
COORDINATOR_CASES = {
    "nudge_out_of_region",
    "import_job_of_another_coordinator",
    "import_status_of_another_coordinator",
    "import_start_of_another_coordinator",
}


@pytest.mark.parametrize(("case", "build"), MIXED_CASES, ids=[c for c, _ in MIXED_CASES])
def test_mixed_ids_are_404(world, case, build):  # noqa: F811
    attacker = "coord_in" if case in COORDINATOR_CASES else "own_admin"
    response, changed = _attempt(world.clients[attacker], build(world))
    assert response.status_code == 404
    assert changed == []


def test_a_forged_unsubscribe_token_is_refused_and_logged(world, caplog):  # noqa: F811
    request = Request(reverse("notifications:unsubscribe", args=["forged"]), {})
    with caplog.at_level(logging.WARNING, logger="sankangaku.security"):
        response, changed = _attempt(world.clients["anon"], request)
    assert response.status_code == 400
    assert changed == []
    [record] = [r for r in caplog.records if r.name == "sankangaku.security"]
    assert (record.outcome, record.status, record.path) == ("invalid_token", 400, request.url)


def test_every_id_taking_url_is_tampered_with(world):  # noqa: F811
    """A new URL that takes an id must get a case above (or a reason here)."""
    covered = {policy.POLICY[key].url_name for key, _ in FOREIGN_ID_CASES}
    covered |= {resolve(urlsplit(build(world).url).path).view_name for _, build in MIXED_CASES}
    # Open to other organisations by design (public profiles and open data; an open call is
    # answered by other organisations): the matrix asks them.
    covered |= {name for name in ID_TAKING if name.startswith(("api-v1:", "cases:"))}
    covered |= {"partners:detail", "partners:call_respond"}
    covered |= {
        "notifications:unsubscribe",  # test_a_forged_unsubscribe_token_is_refused_and_logged
        "partners:verification_decide",  # test_a_coordinator_cannot_verify_outside_the_region
        "partners:import_template",  # a CSV template by kind: no object behind it
    }
    app_urls = {
        name
        for name in ID_TAKING
        if not name.startswith(tuple(policy.FRAMEWORK_NAME_PREFIXES)) and name not in policy.PUBLIC
    }
    assert app_urls - covered == set()


def test_a_coordinator_cannot_verify_outside_the_region(world):  # noqa: F811
    request = Request(
        reverse("partners:verification_decide", args=[world.pending.pk]),
        {"decision": "approve", "note": ""},
    )
    response, changed = _attempt(world.clients["coord_out"], request)
    assert response.status_code == 404
    assert changed == []


# --- 3. Another organisation's ids inside POST bodies --------------------------------------

# (case id, actor, request): the actor may post the form, but the id in it belongs to B.
BODY_CASES = [
    (
        "sign_for_another_party",
        "own_admin",
        lambda w: Request(
            reverse("projects:sign", args=[w.own.project.pk]),
            {"party": w.other.party.pk, "version": w.other.project.agreement.version},
        ),
    ),
    (
        "posting_contact_from_another_organisation",
        "own_admin",
        lambda w: Request(
            reverse("partners:posting_contact", args=[w.own.open.pk]), {"contact": w.other.admin.pk}
        ),
    ),
    (
        "handover_to_another_organisations_person",
        "own_admin",
        lambda w: Request(
            reverse("projects:handover", args=[w.own.project.pk, w.own.party.pk]),
            {"new_contact": w.other.admin.pk, "memo": "よその人へ"},
        ),
    ),
    (
        "mention_another_organisations_person",
        "own_admin",
        lambda w: Request(
            reverse("projects:messages", args=[w.own.project.pk]),
            {"body": "こんにちは", "mentions": [w.other.admin.pk]},
        ),
    ),
    (
        "bulk_decide_another_regions_request",
        "coord_in",
        lambda w: Request(
            reverse("matching:review_bulk"),
            {"proposals": [w.other.proposal_requested.pk], "decision": "approve"},
        ),
    ),
    (
        "propose_another_regions_posting",
        "coord_in",
        lambda w: Request(
            reverse("matching:proposal_create"),
            {"posting": w.other.open.pk, "partner_posting": w.own.open.pk},
        ),
    ),
    (
        "accept_someone_elses_invitation_token",
        "own_admin",
        lambda w: Request(
            reverse("partners:invitation", args=[w.other.invitation_token]), {"answer": "accept"}
        ),
    ),
]


@pytest.mark.parametrize(("case", "actor", "build"), BODY_CASES, ids=[c for c, _, _ in BODY_CASES])
def test_foreign_ids_in_forms_change_nothing(world, case, actor, build):  # noqa: F811
    response, changed = _attempt(world.clients[actor], build(world))
    assert response.status_code in (200, 302, 422)
    assert changed == []


def test_switching_to_another_organisation_is_ignored(world):  # noqa: F811
    client = world.clients["own_admin"]
    with transaction.atomic():
        _send(client, Request(reverse("partners:switch"), {"organisation": world.other.org.pk}))
        assert client.session.get(CURRENT_ORGANISATION_SESSION_KEY) != world.other.org.pk
        transaction.set_rollback(True)


# --- 4. Mass assignment -------------------------------------------------------------------

# Columns no form may change unless the case lists them (app_label.Model → fields).
PROTECTED: dict[str, tuple[str, ...]] = {
    "accounts.User": ("is_staff", "is_superuser", "is_active", "email"),
    "account.EmailAddress": ("user_id", "email", "verified", "primary"),
    "mfa.Authenticator": ("user_id", "type"),
    "partners.Organisation": ("kind", "verification_status", "verified_by_id", "verified_at"),
    "partners.Membership": ("user_id", "organisation_id", "role"),
    "partners.Coordinator": ("user_id", "is_active"),
    "partners.Invitation": ("organisation_id", "email", "role", "status", "invited_by_id"),
    "partners.Posting": ("organisation_id", "status", "created_by_id"),
    "partners.CallResponse": ("call_id", "organisation_id", "status", "submitted_by_id"),
    "partners.ImportJob": ("created_by_id", "status", "publish"),
    "matching.MatchProposal": (
        "posting_id",
        "partner_id",
        "second_partner_id",
        "state",
        "requested_by_id",
        "decided_by_id",
        "created_by_id",
    ),
    "matching.ProposalResponse": ("proposal_id", "organisation_id", "answer", "answered_by_id"),
    "projects.Project": ("state", "posting_id", "proposal_id"),
    "projects.ProjectParty": ("project_id", "organisation_id", "role", "contact_id", "commitments"),
    "projects.Agreement": ("project_id", "version"),
    "projects.AgreementSignoff": ("agreement_id", "party_id", "signed_by_id"),
    "projects.SafetyChecklist": ("project_id",),
    "projects.Milestone": ("project_id", "created_by_id", "done_at"),
    "projects.ProjectMessage": ("project_id", "author_id", "party_id"),
    "projects.CompletionReport": ("party_id", "consent_public", "updated_by_id"),
    "projects.ProjectInvitation": (
        "project_id",
        "organisation_id",
        "status",
        "invited_by_id",
        "answered_by_id",
    ),
    "projects.CaseStudy": ("project_id", "is_published"),
    "notifications.Notification": ("recipient_id", "read_at"),
    "notifications.Preference": ("user_id", "kind", "channel"),
}


def snapshot() -> dict[str, dict[int, tuple]]:
    rows = {}
    for label, fields in PROTECTED.items():
        model = apps.get_model(label)
        rows[label] = {row[0]: row[1:] for row in model.objects.values_list("pk", *fields)}
    return rows


@dataclass
class Diff:
    changed: dict[str, set[str]] = field(default_factory=dict)  # model → fields changed
    created: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)


def diff(before: dict, after: dict) -> Diff:
    result = Diff()
    for label, fields in PROTECTED.items():
        old, new = before[label], after[label]
        for pk, values in new.items():
            if pk not in old:
                result.created.setdefault(label, []).append(dict(zip(fields, values, strict=True)))
                continue
            for name, a, b in zip(fields, old[pk], values, strict=True):
                if a != b:
                    result.changed.setdefault(label, set()).add(name)
        gone = len(set(old) - set(new))
        if gone:
            result.deleted[label] = gone
    return result


def extras(w: World) -> dict[str, Any]:
    """Fields no form offers, pointing at someone else's organisation and person."""
    foreign, victim = w.invitee.pk, w.builders["victim"].pk
    return {
        "organisation": foreign,
        "organisation_id": foreign,
        "partner": foreign,
        "owner": victim,
        "user": victim,
        "user_id": victim,
        "author": victim,
        "recipient": victim,
        "created_by": victim,
        "approved_by": victim,
        "decided_by": victim,
        "requested_by": victim,
        "submitted_by": victim,
        "signed_by": victim,
        "status": "closed",
        "state": "completed",
        "answer_state": "accepted",
        "verified": "on",
        "verification_status": "verified",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "off",
        "is_published": "on",
        "role": "admin",
        "kind": "company",
        "consent_public": "on",
        "posting": foreign,
        "project": foreign,
        "party": foreign,
        "call": foreign,
    }


# Injected values that a new row must never carry (column → the injected key).
INJECTED_COLUMNS = {
    "organisation_id": "organisation",
    "partner_id": "partner",
    "user_id": "user",
    "author_id": "author",
    "recipient_id": "recipient",
    "created_by_id": "created_by",
    "decided_by_id": "decided_by",
    "requested_by_id": "requested_by",
    "submitted_by_id": "submitted_by",
    "signed_by_id": "signed_by",
    "is_staff": None,
    "is_superuser": None,
}


@dataclass
class Form:
    actor: str  # a principal, or a key of world.builders
    build: Callable[[World], Request]
    effect: Callable[[World, Diff], bool]  # the legitimate change happened
    may_change: dict[str, set[str]] = field(default_factory=dict)
    may_create: set[str] = field(default_factory=set)
    may_delete: set[str] = field(default_factory=set)
    legit: set[str] = field(default_factory=set)  # fields the form really has: not injected
    htmx: bool = False


def _req(key: tuple[str, str]) -> Callable[[World], Request]:
    return lambda w: REQUESTS[key](w, w.own)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def _company_create(w: World) -> Request:
    data = form_data(CompanyForm(instance=w.other.org)) | {
        "kind": "company",
        "name": "新しく登録する株式会社",
        "corporate_number": valid_corporate_number(987_654),
    }
    return Request(reverse("partners:create"), data)


def _logo(w: World) -> Request:
    upload = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    return Request(reverse("partners:logo", args=[w.own.org.pk]), {"logo": upload})


# The importer's own template: one company in Tokyo (coord_in's region).
IMPORT_CSV = (
    "kind,name,name_kana,municipality_code,corporate_number,legal_form,industry,company_size,"
    "school_kind,school_code,website,description\n"
    "company,株式会社サンプル,カブシキガイシャサンプル,131016,7000012050002,kk,it,,,,"
    "https://example.co.jp,\n"
)


def _import_upload(w: World) -> Request:
    upload = SimpleUploadedFile("organisations.csv", IMPORT_CSV.encode(), content_type="text/csv")
    return Request(reverse("partners:bulk"), {"kind": "organisations", "file": upload})


def _org(w: World, pk: int):
    return apps.get_model("partners.Organisation").objects.get(pk=pk)


def _posting(w: World, pk: int):
    return apps.get_model("partners.Posting").objects.get(pk=pk)


def _created(d: Diff, label: str) -> list[dict[str, Any]]:
    return d.created.get(label, [])


FORMS: dict[str, Form] = {
    "organisation_create": Form(
        "own_member",
        _company_create,
        lambda w, d: (
            len(_created(d, "partners.Organisation")) == 1
            and _created(d, "partners.Organisation")[0]["verification_status"] != "verified"
        ),
        may_create={"partners.Organisation", "partners.Membership"},
        legit={"kind"},
    ),
    "organisation_edit": Form(
        "own_admin",
        _req(("organisation.settings", "edit")),
        lambda w, d: _org(w, w.own.org.pk).description == "説明を書き換えました。",
    ),
    "organisation_logo": Form("own_admin", _logo, lambda w, d: bool(_org(w, w.own.org.pk).logo)),
    "organisation_request_verification": Form(
        "own_admin", _req(("organisation.settings", "request_verification")), lambda w, d: True
    ),
    "member_invite": Form(
        "own_admin",
        _req(("organisation.members", "invite")),
        lambda w, d: [i["role"] for i in _created(d, "partners.Invitation")] == ["member"],
        may_create={"partners.Invitation", "notifications.Notification"},
        legit={"role"},
    ),
    "member_role": Form(
        "own_admin",
        _req(("organisation.members", "change_role")),
        lambda w, d: d.changed.get("partners.Membership") == {"role"},
        may_change={"partners.Membership": {"role"}},
        legit={"role"},
    ),
    "member_remove": Form(
        "own_admin",
        _req(("organisation.members", "remove")),
        lambda w, d: d.deleted.get("partners.Membership") == 1,
        may_delete={"partners.Membership"},
    ),
    "member_transfer_admin": Form(
        "own_admin",
        _req(("organisation.members", "transfer_admin")),
        lambda w, d: d.changed.get("partners.Membership") == {"role"},
        may_change={"partners.Membership": {"role"}},
    ),
    "member_leave": Form(
        "own_member",
        _req(("organisation.members", "leave")),
        lambda w, d: d.deleted.get("partners.Membership") == 1,
        may_delete={"partners.Membership"},
    ),
    "invitation_resend": Form(
        "own_admin",
        _req(("organisation.invitations", "resend")),
        lambda w, d: True,
        may_create={"notifications.Notification"},
    ),
    "invitation_revoke": Form(
        "own_admin",
        _req(("organisation.invitations", "revoke")),
        lambda w, d: d.changed.get("partners.Invitation") == {"status"},
        may_change={"partners.Invitation": {"status"}},
    ),
    "invitation_accept": Form(
        "invitee_a",
        lambda w: Request(
            reverse("partners:invitation", args=[w.own.invitation_token]), {"answer": "accept"}
        ),
        lambda w, d: [m["role"] for m in _created(d, "partners.Membership")] == ["member"],
        may_change={"partners.Invitation": {"status"}},
        may_create={"partners.Membership"},
    ),
    "organisation_switch": Form(
        "own_admin", _req(("organisation", "switch")), lambda w, d: True, legit={"organisation"}
    ),
    "verification_decide": Form(
        "coord_in",
        _req(("organisation.verification", "decide")),
        lambda w, d: _org(w, w.pending.pk).verification_status == "verified",
        may_change={
            "partners.Organisation": {"verification_status", "verified_by_id", "verified_at"}
        },
        may_create={"notifications.Notification"},
    ),
    "posting_create": Form(
        "own_member",
        _req(("posting", "create")),
        lambda w, d: (
            [(p["organisation_id"], p["status"]) for p in _created(d, "partners.Posting")]
            == [(w.own.org.pk, "draft")]
        ),
        may_create={"partners.Posting"},
    ),
    "posting_edit": Form(
        "own_member",
        _req(("posting", "edit")),
        lambda w, d: _posting(w, w.own.open.pk).title == "書き換えたタイトル",
    ),
    "posting_publish": Form(
        "own_member",
        _req(("posting.draft", "publish")),
        lambda w, d: d.changed.get("partners.Posting") == {"status"},
        may_change={"partners.Posting": {"status"}},
        may_create={"notifications.Notification"},
    ),
    "posting_close": Form(
        "own_member",
        _req(("posting", "close")),
        lambda w, d: _posting(w, w.own.open.pk).status == "closed",
        may_change={"partners.Posting": {"status"}},
        may_create={"notifications.Notification"},
    ),
    "posting_confirm": Form("own_member", _req(("posting", "confirm")), lambda w, d: True),
    "posting_contact": Form(
        "own_admin",
        _req(("posting", "set_contact")),
        lambda w, d: _posting(w, w.own.open.pk).contact_id == w.own.member.pk,
        may_create={"notifications.Notification"},
    ),
    "call_respond": Form(
        "other_admin",
        _req(("posting.open_call", "respond")),
        lambda w, d: (
            [(r["organisation_id"], r["status"]) for r in _created(d, "partners.CallResponse")]
            == [(w.other.org.pk, "submitted")]
        ),
        may_create={"partners.CallResponse", "notifications.Notification"},
    ),
    "call_response_shortlist": Form(
        "own_admin",
        _req(("posting.open_call", "shortlist")),
        lambda w, d: d.changed.get("partners.CallResponse") == {"status"},
        may_change={"partners.CallResponse": {"status"}},
    ),
    "posting_review_decide": Form(
        "coord_in",
        _req(("posting.review", "decide")),
        lambda w, d: _posting(w, w.own.review.pk).status == "open",
        may_change={"partners.Posting": {"status"}},
        may_create={"notifications.Notification"},
    ),
    "proposal_request_introduction": Form(
        "own_member",
        _req(("proposal.suggested", "request_introduction")),
        lambda w, d: d.changed.get("matching.MatchProposal") == {"state", "requested_by_id"},
        may_change={"matching.MatchProposal": {"state", "requested_by_id"}},
        may_create={"notifications.Notification"},
    ),
    "proposal_decide": Form(
        "coord_in",
        _req(("proposal", "decide")),
        lambda w, d: d.changed.get("matching.MatchProposal") == {"state", "decided_by_id"},
        may_change={"matching.MatchProposal": {"state", "decided_by_id"}},
        may_create={"matching.ProposalResponse", "notifications.Notification"},
    ),
    "proposal_decide_htmx": Form(
        "coord_in",
        _req(("proposal", "decide")),
        lambda w, d: d.changed.get("matching.MatchProposal") == {"state", "decided_by_id"},
        may_change={"matching.MatchProposal": {"state", "decided_by_id"}},
        may_create={"matching.ProposalResponse", "notifications.Notification"},
        htmx=True,
    ),
    "proposal_respond": Form(
        "own_admin",
        _req(("proposal.approved", "respond")),
        lambda w, d: d.changed.get("matching.ProposalResponse") == {"answer", "answered_by_id"},
        may_change={"matching.ProposalResponse": {"answer", "answered_by_id"}},
        may_create={"notifications.Notification"},
    ),
    "proposal_create": Form(
        "coord_in",
        _req(("proposal", "create")),
        lambda w, d: [p["state"] for p in _created(d, "matching.MatchProposal")] == ["approved"],
        may_create={
            "matching.MatchProposal",
            "matching.ProposalResponse",
            "notifications.Notification",
        },
    ),
    "proposal_review_bulk": Form(
        "coord_in",
        _req(("proposal", "review_bulk")),
        lambda w, d: d.changed.get("matching.MatchProposal") == {"state", "decided_by_id"},
        may_change={"matching.MatchProposal": {"state", "decided_by_id"}},
        may_create={"matching.ProposalResponse", "notifications.Notification"},
    ),
    "agreement_edit": Form(
        "own_member",
        _req(("project.agreement", "edit")),
        lambda w, d: d.changed.get("projects.Agreement") == {"version"},
        may_change={"projects.Agreement": {"version"}},
        may_create={"notifications.Notification"},
    ),
    "agreement_sign": Form(
        "own_admin",
        _req(("project.agreement", "sign")),
        lambda w, d: len(_created(d, "projects.AgreementSignoff")) == 1,
        may_create={"projects.AgreementSignoff", "notifications.Notification"},
        legit={"party"},
    ),
    "checklist_update": Form(
        "own_member",
        _req(("project.checklist", "update")),
        lambda w, d: (
            apps.get_model("projects.SafetyChecklist").objects.get(project=w.own.project).insurance
        ),
    ),
    "milestone_add": Form(
        "own_member",
        _req(("project.milestone", "add")),
        lambda w, d: (
            [m["created_by_id"] for m in _created(d, "projects.Milestone")] == [w.own.member.pk]
        ),
        may_create={"projects.Milestone"},
    ),
    "milestone_done": Form(
        "own_member",
        _req(("project.milestone", "done")),
        lambda w, d: d.changed.get("projects.Milestone") == {"done_at"},
        may_change={"projects.Milestone": {"done_at"}},
    ),
    # The world publishes the active project's case study without the parties' consent;
    # completing the project or saving a report re-checks consent and withdraws it.
    "project_complete": Form(
        "own_admin",
        _req(("project", "complete")),
        lambda w, d: d.changed.get("projects.Project") == {"state"},
        may_change={"projects.Project": {"state"}, "projects.CaseStudy": {"is_published"}},
        may_create={"notifications.Notification"},
    ),
    "project_cancel": Form(
        "own_admin",
        _req(("project", "cancel")),
        lambda w, d: d.changed.get("projects.Project") == {"state"},
        may_change={"projects.Project": {"state"}},
        may_create={"notifications.Notification"},
    ),
    "party_handover": Form(
        "own_admin",
        _req(("project.party", "handover")),
        lambda w, d: d.changed.get("projects.ProjectParty") == {"contact_id"},
        may_change={"projects.ProjectParty": {"contact_id"}},
        may_create={"notifications.Notification"},
    ),
    "party_commitments": Form(
        "own_member",
        _req(("project.party", "commitments")),
        lambda w, d: d.changed.get("projects.ProjectParty") == {"commitments"},
        may_change={"projects.ProjectParty": {"commitments"}},
    ),
    "project_invite": Form(
        "own_admin",
        _req(("project.invitation", "send")),
        lambda w, d: (
            [(i["organisation_id"], i["status"]) for i in _created(d, "projects.ProjectInvitation")]
            == [(w.invitee.pk, "pending")]
        ),
        may_create={"projects.ProjectInvitation", "notifications.Notification"},
        legit={"organisation"},
    ),
    "project_invitation_answer": Form(
        "other_admin",
        _req(("project.invitation", "answer")),
        lambda w, d: d.changed.get("projects.ProjectInvitation") == {"status", "answered_by_id"},
        may_change={"projects.ProjectInvitation": {"status", "answered_by_id"}},
        may_create={"notifications.Notification"},
    ),
    "message_post": Form(
        "own_member",
        _req(("project.message", "post")),
        lambda w, d: (
            [(m["author_id"], m["party_id"]) for m in _created(d, "projects.ProjectMessage")]
            == [(w.own.member.pk, w.own.party.pk)]
        ),
        may_create={"projects.ProjectMessage", "notifications.Notification"},
    ),
    "message_post_htmx": Form(
        "own_member",
        _req(("project.message", "post")),
        lambda w, d: (
            [(m["author_id"], m["party_id"]) for m in _created(d, "projects.ProjectMessage")]
            == [(w.own.member.pk, w.own.party.pk)]
        ),
        may_create={"projects.ProjectMessage", "notifications.Notification"},
        htmx=True,
    ),
    # A plain member may write the report but not consent to publishing it.
    "report_edit": Form(
        "own_member",
        _req(("project.report", "edit")),
        lambda w, d: (
            [
                (r["updated_by_id"], r["consent_public"])
                for r in _created(d, "projects.CompletionReport")
            ]
            == [(w.own.member.pk, False)]
        ),
        may_change={"projects.CaseStudy": {"is_published"}},
        may_create={"projects.CompletionReport"},
    ),
    "notification_read": Form(
        "own_admin",
        _req(("notification", "read")),
        lambda w, d: d.changed.get("notifications.Notification") == {"read_at"},
        may_change={"notifications.Notification": {"read_at"}},
    ),
    "notification_read_all": Form(
        "own_admin",
        _req(("notification", "read_all")),
        lambda w, d: d.changed.get("notifications.Notification") == {"read_at"},
        may_change={"notifications.Notification": {"read_at"}},
    ),
    "notification_preferences": Form(
        "own_member",
        _req(("notification", "preferences")),
        lambda w, d: (
            {p["user_id"] for p in _created(d, "notifications.Preference")} == {w.own.member.pk}
        ),
        may_create={"notifications.Preference"},
    ),
    "unsubscribe": Form(
        "anon",
        lambda w: Request(REQUESTS[("notification", "unsubscribe_by_token")](w, w.own).url, {}),
        lambda w, d: (
            {p["user_id"] for p in _created(d, "notifications.Preference")} == {w.own.admin.pk}
        ),
        may_create={"notifications.Preference"},
    ),
    "import_upload": Form(
        "coord_in",
        _import_upload,
        lambda w, d: (
            [j["created_by_id"] for j in _created(d, "partners.ImportJob")]
            == [w.users["coord_in"].pk]
        ),
        may_create={"partners.ImportJob"},
        legit={"kind"},
    ),
    "import_start": Form(
        "coord_in",
        _req(("import_job", "start")),
        lambda w, d: d.changed.get("partners.ImportJob") == {"status"},
        may_change={"partners.ImportJob": {"status"}},
    ),
    "dashboard_nudge": Form(
        "coord_in",
        _req(("dashboard", "nudge")),
        lambda w, d: bool(_created(d, "notifications.Notification")),
        may_create={"notifications.Notification"},
    ),
    # django-allauth's sign-up with the portal's extra field.
    "signup": Form(
        "fresh_visitor",
        lambda w: Request(
            reverse("account_signup"),
            {
                "email": "new.signup@example.jp",
                "password1": "Sankangaku-signup-2026",
                "password2": "Sankangaku-signup-2026",
                "display_name": "新しい人",
            },
        ),
        lambda w, d: (
            [u["email"] for u in _created(d, "accounts.User")] == ["new.signup@example.jp"]
        ),
        may_create={"accounts.User", "account.EmailAddress"},
    ),
    "profile": Form(
        "own_member",
        _req(("account", "profile")),
        lambda w, d: (
            apps.get_model("accounts.User").objects.get(pk=w.own.member.pk).display_name
            == "新しい名前"
        ),
    ),
    "language": Form(
        "own_member",
        _req(("account", "language")),
        lambda w, d: (
            apps.get_model("accounts.User").objects.get(pk=w.own.member.pk).preferred_language
            == "en"
        ),
    ),
}


def _client(w: World, actor: str) -> Client:
    if actor == "fresh_visitor":
        return Client()
    if actor in w.clients:
        return w.clients[actor]
    client = Client()
    client.force_login(w.builders[actor])
    return client


def _mass_assignment_problems(w: World, form: Form, d: Diff, injected: dict) -> list[str]:
    problems = []
    for label, fields in d.changed.items():
        extra = fields - form.may_change.get(label, set())
        if extra:
            problems.append(f"{label}: {sorted(extra)} changed")
    for label, rows in d.created.items():
        if label not in form.may_create:
            problems.append(f"{label}: {len(rows)} row(s) created")
        for row in rows:
            for column, key in INJECTED_COLUMNS.items():
                if column not in row:
                    continue
                if key is None and row[column]:
                    problems.append(f"new {label} has {column}")
                elif key in injected and row[column] == injected[key]:
                    problems.append(f"new {label} took {key}={injected[key]!r}")
    for label in d.deleted:
        if label not in form.may_delete:
            problems.append(f"{label}: {d.deleted[label]} row(s) deleted")
    return problems


@pytest.mark.parametrize("name", list(FORMS))
def test_extra_post_fields_are_ignored(world, name):  # noqa: F811
    form = FORMS[name]
    request = form.build(world)
    assert request.data is not None
    injected = {
        k: v for k, v in extras(world).items() if k not in request.data and k not in form.legit
    }
    client = _client(world, form.actor)
    client.cookies.pop("messages", None)
    headers = {"HX-Request": "true"} if form.htmx else {}
    with transaction.atomic():
        before = snapshot()
        response = client.post(request.url, request.data | injected, headers=headers)
        d = diff(before, snapshot())
        effect = form.effect(world, d)
        transaction.set_rollback(True)
    assert response.status_code in (200, 302), response.status_code
    assert effect, f"the legitimate change did not happen: {d}"
    assert _mass_assignment_problems(world, form, d, injected) == []


# Form posts that are not rules of the policy table (the table asks GETs of these URLs, or
# the POST needs a file or a token).
POSTS_OUTSIDE_THE_TABLE = {
    "account_signup",
    "partners:create",
    "partners:invitation",
    "partners:bulk",
    "notifications:unsubscribe",
}


def test_every_form_post_has_a_mass_assignment_case(world):  # noqa: F811
    posted = {resolve(urlsplit(f.build(world).url).path).view_name for f in FORMS.values()}
    expected = {r.url_name for r in policy.POLICY.values() if r.method == "post"}
    expected |= POSTS_OUTSIDE_THE_TABLE
    assert expected - posted == set()
