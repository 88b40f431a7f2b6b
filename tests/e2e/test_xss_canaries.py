"""Stored XSS canaries (issue 8): every free-text field people can write holds a payload —
a script tag, an attribute break-out with an `onerror`, an `<svg onload>`, and htmx
attributes that would make a request (`hx-get` … `hx-trigger="load"`) or run code
(`hx-on`). The pages that show them must print them as text:

- on the server, no response body (page, htmx partial, email) contains a payload unescaped;
- in chromium, nothing ran (`window.__xss` stays undefined), no request went to the htmx
  target or to the broken image, no CSP violation or script error was reported (the `page`
  fixture fails on those), and the payload is visible as text.
"""

import io
import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import Traffic

HX_TARGET = "/xss-hx/"

# Text fields get the long payload; fields with a length limit (names: 100 characters) the
# short one. Each starts with a label naming the field, so a test can find it on the page.
LONG = (
    "<script>window.__xss=1</script>"
    '"><img src=x onerror="window.__xss=1">'
    '<svg onload="window.__xss=1"></svg>'
    f'<div hx-get="{HX_TARGET}" hx-trigger="load">hx</div>'
    '<div hx-on:htmx:load="window.__xss=1" hx-on::load="window.__xss=1">on</div>'
)
SHORT = f'"><svg onload=__xss=1><img src=x onerror=__xss=1><b hx-get={HX_TARGET} hx-trigger=load>'

# What must never reach a page unescaped: the payloads' tags and attributes as markup.
RAW = [
    "<script>window.__xss",
    "<img src=x",
    "<svg onload",
    f'<div hx-get="{HX_TARGET}"',
    f"<b hx-get={HX_TARGET}",
    "<div hx-on:",
]


def long(label: str) -> str:
    return f"XSS-{label} {LONG}"


def short(label: str) -> str:
    return f"XSS-{label} {SHORT}"


def _build() -> dict:
    """Three organisations, a coordinator, postings, an open call, a proposal, a completed
    project with its case study, notifications and an import job: every free text hostile.
    Written through the services where they take free text (so emails carry it too)."""
    from matching import workflow
    from matching.models import MatchProposal
    from matching.services import proposal_request_introduction
    from partners import services as partner_services
    from partners.models import ImportJob, Organisation
    from projects import services as project_services
    from projects.attachments import prepare_attachment
    from projects.models import Agreement, Project, ProjectMessage, ProjectParty, SafetyChecklist
    from sankangaku.notifications.kinds import Kind
    from sankangaku.notifications.services import notify
    from tests import factories
    from tests.security.canaries import PDF_BYTES

    company = factories.CompanyFactory(name=short("company-name"))
    city = factories.MunicipalityFactory(name=short("city-name"))
    school = factories.SchoolFactory(name=short("school-name"))
    for organisation, label in ((company, "company"), (city, "city"), (school, "school")):
        Organisation.objects.filter(pk=organisation.pk).update(
            description=long(f"{label}-description"), name_kana=short(f"{label}-kana")
        )
    people = {}
    for organisation, label in ((company, "company"), (city, "city"), (school, "school")):
        people[label] = factories.UserFactory(display_name=short(f"u-{label}"))
        factories.MembershipFactory(user=people[label], organisation=organisation, role="admin")
    successor = factories.UserFactory(display_name=short("u-successor"))
    factories.MembershipFactory(user=successor, organisation=school, role="member")
    coordinator = factories.CoordinatorFactory(
        user=factories.UserFactory(display_name=short("u-coord"))
    ).user

    framing = {
        name: long(f"issue-{name}")
        for name in ("situation", "desired_outcome", "constraints", "assets", "partnership_forms")
    }
    issue = factories.make_posting(
        city,
        actor=people["city"],
        title=short("issue-title"),
        body=long("issue-body"),
        **framing,
    )
    strength = factories.make_posting(
        company,
        actor=people["company"],
        direction="strength",
        title=short("strength-title"),
        body=long("strength-body"),
        offer_what=long("strength-offer"),
        conditions=long("strength-conditions"),
    )
    offer = factories.make_posting(
        school,
        actor=people["school"],
        direction="strength",
        title=short("school-title"),
        body=long("school-body"),
    )
    call = factories.make_posting(
        city,
        actor=people["city"],
        title=short("call-title"),
        body=long("call-body"),
        is_open_call=True,
        call_budget=500_000,
        call_deadline=timezone.localdate() + timedelta(days=20),
        selection_criteria=long("call-criteria"),
    )
    partner_services.call_response_submit(
        call=call,
        organisation=company,
        actor=people["company"],
        data={"idea": long("call-idea"), "who": long("call-who"), "when": long("call-when")},
    )
    returned = factories.make_posting(
        city,
        actor=people["city"],
        publish=False,
        wants_review=True,
        title=short("returned-title"),
        body=long("returned-body"),
    )
    partner_services.posting_publish(posting=returned, actor=people["city"])
    partner_services.posting_review_decide(
        posting=returned, coordinator=coordinator, approve=False, note=long("review-note")
    )

    proposal = MatchProposal.objects.create(
        posting=issue,
        kind="triad",
        partner=company,
        partner_posting=strength,
        second_partner=school,
        second_partner_posting=offer,
        score=0.8,
        rank=1,
        breakdown={},
        engine_version="xss",
    )
    proposal_request_introduction(
        proposal=proposal, user=people["city"], message=long("request-message")
    )
    proposal.refresh_from_db()
    workflow.proposal_decide(
        proposal=proposal, coordinator=coordinator, approve=True, note=long("decision-note")
    )
    workflow.proposal_respond(
        proposal=proposal, organisation=company, user=people["company"], accept=True
    )
    workflow.proposal_respond(
        proposal=proposal, organisation=school, user=people["school"], accept=True
    )
    project = Project.objects.get(proposal=proposal)
    project_services.agreement_update(
        project=project,
        actor=people["city"],
        data={name: long(f"agreement-{name}") for name in Agreement.TEXT_FIELDS},
    )
    project.refresh_from_db()
    parties = {p.organisation_id: p for p in ProjectParty.objects.filter(project=project)}
    admins = {company.pk: people["company"], city.pk: people["city"], school.pk: people["school"]}
    for organisation_id, party in parties.items():
        project_services.agreement_sign(
            project=project,
            party=party,
            actor=admins[organisation_id],
            version=project.agreement.version,
        )
    project_services.checklist_update(
        project=project, actor=people["school"], items=dict.fromkeys(SafetyChecklist.ITEMS, True)
    )
    project_services.milestone_add(
        project=project,
        actor=people["city"],
        title=short("milestone-title"),
        due_on=timezone.localdate() + timedelta(days=2),
    )
    message = project_services.message_post(
        project=project,
        author=people["company"],
        party=parties[company.pk],
        body=long("message-body"),
        attachment=prepare_attachment(io.BytesIO(PDF_BYTES), original_name="plan.pdf"),
        mentions=[people["city"]],
    )
    # The service makes download names safe; the template must not rely on it.
    ProjectMessage.objects.filter(pk=message.pk).update(attachment_name=short("attachment"))
    project_services.message_post(
        project=project,
        author=people["school"],
        party=parties[school.pk],
        body=long("progress-body"),
        is_progress_note=True,
    )
    project_services.party_handover(
        party=parties[school.pk],
        actor=people["school"],
        new_contact=successor,
        memo=long("handover-memo"),
    )
    for organisation_id, party in parties.items():
        project_services.party_commitments_update(
            party=party, actor=admins[organisation_id], text=long(f"commitments-{organisation_id}")
        )
    for organisation_id, party in parties.items():
        project_services.report_save(
            project=project,
            party=party,
            actor=admins[organisation_id],
            data={
                "done": long(f"report-done-{organisation_id}"),
                "students_involved": 12,
                "events_held": 1,
                "funds_used": short(f"report-funds-{organisation_id}"),
                "next_steps": long(f"report-next-{organisation_id}"),
            },
            sdgs=[],
            consent_public=True,
        )
    project_services.project_complete(project=project, actor=people["city"])
    project.refresh_from_db()
    assert project.case_study.is_published
    for user in (*people.values(), successor, coordinator):
        notify(
            Kind.POSTING_REVIEW_RESULT,
            key=f"xss:{user.pk}",
            users=[user],
            payload={"title": short("notification-title"), "published": False, "note": long("n")},
            url="/notifications/",
        )
    partner_services.invitation_create(
        organisation=city, actor=people["city"], email="new-colleague@example.jp", role="member"
    )
    job = ImportJob.objects.create(
        created_by=coordinator,
        kind=ImportJob.Kind.POSTINGS,
        status=ImportJob.Status.INVALID,
        filename=short("import-file"),
        encoding="utf-8",
        errors=[{"row": 2, "column": short("import-column"), "message": long("import-error")}],
        total=1,
    )
    return {
        "people": {**people, "successor": successor, "coordinator": coordinator},
        "company": company,
        "city": city,
        "school": school,
        "issue": issue,
        "strength": strength,
        "call": call,
        "returned": returned,
        "proposal": proposal,
        "project": project,
        "parties": parties,
        "case": project.case_study,
        "job": job,
    }


def _pages(world: dict) -> dict[str | None, list[str]]:
    """Who looks at what: the pages that show the fields (lists, details, forms, partials,
    dashboards, the inbox, case studies, searches that echo the query)."""
    project = world["project"]
    query = f"?q={LONG}"
    public = [
        reverse("partners:home"),
        reverse("partners:list"),
        reverse("partners:list") + query,
        reverse("partners:detail", args=[world["company"].pk]),
        reverse("partners:detail", args=[world["city"].pk]),
        reverse("partners:detail", args=[world["school"].pk]),
        reverse("partners:posting_list"),
        reverse("partners:posting_list") + query,
        reverse("partners:posting_detail", args=[world["issue"].pk]),
        reverse("partners:posting_detail", args=[world["strength"].pk]),
        reverse("partners:posting_detail", args=[world["call"].pk]),
        reverse("cases:list"),
        reverse("cases:detail", args=[world["case"].pk]),
    ]
    party = world["parties"][world["city"].pk]
    city_admin = [
        reverse("partners:dashboard"),
        reverse("partners:members", args=[world["city"].pk]),
        reverse("partners:edit", args=[world["city"].pk]),
        reverse("partners:posting_mine"),
        reverse("partners:posting_detail", args=[world["returned"].pk]),
        reverse("partners:posting_edit", args=[world["issue"].pk]),
        reverse("partners:call_responses", args=[world["call"].pk]),
        reverse("partners:posting_similar") + f"?title={world['issue'].title}",
        reverse("matching:proposal_mine"),
        reverse("matching:proposal", args=[world["proposal"].pk]),
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:messages", args=[project.pk]),
        reverse("projects:messages", args=[project.pk]) + "?filter=progress",
        reverse("projects:report", args=[project.pk, party.pk]),
        reverse("notifications:inbox"),
        reverse("accounts:profile"),
    ]
    coordinator = [
        reverse("dashboard:index"),
        reverse("matching:review"),
        reverse("matching:triads"),
        reverse("partners:posting_review_queue"),
        reverse("partners:verification_queue"),
        reverse("partners:members", args=[world["school"].pk]),
        reverse("partners:import_detail", args=[world["job"].pk]),
        reverse("partners:import_status", args=[world["job"].pk]),
        reverse("projects:detail", args=[project.pk]),
        reverse("matching:proposal", args=[world["proposal"].pk]),
    ]
    company_party = world["parties"][world["company"].pk]
    school_party = world["parties"][world["school"].pk]
    company_admin = [
        reverse("partners:dashboard"),
        reverse("partners:members", args=[world["company"].pk]),
        reverse("partners:posting_mine"),
        reverse("partners:posting_edit", args=[world["strength"].pk]),
        reverse("matching:proposal", args=[world["proposal"].pk]),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:messages", args=[project.pk]),
        reverse("projects:report", args=[project.pk, company_party.pk]),
        reverse("notifications:inbox"),
    ]
    school_admin = [
        reverse("partners:dashboard"),
        reverse("partners:members", args=[world["school"].pk]),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:handover", args=[project.pk, school_party.pk]),
        reverse("projects:report", args=[project.pk, school_party.pk]),
        reverse("notifications:inbox"),
    ]
    return {
        None: public,
        "city": public + city_admin,
        "coordinator": coordinator,
        "company": company_admin,
        "school": school_admin,
    }


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


def _unescaped(text: str) -> list[str]:
    return [fragment for fragment in RAW if fragment in text]


LINK_RE = re.compile(r"""\s(?:href|hx-get)="(/[^"#]*)""")
SKIPPED = ("/accounts/", "/static/", "/media/", "/admin/")


# --- Server side: every response body --------------------------------------------------------


@pytest.mark.django_db
def test_no_response_or_email_contains_a_payload_unescaped(
    reference_data, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        world = _build()
    found: list[str] = []
    checked = escaped = 0
    for who, urls in _pages(world).items():
        client = _client(world["people"][who] if who else None)
        # The listed pages, and the same-site links on them (one level, a few per route):
        # what a person reaches from there, edit forms included. Answers that vary on
        # HX-Request are fetched as htmx partials too.
        queue = [(url, True) for url in dict.fromkeys(urls)]
        queued = set(urls)
        per_route: Counter[str] = Counter()
        for url, listed in queue:
            for htmx in (False, True):
                response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                if listed and not htmx:
                    assert response.status_code == 200, f"{who} {url}: {response.status_code}"
                if response.streaming or response.status_code >= 300:
                    break
                checked += 1
                body = response.content.decode()
                if "html" in response.get("Content-Type", ""):
                    escaped += "&lt;svg onload=" in body
                    for fragment in _unescaped(body):
                        found.append(f"{who} {url}{' (htmx)' if htmx else ''}: {fragment}")
                if listed and not htmx:
                    for link in LINK_RE.findall(body):
                        link = link.replace("&amp;", "&")
                        route = re.sub(r"\d+", "N", link.split("?")[0])
                        if link in queued or link.startswith(SKIPPED) or per_route[route] >= 5:
                            continue
                        queued.add(link)
                        per_route[route] += 1
                        queue.append((link, False))
                if "HX-Request" not in response.get("Vary", ""):
                    break
    for message in mail.outbox:
        # Plain-text bodies are text by nature; the HTML alternative must be escaped.
        for body, content_type in message.alternatives:
            if content_type == "text/html":
                for fragment in _unescaped(body):
                    found.append(f"email {message.subject!r} to {message.to}: {fragment}")
    print(
        f"\nxss: {checked} responses ({escaped} show payloads escaped), {len(mail.outbox)} emails"
    )
    assert found == [], "\n".join(found)
    assert checked > 100
    assert escaped > 50  # the payloads were there, printed as text
    assert len(mail.outbox) > 5


# --- In the browser ----------------------------------------------------------------------


@pytest.fixture
def hostile(transactional_db, reference_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _build()


def _sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Sign in by handing the browser a session made by the test client (the sign-in form,
    with two-factor authentication for coordinators, is the accounts journeys' business)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = _client(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_no_payload_runs_in_the_browser(page, live_server, traffic: Traffic, hostile):
    url = live_server.url
    pages = _pages(hostile)
    visited = 0
    for who in (None, "city", "coordinator"):
        _sign_in(page, live_server, hostile["people"][who] if who else None)
        # Public pages once (anonymous); signed-in people look at theirs.
        paths = pages[who] if who != "city" else pages["city"][len(pages[None]) :]
        for path in paths:
            response = page.goto(f"{url}{path}")
            assert response is not None and response.ok, f"{who} {path}"
            page.wait_for_load_state("networkidle")
            # htmx loads partials (the badge, hx-trigger="load"…); append the page's own
            # htmx answer once more so anything it holds is processed by htmx too.
            if page.evaluate("typeof htmx") != "undefined":
                with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
                    page.evaluate(
                        "url => htmx.ajax('GET', url, {target: 'body', swap: 'beforeend'})",
                        f"{url}{path}",
                    )
                page.wait_for_load_state("networkidle")
            assert page.evaluate("typeof window.__xss") == "undefined", f"script ran on {path}"
            text = page.locator("body").inner_text()
            assert "XSS-" in text, f"no canary shown on {path}"
            visited += 1
    paths = [urlsplit(u).path for u in traffic.requests]
    hx_requests = [p for p in paths if p == HX_TARGET]
    broken_images = [p for p in paths if p.endswith("/x")]
    assert hx_requests == []
    assert broken_images == []
    assert traffic.foreign() == []
    assert traffic.failed == []
    assert visited >= 30

    # Escaped, not dropped: a person reads each payload as the text it is.
    _sign_in(page, live_server, None)
    shown_on = {
        reverse("partners:posting_detail", args=[hostile["issue"].pk]): "issue-body",
        reverse("partners:detail", args=[hostile["company"].pk]): "company-description",
        reverse("cases:detail", args=[hostile["case"].pk]): "report-done",
    }
    for path, label in shown_on.items():
        page.goto(f"{url}{path}")
        text = page.locator("main").inner_text()
        shown = text[text.index(f"XSS-{label}") :][:300]
        assert "<script>window.__xss=1</script>" in shown, shown
        assert 'onerror="window.__xss=1"' in shown, shown
        assert f'<div hx-get="{HX_TARGET}" hx-trigger="load">' in shown, shown
        assert '<div hx-on:htmx:load="window.__xss=1"' in shown, shown
    assert page.evaluate("typeof window.__xss") == "undefined"

    # The harness would have noticed: the same htmx markup, put into the page as markup,
    # makes htmx request its target at once.
    with page.expect_request(lambda r: urlsplit(r.url).path == HX_TARGET):
        page.evaluate(
            """html => {
                const holder = document.createElement("div");
                holder.innerHTML = html;
                document.body.append(holder);
                htmx.process(holder);
            }""",
            f'<div hx-get="{HX_TARGET}" hx-trigger="load"></div>',
        )
