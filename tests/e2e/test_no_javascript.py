"""The main flows with JavaScript switched off (issue #8, STYLE.md rule 10): every htmx
form and link has a plain `method`/`action` or `href` behind it, so a browser that runs no
script (a locked-down municipal PC, a script that failed to load) gets the same results
through full page loads.

One chain of real work, in a chromium context with `java_script_enabled=False`:
a municipal officer signs in, searches the postings with filters, writes and publishes an
issue, and asks for an introduction from one of its suggestions; a coordinator (password +
TOTP) approves it in the review queue; the company's administrator accepts it, posts in the
project's message thread and marks a notification read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from matching.models import MatchProposal
from partners.models import Direction, Posting, PostingStatus
from projects.models import Project, ProjectMessage
from tests import factories
from tests.e2e.conftest import Traffic
from tests.e2e.test_role_journeys import NEW_ISSUE_BODY, NEW_ISSUE_TITLE, SCHOOL_TITLE, build_world
from tests.e2e.test_triad_project_journey import _totp


@pytest.fixture
def world(transactional_db, reference_data):
    return build_world("ja")


@pytest.fixture
def plain(browser, live_server):
    """A desktop page that runs no JavaScript at all, with its traffic recorded."""
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    traffic = Traffic(live_server.url)
    page.on("request", traffic.on_request)
    page.on("response", traffic.on_response)
    page.on("requestfailed", traffic.on_request_failed)
    yield page, traffic
    context.close()


def _submit(page, button) -> None:  # type: ignore[no-untyped-def]
    """Press a submit button and wait for the full page load it causes (no htmx here)."""
    with page.expect_navigation():
        button.click()


def _sign_in(page, url: str, user, *, totp: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{url}{reverse('account_login')}")
    login = page.locator("main form[method=post]:has([name=password])")
    login.locator("[name=login]").fill(user.email)
    login.locator("[name=password]").fill(factories.PASSWORD)
    _submit(page, login.locator("button[type=submit]"))
    if totp:
        page.locator("[name=code]").fill(_totp())
        _submit(page, page.locator("main form[method=post] button[type=submit]").first)
    assert "/accounts/login" not in page.url and "/2fa/" not in page.url
    assert page.locator(f"form[action='{reverse('account_logout')}']").count() == 1


def test_main_flows_work_without_javascript(plain, live_server, settings, world):
    from playwright.sync_api import expect

    page, traffic = plain
    url = live_server.url
    # Publishing computes the suggestions at once (tasks run eagerly in the tests).
    settings.MATCHING_COMPUTE_ON_CHANGE = True

    # 1. Sign in.
    _sign_in(page, url, world.officer)

    # 2. Search the postings with words and two filters: a plain GET form.
    page.goto(f"{url}{reverse('partners:posting_list')}")
    search = page.get_by_role("search")
    search.locator("[name=q]").fill("観光 データ")
    search.locator("[name=direction]").select_option(Direction.STRENGTH)
    search.locator("[name=kind]").select_option("company")
    _submit(page, search.locator("button[type=submit]"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["kind"] == ["company"] and query["direction"] == ["strength"]
    results = page.locator("#posting-results")
    expect(results.get_by_role("link", name=world.strength.title, exact=True)).to_be_visible()
    expect(results.get_by_text(SCHOOL_TITLE)).to_have_count(0)

    # 3. Write an issue and publish it.
    page.goto(f"{url}{reverse('partners:posting_create')}")
    with page.expect_navigation():
        page.locator("main a[href='?direction=issue']").click()
    form = page.locator("main form[method=post]:has([name=title])")
    # The <noscript> fallback of the place fields shows: the page really runs no script.
    expect(form.locator("button[name=refresh]")).to_be_visible()
    form.locator("[name=title]").fill(NEW_ISSUE_TITLE)
    form.locator("[name=body]").fill(NEW_ISSUE_BODY)
    form.locator("[name=place_scope]").select_option("municipality")
    _submit(page, form.locator("button[type=submit]:not([name])"))
    posting = Posting.objects.get(title=NEW_ISSUE_TITLE)
    assert page.url == f"{url}{posting.get_absolute_url()}"
    assert posting.status == PostingStatus.DRAFT
    publish = reverse("partners:posting_publish", args=[posting.pk])
    _submit(page, page.locator(f"main form[action='{publish}'] button[type=submit]"))
    posting.refresh_from_db()
    assert posting.status == PostingStatus.OPEN

    # 4. Ask for an introduction to the company the matching engine suggests.
    proposal = MatchProposal.objects.get(
        posting=posting, kind="pair", partner=world.company, state="suggested"
    )
    ask = page.locator(f"form[action='{reverse('matching:request', args=[proposal.pk])}']")
    ask.locator("textarea[name=message]").fill("データ分析の会社にお会いしたいです。")
    _submit(page, ask.locator("button[type=submit]"))
    proposal.refresh_from_db()
    assert proposal.state == "requested"

    # 5. The coordinator approves it from the review queue (the row's htmx form, posted plainly).
    _sign_in(page, url, world.coordinator, totp=True)
    page.goto(f"{url}{reverse('matching:review')}")
    row = page.locator(f"#review-{proposal.pk}")
    _submit(page, row.locator("form button[type=submit]"))
    assert urlsplit(page.url).path == reverse("matching:review")
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    expect(page.locator(f"#review-{proposal.pk} form")).to_have_count(0)

    # 6. The company's administrator accepts: the project is formed.
    _sign_in(page, url, world.csr)
    page.goto(f"{url}{reverse('matching:proposal_mine')}")
    detail = reverse("matching:proposal", args=[proposal.pk])
    with page.expect_navigation():
        page.locator(f"main a[href='{detail}']").first.click()
    answer = page.locator(
        f"form[action='{reverse('matching:proposal_respond', args=[proposal.pk])}']"
    )
    answer.locator("input[name=answer][value=accept]").check()
    _submit(page, answer.locator("button[type=submit]"))
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    project = Project.objects.get(proposal=proposal)

    # 7. A message in the project's thread (an htmx form with a multipart fallback).
    page.goto(f"{url}{reverse('projects:messages', args=[project.pk])}")
    thread = page.locator("#message-thread form[method=post]")
    thread.locator("[name=body]").fill("はじめまして。来週、打ち合わせをお願いできますか。")
    _submit(page, thread.locator("button[type=submit]"))
    message = ProjectMessage.objects.get(project=project)
    assert message.author == world.csr
    expect(page.locator(f"#message-{message.pk}")).to_contain_text("打ち合わせ")

    # 8. Mark a notification read from the inbox (the htmx button, posted plainly).
    page.goto(f"{url}{reverse('notifications:inbox')}")
    unread = world.csr.notifications.filter(read_at__isnull=True).order_by("-pk")
    notification = unread[0]
    item = page.locator(f"#notification-{notification.pk}")
    expect(item).to_have_class(re.compile(r"notification--unread"))
    _submit(page, item.locator("form button[type=submit]"))
    assert urlsplit(page.url).path == reverse("notifications:inbox")
    notification.refresh_from_db()
    assert notification.read_at is not None
    expect(page.locator(f"#notification-{notification.pk}")).not_to_have_class(
        re.compile(r"notification--unread")
    )

    # No script ran, so nothing but full pages and their assets was fetched; none failed.
    assert traffic.foreign() == []
    assert traffic.failed == []
    assert traffic.errors == []
    assert not any(
        "/postings/similar/" in u or "/notifications/badge/" in u for u in traffic.requests
    )
