"""Accessibility journeys (issue #8): the four roles, end to end, in Japanese and English, on
a desktop and a phone-sized screen, with axe-core on every page they visit.

- municipal officer: signs in, writes and publishes a regional issue, sees the suggested
  partners the matching engine computed, asks for an introduction;
- teacher: signs in, finds a company through the posting search with a filter, reads its
  posting, opens the notifications and marks one read;
- company CSR manager: signs in, edits the organisation's profile, accepts an approved
  proposal, opens the project it formed and writes what the company commits to;
- coordinator: signs in with a password and TOTP, approves a request in the review queue,
  opens the coordination dashboard.

Every page is checked for its language (`<html lang>` and the main navigation's wording in
that language) and by `assert_accessible`: 0 serious or critical WCAG 2 A/AA violations.
The language is chosen as a person would: the browser asks for Japanese, the English
journeys press the header's language switcher on the sign-in page, and the account's stored
language (set to the journey's) keeps it after signing in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from matching import workflow
from matching.models import MatchProposal
from matching.services import proposal_request_introduction
from partners.models import LocalGovernment, Posting, PostingStatus, Prefecture
from projects.models import Project
from sankangaku.celery import app as celery_app
from tests import factories
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import HtmxQuiet, Traffic
from tests.e2e.test_triad_project_journey import _totp

LANGUAGES = ["ja", "en"]
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# The test thread only reads what the live server committed (READ COMMITTED sees it), so the
# ordinary `db` transaction is enough; the data is built once per module by `shared`.
pytestmark = pytest.mark.django_db

each_language = pytest.mark.parametrize("lang", LANGUAGES)
each_screen = pytest.mark.parametrize("screen", list(SCREENS))

ISSUE_TITLE = "観光客の周遊を増やしたい"
DRILL_TITLE = "防災訓練に若い世代を呼びたい"
STRENGTH_TITLE = "観光客の動態データ分析"
SCHOOL_TITLE = "中学生による観光マップづくり"
NEW_ISSUE_TITLE = "観光客が名所に集中する混雑を分散したい"
NEW_ISSUE_BODY = (
    "観光客が城の周辺の一部の名所に集中し、混雑しています。"
    "位置情報などのデータを使って観光客の周遊を促し、街なかへ分散させたい。"
)


def in_language(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)


@dataclass
class World:
    tag: str
    city: Any
    company: Any
    school: Any
    officer: Any
    csr: Any
    teacher: Any
    coordinator: Any
    issue: Posting
    drill: Posting
    strength: Posting
    to_review: MatchProposal  # requested: the coordinator decides it
    to_answer: MatchProposal  # approved: the company answers it
    for_school: MatchProposal  # approved: its notification waits in the teacher's inbox


def build_world(lang: str = "ja", tag: str = "", place: LocalGovernment | None = None) -> World:
    """A municipality, a company and a school in Nagano (each with an administrator whose
    language is `lang`), a coordinator with TOTP, their postings, and three proposals at the
    stages the journeys pick them up. Built through the real services where they exist.
    `tag` ends every name and title, so that several worlds can share one database."""
    place = place or LocalGovernment.objects.get(code="202029")  # Matsumoto
    city = factories.MunicipalityFactory(
        name=f"長野県{place.name}{tag}", local_government=place, location=place
    )
    company = factories.CompanyFactory(
        name=f"信州データ株式会社{tag}",
        prefecture=city.prefecture,
        location=city.local_government,
        description="観光と交通のデータ分析を得意とする地元のIT企業です。",
    )
    school = factories.SchoolFactory(name=f"松本市立あがた中学校{tag}")
    people = {}
    for key, organisation, name in (
        ("officer", city, "市役所 花子"),
        ("csr", company, "企業 一郎"),
        ("teacher", school, "信州 太郎"),
    ):
        people[key] = factories.UserFactory(display_name=name, preferred_language=lang)
        factories.MembershipFactory(user=people[key], organisation=organisation, role="admin")
    coordinator = factories.CoordinatorFactory(
        user=factories.UserFactory(display_name="調整 さくら", preferred_language=lang)
    ).user

    issue = factories.make_posting(
        city,
        title=ISSUE_TITLE + tag,
        body="観光客が一部の名所に集中しています。データを使って周遊を促したい。",
    )
    drill = factories.make_posting(
        city,
        title=DRILL_TITLE + tag,
        body="地域の防災訓練に参加するのが高齢者ばかりです。若い世代や企業に加わってほしい。",
    )
    strength = factories.make_posting(
        company,
        direction="strength",
        title=STRENGTH_TITLE + tag,
        body="位置情報から観光客の周遊と混雑を分析し、分散の施策を提案します。",
    )
    offer = factories.make_posting(
        school, direction="strength", title=SCHOOL_TITLE + tag, body="生徒が観光マップを作ります。"
    )

    def proposal(posting: Posting, partner: Any, partner_posting: Posting) -> MatchProposal:
        created = MatchProposal.objects.create(
            posting=posting,
            kind="pair",
            partner=partner,
            partner_posting=partner_posting,
            score=0.8,
            rank=1,
            breakdown={},
            engine_version="test",
        )
        assert proposal_request_introduction(
            proposal=created, user=people["officer"], message="ぜひ紹介をお願いします。"
        )
        created.refresh_from_db()
        return created

    to_review = proposal(issue, company, strength)
    to_answer = proposal(drill, company, strength)
    for_school = proposal(issue, school, offer)
    for approved in (to_answer, for_school):
        assert workflow.proposal_decide(proposal=approved, coordinator=coordinator, approve=True)
    return World(
        tag=tag,
        city=city,
        company=company,
        school=school,
        officer=people["officer"],
        csr=people["csr"],
        teacher=people["teacher"],
        coordinator=coordinator,
        issue=issue,
        drill=drill,
        strength=strength,
        to_review=to_review,
        to_answer=to_answer,
        for_school=for_school,
    )


@dataclass
class Shared:
    url: str
    worlds: dict[tuple[str, str], World]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """One world per journey (language x screen), built once for the module and served by
    one live server; the database is flushed when the module is done.

    pytest-django's `live_server` would flush the database after every journey and the next
    would rebuild everything, reference data included: about 6 s a journey on a 2-core
    machine, a minute and a half over the sixteen. The worlds share nothing a journey
    changes, so their order does not matter."""
    from pytest_django.live_server_helper import LiveServer

    # The settings tests/conftest.py gives every test, for the build that precedes them.
    quick = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MATCHING_COMPUTE_ON_CHANGE=False,
    )
    celery_app.conf.task_always_eager = True
    try:
        with django_db_blocker.unblock(), quick:
            if not Prefecture.objects.exists():
                call_command("load_reference_data", verbosity=0)
            # A municipality registers once: each world gets its own city in Nagano.
            journeys = [(lang, screen) for lang in LANGUAGES for screen in SCREENS]
            cities = LocalGovernment.objects.filter(prefecture_id=20, level="city")
            worlds = {
                (lang, screen): build_world(lang, tag=f"（{screen}・{lang}）", place=city)
                for (lang, screen), city in zip(
                    journeys, cities.order_by("code")[: len(journeys)], strict=True
                )
            }
        server = LiveServer("localhost")
        try:
            yield Shared(url=server.url, worlds=worlds)
        finally:
            server.stop()
    finally:
        with django_db_blocker.unblock():
            # Leave what pytest-django's transactional tests expect to start from: nothing.
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(shared, lang, screen) -> World:
    return shared.worlds[lang, screen]


@pytest.fixture
def tab(browser, screen):
    """A page in a fresh context with the journey's screen, a browser asking for Japanese,
    and the same CSP / script-error watch as tests/e2e/conftest.py's `page`."""
    context = browser.new_context(locale="ja-JP", **SCREENS[screen])
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert problems == [], "CSP violations or script errors in the browser"


@pytest.fixture
def tab_traffic(tab, shared) -> Traffic:
    recorder = Traffic(shared.url)
    tab.on("request", recorder.on_request)
    tab.on("response", recorder.on_response)
    tab.on("requestfailed", recorder.on_request_failed)
    return recorder


class Journey:
    """One person's walk through the site: every page is checked for its language and by
    axe before the journey goes on."""

    def __init__(self, page: Any, url: str, lang: str, who: str) -> None:
        self.page = page
        self.url = url
        self.lang = lang
        self.who = who
        self._htmx = HtmxQuiet(page)

    def settle(self) -> None:
        """Let every htmx request the page has started (or is about to) finish, so that
        leaving the page aborts nothing."""
        self._htmx.settle()

    def goto(self, path: str, step: str) -> None:
        self.page.goto(f"{self.url}{path}")
        self.check(step)

    def check(self, step: str) -> None:
        from playwright.sync_api import expect

        self.page.wait_for_load_state()
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        expect(self.page.locator("nav.site-nav")).to_contain_text(
            in_language(self.lang, "Issues and strengths")
        )
        assert_accessible(self.page, f"{self.who}, {self.lang}: {step}")

    def sign_in(self, user: Any, *, totp: bool = False) -> None:
        page = self.page
        page.goto(f"{self.url}{reverse('account_login')}")
        if self.lang != "ja":
            # The header's switcher (a plain form: it works before any script has run).
            with page.expect_navigation():
                page.locator(f".lang-switch button[value={self.lang}]").click()
        self.check("sign-in page")
        login = page.locator("main form[method=post]:has([name=password])")
        login.locator("[name=login]").fill(user.email)
        login.locator("[name=password]").fill(factories.PASSWORD)
        with page.expect_navigation():
            login.locator("button[type=submit]").click()
        if totp:
            self.check("authenticator code page")
            page.locator("[name=code]").fill(_totp())
            with page.expect_navigation():
                page.locator("main form[method=post] button[type=submit]").first.click()
        page.wait_for_url(lambda u: "/accounts/login" not in u and "/2fa/" not in u)
        self.check("first page after signing in")


def _assert_clean(traffic: Traffic) -> None:
    assert traffic.foreign() == []
    assert traffic.failed == []
    assert traffic.errors == []


@each_screen
@each_language
def test_municipal_officer_posts_an_issue_and_asks_for_an_introduction(
    tab, tab_traffic, shared, settings, world, lang, screen
):
    from playwright.sync_api import expect

    # Publishing computes the suggestions at once (tasks run eagerly in the tests).
    settings.MATCHING_COMPUTE_ON_CHANGE = True
    page = tab
    journey = Journey(page, shared.url, lang, "municipal officer")
    journey.sign_in(world.officer)

    # Write a regional issue.
    journey.goto(reverse("partners:posting_create"), "write a posting: issue or strength")
    with page.expect_navigation():
        page.locator("main a[href='?direction=issue']").click()
    form = page.locator("main form[method=post]:has([name=title])")
    title = NEW_ISSUE_TITLE + world.tag
    # Typing asks the server (debounced, htmx) for look-alike open postings: the city's own
    # tourism issue. Wait for each answer, as a person pausing would.
    for name, text in (("title", title), ("body", NEW_ISSUE_BODY)):
        with page.expect_response(lambda r: "/postings/similar/" in r.url):
            form.locator(f"[name={name}]").fill(text)
    expect(page.locator("#similar-postings")).to_contain_text(world.issue.title)
    form.locator("[name=place_scope]").select_option("municipality")
    journey.check("new issue form, warned about a similar posting")
    with page.expect_navigation():
        form.locator("button[type=submit]:not([name])").click()
    posting = Posting.objects.get(title=title)
    assert page.url == f"{shared.url}{posting.get_absolute_url()}"
    journey.check("the saved draft")

    publish = page.locator(
        f"main form[action='{reverse('partners:posting_publish', args=[posting.pk])}']"
    )
    with page.expect_navigation():
        publish.locator("button[type=submit]").click()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.OPEN

    # The matching engine's suggestions, with their reasons: ask for an introduction.
    suggestions = page.locator("section.suggestions")
    expect(suggestions.locator("h2")).to_have_text(in_language(lang, "Suggested partners"))
    first = suggestions.locator("article.suggestion").first
    expect(first).to_be_visible()
    journey.check("the published issue with its suggested partners")
    proposal = MatchProposal.objects.filter(
        posting=posting, kind="pair", state="suggested"
    ).order_by("rank")[0]
    request = page.locator(f"form[action='{reverse('matching:request', args=[proposal.pk])}']")
    request.locator("textarea[name=message]").fill("一度お話を伺いたいです。")
    with page.expect_navigation():
        request.get_by_role("button").click()
    proposal.refresh_from_db()
    assert proposal.state == "requested"
    journey.check("after asking for the introduction")

    follow = page.locator(f"main a[href='{reverse('matching:proposal', args=[proposal.pk])}']")
    with page.expect_navigation():
        follow.first.click()
    journey.check("the requested proposal")
    _assert_clean(tab_traffic)


@each_screen
@each_language
def test_teacher_finds_a_partner_and_reads_notifications(
    tab, tab_traffic, shared, world, lang, screen
):
    from playwright.sync_api import expect

    page = tab
    journey = Journey(page, shared.url, lang, "teacher")
    journey.sign_in(world.teacher)

    # Find a company offering what the class needs: words plus a filter, swapped by htmx.
    journey.goto(reverse("partners:posting_list"), "posting search")
    search = page.get_by_role("search")
    results = page.locator("#posting-results")
    search.locator("[name=q]").fill("観光 データ")
    search.locator("[name=kind]").select_option("company")
    search.locator("button[type=submit]").click()
    # Typing, the filter and the button each ask htmx for the results (queued, the last
    # wins); the address bar keeps the search.
    expect(page).to_have_url(re.compile(r"[?&]kind=company(&|$)"))
    journey.settle()
    strength = results.get_by_role("link", name=world.strength.title, exact=True)
    expect(strength).to_be_visible()
    expect(results.get_by_text(SCHOOL_TITLE)).to_have_count(0)  # schools are filtered out
    journey.check("search results filtered to companies")

    with page.expect_navigation():
        strength.click()
    expect(page.locator("h1")).to_have_text(world.strength.title)
    journey.check("the company's posting")

    # The inbox: the approved introduction is waiting, unread; mark it read (htmx).
    with page.expect_navigation():
        page.locator("#notification-badge").click()
    journey.check("notifications")
    notification = world.teacher.notifications.get(read_at__isnull=True)
    item = page.locator(f"#notification-{notification.pk}")
    expect(item).to_have_class(re.compile(r"notification--unread"))
    with page.expect_response(lambda r: r.request.method == "POST" and "/read/" in r.url):
        item.get_by_role("button").click()
    expect(item).not_to_have_class(re.compile(r"notification--unread"))
    journey.settle()  # the header's badge refreshes itself after the change
    notification.refresh_from_db()
    assert notification.read_at is not None
    journey.check("notifications, all read")
    _assert_clean(tab_traffic)


@each_screen
@each_language
def test_company_csr_manager_edits_the_profile_and_accepts_a_proposal(
    tab, tab_traffic, shared, world, lang, screen
):
    from playwright.sync_api import expect

    page = tab
    journey = Journey(page, shared.url, lang, "company CSR manager")
    journey.sign_in(world.csr)

    # The organisation's profile: say what the company offers for CSR.
    journey.goto(reverse("partners:edit", args=[world.company.pk]), "edit the organisation")
    description = (
        "観光と交通のデータ分析を得意とする地元のIT企業です。"
        "CSRとして学校の探究学習にも協力します。"
    )
    page.locator("main form [name=description]").fill(description)
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    world.company.refresh_from_db()
    assert world.company.description == description
    journey.check("the organisation after saving")

    # Answer the approved introduction: accept, which forms the project.
    journey.goto(reverse("matching:proposal_mine"), "my proposals")
    proposal = world.to_answer
    with page.expect_navigation():
        page.locator(
            f"main a[href='{reverse('matching:proposal', args=[proposal.pk])}']"
        ).first.click()
    journey.check("the approved proposal")
    answer = page.locator(
        f"form[action='{reverse('matching:proposal_respond', args=[proposal.pk])}']"
    )
    answer.locator("input[name=answer][value=accept]").check()
    with page.expect_navigation():
        answer.locator("button[type=submit]").click()
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    project = Project.objects.get(proposal=proposal)
    journey.check("the accepted proposal")

    with page.expect_navigation():
        page.locator(f"main a[href='{project.get_absolute_url()}']").first.click()
    expect(page.locator("h1")).to_contain_text(world.drill.title)
    journey.check("the new project")

    # Write down what the company brings; the partners read it on the project page.
    commitments = "防災訓練の運営に社員3名を出します。"
    with page.expect_navigation():
        page.locator("#commitments a").click()
    journey.check("our commitments")
    page.locator("main form [name=commitments]").fill(commitments)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#commitments")).to_contain_text(commitments)
    journey.check("the project with our commitments")
    _assert_clean(tab_traffic)


@each_screen
@each_language
def test_coordinator_approves_a_request_and_opens_the_dashboard(
    tab, tab_traffic, shared, world, lang, screen
):
    from playwright.sync_api import expect

    page = tab
    journey = Journey(page, shared.url, lang, "coordinator")
    journey.sign_in(world.coordinator, totp=True)

    journey.goto(reverse("matching:review"), "review queue")
    proposal = world.to_review
    row = page.locator(f"#review-{proposal.pk}")
    expect(row).to_contain_text(world.issue.title)
    row.locator("form button[type=submit]").click()
    # htmx swaps the row for its decided state (a locator: the CSP forbids eval'd predicates).
    page.locator(f"#review-{proposal.pk} form").wait_for(state="detached")
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    journey.check("review queue after approving")

    journey.goto(reverse("dashboard:index"), "coordination dashboard")
    expect(page.locator("h1")).to_be_visible()
    _assert_clean(tab_traffic)


def test_assert_accessible_names_every_serious_violation(browser):
    """The helper is not vacuous: on a page built to fail it reports each rule, with the
    journey step and the page's address."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            "<html><body><main><h1>Bad page</h1>"
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "<button></button>"
            '<p style="color:#bbb;background:#fff">faint text</p>'
            "</main></body></html>"
        )
        with pytest.raises(pytest.fail.Exception) as failed:
            assert_accessible(page, "a page built to fail")
        report = str(failed.value)
        for rule in (
            "html-has-lang",
            "document-title",
            "image-alt",
            "button-name",
            "color-contrast",
        ):
            assert f"- {rule} [" in report
        assert "about:blank (a page built to fail)" in report

        page.set_content(
            '<html lang="en"><head><title>Fine</title></head>'
            "<body><main><h1>Fine page</h1></main></body></html>"
        )
        assert_accessible(page, "a page built to pass")
    finally:
        context.close()
