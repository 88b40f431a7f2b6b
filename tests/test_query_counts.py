"""Every list page and htmx region has a fixed, pinned query count (QUALITY.md: no N+1).

Each case renders one page (or its htmx fragment) for the persona who uses it, in a world
with 2 rows of everything it lists and again after 5 more rows of everything, each with its
related objects (tests/query_counts_world.py). It asserts that the two counts are equal (no
query per row) and equal to the pinned figure. On a mismatch the message lists every query,
so whoever changed the page sees what was added.

How a count is taken: a first request warms what a process keeps (content types, the
session's idle stamp, the search's word statistics); then the cache (Redis) is cleared and
the page is requested again. Counts are therefore "cold cache": pages that cache (the
coordinators' dashboard) show the queries they run when the cache is empty. Sessions, users
and memberships are read through that cache, so the signed-in pages' counts include reading
the session and the user ("user+coordinator": the user with their coordinator row joined,
partners.auth_backends) from the database; warm, a request skips them. Reference data in
filter forms (sankangaku.forms.ReferenceChoiceField) is kept per process, so it is not
counted.
Each case's `why` lists its queries; `QUERY_COUNTS_PRINT=1 pytest -s tests/test_query_counts.py`
prints every case's queries.

A changed count is not always a regression: when a page shows something new, re-pin it and
update its `why`. When the two worlds differ, something runs a query per row: fix it with
select_related / prefetch_related / an annotation, never by pinning the bigger number.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.query_counts_world import World

pytestmark = pytest.mark.django_db

SMALL = 2
MORE = 5  # the big world: SMALL + MORE = 7 rows of everything


@dataclass(frozen=True)
class Page:
    """One page or htmx region. `url` is called for every request, so a POST region can
    act on a fresh row each time (the warm-up request uses one up)."""

    name: str
    persona: str | None  # None: anonymous
    url: Callable[[World], str]
    queries: int
    htmx: bool = False
    params: dict = field(default_factory=dict)
    post: Callable[[World], dict] | None = None
    # The response lists the world's rows, so it must get longer when the world grows: a
    # guard against a case that silently stopped showing what it is meant to measure.
    grows: bool = True
    why: str = ""

    def __str__(self) -> str:
        return self.name


def _u(name: str, *args) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[a(world) if callable(a) else a for a in args])


PAGES = [
    # --- partners: directory, profiles, people ------------------------------------------
    Page(
        "home.anonymous",
        None,
        _u("partners:home"),
        3,
        grows=False,
        why=(
            "counts by kind (1 aggregate), the 6 newest verified organisations (prefecture, "
            "location, stats joined), their themes"
        ),
    ),
    Page(
        "home.company_admin",
        "company_admin",
        _u("partners:home"),
        7,
        why="session, user, header memberships, unread badge; then as anonymous",
    ),
    Page(
        "organisations.anonymous",
        None,
        _u("partners:list"),
        5,
        why=(
            "paginator count, the page's keys, the cards' versions (partners.cards); cache cold: "
            "the organisations (prefecture, location, stats joined), themes. The filter form's "
            "prefectures are read once per process (sankangaku.forms.ReferenceChoiceField)"
        ),
    ),
    Page(
        "organisations.htmx",
        None,
        _u("partners:list"),
        5,
        htmx=True,
        params={"kind": "company"},
        why="the results region only: count, keys, card versions; cache cold: page, themes",
    ),
    Page(
        "organisations.company_admin",
        "company_admin",
        _u("partners:list"),
        9,
        why="session, user, header memberships, unread badge; then as anonymous",
    ),
    Page(
        "organisation_detail.anonymous",
        None,
        _u("partners:detail", lambda w: w.p.company.pk),
        10,
        why=(
            "the organisation (places joined), its stats, its themes, its open postings' keys with "
            "the cards' versions (partners.cards.posting_cards_of) and, cache cold, postings and "
            "themes, its case studies with photos, organisations and SDGs"
        ),
    ),
    Page(
        "organisation_detail.company_admin",
        "company_admin",
        _u("partners:detail", lambda w: w.p.company.pk),
        14,
        why=(
            "session, user+coordinator, the user's memberships (once a request: header, access and "
            "capabilities share them), unread badge; then as anonymous"
        ),
    ),
    Page(
        "members.company_admin",
        "company_admin",
        _u("partners:members", lambda w: w.p.company.pk),
        7,
        why=(
            "session, user+coordinator, the user's memberships (once for header, decorator, "
            "capabilities and my_membership), unread badge, the organisation, members with users, "
            "pending invitations with the inviter"
        ),
    ),
    Page(
        "my_page.company_admin",
        "company_admin",
        _u("partners:dashboard"),
        6,
        why=(
            "session, user+coordinator, header memberships, unread badge, verified emails, "
            "invitations to them (organisation, inviter joined)"
        ),
    ),
    Page(
        "municipality_options.htmx",
        None,
        _u("partners:municipality_options"),
        1,
        htmx=True,
        params={"prefecture": "20"},
        grows=False,
    ),
    # --- partners: postings -------------------------------------------------------------
    Page(
        "postings.anonymous",
        None,
        _u("partners:posting_list"),
        4,
        why=(
            "the ordered keys, the page (organisation, prefecture, location joined), themes; the "
            "card versions (partners.cards). The filter form's themes and prefectures are read "
            "once per process (sankangaku.forms.ReferenceChoiceField)"
        ),
    ),
    Page(
        "postings.htmx",
        None,
        _u("partners:posting_list"),
        4,
        htmx=True,
        why="the results region only: keys, page, themes; the card versions (partners.cards)",
    ),
    Page(
        "postings.search_htmx",
        "company_admin",
        _u("partners:posting_list"),
        6,
        htmx=True,
        params={"q": "課題", "sort": "newest"},
        why=(
            "session, user+coordinator, keys of the word matches, the card versions "
            "(partners.cards), page, themes"
        ),
    ),
    Page(
        "postings.company_admin",
        "company_admin",
        _u("partners:posting_list"),
        8,
        why=(
            "session, user+coordinator, header memberships, unread badge; then as anonymous; the "
            "card versions (partners.cards)"
        ),
    ),
    Page(
        "posting_similar.htmx",
        "company_admin",
        _u("partners:posting_similar"),
        3,
        htmx=True,
        params={"title": "地域の課題", "body": "地域の課題を一緒に考えるパートナー募集"},
        grows=False,
        why="session, user+coordinator, the ranked look-alikes (one statement)",
    ),
    Page(
        "my_postings.company_admin",
        "company_admin",
        _u("partners:posting_mine"),
        7,
        why=(
            "session, user, header memberships, unread badge, the members for every row's contact "
            "picker (once), the count of postings, a page of them (contact joined)"
        ),
    ),
    Page(
        "posting_detail.company_admin",
        "company_admin",
        _u("partners:posting_detail", lambda w: w.company_posting.pk),
        14,
        why=(
            "session, user+coordinator, the user's memberships (once a request), unread badge, the "
            "posting (organisation and places joined), its contact person (editors only), pair and "
            "triad suggestions (partners joined), the names of the themes their explanations share "
            "(once a list with any), decline reasons, themes, the organisation's card "
            "(partners.cards: its version; cache cold: the organisation with places and stats, its "
            "themes)"
        ),
    ),
    Page(
        "call_responses.municipal_officer",
        "municipal_officer",
        _u("partners:call_responses", lambda w: w.call.pk),
        6,
        why=(
            "session, user+coordinator, the user's memberships (header and access), unread badge, "
            "the call, the responses (organisation, prefecture, submitter joined)"
        ),
    ),
    Page(
        "posting_review_queue.coordinator",
        "coordinator",
        _u("partners:posting_review_queue"),
        8,
        why=(
            "session, user+coordinator, header memberships, unread badge; session, "
            "user+coordinator, TOTP, coordinator's prefectures; count, the page (organisation, "
            "prefecture joined)"
        ),
    ),
    Page(
        "verification_queue.coordinator",
        "coordinator",
        _u("partners:verification_queue"),
        8,
        why=(
            "session, user+coordinator, header memberships, unread badge; session, "
            "user+coordinator, TOTP, coordinator's prefectures; count, the page (places joined, "
            "members counted)"
        ),
    ),
    Page(
        "bulk.coordinator",
        "coordinator",
        _u("partners:bulk"),
        6,
        why=(
            "session, user+coordinator, header memberships, unread badge; TOTP, the 10 latest "
            "imports"
        ),
    ),
    Page(
        "import_detail.coordinator",
        "coordinator",
        _u("partners:import_detail", lambda w: w.job.pk),
        6,
        grows=False,
        why="session, user+coordinator, header memberships, unread badge; TOTP, the job",
    ),
    Page(
        "import_status.htmx",
        "coordinator",
        _u("partners:import_status", lambda w: w.job.pk),
        4,
        htmx=True,
        grows=False,
    ),
    # --- matching -----------------------------------------------------------------------
    Page(
        "proposals.company_admin",
        "company_admin",
        _u("matching:proposal_mine"),
        8,
        why=(
            "session, user, header memberships, unread badge, memberships (view), count, the page "
            "(posting, organisation, partners, requester joined), responses"
        ),
    ),
    Page(
        "review_queue.coordinator",
        "coordinator",
        _u("matching:review"),
        9,
        why=(
            "session, user+coordinator, header memberships, unread badge; session, "
            "user+coordinator, TOTP, coordinator's prefectures; count, the page (posting, "
            "organisation, partners, requester joined), the filter's prefecture choices"
        ),
    ),
    Page(
        "triads.coordinator",
        "coordinator",
        _u("matching:triads"),
        8,
        why=(
            "session, user+coordinator, header memberships, unread badge; TOTP, prefectures; count,"
            " the page (posting, organisation, partners joined)"
        ),
    ),
    # --- projects and case studies ------------------------------------------------------
    Page(
        "projects.company_admin",
        "company_admin",
        _u("projects:list"),
        9,
        why=(
            "session, user+coordinator, header memberships, unread badge, memberships (view), "
            "count, the page, parties, their organisations"
        ),
    ),
    Page(
        "projects.coordinator",
        "coordinator",
        _u("projects:list"),
        10,
        why=(
            "session, user+coordinator, header memberships, unread badge, memberships (view), "
            "prefectures, count, the page, parties, their organisations"
        ),
    ),
    Page(
        "project_detail.company_admin",
        "company_admin",
        _u("projects:detail", lambda w: w.project.pk),
        13,
        why=(
            "session, user+coordinator, header memberships, unread badge, the project, parties "
            "with organisations and contacts (one query), sign-offs (signers joined), checklist, "
            "message count, hand-over memos (one query for all parties), milestones, invitations, "
            "history. The project is forming: readiness comes from the rows above, and reports and "
            "the case study are read only from `active` on (where they are shown)"
        ),
    ),
    Page(
        "project_invitation.invited_admin",
        "invited_admin",
        lambda w: reverse("projects:invitation", args=[w.project_invitation.pk]),
        7,
        why=(
            "session, user, the user's memberships (header and access), unread badge, the "
            "invitation (project joined), agreement, parties with organisations"
        ),
    ),
    Page(
        "messages.teacher",
        "teacher",
        _u("projects:messages", lambda w: w.project.pk),
        10,
        why=(
            "session, user+coordinator, header memberships, unread badge, the project, parties "
            "with organisations and contacts (one query), count, the page as rows (author's and "
            "organisation's names joined), the mentioned people's names, the mention field's "
            "people (no server-side cursor); the messages' HTML is cached (projects.thread) but "
            "the key reads them all"
        ),
    ),
    Page(
        "messages.htmx",
        "teacher",
        _u("projects:messages", lambda w: w.project.pk),
        9,
        htmx=True,
        why="as the full page without the unread badge",
    ),
    Page(
        "messages.progress_htmx",
        "teacher",
        _u("projects:messages", lambda w: w.project.pk),
        9,
        htmx=True,
        params={"filter": "progress"},
        why="as the full page without the unread badge",
    ),
    Page(
        "cases.anonymous",
        None,
        _u("cases:list"),
        7,
        why=(
            "count, prefecture and SDG choices, the page (prefecture joined), organisations, SDGs, "
            "photos"
        ),
    ),
    Page(
        "cases.htmx",
        None,
        _u("cases:list"),
        5,
        htmx=True,
        params={"sdg": ""},
        why="the results region only: count, page, organisations, SDGs, photos",
    ),
    Page(
        "case_detail.anonymous",
        None,
        _u("cases:detail", lambda w: w.case.pk),
        4,
        why="the case (prefecture joined), its organisations, SDGs and photos",
    ),
    Page(
        "proposal_detail.company_admin",
        "company_admin",
        _u("matching:proposal", lambda w: w.proposal.pk),
        12,
        why=(
            "session, user+coordinator, the proposal (posting, organisations joined), header "
            "memberships, pending answers (capabilities, twice), the user's party, unread badge, "
            "its project, the requester, the answers (organisation, person joined), the history"
        ),
    ),
    # --- notifications, dashboard -------------------------------------------------------
    Page(
        "inbox.company_admin",
        "company_admin",
        _u("notifications:inbox"),
        6,
        why="session, user, header memberships, unread badge, count, the page",
    ),
    Page(
        "inbox.unread",
        "company_admin",
        _u("notifications:inbox"),
        6,
        params={"show": "unread"},
        why="session, user, header memberships, unread badge, count, the page",
    ),
    Page(
        "badge.htmx",
        "company_admin",
        _u("notifications:badge"),
        3,
        htmx=True,
        grows=False,
        why="session, user, the unread count",
    ),
    Page(
        "dashboard.coordinator",
        "coordinator",
        _u("dashboard:index"),
        23,
        why=(
            "session, user+coordinator, coordinator checks, the dashboard's reads with its cache "
            "empty, which of the work items were nudged today (the world always has overdue "
            "reviews)"
        ),
    ),
    # --- htmx regions answering a POST ----------------------------------------------------
    Page(
        "notification_read.htmx",
        "company_admin",
        lambda w: reverse("notifications:read", args=[w.unread_notification().pk]),
        5,
        htmx=True,
        post=lambda w: {},
        grows=False,
        why=("session, user, the notification, the update, re-read (read_at) for the partial"),
    ),
    Page(
        "milestone_done.htmx",
        "company_admin",
        lambda w: reverse("projects:milestone_done", args=[w.project.pk, w.open_milestone().pk]),
        13,
        htmx=True,
        post=lambda w: {"done": "1"},
        grows=False,
        why=(
            "session, user+coordinator, the project, its parties with organisations and contacts "
            "(one query), memberships, the milestone, savepoint, update, re-read, project and "
            "posting for the audit event, insert, release"
        ),
    ),
    Page(
        "proposal_decide.htmx",
        "coordinator",
        lambda w: reverse("matching:proposal_decide", args=[w.requested_proposal().pk]),
        36,
        htmx=True,
        post=lambda w: {"decision": "approve", "note": "どうぞ"},
        grows=False,
        why=(
            "session, user+coordinator, the proposal, memberships, the coordinator's prefectures (4"
            " times: access and capabilities each ask), TOTP; savepoint, update, re-read, audit, "
            "responses; notify() to the requester and to every administrator of the parties: 4 "
            "queries each call however many people; the row partial"
        ),
    ),
    Page(
        "nudge.htmx",
        "coordinator",
        lambda w: reverse("dashboard:nudge", args=["response", w.pending_response().pk]),
        15,
        htmx=True,
        post=lambda w: {},
        grows=False,
        why=(
            "session, user+coordinator, TOTP, prefectures, the item; savepoint, lock, today's "
            "nudge?, the organisation's people, notify() (4 queries for all of them), audit"
        ),
    ),
    Page(
        "message_post.htmx",
        "teacher",
        _u("projects:messages", lambda w: w.project.pk),
        25,
        htmx=True,
        post=lambda w: {
            "body": "みなさん、よろしくお願いします。",
            "mentions": [w.p.company_admin.pk, w.p.municipal_officer.pk],
        },
        why=(
            "session, user+coordinator, the project, its parties with organisations and contacts "
            "(one query), memberships, people (mention field), the posting (audit); savepoint, the "
            "message, its mentions (one insert), audit; notify() the mentioned people, then the "
            "other parties' contacts and the administrators of parties without one (one query for "
            "all of them; the parties as the request loaded them): 4 queries each call; then the "
            "thread (count, page, mentions, people)"
        ),
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_once(django_db_setup, django_db_blocker):
    """Load the reference data once for this module (committed), not once per test, and
    take it away again afterwards if it was not there before."""
    from django.core.management import call_command

    from partners.models import LocalGovernment, Prefecture, Theme

    with django_db_blocker.unblock():
        loaded = not Prefecture.objects.exists()
        if loaded:
            call_command("load_reference_data", verbosity=0)
    yield
    if loaded:
        with django_db_blocker.unblock():
            Theme.objects.all().delete()
            LocalGovernment.objects.all().delete()
            Prefecture.objects.all().delete()


def _user(world: World, persona: str | None):
    if persona is None:
        return None
    if persona == "invited_admin":
        return world.invited_admin
    return getattr(world.p, persona)


def _count(client, world: World, page: Page):
    def request():
        # The URL and the POST data are worked out before the count starts: looking up the
        # row to act on is the test's query, not the page's.
        url = page.url(world)
        data = page.post(world) if page.post is not None else page.params
        send = client.post if page.post is not None else client.get
        headers = {"HX-Request": "true"} if page.htmx else {}
        return lambda: send(url, data, headers=headers)

    warm = request()()
    assert warm.status_code == 200, (page.name, warm.status_code)
    measured = request()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = measured()
    assert response.status_code == 200
    if page.htmx:
        assert b"<html" not in response.content, "htmx requests get the fragment only"
    return queries, response


def _listing(queries: CaptureQueriesContext) -> str:
    """One line per query, the column list elided (the tables and conditions are what tell
    one query from another)."""
    lines = []
    for i, query in enumerate(queries.captured_queries, 1):
        sql = re.sub(r"^SELECT (DISTINCT )?.+? FROM ", r"SELECT \1… FROM ", query["sql"], count=1)
        lines.append(f"{i:3}. {sql[:400]}")
    return "\n".join(lines)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_query_count_is_fixed_and_pinned(client, personas, page):
    world = World(personas)
    world.grow(SMALL)
    user = _user(world, page.persona)
    if user is not None:
        client.force_login(user)
    small, small_response = _count(client, world, page)
    world.grow(MORE)
    big, big_response = _count(client, world, page)
    if page.grows:
        assert len(big_response.content) > len(small_response.content), (
            f"{page.name} shows no more with {SMALL + MORE} rows than with {SMALL}"
        )
    assert len(small) == len(big), (
        f"{page.name}: {len(small)} queries with {SMALL} rows, {len(big)} with "
        f"{SMALL + MORE} (a query per row?)\n--- small world\n{_listing(small)}\n"
        f"--- big world\n{_listing(big)}"
    )
    if os.environ.get("QUERY_COUNTS_PRINT"):
        print(f"\n=== {page.name}: {len(big)}\n{_listing(big)}")
    assert len(big) == page.queries, (
        f"{page.name}: {len(big)} queries, pinned {page.queries} ({page.why})\n{_listing(big)}"
    )


# --- notify(): the fan-out behind the POST regions -----------------------------------------


def test_notify_query_count_does_not_grow_with_recipients(personas):
    """One event to many people: the preference, the coordinator and the membership look-ups
    are one query each for everyone, and the rows are one insert (4 queries), where it used
    to be up to three queries per recipient."""
    from sankangaku.notifications.kinds import Kind
    from sankangaku.notifications.models import Notification, Preference
    from sankangaku.notifications.services import notify
    from tests import factories

    Preference.objects.create(user=personas.company_admin, kind=Kind.MESSAGE, channel="weekly")
    people = [
        personas.company_admin,  # own preference
        personas.teacher,  # school only: weekly digest by default
        personas.coordinator,  # daily digest by default
        personas.municipal_officer,
    ]

    def send(key: str, users) -> int:
        with CaptureQueriesContext(connection) as queries:
            notify(Kind.MESSAGE, key=key, users=users, payload={"title": "件名"})
        return len(queries)

    few = send("few", people[:2])
    more = people + [factories.UserFactory() for _ in range(5)]
    for user in more[4:]:
        factories.MembershipFactory(user=user, organisation=personas.school)
    assert send("more", more) == few == 4
    channels = dict(
        Notification.objects.filter(idempotency_key__startswith="more:").values_list(
            "recipient_id", "channel"
        )
    )
    assert channels[personas.company_admin.pk] == "weekly"
    assert channels[personas.teacher.pk] == "weekly"
    assert channels[personas.coordinator.pk] == "daily"
    assert channels[personas.municipal_officer.pk] == "instant"
    assert channels[more[-1].pk] == "weekly"  # a new teacher
