"""A world that grows: `World.grow(n)` adds n more of everything a list page or htmx region
shows, each row with its related objects (themes, organisations, parties, members, photos,
mentions…), so tests/test_query_counts.py can render every page at two sizes and prove the
query count does not depend on the number of rows.

Rows are written with the ORM where the services would only add noise (notifications,
audit events); postings go through the real services so their search columns are filled.
"""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from matching.models import MatchProposal, ProposalResponse
from partners.models import (
    AuditEvent,
    CallResponse,
    ImportJob,
    Invitation,
    Membership,
    Organisation,
    OrganisationStats,
    Posting,
    PostingStatus,
    Prefecture,
    Theme,
    VerificationStatus,
)
from projects.models import (
    Agreement,
    AgreementSignoff,
    CaseStudy,
    CompletionReport,
    HandoverMemo,
    Milestone,
    Project,
    ProjectInvitation,
    ProjectMessage,
    ProjectParty,
    ReportPhoto,
)
from sankangaku.notifications.models import Notification
from tests import factories

_serial = itertools.count(1)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


class World:
    """The personas (tests/conftest.py) plus fixed anchors the pages are about: an open call
    of the municipality, one project of all three personas' organisations (its detail page,
    thread and reports), and a draft of the company's (its detail page lists suggestions)."""

    def __init__(self, personas) -> None:
        self.p = personas
        self._nudged: set[int] = set()
        self.sdgs = list(Theme.objects.filter(kind="sdg").order_by("number"))
        self.domains = list(Theme.objects.filter(kind="domain").order_by("position", "slug"))
        self.tokyo = Prefecture.objects.get(code=13)
        self.company_posting = factories.make_posting(
            personas.company,
            title="見守りセンサーの実証フィールド募集",
            direction="strength",
            actor=personas.company_admin,
            themes=self._themes(0),
        )
        self.call = factories.make_posting(
            personas.municipality,
            title="観光DXの公募",
            actor=personas.municipal_officer,
            is_open_call=True,
            call_budget=1_000_000,
            call_deadline=timezone.localdate() + timedelta(days=30),
            selection_criteria="費用対効果",
        )
        self.project = self._project(
            "三者の見守りプロジェクト",
            [personas.municipality, personas.company, personas.school],
            posting=self.call,
        )
        # An organisation invited to join the project: its administrator answers.
        self.invited = self._organisation(0)
        self.invited_admin = self._admin_of(self.invited)
        self.project_invitation = ProjectInvitation.objects.create(
            project=self.project, organisation=self.invited, invited_by=personas.company_admin
        )
        # A published case study and an approved introduction whose detail pages grow:
        # more organisations and photos, more answers and history.
        self.case = self._case_study(0, self.invited)
        self.proposal = self._proposal(
            self.company_posting,
            self.invited,
            state=MatchProposal.State.APPROVED,
            requested_by=personas.company_admin,
            requested_at=timezone.now(),
            decided_by=personas.coordinator,
            decided_at=timezone.now(),
            rank=999,
        )
        self.job = ImportJob.objects.create(
            created_by=personas.coordinator,
            kind=ImportJob.Kind.POSTINGS,
            status=ImportJob.Status.RUNNING,
            filename="postings.csv",
            rows=[{"title": "x"}] * 10,
            total=10,
            processed=3,
        )

    # --- helpers -------------------------------------------------------------------------

    def _themes(self, i: int) -> list[Theme]:
        themes = [self.sdgs[i % len(self.sdgs)], self.sdgs[(i + 3) % len(self.sdgs)]]
        if self.domains:
            themes.append(self.domains[i % len(self.domains)])
        return themes

    def _organisation(self, i: int, **extra) -> Organisation:
        kind = ("company", "municipality", "school")[i % 3]
        factory = {
            "company": factories.CompanyFactory,
            "municipality": factories.OrganisationFactory,
            "school": factories.SchoolFactory,
        }[kind]
        fields = {"name": f"世界の組織{i}", "description": f"組織{i}の説明です。", **extra}
        if kind == "municipality":
            fields.setdefault("kind", "municipality")
        organisation = factory(**fields)
        organisation.themes.set(self._themes(i))
        admin = factories.UserFactory(display_name=f"管理者{i}")
        Membership.objects.create(user=admin, organisation=organisation, role="admin")
        OrganisationStats.objects.create(
            organisation=organisation,
            introductions=3,
            answered=2,
            median_response_hours=30,
            computed_at=timezone.now(),
        )
        return organisation

    def _admin_of(self, organisation: Organisation):
        return organisation.memberships.select_related("user").first().user

    def _project(self, title: str, organisations, *, posting: Posting) -> Project:
        project = Project.objects.create(
            title=title, summary=f"{title}の概要", posting=posting, involves_minors=True
        )
        Agreement.objects.create(
            project=project,
            purpose="目的",
            roles="役割",
            period="期間",
            costs="費用",
            intellectual_property="知財",
            personal_data="個人情報",
            safety="安全",
        )
        for organisation in organisations:
            ProjectParty.objects.create(
                project=project,
                organisation=organisation,
                role=organisation.kind,
                contact=self._admin_of(organisation),
            )
        return project

    def _breakdown(self, i: int) -> dict:
        """As the engine stores it: the explanation names each shared domain theme."""
        return {
            "signals": {"theme": 0.4, "complement": 0.3, "geography": 0.8},
            "shared_themes": [t.slug for t in self._themes(i)],
            "shared_words": ["観光"],
        }

    def _proposal(self, posting: Posting, partner: Organisation, **fields) -> MatchProposal:
        rank = fields.pop("rank", 1)
        return MatchProposal.objects.create(
            posting=posting,
            partner=partner,
            score=0.5,
            engine_version="test",
            **{"rank": rank, "breakdown": self._breakdown(rank), **fields},
        )

    # --- rows a POST region acts on (each request uses up one) ----------------------------

    def unread_notification(self) -> Notification:
        return Notification.objects.filter(
            recipient=self.p.company_admin, read_at__isnull=True
        ).latest("pk")

    def open_milestone(self) -> Milestone:
        return self.project.milestones.filter(done_at__isnull=True).latest("pk")

    def requested_proposal(self) -> MatchProposal:
        return MatchProposal.objects.filter(state=MatchProposal.State.REQUESTED).latest("pk")

    def pending_response(self) -> ProposalResponse:
        """The company's answer still pending on an approved proposal, a new one each call
        (a nudge goes out once a day per item)."""
        response = (
            ProposalResponse.objects.filter(
                organisation=self.p.company, answer=ProposalResponse.Answer.PENDING
            )
            .exclude(pk__in=self._nudged)
            .latest("pk")
        )
        self._nudged.add(response.pk)
        return response

    def project_people(self):
        from projects.selectors import project_people

        return project_people(project=self.project)

    # --- growing -------------------------------------------------------------------------

    def grow(self, n: int) -> None:
        """Add n more of everything."""
        for _ in range(n):
            self._grow_one(next(_serial))

    def _grow_one(self, i: int) -> None:
        p = self.p
        now = timezone.now()
        # Directory, home page: a verified organisation with themes, an admin and stats.
        organisation = self._organisation(i)
        partner_admin = self._admin_of(organisation)
        # Search: an open posting of it, with themes and a contact.
        posting = factories.make_posting(
            organisation,
            title=f"地域の課題{i}",
            actor=partner_admin,
            direction=("issue", "strength")[i % 2],
            themes=self._themes(i),
        )
        # The company's own postings (its profile, "my postings"), one open, one draft.
        factories.make_posting(
            p.company,
            title=f"当社の強み{i}",
            direction="strength",
            actor=p.company_admin,
            themes=self._themes(i + 1),
        )
        factories.make_posting(
            p.company,
            title=f"下書き{i}",
            actor=p.company_member,
            themes=self._themes(i + 2),
            publish=False,
        )
        # Coordinators' queues: an organisation waiting for verification, a posting
        # waiting for review.
        waiting = self._organisation(i + 1000, verification_status=VerificationStatus.PENDING)
        Organisation.objects.filter(pk=waiting.pk).update(verification_requested_at=now)
        review = factories.make_posting(
            waiting, title=f"確認待ち{i}", actor=self._admin_of(waiting), publish=False
        )
        Posting.objects.filter(pk=review.pk).update(status=PostingStatus.IN_REVIEW)
        # The company's people: a member and a pending invitation.
        member = factories.UserFactory(display_name=f"社員{i}")
        Membership.objects.create(user=member, organisation=p.company, role="member")
        Membership.objects.create(
            user=factories.UserFactory(display_name=f"副管理者{i}"),
            organisation=p.company,
            role="admin",
        )
        Invitation.objects.create(
            organisation=p.company,
            email=f"invitee{i}@example.jp",
            token_hash=f"{i:064d}",
            invited_by=p.company_admin,
            expires_at=now + timedelta(days=7),
        )
        # The company admin's dashboard: an invitation to another organisation.
        Invitation.objects.create(
            organisation=organisation,
            email=p.company_admin.email,
            token_hash=f"{i + 500_000:064d}",
            invited_by=partner_admin,
            expires_at=now + timedelta(days=7),
        )
        # The open call: one more response.
        CallResponse.objects.create(
            call=self.call,
            organisation=organisation,
            submitted_by=partner_admin,
            idea=f"提案{i}",
            who="担当者",
            when="来年度",
            cost=100_000,
        )
        # Matching: a suggestion (pair and triad) on the company's draft and the call, a
        # requested introduction (review queue), an approved one (the parties answer).
        school = self._organisation(i + 2000)
        self._proposal(self.company_posting, organisation, partner_posting=posting, rank=i)
        self._proposal(
            self.call,
            p.company,
            kind="triad",
            second_partner=school,
            partner_posting=self.company_posting,
            rank=1,
            breakdown={"first": self._breakdown(i), "second": self._breakdown(i + 1)},
        )
        self._proposal(
            posting,
            p.company,
            state=MatchProposal.State.REQUESTED,
            requested_by=partner_admin,
            # Past its review due date whatever today is (working days, the New Year
            # closing): the dashboard's work list has items, and so its nudge query, in the
            # small world as in the big one.
            requested_at=now - timedelta(days=30 + i % 9),
            request_message="ご紹介ください",
            partner_posting=self.company_posting,
        )
        approved = self._proposal(
            self.company_posting,
            school,
            state=MatchProposal.State.APPROVED,
            requested_by=p.company_admin,
            requested_at=now - timedelta(days=3),
            decided_by=p.coordinator,
            decided_at=now - timedelta(days=1),
            state_changed_at=now - timedelta(days=1),
            rank=100 + i,
        )
        ProposalResponse.objects.create(proposal=approved, organisation=p.company)
        ProposalResponse.objects.create(
            proposal=approved,
            organisation=school,
            answer=ProposalResponse.Answer.ACCEPTED,
            answered_by=self._admin_of(school),
            answered_at=now,
        )
        AuditEvent.objects.create(
            actor=p.coordinator,
            organisation=p.company,
            action="proposal.approved",
            data={"proposal": approved.pk},
        )
        # Projects: one more of the company's, with parties and milestones.
        project = self._project(f"プロジェクト{i}", [p.company, organisation], posting=posting)
        Milestone.objects.create(
            project=project,
            title="キックオフ",
            due_on=timezone.localdate(),
            created_by=p.company_admin,
        )
        # The anchor project: one more party (with a hand-over memo, a sign-off, a report
        # with photos), milestone, invitation, message with mentions and an attachment.
        self._grow_anchor_project(i, organisation, partner_admin, member)
        # Case studies: published, with organisations, SDGs and photos.
        self._case_study(i, organisation)
        self.case.organisations.add(organisation)
        self.case.photos.add(*self._photos(i, self.case.project.parties.first().report))
        # The anchor introduction: one more party answering, one more history event.
        ProposalResponse.objects.create(
            proposal=self.proposal,
            organisation=organisation,
            answer=ProposalResponse.Answer.ACCEPTED,
            answered_by=partner_admin,
            answered_at=now,
        )
        AuditEvent.objects.create(
            actor=partner_admin,
            organisation=organisation,
            action="proposal.responded",
            data={"proposal": self.proposal.pk},
        )
        # The company admin's inbox.
        for read_at in (None, now):
            Notification.objects.create(
                recipient=p.company_admin,
                email=p.company_admin.email,
                language="ja",
                kind="message",
                payload={"title": f"プロジェクト{i}", "author": "誰か", "mention": bool(i % 2)},
                url=project.get_absolute_url(),
                idempotency_key=f"world:{i}:{bool(read_at)}",
                channel="instant",
                email_state="sent",
                read_at=read_at,
            )
        # The coordinator's imports.
        ImportJob.objects.create(
            created_by=p.coordinator,
            kind=ImportJob.Kind.ORGANISATIONS,
            status=ImportJob.Status.SUCCEEDED,
            filename=f"organisations{i}.csv",
            total=3,
            processed=3,
            created_count=3,
        )

    def _grow_anchor_project(self, i, organisation, partner_admin, member) -> None:
        p = self.p
        project = self.project
        # Every other party has no contact: its administrators are told instead.
        party = ProjectParty.objects.create(
            project=project,
            organisation=organisation,
            role=organisation.kind,
            contact=member if i % 2 else None,
        )
        HandoverMemo.objects.create(
            party=party,
            previous_contact=partner_admin,
            new_contact=member,
            memo=f"引き継ぎ{i}",
            written_by=partner_admin,
        )
        AgreementSignoff.objects.create(
            agreement=project.agreement,
            party=party,
            version=project.agreement.version,
            signed_by=partner_admin,
        )
        report = CompletionReport.objects.create(party=party, done=f"実施{i}", updated_by=member)
        report.sdgs.set(self._themes(i)[:2])
        for _ in range(2):
            photo = ReportPhoto(report=report, width=8, height=6)
            photo.image.save(f"r{i}.png", ContentFile(_png()), save=False)
            photo.thumbnail.save(f"t{i}.png", ContentFile(_png()), save=False)
            photo.save()
        for done_at in (None, timezone.now()):
            Milestone.objects.create(
                project=project,
                title=f"マイルストーン{i}",
                due_on=timezone.localdate() + timedelta(days=i),
                created_by=p.company_admin,
                done_at=done_at,
            )
        invited = self._organisation(i + 3000)
        ProjectInvitation.objects.create(
            project=project, organisation=invited, invited_by=p.company_admin, message="ぜひ"
        )
        AuditEvent.objects.create(
            actor=p.company_admin,
            organisation=p.company,
            action="project.milestone_added",
            data={"project": project.pk},
        )
        company_party = project.parties.get(organisation=p.company)
        message = ProjectMessage.objects.create(
            project=project,
            author=p.company_admin,
            party=company_party,
            body=f"連絡{i}",
            is_progress_note=bool(i % 2),
        )
        message.attachment.save(f"m{i}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        message.attachment_name = f"資料{i}.pdf"
        message.attachment_type = "application/pdf"
        message.save()
        message.mentions.set([p.teacher, member])

    def _case_study(self, i: int, organisation: Organisation) -> CaseStudy:
        project = self._project(
            f"完了した事例{i}", [organisation, self.p.school], posting=self.company_posting
        )
        Project.objects.filter(pk=project.pk).update(state="completed")
        case = CaseStudy.objects.create(
            project=project,
            title=f"事例{i}",
            summary=f"事例{i}の概要",
            prefecture=self.tokyo,
            is_published=True,
            published_at=timezone.now(),
        )
        case.organisations.set([organisation, self.p.school, self.p.company])
        case.sdgs.set(self._themes(i)[:2])
        party = project.parties.first()
        report = CompletionReport.objects.create(party=party, done="実施", consent_public=True)
        case.photos.set(self._photos(i, report))
        return case

    def _photos(self, i: int, report: CompletionReport) -> list[ReportPhoto]:
        photos = []
        for _ in range(2):
            photo = ReportPhoto(report=report, width=8, height=6)
            photo.image.save(f"c{i}.png", ContentFile(_png()), save=False)
            photo.thumbnail.save(f"ct{i}.png", ContentFile(_png()), save=False)
            photo.save()
            photos.append(photo)
        return photos
