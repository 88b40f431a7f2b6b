"""The canary world of the leak scan (QUALITY.md: "Canary leak scan of pages, partials,
exports, API and emails: 0 foreign markers").

Every private field of every organisation carries a unique marker `CANARY0042-<label>`
(the four digits identify it; the label says what it is). Each marker is registered with its
*audience*: who the product rules entitle to see it. The scan (test_canary_leaks.py) then
shows every page, partial, export, API answer and email to every person of the world and
fails on any marker whose audience does not include that person. (Organisations have no
phone number field; people's contact data is their name and email address.)

The product rules, as written in partners/access.py and the README:

- ORGANISATION PRIVATE (drafts, members, email addresses, invitations, review and
  verification notes, everything of a refused organisation): the organisation's own members,
  and coordinators whose region (prefectures) covers the organisation.
- PERSON NAME: the person's organisation (and coordinators covering it); the people of every
  organisation it shares a project with (the thread's "notify specifically" list names the
  active members of every party: projects.selectors.project_people); the organisations the
  person acted with in a proposal (requested, decided, answered); and the addresses the
  person invited to join. Email addresses never travel beyond the organisation.
- PROPOSAL SHARED (request message, coordinator's note, reasons): the organisations of the
  proposal (the posting's, the partner, the second partner), and coordinators covering any
  of them.
- PROJECT SHARED (agreement, commitments, milestones, messages and attachments, hand-over
  memos, completion reports before a case study is published): the project's parties, and
  coordinators covering any party. An organisation invited to join also sees the outline
  (projects/invitation.html): the invitation's message, the summary, the parties and the
  agreement's purpose.
- OPEN-CALL RESPONSE: the responding organisation and the caller, and coordinators covering
  either.
- MEMBERS-ONLY POSTING: anyone signed in (Visibility.MEMBERS means "signed-in members").
- COORDINATORS-ONLY POSTING: the organisation, and every active coordinator; the matching
  engine may pair it with other organisations' postings, but it is not listed among their
  suggested partners.
- RECIPIENT (an in-app notification's payload, a coordinator's import job, a coordinator's
  own email address): that one person.
"""

from __future__ import annotations

import inspect
import io
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

MARKER_RE = re.compile(r"canary(\d{4})", re.IGNORECASE)


# --- Audiences: the product rules --------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who may see a marker. Anyone matching any of the fields is entitled."""

    rule: str
    orgs: frozenset[int] = frozenset()  # members of these organisations
    covered: frozenset[int] = frozenset()  # coordinators covering any of these organisations
    users: frozenset[int] = frozenset()
    emails: frozenset[str] = frozenset()  # people without an account (invitees)
    signed_in: bool = False
    any_coordinator: bool = False


def organisation_private(org: int) -> Audience:
    return Audience("organisation private", orgs=frozenset({org}), covered=frozenset({org}))


def person_name(
    org: int, *, acted_with: set[int] = frozenset(), invited: set[str] = ()
) -> Audience:
    orgs = frozenset({org, *acted_with})
    return Audience("person name", orgs=orgs, covered=orgs, emails=frozenset(invited))


def proposal_shared(parties: set[int]) -> Audience:
    return Audience("proposal shared", orgs=frozenset(parties), covered=frozenset(parties))


def project_shared(parties: set[int], *, invited: set[int] = frozenset()) -> Audience:
    return Audience(
        "project shared", orgs=frozenset({*parties, *invited}), covered=frozenset(parties)
    )


def call_response(responder: int, caller: int) -> Audience:
    both = frozenset({responder, caller})
    return Audience("open-call response", orgs=both, covered=both)


def members_only(org: int) -> Audience:
    return Audience("members-only posting", orgs=frozenset({org}), signed_in=True)


def coordinators_only(org: int) -> Audience:
    return Audience("coordinators-only posting", orgs=frozenset({org}), any_coordinator=True)


def recipient(user_id: int) -> Audience:
    return Audience("recipient", users=frozenset({user_id}))


@dataclass(frozen=True)
class Viewer:
    """A person the scan shows things to. `prefectures` is None for non-coordinators and
    empty for a nationwide coordinator."""

    name: str
    user: Any  # User | None (anonymous, or an invitee without an account)
    email: str = ""
    orgs: frozenset[int] = frozenset()
    prefectures: frozenset[int] | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.prefectures is not None


def entitled(viewer: Viewer, audience: Audience, org_prefecture: dict[int, int | None]) -> bool:
    user_id = getattr(viewer.user, "pk", None)
    if user_id is not None and user_id in audience.users:
        return True
    if viewer.email and viewer.email.lower() in audience.emails:
        return True
    if audience.signed_in and user_id is not None:
        return True
    if audience.any_coordinator and viewer.is_coordinator:
        return True
    if viewer.orgs & audience.orgs:
        return True
    if viewer.is_coordinator:
        return any(
            not viewer.prefectures or org_prefecture.get(org) in viewer.prefectures
            for org in audience.covered
        )
    return False


class Canaries:
    """The registry: hands out markers and finds them in text."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.audiences: dict[str, Audience] = {}

    def mark(self, label: str, audience: Audience, text: str = "") -> str:
        number = f"{len(self.labels) + 1:04d}"
        marker = f"CANARY{number}-{label}"
        self.labels[number] = label
        self.audiences[number] = audience
        return f"{marker} {text}".strip()

    def email(self, label: str, audience: Audience) -> str:
        return f"{self.mark(label, audience).lower()}@example.jp"

    def found(self, text: str) -> set[str]:
        return {number for number in MARKER_RE.findall(text) if number in self.labels}


# --- The world ---------------------------------------------------------------------------


@dataclass
class World:
    canaries: Canaries
    viewers: list[Viewer]
    org_prefecture: dict[int, int | None]

    def foreign(self, viewer: Viewer, text: str) -> list[str]:
        """Markers in `text` that `viewer` is not entitled to, as `number-label`."""
        return sorted(
            f"{number}-{self.canaries.labels[number]}"
            for number in self.canaries.found(text)
            if not entitled(viewer, self.canaries.audiences[number], self.org_prefecture)
        )

    def viewer_by_email(self, address: str) -> Viewer | None:
        return next((v for v in self.viewers if v.email.lower() == address.lower()), None)


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

# Place of each organisation: four prefectures, so that regional coordinators differ.
TOKYO, NAGANO, OSAKA, HOKKAIDO = 13, 20, 27, 1


def build_world() -> World:
    """Five organisations, their people, postings, proposals, two projects, notifications,
    invitations and import jobs, every private field marked. Runs the real services, so call
    it inside `django_capture_on_commit_callbacks(execute=True)` to send the emails. One
    long story on purpose: read top to bottom, it says who did what with whom."""
    from matching import workflow
    from matching.models import MatchProposal
    from matching.services import proposal_request_introduction, proposals_recompute_all
    from partners import services as partner_services
    from partners.models import ImportJob, LocalGovernment, Prefecture, Visibility
    from projects import services as project_services
    from projects.attachments import prepare_attachment
    from projects.models import ProjectParty, SafetyChecklist
    from sankangaku.notifications.kinds import Kind
    from sankangaku.notifications.services import notify
    from tests import factories

    canaries = Canaries()
    mark = canaries.mark

    def place(code: int) -> tuple[Any, Any]:
        prefecture = Prefecture.objects.get(code=code)
        city = LocalGovernment.objects.filter(prefecture=prefecture, level="city").first()
        return prefecture, city

    tokyo, chiyoda = place(TOKYO)
    nagano = Prefecture.objects.get(code=NAGANO)
    osaka, osaka_city = place(OSAKA)
    hokkaido, sapporo = place(HOKKAIDO)

    o1 = factories.CompanyFactory(name="カナリア商事株式会社", prefecture=tokyo, location=chiyoda)
    o2 = factories.MunicipalityFactory()  # Matsumoto, Nagano
    o3 = factories.SchoolFactory(name="カナリア高等学校", prefecture=osaka, location=osaka_city)
    o4 = factories.CompanyFactory(
        name="北のカナリア株式会社", prefecture=hokkaido, location=sapporo
    )
    orgs = {1: o1, 2: o2, 3: o3, 4: o4}
    org_prefecture: dict[int, int | None] = {}

    # Names travel to the organisations one shares a project with (P1: o1, o2, o3; P2: o4,
    # o1), and to those the person acted with in a proposal (below).
    project_partners = {1: {2, 3, 4}, 2: {1, 3}, 3: {1, 2}, 4: {1}}
    acted_with = {
        "o2-admin": {4},  # requested X2, which o4 declined
        "o4-admin": {2, 3},  # declined X2, requested X3
    }
    # An invitee's address is the organisation's business, and the invitee's own.
    invitee: dict[int, str] = {}
    for n, org in orgs.items():
        address = canaries.email(f"o{n}-invitee-address", organisation_private(org.pk))
        (number,) = canaries.found(address)
        canaries.audiences[number] = replace(
            canaries.audiences[number], emails=frozenset({address})
        )
        invitee[n] = address

    people: dict[str, Any] = {}
    viewers: list[Viewer] = []

    def person(n: int, org: Any, role: str, key: str) -> Any:
        org_id = org.pk
        shared = project_partners[n] | acted_with.get(key, set())
        invited = {invitee[n]} if role == "admin" else set()
        name_audience = person_name(org_id, acted_with=_ids(shared), invited=invited)
        user = factories.UserFactory(
            email=canaries.email(f"{key}-email", organisation_private(org_id)),
            display_name=mark(f"{key}-name", name_audience),
        )
        factories.MembershipFactory(user=user, organisation=org, role=role)
        people[key] = user
        viewers.append(Viewer(key, user, user.email, frozenset({org_id})))
        return user

    def _ids(numbers: set[int]) -> set[int]:
        return {orgs[n].pk for n in numbers}

    for n, org in orgs.items():
        org_prefecture[org.pk] = org.prefecture_id
        person(n, org, "admin", f"o{n}-admin")
        person(n, org, "member", f"o{n}-member")
    person(3, o3, "member", "o3-successor")

    # A refused organisation: nothing of it is public any more.
    o5 = factories.CompanyFactory(
        name="カナリア拒否会社", prefecture=nagano, verification_status="unverified"
    )
    org_prefecture[o5.pk] = o5.prefecture_id
    o5_private = organisation_private(o5.pk)
    o5.name = mark("o5-name", o5_private)
    o5.description = mark("o5-description", o5_private)
    o5.save()
    o5_admin = factories.UserFactory(
        email=canaries.email("o5-admin-email", o5_private),
        display_name=mark("o5-admin-name", o5_private),
    )
    factories.MembershipFactory(user=o5_admin, organisation=o5, role="admin")
    viewers.append(Viewer("o5-admin", o5_admin, o5_admin.email, frozenset({o5.pk})))

    def coordinator(key: str, prefecture: Any) -> Any:
        user = factories.UserFactory(display_name=f"コーディネーター {key}")
        user.email = canaries.email(f"{key}-email", recipient(user.pk))
        user.save()
        factories.CoordinatorFactory(user=user, prefectures=[prefecture])
        people[key] = user
        viewers.append(Viewer(key, user, user.email, prefectures=frozenset({prefecture.code})))
        return user

    c_nagano = coordinator("coordinator-nagano", nagano)
    c_hokkaido = coordinator("coordinator-hokkaido", hokkaido)
    loner = factories.UserFactory(display_name="所属なし")
    viewers.append(Viewer("signed-in-no-organisation", loner, loner.email))
    viewers.append(Viewer("anonymous", None))
    for n in (1, 2, 3, 4):
        viewers.append(Viewer(f"o{n}-invitee", None, invitee[n]))

    # --- Postings -----------------------------------------------------------------------
    def posting(org: Any, actor_key: str, **data: Any) -> Any:
        return factories.make_posting(org, actor=people[actor_key], **data)

    for n, org in orgs.items():
        private = organisation_private(org.pk)
        posting(
            org,
            f"o{n}-admin",
            publish=False,
            title=mark(f"o{n}-draft-title", private, "下書き"),
            body=mark(f"o{n}-draft-body", private, "まだ公開しない構想です。"),
            situation=mark(f"o{n}-draft-situation", private),
        )
        posting(
            org,
            f"o{n}-admin",
            visibility=Visibility.MEMBERS,
            title=mark(f"o{n}-members-only-title", members_only(org.pk), "会員限定"),
            body=mark(f"o{n}-members-only-body", members_only(org.pk), "会員だけに見せる募集。"),
        )
    factories.make_posting(
        o5,
        actor=o5_admin,
        publish=False,
        title=mark("o5-draft-title", o5_private, "下書き"),
        body=mark("o5-draft-body", o5_private),
    )
    posting(
        o2,
        "o2-admin",
        visibility=Visibility.COORDINATORS,
        title=mark("o2-coordinators-only-title", coordinators_only(o2.pk), "観光データの分析"),
        body=mark(
            "o2-coordinators-only-body",
            coordinators_only(o2.pk),
            "観光客の動態データを分析し、観光マップで周遊を促したい。",
        ),
    )
    returned = posting(
        o2,
        "o2-admin",
        publish=False,
        wants_review=True,
        title=mark("o2-returned-title", organisation_private(o2.pk), "差し戻し"),
        body="見直しを求められた募集です。",
    )
    partner_services.posting_publish(posting=returned, actor=people["o2-admin"])
    partner_services.posting_review_decide(
        posting=returned,
        coordinator=c_nagano,
        approve=False,
        note=mark("o2-review-note", organisation_private(o2.pk)),
    )
    # Public postings for the proposals (their text is public: no markers).
    issue2 = posting(o2, "o2-admin", title="観光客の周遊を増やしたい", body="周遊を促したい。")
    strength1 = posting(
        o1, "o1-admin", direction="strength", title="動態データ分析", body="分析します。"
    )
    strength3 = posting(
        o3, "o3-admin", direction="strength", title="観光マップづくり", body="地図を作ります。"
    )
    strength4 = posting(o4, "o4-admin", direction="strength", title="雪国の物流", body="運びます。")
    issue4 = posting(o4, "o4-admin", title="除雪の人手不足", body="人手が足りません。")
    call = posting(
        o2,
        "o2-admin",
        title="公募：観光アプリ",
        body="観光アプリの提案を募集します。",
        is_open_call=True,
        call_budget=1_000_000,
        call_deadline=timezone.localdate() + timedelta(days=30),
        selection_criteria="費用と実績",
    )
    response_audience = call_response(o4.pk, o2.pk)
    partner_services.call_response_submit(
        call=call,
        organisation=o4,
        actor=people["o4-admin"],
        data={
            "idea": mark("o4-call-idea", response_audience),
            "who": mark("o4-call-who", response_audience),
            "when": mark("o4-call-when", response_audience),
            "cost": 800_000,
        },
    )

    # --- Proposals ----------------------------------------------------------------------
    def proposal(issue: Any, partner: Any, partner_posting: Any, **extra: Any) -> Any:
        return MatchProposal.objects.create(
            posting=issue,
            partner=partner,
            partner_posting=partner_posting,
            score=0.8,
            rank=1,
            breakdown={},
            engine_version="canary",
            kind="triad" if "second_partner" in extra else "pair",
            **extra,
        )

    def request(item: Any, key: str, label: str, audience: Audience) -> None:
        assert proposal_request_introduction(
            proposal=item, user=people[key], message=mark(label, audience)
        )
        item.refresh_from_db()

    # X1: o2's issue with o1 and o3 → accepted → project P1.
    x1 = proposal(issue2, o1, strength1, second_partner=o3, second_partner_posting=strength3)
    x1_shared = proposal_shared({o1.pk, o2.pk, o3.pk})
    request(x1, "o2-admin", "x1-request-message", x1_shared)
    workflow.proposal_decide(
        proposal=x1, coordinator=c_nagano, approve=True, note=mark("x1-decision-note", x1_shared)
    )
    workflow.proposal_respond(proposal=x1, organisation=o1, user=people["o1-admin"], accept=True)
    workflow.proposal_respond(proposal=x1, organisation=o3, user=people["o3-admin"], accept=True)
    # X2: o2's issue with o4 → declined by o4 with a reason.
    x2 = proposal(issue2, o4, strength4)
    x2_shared = proposal_shared({o2.pk, o4.pk})
    request(x2, "o2-admin", "x2-request-message", x2_shared)
    workflow.proposal_decide(
        proposal=x2, coordinator=c_nagano, approve=True, note=mark("x2-decision-note", x2_shared)
    )
    workflow.proposal_respond(
        proposal=x2,
        organisation=o4,
        user=people["o4-admin"],
        accept=False,
        reason_code="capacity",
        reason_text=mark("x2-decline-reason", x2_shared),
    )
    # X3: o4's issue with o3 → rejected by the Hokkaido coordinator.
    x3 = proposal(issue4, o3, strength3)
    x3_shared = proposal_shared({o4.pk, o3.pk})
    request(x3, "o4-admin", "x3-request-message", x3_shared)
    workflow.proposal_decide(
        proposal=x3,
        coordinator=c_hokkaido,
        approve=False,
        note=mark("x3-decision-note", x3_shared),
        reason_code="outside_area",
        reason_text=mark("x3-reject-reason", x3_shared),
    )
    # X4: o4's issue with o1 → accepted → project P2.
    x4 = proposal(issue4, o1, strength1)
    x4_shared = proposal_shared({o4.pk, o1.pk})
    request(x4, "o4-admin", "x4-request-message", x4_shared)
    workflow.proposal_decide(
        proposal=x4, coordinator=c_hokkaido, approve=True, note=mark("x4-decision-note", x4_shared)
    )
    workflow.proposal_respond(proposal=x4, organisation=o1, user=people["o1-admin"], accept=True)
    p1 = MatchProposal.objects.get(pk=x1.pk).project
    p2 = MatchProposal.objects.get(pk=x4.pk).project

    # --- Project P1 (o2, o1, o3): active, with everything a project holds -----------------
    p1_parties = {o1.pk, o2.pk, o3.pk}
    p1_shared = project_shared(p1_parties)

    def agreement_text(prefix: str, audience: Audience, outline: Audience) -> dict[str, str]:
        from projects.models import Agreement

        return {
            name: mark(f"{prefix}-agreement-{name}", outline if name == "purpose" else audience)
            for name in Agreement.TEXT_FIELDS
        }

    project_services.agreement_update(
        project=p1,
        actor=people["o2-admin"],
        data=agreement_text("p1", p1_shared, project_shared(p1_parties, invited={o4.pk})),
    )
    for party in ProjectParty.objects.filter(project=p1):
        party.commitments = mark(
            f"p1-commitments-o{_number(orgs, party.organisation_id)}", p1_shared
        )
        party.save(update_fields=["commitments"])
        admin = people[f"o{_number(orgs, party.organisation_id)}-admin"]
        p1.refresh_from_db()
        project_services.agreement_sign(
            project=p1, party=party, actor=admin, version=p1.agreement.version
        )
    project_services.checklist_update(
        project=p1, actor=people["o3-admin"], items=dict.fromkeys(SafetyChecklist.ITEMS, True)
    )
    p1.refresh_from_db()
    assert p1.state == "active", p1.state
    project_services.milestone_add(
        project=p1,
        actor=people["o2-admin"],
        title=mark("p1-milestone", p1_shared),
        due_on=timezone.localdate() + timedelta(days=2),
    )
    party = {p.organisation_id: p for p in ProjectParty.objects.filter(project=p1)}
    attachment = prepare_attachment(
        io.BytesIO(PDF_BYTES), original_name=f"{mark('p1-attachment-name', p1_shared)}.pdf"
    )
    project_services.message_post(
        project=p1,
        author=people["o1-admin"],
        party=party[o1.pk],
        body=mark("p1-message", p1_shared, "資料を共有します。"),
        attachment=attachment,
        mentions=[people["o2-admin"]],
    )
    project_services.message_post(
        project=p1,
        author=people["o3-admin"],
        party=party[o3.pk],
        body=mark("p1-progress-note", p1_shared),
        is_progress_note=True,
    )
    project_services.party_handover(
        party=party[o3.pk],
        actor=people["o3-admin"],
        new_contact=people["o3-successor"],
        memo=mark("p1-handover-memo", p1_shared),
    )
    project_services.report_save(
        project=p1,
        party=party[o2.pk],
        actor=people["o2-admin"],
        data={
            "done": mark("p1-report-done", p1_shared),
            "students_involved": 30,
            "events_held": 2,
            "funds_used": mark("p1-report-funds", p1_shared),
            "next_steps": mark("p1-report-next", p1_shared),
        },
        sdgs=[],
        consent_public=False,
    )
    project_services.project_invite(
        project=p1,
        actor=people["o1-admin"],
        organisation=o4,
        message=mark("p1-invitation-message", project_shared(p1_parties, invited={o4.pk})),
    )

    # --- Project P2 (o4, o1): forming ------------------------------------------------------
    p2_shared = project_shared({o4.pk, o1.pk})
    project_services.agreement_update(
        project=p2, actor=people["o4-admin"], data=agreement_text("p2", p2_shared, p2_shared)
    )
    project_services.milestone_add(
        project=p2,
        actor=people["o4-admin"],
        title=mark("p2-milestone", p2_shared),
        due_on=timezone.localdate() + timedelta(days=1),
    )
    p2_party = ProjectParty.objects.get(project=p2, organisation=o4)
    project_services.message_post(
        project=p2,
        author=people["o4-admin"],
        party=p2_party,
        body=mark("p2-message", p2_shared),
        mentions=[people["o1-admin"]],
    )

    # --- Invitations, notifications, import jobs, a refused verification -----------------
    for n, org in orgs.items():
        partner_services.invitation_create(
            organisation=org, actor=people[f"o{n}-admin"], email=invitee[n], role="member"
        )
    for viewer in viewers:
        if viewer.user is None:
            continue
        user = viewer.user
        notify(
            Kind.POSTING_REVIEW_RESULT,
            key=f"canary:{user.pk}",
            users=[user],
            payload={
                "title": mark(f"{viewer.name}-notification", recipient(user.pk)),
                "published": False,
                "note": mark(f"{viewer.name}-notification-note", recipient(user.pk)),
            },
            url="/notifications/",
        )
    for key, coordinator_user in (("nagano", c_nagano), ("hokkaido", c_hokkaido)):
        mine = recipient(coordinator_user.pk)
        ImportJob.objects.create(
            created_by=coordinator_user,
            kind=ImportJob.Kind.POSTINGS,
            status=ImportJob.Status.INVALID,
            filename=f"{mark(f'coordinator-{key}-import-file', mine)}.csv",
            encoding="utf-8",
            rows=[{"title": mark(f"coordinator-{key}-import-row", mine)}],
            errors=[
                {
                    "row": 2,
                    "column": "title",
                    "message": mark(f"coordinator-{key}-import-error", mine),
                }
            ],
            total=1,
        )
    partner_services.organisation_decide_verification(
        organisation=o5,
        coordinator=c_nagano,
        approve=False,
        note=mark("o5-verification-note", o5_private),
    )
    project_services.milestones_remind_due()
    # The engine's suggestions (matching over every open posting, whatever its visibility),
    # as the nightly recompute leaves them.
    proposals_recompute_all()

    return World(canaries=canaries, viewers=viewers, org_prefecture=org_prefecture)


def _number(orgs: dict[int, Any], org_id: int) -> int:
    return next(n for n, org in orgs.items() if org.pk == org_id)


def send_digests() -> None:
    """Send every daily and weekly digest that is due (what beat would do)."""
    from sankangaku.notifications import digests
    from sankangaku.notifications.kinds import Channel

    for cadence in (Channel.DAILY, Channel.WEEKLY):
        for user_id in digests.recipients_due(cadence):
            digests.digest_deliver(user_id=user_id, cadence=cadence)


# --- URLs: every GET route, with the ids of the world --------------------------------------

# The portal's own namespaces; allauth, the admin and the API are handled separately.
APP_NAMESPACES = {
    "partners",
    "projects",
    "cases",
    "matching",
    "notifications",
    "dashboard",
    "accounts",
}

# Routes whose arguments are secrets handed out one by one (tokens) or fixed words: the
# crawl reaches the ones a person was given (their calendar feed); the others are listed
# here with the reason they are not swept.
NOT_SWEPT = {
    "partners:invitation": "token only in the invitee's email (hashed in the database)",
    "notifications:unsubscribe": "signed token only in the recipient's email",
    "projects:user_calendar": "signed per-user token; each person's own link is crawled",
}


# Forms that change an object add nothing to what its detail page shows but the form: the
# sweep leaves them out for the ids of others (their 404s are proven by the access-matrix
# tests) and the crawl requests a person's own through the links on their pages.
FORMS_NOT_SWEPT = {
    "partners:edit",
    "partners:logo",
    "partners:posting_edit",
    "partners:posting_confirm",
    "partners:call_respond",
}


def _allowed_methods(view: Any) -> set[str] | None:
    """The methods `require_http_methods` (require_GET/POST) lets through, or None."""
    while view is not None:
        try:
            nonlocals = inspect.getclosurevars(view).nonlocals
        except (TypeError, ValueError):
            nonlocals = {}
        if "request_method_list" in nonlocals:
            return set(nonlocals["request_method_list"])
        view = getattr(view, "__wrapped__", None)
    return None


def _walk(resolver: URLResolver, namespace: str = "") -> Any:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern


def _pk_model(namespace: str, name: str) -> Any:
    from matching.models import MatchProposal
    from partners.models import ImportJob, Organisation, Posting
    from projects.models import CaseStudy, Project, ProjectInvitation
    from sankangaku.notifications.models import Notification

    if namespace == "partners":
        if name == "postings_export":  # an organisation's own postings
            return Organisation
        if name.startswith(("posting", "call_")):
            return Posting
        if name.startswith("import_"):
            return ImportJob
        return Organisation
    if namespace == "projects":
        return ProjectInvitation if name == "invitation" else Project
    return {
        "cases": CaseStudy,
        "matching": MatchProposal,
        "notifications": Notification,
    }.get(namespace)


def _child_kwargs(route: str) -> list[dict[str, Any]] | None:
    from partners.models import CallResponse, Invitation, Membership, Posting
    from projects.models import Milestone, ProjectMessage, ProjectParty

    def pairs(model: Any, parent: str, name: str) -> list[dict[str, Any]]:
        return [
            {"pk": parent_id, name: pk}
            for pk, parent_id in model.objects.values_list("pk", parent).order_by("pk")
        ]

    children = {
        "partners:member_role": lambda: pairs(Membership, "organisation_id", "membership_pk"),
        "partners:member_remove": lambda: pairs(Membership, "organisation_id", "membership_pk"),
        "partners:transfer_admin": lambda: pairs(Membership, "organisation_id", "membership_pk"),
        "partners:invitation_resend": lambda: pairs(Invitation, "organisation_id", "invitation_pk"),
        "partners:invitation_revoke": lambda: pairs(Invitation, "organisation_id", "invitation_pk"),
        "partners:call_response_decide": lambda: pairs(CallResponse, "call_id", "response_pk"),
        "projects:milestone_done": lambda: pairs(Milestone, "project_id", "milestone_pk"),
        "projects:handover": lambda: pairs(ProjectParty, "project_id", "party_pk"),
        "projects:commitments": lambda: pairs(ProjectParty, "project_id", "party_pk"),
        "projects:report": lambda: pairs(ProjectParty, "project_id", "party_pk"),
        "projects:message_attachment": lambda: pairs(ProjectMessage, "project_id", "message_pk"),
        "partners:import_template": lambda: [{"kind": "organisations"}, {"kind": "postings"}],
        # Only open calls have responses; other postings answer 404 to everyone alike.
        "partners:call_responses": lambda: [
            {"pk": pk}
            for pk in Posting.objects.filter(is_open_call=True).values_list("pk", flat=True)
        ],
        "dashboard:nudge": lambda: [],  # POST only (checked below); listed for completeness
    }
    factory = children.get(route)
    return factory() if factory else None


@dataclass(frozen=True)
class ObjectUrl:
    url: str
    route: str
    owner: int | None  # the organisation of a posting or an organisation page, else None


def get_urls() -> tuple[list[str], list[ObjectUrl], list[str]]:
    """(start pages without arguments, the object pages of every id in the database,
    routes that could not be filled in). Only routes that answer GET are returned."""
    from partners.models import Organisation, Posting
    from sankangaku.notifications.models import Notification

    owners = dict(Posting.objects.values_list("pk", "organisation_id"))
    start: list[str] = []
    objects: list[ObjectUrl] = []
    unknown: list[str] = []
    for namespace, pattern in _walk(get_resolver()):
        if namespace not in APP_NAMESPACES:
            continue
        route = f"{namespace}:{pattern.name}"
        methods = _allowed_methods(pattern.callback)
        if methods is not None and "GET" not in methods:
            continue
        params = set(pattern.pattern.converters)
        if not params:
            start.append(reverse(route))
            continue
        if route in NOT_SWEPT or route in FORMS_NOT_SWEPT:
            continue
        kwargs = _child_kwargs(route)
        model = _pk_model(namespace, pattern.name) if params == {"pk"} else None
        if kwargs is None and params == {"pk"}:
            if model is Notification:
                # One item per recipient is enough: the views are the same for all.
                ids = (
                    Notification.objects.order_by("recipient_id", "pk")
                    .distinct("recipient_id")
                    .values_list("pk", flat=True)
                )
                kwargs = [{"pk": pk} for pk in ids]
            elif model is not None:
                kwargs = [{"pk": pk} for pk in model.objects.values_list("pk", flat=True)]
        if kwargs is None:
            unknown.append(route)
            continue
        for values in kwargs:
            owner = (
                owners.get(values["pk"])
                if model is Posting
                else values["pk"]
                if model is Organisation
                else None
            )
            objects.append(ObjectUrl(reverse(route, kwargs=values), route, owner))
    return start, objects, unknown


def api_urls() -> list[str]:
    """The open API's lists and every object's detail (it answers everyone as anonymous)."""
    from partners.models import Organisation, Posting
    from projects.models import CaseStudy

    urls = ["/api/v1/organisations", "/api/v1/postings", "/api/v1/case-studies"]
    urls += [
        f"/api/v1/organisations/{pk}" for pk in Organisation.objects.values_list("pk", flat=True)
    ]
    urls += [f"/api/v1/postings/{pk}" for pk in Posting.objects.values_list("pk", flat=True)]
    urls += [f"/api/v1/case-studies/{pk}" for pk in CaseStudy.objects.values_list("pk", flat=True)]
    return urls
