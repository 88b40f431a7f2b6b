"""Canary leak scan (QUALITY.md, Security): every private field of every organisation carries
a marker (tests/security/canaries.py, which also states who is entitled to see what). People
of every kind — an administrator of each of five organisations (one of them refused), two
regional coordinators, a signed-in user without an organisation and an anonymous visitor —
request every page they can reach, and we read every email anyone of the world got
(members and invitees too): 0 markers of data the reader is not entitled to. Each marker
must also reach someone entitled to it, so a page that stops showing data cannot make the
scan pass by accident.

What each person requests:
- every GET route of the portal without arguments (found from the URL patterns, so new list
  pages, exports and dashboards are covered without touching this file);
- every GET route with arguments, filled with every id in the database (details, members
  pages, exports, proposals, projects, reports, attachments, calendars, import jobs…; a new
  route with arguments the scan cannot fill fails the test until it is classified);
- searches for the words the private postings use, and the open API (lists, every detail);
- then the same-site links (`href`, `hx-get`) of every page they got, up to a bound;
- each URL an htmx element loads (and each answer that varies on `HX-Request`) once more as
  an htmx request, so the partials are scanned too.
The response headers are scanned with the bodies (file names travel in Content-Disposition).
"""

import html
import re
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client

from tests.security import canaries

pytestmark = pytest.mark.django_db

# Bounds of the crawl per person (the object sweep comes first and is not bounded).
MAX_CRAWLED = 150
MAX_QUERY_VARIANTS = 2  # ?page=2, ?filter=… : a couple of variants of one path are enough
MAX_PER_PATTERN = 4  # links to one route (/postings/N/edit/ …): a few are enough
OWN_SAMPLES = 2

# Who browses. Every person of the world gets emails; pages are requested by one
# administrator of each organisation (a member sees a subset of what an administrator sees),
# both regional coordinators, a signed-in person of no organisation and anonymous visitors:
# each way of being entitled, once (more people would only multiply the run time).
PAGE_VIEWERS = {
    "o1-admin",
    "o2-admin",
    "o3-admin",
    "o4-admin",
    "o5-admin",
    "coordinator-nagano",
    "coordinator-hokkaido",
    "signed-in-no-organisation",
    "anonymous",
}
# The open API answers every caller as an anonymous visitor (README, Open API; proven by
# tests/api/test_privacy.py), so a signed-in and an anonymous caller are enough.
API_VIEWERS = {"signed-in-no-organisation", "anonymous"}

# Markers stored but shown on no page by design (checked to stay that way: if a page starts
# showing one, the coverage assertion below asks to remove it from here).
NEVER_ON_PAGES = {
    "coordinator-nagano-email",  # a coordinator's address: on no page (emails go *to* it)
    "coordinator-hokkaido-email",
    "coordinator-nagano-import-row",  # parsed rows are kept for the import, not shown
    "coordinator-hokkaido-import-row",
}

# Not crawled: allauth's account pages (sign-out, email management: the person's own data),
# the admin, files and the API's documentation (no data). Their own tests cover them.
SKIPPED_PREFIXES = (
    "/accounts/",
    "/admin/",
    "/static/",
    "/media/",
    "/language/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
)

# Words of the private postings (drafts; the coordinators-only one is about 観光) and the
# refused organisation's name, typed into every search.
SEARCH_WORDS = ["下書き", "観光", "カナリア拒否会社"]

LINK_RE = re.compile(r"""\s(href|hx-get)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def _links(body: str) -> list[tuple[str, bool]]:
    """Same-site links of a page as (url, loaded by htmx)."""
    found = []
    for attribute, _quote, raw in LINK_RE.findall(body):
        url = html.unescape(raw).strip()
        if not url.startswith("/") or url.startswith("//"):
            continue
        found.append((url.split("#", 1)[0], attribute.lower() == "hx-get"))
    return found


def _searches() -> list[str]:
    urls = []
    for word in SEARCH_WORDS:
        query = urlencode({"q": word})
        urls += [
            f"/postings/?{query}",
            f"/organisations/?{query}",
            f"/cases/?{query}",
            f"/api/v1/postings?{query}",
            f"/api/v1/organisations?{query}",
            f"/postings/similar/?{urlencode({'title': word, 'body': word})}",
        ]
    return urls


class Scan:
    """What one person saw: foreign markers per URL, and every marker seen at all."""

    def __init__(self, world: canaries.World) -> None:
        self.world = world
        self.leaks: list[str] = []
        self.seen: set[str] = set()  # marker numbers seen by someone entitled
        self.requests = 0
        self.statuses: Counter[int] = Counter()

    def check(self, viewer: canaries.Viewer, where: str, text: str) -> None:
        foreign = self.world.foreign(viewer, text)
        if foreign:
            self.leaks.append(f"{viewer.name} ← {where}: {', '.join(foreign)}")
        self.seen |= self.world.canaries.found(text) - {f.split("-", 1)[0] for f in foreign}


def _response_text(response) -> str:  # type: ignore[no-untyped-def]
    # Exhausting streamed content closes the response (the test client's wrapper does it
    # without closing the database connection, which response.close() would).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{name}: {value}" for name, value in response.items())
    return f"{headers}\n{body.decode('utf-8', 'replace')}"


def _crawl(
    scan: Scan, viewer: canaries.Viewer, seeds: list[str], objects: list[canaries.ObjectUrl]
) -> None:
    client = Client(raise_request_exception=True)
    if viewer.user is not None:
        client.force_login(viewer.user)
    # (url, as htmx, from the object sweep)
    queue: list[tuple[str, bool, bool]] = [(url, False, False) for url in seeds]
    queue += [(item.url, False, True) for item in objects]
    own = {item.url: item.route for item in objects if item.owner in viewer.orgs}
    own_swept: Counter[str] = Counter()
    done: set[tuple[str, bool]] = set()
    variants: defaultdict[str, int] = defaultdict(int)
    per_pattern: Counter[str] = Counter()
    crawled = 0
    while queue:
        url, htmx, swept = queue.pop(0)
        if (url, htmx) in done:
            continue
        path, _, query = url.partition("?")
        if path.startswith(SKIPPED_PREFIXES):
            continue
        # A person's own postings and organisation hold only their own data: the sweep
        # shows a couple per route (the edit forms are the slowest pages of the portal); the
        # rest are reached through the links on the pages, like every other page.
        if swept and url in own:
            if own_swept[own[url]] >= OWN_SAMPLES:
                continue
            own_swept[own[url]] += 1
        done.add((url, htmx))
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, headers=headers)
        scan.requests += 1
        scan.statuses[response.status_code] += 1
        text = _response_text(response)
        scan.check(viewer, f"{url}{' (htmx)' if htmx else ''} [{response.status_code}]", text)
        if not htmx and "HX-Request" in response.get("Vary", ""):
            queue.append((url, True, False))
        location = response.get("Location", "")
        found = [(location, False)] if location.startswith("/") else []
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found += _links(text)
        for link, by_htmx in found:
            link_path, _, link_query = link.partition("?")
            pattern = re.sub(r"\d+", "N", link_path)
            if (link, False) in done or crawled >= MAX_CRAWLED:
                continue
            if link_query and variants[link_path] >= MAX_QUERY_VARIANTS:
                continue
            if per_pattern[pattern] >= MAX_PER_PATTERN:
                continue
            variants[link_path] += bool(link_query)
            per_pattern[pattern] += 1
            crawled += 1
            queue.append((link, False, False))
            if by_htmx:
                queue.append((link, True, False))


def _world(django_capture_on_commit_callbacks) -> canaries.World:  # type: ignore[no-untyped-def]
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        world = canaries.build_world()
    with django_capture_on_commit_callbacks(execute=True):
        canaries.send_digests()
    return world


def test_no_page_partial_export_or_api_answer_shows_a_foreign_marker(
    reference_data, django_capture_on_commit_callbacks
):
    world = _world(django_capture_on_commit_callbacks)
    start, objects, unknown = canaries.get_urls()
    assert unknown == [], (
        "URL patterns with arguments the scan cannot fill in: add them to "
        f"tests/security/canaries.py (_child_kwargs or NOT_SWEPT): {unknown}"
    )
    scan = Scan(world)
    for viewer in world.viewers:
        if viewer.name in PAGE_VIEWERS:
            api = canaries.api_urls() if viewer.name in API_VIEWERS else []
            _crawl(scan, viewer, start + _searches() + api, objects)

    print(
        f"\ncanary scan: {len(world.canaries.labels)} markers, {scan.requests} responses "
        f"({dict(scan.statuses)}) for {len(PAGE_VIEWERS)} people, {len(scan.leaks)} leaks"
    )
    assert scan.leaks == [], "\n".join(scan.leaks)
    assert scan.statuses[500] == 0
    # Not a vacuous pass: each marker reached at least one browsing person entitled to it.
    browsing = [v for v in world.viewers if v.name in PAGE_VIEWERS]
    unseen = {
        label
        for number, label in world.canaries.labels.items()
        if number not in scan.seen
        and any(
            canaries.entitled(v, world.canaries.audiences[number], world.org_prefecture)
            for v in browsing
        )
    }
    # The note of a notification is in its email; the inbox lists the title only.
    expected = NEVER_ON_PAGES | {f"{name}-notification-note" for name in PAGE_VIEWERS} - {
        "anonymous-notification-note"
    }
    assert unseen == expected, (
        f"shown by no page: {sorted(unseen - expected)}; "
        f"shown after all: {sorted(expected - unseen)}"
    )


def test_no_email_carries_a_foreign_marker(reference_data, django_capture_on_commit_callbacks):
    world = _world(django_capture_on_commit_callbacks)
    assert len(mail.outbox) > 20  # the story sends plenty: requests, decisions, messages…
    scan = Scan(world)
    strangers = []
    for message in mail.outbox:
        parts = [message.subject, message.body, *(body for body, _type in message.alternatives)]
        parts += [f"{name}: {value}" for name, value in message.extra_headers.items()]
        text = "\n".join(parts)
        for address in [*message.to, *message.cc, *message.bcc]:
            viewer = world.viewer_by_email(address)
            if viewer is None:
                strangers.append(address)
                continue
            scan.check(viewer, f"email {message.subject!r}", text)
    print(f"\ncanary scan: {len(mail.outbox)} emails, {len(scan.leaks)} leaks")
    assert strangers == []
    assert scan.leaks == [], "\n".join(scan.leaks)
    # Not vacuous: every personal notification reached its recipient by email (in a digest,
    # as the subject: its title); the instant ones with the coordinator's note too (teachers
    # and coordinators get digests by default).
    labels = world.canaries.labels
    titles = {n for n, label in labels.items() if label.endswith("-notification")}
    assert {labels[n] for n in titles - scan.seen} == set()
    instant = ("o1-", "o2-", "o4-", "o5-", "signed-in-")
    notes = {
        n
        for n, label in labels.items()
        if label.endswith("-notification-note") and label.startswith(instant)
    }
    assert {labels[n] for n in notes - scan.seen} == set()
