"""Journey (1) of the proposals issue: a municipal officer asks for an introduction from a
suggested three-way idea, a coordinator (signed in with TOTP) approves it in the review queue,
the company and the school accept, the project is formed, the company writes what it commits
to, everyone signs the agreement, the teacher completes the safety checklist, and the project
is active."""

import re
import time

import pytest
from django.urls import reverse

from matching.models import MatchProposal
from projects.models import Project
from tests import factories
from tests.e2e.conftest import Traffic

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # tests.factories.give_totp
COMMITMENTS = "社員2名が授業に参加し、測定機器10台を貸し出します。"


def _totp() -> str:
    """The authenticator app's current code. allauth accepts the current 30-s window only
    (MFA_TOTP_TOLERANCE 0), so a code read in a window's last seconds can expire before the
    server checks it (CI caught one): then wait for the next window, as a person would."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def _sign_in(page, url: str, user, *, totp: bool = False) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}{reverse('account_login')}")
    login = page.locator("main form[method=post]:has([name=password])")
    login.locator("[name=login]").fill(user.email)
    login.locator("[name=password]").fill(factories.PASSWORD)
    login.locator("button[type=submit]").click()
    if totp:
        page.wait_for_selector("[name=code]")
        page.locator("[name=code]").fill(_totp())
        page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(lambda u: "/accounts/login" not in u and "/2fa/" not in u)


@pytest.fixture
def world(transactional_db, reference_data):
    city = factories.MunicipalityFactory(name="長野県松本市")
    officer = factories.UserFactory(display_name="市役所 花子")
    factories.MembershipFactory(user=officer, organisation=city, role="admin")
    company = factories.CompanyFactory(name="信州データ株式会社")
    company_admin = factories.UserFactory(display_name="企業 一郎")
    factories.MembershipFactory(user=company_admin, organisation=company, role="admin")
    school = factories.SchoolFactory(name="松本市立あがた中学校")
    teacher = factories.UserFactory(display_name="信州 太郎")
    factories.MembershipFactory(user=teacher, organisation=school, role="admin")
    coordinator = factories.CoordinatorFactory().user
    issue = factories.make_posting(city, title="観光客の周遊を増やしたい", actor=officer)
    strength = factories.make_posting(
        company, direction="strength", title="観光データ分析", actor=company_admin
    )
    offer = factories.make_posting(
        school, direction="strength", title="中学生の観光マップづくり", actor=teacher
    )
    triad = MatchProposal.objects.create(
        posting=issue,
        kind="triad",
        partner=company,
        partner_posting=strength,
        second_partner=school,
        second_partner_posting=offer,
        score=0.72,
        rank=1,
        breakdown={"first": {}, "second": {}},
        engine_version="test",
    )
    return {
        "officer": officer,
        "company_admin": company_admin,
        "teacher": teacher,
        "coordinator": coordinator,
        "issue": issue,
        "triad": triad,
    }


def test_three_way_introduction_becomes_an_active_project(
    page, live_server, traffic: Traffic, world
):
    url = live_server.url
    triad = world["triad"]

    # 1. The officer asks for the three-way introduction from the posting page.
    _sign_in(page, url, world["officer"])
    page.goto(f"{url}{world['issue'].get_absolute_url()}")
    form = page.locator(f"form[action='{reverse('matching:request', args=[triad.pk])}']")
    form.locator("textarea[name=message]").fill("三者で一度お話ししたいです。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    triad.refresh_from_db()
    assert triad.state == "requested"

    # 2. The coordinator approves it in the review queue (htmx swaps the row).
    _sign_in(page, url, world["coordinator"], totp=True)
    page.goto(f"{url}{reverse('matching:review')}")
    row = page.locator(f"#review-{triad.pk}")
    assert "観光客の周遊を増やしたい" in row.inner_text()
    row.locator("form button[type=submit]").click()
    # A locator, not wait_for_function: a string predicate is eval'd, which the CSP forbids.
    page.locator(f"#review-{triad.pk} form").wait_for(state="detached")
    triad.refresh_from_db()
    assert triad.state == "approved"

    # 3. The company and the school accept from their proposals page.
    for user in (world["company_admin"], world["teacher"]):
        _sign_in(page, url, user)
        page.goto(f"{url}{reverse('matching:proposal_mine')}")
        page.locator(f"a[href='{reverse('matching:proposal', args=[triad.pk])}']").first.click()
        answer = page.locator(
            f"form[action='{reverse('matching:proposal_respond', args=[triad.pk])}']"
        )
        answer.locator("input[name=answer][value=accept]").check()
        answer.locator("button[type=submit]").click()
        page.wait_for_load_state()
    triad.refresh_from_db()
    assert triad.state == "accepted"
    project = Project.objects.get(proposal=triad)
    assert page.locator(f"a[href='{project.get_absolute_url()}']").count() >= 1

    # 4. Each administrator signs for their organisation; the teacher ticks the checklist.
    for user in (world["teacher"], world["officer"], world["company_admin"]):
        _sign_in(page, url, user)
        page.goto(f"{url}{project.get_absolute_url()}")
        if user == world["company_admin"]:
            # The company writes what it brings, from its own link on the project page.
            page.locator("#commitments a").click()
            page.locator("main form [name=commitments]").fill(COMMITMENTS)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/projects/\d+/(#commitments)?$"))
            assert COMMITMENTS in page.locator("#commitments").inner_text()
        page.locator(f"form[action='{reverse('projects:sign', args=[project.pk])}'] button").click()
        page.wait_for_load_state()
        if user == world["teacher"]:
            checklist = page.locator(
                f"form[action='{reverse('projects:checklist', args=[project.pk])}']"
            )
            for box in checklist.locator("input[type=checkbox]").all():
                box.check()
            checklist.locator("button[type=submit]").click()
            page.wait_for_load_state()
    project.refresh_from_db()
    assert project.state == "active"
    assert project.parties.get(organisation__kind="company").commitments == COMMITMENTS
    assert re.search(r"実施中|Active", page.locator("main hgroup").inner_text())

    assert traffic.foreign() == []
    assert traffic.failed == []
    assert traffic.errors == []
