"""A small public world with private things mixed in, for the open API tests.

Every private thing carries a marker ("秘密…", "secret…") that must never appear in any API
response: drafts, members-only and coordinators-only postings, postings waiting for review,
closed postings, an unpublished case study, a refused organisation, verification notes, and
the people (names, emails) behind organisations and postings."""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache

from partners import services as partner_services
from partners.models import Posting, Prefecture, Theme
from projects.models import CaseStudy, PartyRole, Project, ProjectParty
from tests import factories

API = "/api/v1"


@dataclass
class World:
    personas: object
    public_issue: Posting
    public_strength: Posting
    school_issue: Posting
    unverified: object
    case: CaseStudy
    markers: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _api_settings(settings):
    # Generous by default; the throttling test lowers it.
    settings.API_THROTTLE_RATE = "10000/m"
    settings.SITE_URL = "https://sankangaku.example"
    cache.clear()


def _case_study(*, posting: Posting, title: str, published: bool, sdg: int) -> CaseStudy:
    project = Project.objects.create(title=title, posting=posting, state="completed")
    ProjectParty.objects.create(
        project=project, organisation=posting.organisation, role=PartyRole.COMPANY
    )
    case = CaseStudy.objects.create(
        project=project,
        title=title,
        summary=f"{title}の概要",
        prefecture=posting.organisation.prefecture,
        students_involved=30,
        events_held=2,
        is_published=published,
        published_at=project.created_at if published else None,
    )
    case.organisations.set([posting.organisation])
    case.sdgs.set([Theme.objects.get(kind="sdg", number=sdg)])
    return case


@pytest.fixture
def world(personas) -> World:
    company, municipality, school = personas.company, personas.municipality, personas.school
    company.verification_note = "秘密の確認メモ"
    company.website = "https://test-company.example.jp"
    company.save()
    company.themes.set([Theme.objects.get(slug="sdg-4")])
    sdg4 = Theme.objects.get(slug="sdg-4")
    tourism = Theme.objects.get(slug="tourism")

    public_issue = factories.make_posting(
        municipality,
        title="観光の担い手不足を解決したい",
        body="松本市の観光地で若い担い手が足りません。",
        themes=[tourism],
        funding_route="corporate_furusato",
        contact=personas.municipal_officer,
    )
    public_strength = factories.make_posting(
        company,
        direction="strength",
        title="プログラミング教室を提供できます",
        body="社員が中学生向けにプログラミングを教えます。",
        themes=[sdg4],
        contact=personas.company_admin,
        place_scope="nationwide",
        prefecture=None,
        online_ok=True,
    )
    school_issue = factories.make_posting(
        school,
        title="探究学習のテーマを一緒に考える企業募集",
        body="中学2年生の総合的な学習の時間で地域の課題を扱います。",
        grade_from=2,
        grade_to=2,
        themes=[sdg4],
    )
    # Private postings of the same organisations.
    factories.make_posting(company, title="秘密の下書き", publish=False)
    factories.make_posting(company, title="秘密の会員限定", visibility="members")
    factories.make_posting(company, title="秘密のコーディネーター限定", visibility="coordinators")
    closed = factories.make_posting(company, title="秘密の終了済み")
    partner_services.posting_close(posting=closed, actor=personas.company_admin)

    unverified = factories.CompanyFactory(
        name="未確認の株式会社",
        verification_status="unverified",
        verification_note="秘密の未確認メモ",
    )
    factories.MembershipFactory(
        user=factories.UserFactory(
            display_name="秘密の未確認担当", email="secret-unverified@example.jp"
        ),
        organisation=unverified,
        role="admin",
    )
    waiting = factories.make_posting(unverified, title="秘密の審査待ち")
    assert waiting.status == "in_review"
    factories.CompanyFactory(
        name="秘密の却下された組織",
        verification_status="rejected",
        verification_note="秘密の却下理由",
        website="https://secret-rejected.example.jp",
    )

    case = _case_study(
        posting=public_strength, title="中学生プログラミング事例", published=True, sdg=4
    )
    _case_study(posting=public_issue, title="秘密の非公開事例", published=False, sdg=11)

    people = [
        personas.company_admin,
        personas.company_member,
        personas.municipal_officer,
        personas.teacher,
        personas.coordinator,
        personas.outsider,
    ]
    markers = ["秘密", "secret", "@example.jp"]
    markers += [person.display_name for person in people] + [person.email for person in people]
    return World(
        personas=personas,
        public_issue=public_issue,
        public_strength=public_strength,
        school_issue=school_issue,
        unverified=unverified,
        case=case,
        markers=markers,
    )


@pytest.fixture
def tokyo() -> Prefecture:
    return Prefecture.objects.get(code=13)
