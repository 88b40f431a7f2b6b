"""One shared world for the authorization tests (policy matrix, ID tampering, mass
assignment), built once per test module inside a transaction that is rolled back when the
module ends. Each test then runs in its own savepoint (pytest-django's `db`), and each
request of the matrix in a savepoint of its own, so POSTs never leak into the next case.

Two organisations face each other:

- A, "own": a municipality in Tokyo (prefecture 13) with an administrator and a member;
- B, "other": a company in Osaka (prefecture 27) with an administrator and a member.

Partners C (company) and S (school) in Nagano (20), X (company, Nagano; invited to a
project) and V (company, Tokyo, waiting for verification) exist so that A and B have
projects and proposals without ever being each other's partner. Coordinators: `coord_in`
covers Tokyo (A's region), `coord_out` covers Okinawa (neither). `staff` is a Django staff
user (with TOTP) who belongs to no organisation.

A and B own the same kinds of objects (postings in every state, an open call with a
response, a membership invitation, proposals, projects with milestones, messages with
attachments and reports, notifications), so tests can point one side's users at the other
side's ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from matching.models import MatchProposal, ProposalResponse
from partners.models import (
    CallResponse,
    ImportJob,
    Invitation,
    LocalGovernment,
    Membership,
    Organisation,
    Posting,
    Prefecture,
)
from partners.services import organisations as organisation_services
from projects import services as project_services
from projects.calendar import feed_token
from projects.models import CaseStudy, Milestone, Project, ProjectInvitation, ProjectMessage
from sankangaku.notifications import services as notification_services
from sankangaku.notifications.models import Notification
from tests import factories

# The principals every row of the policy table answers for (see policy.py).
PRINCIPALS = (
    "anon",
    "own_admin",
    "own_member",
    "other_admin",
    "other_member",
    "coord_in",
    "coord_out",
    "staff",
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

# Sessions are written by any signed-in request (idle timestamps); they are not state the
# authorization rules protect.
_UNFINGERPRINTED = {"django_session"}


@dataclass
class Side:
    """What one organisation owns."""

    org: Organisation
    admin: Any
    member: Any
    open: Posting
    draft: Posting
    members_only: Posting
    coordinators_only: Posting
    call: Posting
    review: Posting
    call_response: CallResponse
    invitation: Invitation
    invitation_token: str
    member_membership: Membership
    proposal_suggested: MatchProposal
    proposal_requested: MatchProposal
    proposal_approved: MatchProposal
    project: Project  # forming, with a school party (so it has a safety checklist)
    active_project: Project  # active, for reports and completion
    party: Any  # this organisation's party in `project`
    active_party: Any  # this organisation's party in `active_project`
    milestone: Milestone
    message: ProjectMessage
    project_invitation: ProjectInvitation | None
    notification: Notification
    case_published: CaseStudy
    case_unpublished: CaseStudy


@dataclass
class World:
    users: dict[str, Any]
    own: Side
    other: Side
    partner_c: Organisation
    school: Organisation
    invitee: Organisation  # X: invited to projects by the matrix
    pending: Organisation  # V: waiting for verification, in Tokyo
    coord_in_job: ImportJob
    coord_out_job: ImportJob
    builders: dict[str, Any]  # users who are no principal: partners' admins, an invitee
    clients: dict[str, Client] = field(default_factory=dict)

    def user(self, principal: str) -> Any:
        return self.users.get(principal)


def _local_government(prefecture_code: int) -> LocalGovernment:
    return (
        LocalGovernment.objects.filter(prefecture_id=prefecture_code)
        .exclude(level=LocalGovernment.Level.PREFECTURE)
        .order_by("code")
        .first()
    )


def _proposal(posting: Posting, partner: Organisation, *, state: str, **extra: Any) -> Any:
    return MatchProposal.objects.create(
        posting=posting,
        kind=extra.pop("kind", "pair"),
        partner=partner,
        score=0.8,
        rank=1,
        breakdown={},
        engine_version="authz-test",
        state=state,
        **extra,
    )


def _side(
    *,
    org: Organisation,
    admin: Any,
    member: Any,
    partner: Organisation,
    partner_admin: Any,
    school: Organisation,
    school_admin: Any,
    coordinator: Any,
    label: str,
) -> Side:
    mk = factories.make_posting
    open_posting = mk(org, actor=admin, title=f"{label} 公開中の課題")
    draft = mk(org, actor=admin, title=f"{label} 下書き", publish=False)
    members_only = mk(org, actor=admin, title=f"{label} 会員限定", visibility="members")
    coordinators_only = mk(
        org, actor=admin, title=f"{label} コーディネーター限定", visibility="coordinators"
    )
    call = mk(
        org,
        actor=admin,
        title=f"{label} 逆指名の募集",
        is_open_call=True,
        call_budget=1_000_000,
        call_deadline=timezone.localdate() + timedelta(days=30),
        selection_criteria="地域への効果",
    )
    review = mk(org, actor=admin, title=f"{label} 審査待ち", wants_review=True)
    partner_strength = mk(
        partner, actor=partner_admin, direction="strength", title=f"{label} 相手の強み"
    )
    call_response = CallResponse.objects.create(
        call=call, organisation=partner, submitted_by=partner_admin, idea="案", who="誰", when="春"
    )

    token = f"{label}-invitation-token"
    invitation = Invitation.objects.create(
        organisation=org,
        email=f"invitee.{label.lower()}@example.jp",
        role="member",
        token_hash=organisation_services._token_hash(token),
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=14),
        sent_at=timezone.now(),
    )

    now = timezone.now()
    suggested = _proposal(open_posting, partner, state="suggested")
    requested = _proposal(
        open_posting,
        school,
        state="requested",
        requested_by=admin,
        requested_at=now,
        state_changed_at=now,
    )
    approved = _proposal(
        open_posting,
        partner,
        state="approved",
        kind="triad",
        second_partner=school,
        requested_by=partner_admin,
        requested_at=now,
        decided_by=coordinator,
        decided_at=now,
        state_changed_at=now,
    )
    ProposalResponse.objects.create(proposal=approved, organisation=org)
    ProposalResponse.objects.create(
        proposal=approved, organisation=partner, answer="accepted", answered_by=partner_admin
    )
    ProposalResponse.objects.create(proposal=approved, organisation=school)

    accepted = _proposal(
        members_only,
        partner,
        state="accepted",
        kind="triad",
        second_partner=school,
        partner_posting=partner_strength,
    )
    project = project_services.project_form_from_proposal(accepted, actor=admin)
    accepted2 = _proposal(members_only, partner, state="accepted", partner_posting=partner_strength)
    active = project_services.project_form_from_proposal(accepted2, actor=admin)
    Project.objects.filter(pk=active.pk).update(state="active", state_changed_at=now)
    active.refresh_from_db()

    milestone = Milestone.objects.create(
        project=project, title=f"{label} 打ち合わせ", due_on=timezone.localdate(), created_by=admin
    )
    party = project.parties.get(organisation=org)
    message = ProjectMessage(project=project, author=admin, party=party, body=f"{label} 連絡")
    message.attachment.save(f"authz-{label}.pdf", ContentFile(PDF_BYTES), save=False)
    message.attachment_name = "plan.pdf"
    message.attachment_type = "application/pdf"
    message.save()

    notification = Notification.objects.create(
        recipient=admin,
        email=admin.email,
        language="ja",
        kind="nudge",
        payload={"what": "project", "title": project.title},
        url=f"/projects/{project.pk}/",
        idempotency_key=f"authz:{label}:notification",
        channel="email",
        email_state="sent",
    )
    case_published = CaseStudy.objects.create(
        project=active,
        title=f"{label} 公開事例",
        summary="要約",
        prefecture=org.prefecture,
        is_published=True,
        published_at=now,
    )
    case_unpublished = CaseStudy.objects.create(
        project=project, title=f"{label} 非公開事例", summary="要約", prefecture=org.prefecture
    )
    return Side(
        org=org,
        admin=admin,
        member=member,
        open=open_posting,
        draft=draft,
        members_only=members_only,
        coordinators_only=coordinators_only,
        call=call,
        review=review,
        call_response=call_response,
        invitation=invitation,
        invitation_token=token,
        member_membership=Membership.objects.get(organisation=org, user=member),
        proposal_suggested=suggested,
        proposal_requested=requested,
        proposal_approved=approved,
        project=project,
        active_project=active,
        party=party,
        active_party=active.parties.get(organisation=org),
        milestone=milestone,
        message=message,
        project_invitation=None,
        notification=notification,
        case_published=case_published,
        case_unpublished=case_unpublished,
    )


def build_world() -> World:
    if not Prefecture.objects.exists():
        call_command("load_reference_data", verbosity=0)
    tokyo, osaka, nagano, okinawa = (Prefecture.objects.get(code=c) for c in (13, 27, 20, 47))
    user = factories.UserFactory

    chiyoda = LocalGovernment.objects.get(code="131016")
    own_org = factories.MunicipalityFactory(
        name="テスト区", prefecture=tokyo, local_government=chiyoda, location=chiyoda
    )
    other_org = factories.CompanyFactory(
        name="よその株式会社", prefecture=osaka, location=_local_government(27)
    )
    partner_c = factories.CompanyFactory(name="相手の株式会社", prefecture=nagano)
    partner_c.location = _local_government(20)
    partner_c.save()
    school = factories.SchoolFactory(name="テスト中学校")
    invitee = factories.CompanyFactory(name="招待先の株式会社", prefecture=nagano)
    invitee.location = _local_government(20)
    invitee.save()
    pending = factories.CompanyFactory(name="審査中の株式会社", verification_status="pending")

    users = {
        "own_admin": user(display_name="自区 管理者"),
        "own_member": user(display_name="自区 職員"),
        "other_admin": user(display_name="他社 管理者"),
        "other_member": user(display_name="他社 社員"),
        "coord_in": factories.CoordinatorFactory(
            prefectures=[tokyo], user__display_name="東京 コーディネーター"
        ).user,
        "coord_out": factories.CoordinatorFactory(
            prefectures=[okinawa], user__display_name="沖縄 コーディネーター"
        ).user,
        "staff": user(display_name="運営スタッフ", is_staff=True),
    }
    factories.give_totp(users["staff"])
    builders = {
        "c_admin": user(display_name="相手 管理者"),
        "s_admin": user(display_name="学校 管理者"),
        "x_admin": user(display_name="招待先 管理者"),
        "v_admin": user(display_name="審査中 管理者"),
        "coord_all": factories.CoordinatorFactory(user__display_name="全国 コーディネーター").user,
        # The person A's membership invitation was sent to (see _side).
        "invitee_a": user(display_name="招待された人", email="invitee.a@example.jp"),
        # Belongs to nothing: mass-assignment tests try to hand objects to this person.
        "victim": user(display_name="無関係の人"),
    }
    member = factories.MembershipFactory
    member(user=users["own_admin"], organisation=own_org, role="admin")
    member(user=users["own_member"], organisation=own_org, role="member")
    member(user=users["other_admin"], organisation=other_org, role="admin")
    member(user=users["other_member"], organisation=other_org, role="member")
    member(user=builders["c_admin"], organisation=partner_c, role="admin")
    member(user=builders["s_admin"], organisation=school, role="admin")
    member(user=builders["x_admin"], organisation=invitee, role="admin")
    member(user=builders["v_admin"], organisation=pending, role="admin")

    common = {
        "partner": partner_c,
        "partner_admin": builders["c_admin"],
        "school": school,
        "school_admin": builders["s_admin"],
        "coordinator": builders["coord_all"],
    }
    own = _side(
        org=own_org, admin=users["own_admin"], member=users["own_member"], label="A", **common
    )
    other = _side(
        org=other_org, admin=users["other_admin"], member=users["other_member"], label="B", **common
    )
    # Each side's forming project has invited the other side: only the invited
    # organisation's administrators may see and answer that invitation.
    own.project_invitation = ProjectInvitation.objects.create(
        project=own.project, organisation=other_org, invited_by=users["own_admin"]
    )
    other.project_invitation = ProjectInvitation.objects.create(
        project=other.project, organisation=own_org, invited_by=users["other_admin"]
    )

    def job(creator: Any) -> ImportJob:
        return ImportJob.objects.create(
            created_by=creator,
            kind=ImportJob.Kind.ORGANISATIONS,
            status=ImportJob.Status.READY,
            filename="organisations.csv",
            rows=[],
        )

    # Only the notifications made here exist, so "mark all read" changes something for
    # their recipients and nothing for anyone else.
    Notification.objects.exclude(pk__in=[own.notification.pk, other.notification.pk]).delete()
    return World(
        users=users,
        own=own,
        other=other,
        partner_c=partner_c,
        school=school,
        invitee=invitee,
        pending=pending,
        coord_in_job=job(users["coord_in"]),
        coord_out_job=job(users["coord_out"]),
        builders=builders,
    )


def _login_clients(world: World) -> None:
    for principal in PRINCIPALS:
        client = Client()
        user = world.user(principal)
        if user is not None:
            client.force_login(user)
        world.clients[principal] = client


def feed_token_for(world: World) -> str:
    return feed_token(world.own.admin)


def unsubscribe_token_for(world: World) -> str:
    return notification_services.unsubscribe_token(user=world.own.admin, kind="nudge")


# --- The module fixture ------------------------------------------------------------------

TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "MATCHING_COMPUTE_ON_CHANGE": False,
    "MATCHING_INDEX_MAX_AGE": 0,
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module; everything it wrote is rolled back at the end.

    Nothing commits inside, so on-commit work (emails, matching) never runs: these tests
    are about who may do what, not about the follow-up work.
    """
    from projects.storage import _PRIVATE
    from sankangaku.celery import app as celery_app

    media = tmp_path_factory.mktemp("authz-media")
    celery_app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(
            **TEST_SETTINGS,
            MEDIA_ROOT=str(media / "media"),
            PRIVATE_MEDIA_ROOT=str(media / "private"),
        ),
    ):
        # The private storage caches its folder on first use; point it at ours.
        _PRIVATE.__dict__.pop("base_location", None)
        _PRIVATE.__dict__.pop("location", None)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            _login_clients(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            _PRIVATE.__dict__.pop("base_location", None)
            _PRIVATE.__dict__.pop("location", None)


# --- State fingerprint -------------------------------------------------------------------

# PostgreSQL counts the rows each table had inserted, updated or deleted in the current
# transaction (savepoints included): comparing the counters before and after a request tells
# whether the request wrote anything, at the cost of one small query.
_WRITES_SQL = (
    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
    " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
)


def fingerprint() -> dict[str, int]:
    """Rows written so far in this transaction, per table (sessions left out)."""
    with connection.cursor() as cursor:
        cursor.execute(_WRITES_SQL)
        return {name: count for name, count in cursor.fetchall() if name not in _UNFINGERPRINTED}


def changed_tables(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Tables written between two fingerprints."""
    return sorted(name for name, count in after.items() if before.get(name, 0) != count)
