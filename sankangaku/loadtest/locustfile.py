"""Simulated signed-in people for `manage.py benchmark_load` (run by locust, headless).

Not imported by Django: locust runs this file in its own process (gevent). It reads the plan
written by the command (LOADTEST_PLAN, JSON: people with session keys, ids to pick from) and
writes every request it made to LOADTEST_OUT (JSON lines), from which the command computes the
figures (sankangaku.loadtest.analysis) and checks the acknowledged writes against the database.

Each simulated user is one person of the plan, already signed in: the session cookie was made
by `django.contrib.auth.login` when the data set was built, so no password, email
verification or MFA step is needed. Cookies are sent in a `Cookie` header of our own: with
DEBUG=0 they are `__Host-`/Secure cookies, which a client (rightly) never sends over the plain
HTTP of 127.0.0.1. POSTs carry the CSRF cookie and the matching X-CSRFToken header, as the
site's pages do (htmx sends the header from <body hx-headers>).

Mix: lists, details, htmx partials, searches and writes, in the proportions of the `@task`
weights below.

Pacing: each person keeps a schedule of task starts with random, exponentially distributed
gaps of mean 1 / USER_RATE (`Person.wait_time`), so the thirty together start tasks as one
Poisson stream of 30 × USER_RATE a second, as people working on their own do. Locust's
`constant_throughput` starts each person's tasks at fixed intervals instead: once several
people's requests meet in a slow moment, their responses come back together and they go on
in step for the rest of the run. Measured at 120 req/s offered, 60-s runs interleaved: cut
each person's quarter-second cycle into 10-ms slots, and the busiest slot received 15 to 220
times as many request starts as the quietest (three runs; 1.3 times with random gaps), and
p95 was 202 and 221 ms against 149 and 106 ms with random gaps (a first version that did not
make up lost time), at 13.5–14.5 ms of CPU a request in all four.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import uuid
from typing import Any

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as _plan:
    PLAN: dict[str, Any] = json.load(_plan)
OUT = os.environ.get("LOADTEST_OUT", "loadtest-requests.jsonl")
USER_RATE = float(os.environ.get("LOADTEST_USER_RATE", "5"))
BEHIND_SECONDS = 1.0

SEARCH_WORDS = (
    "観光",
    "防災",
    "子ども",
    "DX",
    "高齢者",
    "農業",
    "移住",
    "環境",
    "地域 連携",
    "観光 DX",
    "見守り",
    "教育",
)
DIRECTIONS = ("issue", "strength")
KINDS = ("company", "municipality", "school")
REGIONS = ("hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku", "shikoku", "kyushu")
FRIENDLY_503 = '<p class="code" aria-hidden="true">503</p>'
LANG_RE = re.compile(r'<html lang="([a-z-]+)"')

_records: list[dict[str, Any]] = []
_writes: list[dict[str, Any]] = []
_lock = threading.Lock()
_next_person = iter(range(10**9))


def _classify(response: Any, exception: Any, context: dict) -> tuple[bool, str]:
    """(ok, error type). A page must answer 200; a write 2xx or 3xx, but never a redirect to
    the sign-in page. 503s are inspected: the friendly page in the person's language?"""
    language = context.get("language", "")
    if exception is not None and response is None:
        return False, f"exception:{type(exception).__name__}"
    status = getattr(response, "status_code", 0) or 0
    if status == 0:
        return False, f"exception:{type(exception).__name__ if exception else 'no response'}"
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        if "/accounts/login" in location:
            return False, "redirect to sign-in"
        if not context.get("write"):
            return False, f"unexpected redirect to {location[:60]}"
    if status < 400:
        return True, ""
    if status == 503:
        text = response.text or ""
        if FRIENDLY_503 in text and "Traceback" not in text:
            match = LANG_RE.search(text)
            same = match is not None and match.group(1) == language
            return False, "503 friendly" + ("" if same else f" (lang {match and match.group(1)})")
        return False, "503 other"
    return False, str(status)


@events.request.add_listener
def _on_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    context: dict | None = None,
    exception: Any = None,
    start_time: float | None = None,
    **kwargs: Any,
) -> None:
    context = context or {}
    ok, error = _classify(response, exception, context)
    record = {
        "t": round(start_time if start_time is not None else time.time(), 4),
        "ms": round(response_time, 2),
        "name": name,
        "group": name.split(":", 1)[0],
        "method": request_type,
        "status": getattr(response, "status_code", 0) or 0,
        "ok": ok,
        "error": error,
        "bytes": response_length,
    }
    with _lock:
        _records.append(record)
        if "write" in context:
            _writes.append({**context["write"], "status": record["status"], "ok": ok})


@events.quitting.add_listener
def _dump(environment: Any, **kwargs: Any) -> None:
    with _lock, open(OUT, "w", encoding="utf-8") as out:
        for record in _records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        for write in _writes:
            out.write(json.dumps({"write": write}, ensure_ascii=False) + "\n")


class Person(FastHttpUser):
    """One signed-in person of one load organisation.

    FastHttpUser (geventhttpclient), the lighter of locust's clients: the load generator
    shares the two CPUs with the server (measured: ≈ 0.9 ms of CPU a request).
    """

    def wait_time(self) -> float:
        """Seconds to wait before the next task. Each person keeps a schedule of task starts
        with exponential gaps of mean 1 / USER_RATE, so the thirty together start tasks as a
        Poisson stream of 30 × USER_RATE a second. A person whose last task overran the
        schedule starts the next at once, but never makes up more than BEHIND_SECONDS: after
        a stall (a database restart) they go on at the usual rate, not in a flood."""
        if USER_RATE <= 0:
            return 0.0
        now = time.monotonic()
        self.next_start = max(self.next_start, now - BEHIND_SECONDS)
        self.next_start += self.pacing.expovariate(USER_RATE)
        return max(0.0, self.next_start - now)

    def on_start(self) -> None:
        people = PLAN["users"]
        self.person = people[next(_next_person) % len(people)]
        self.rng = random.Random(self.person["id"])
        # Its own stream, so that the pacing does not shift which pages a person asks for.
        self.pacing = random.Random(f"pacing-{self.person['id']}")
        self.next_start = time.monotonic()
        self.language = self.person["language"]
        self.cookie = (
            f"{PLAN['session_cookie']}={self.person['session']}; "
            f"{PLAN['csrf_cookie']}={self.person['csrf']}"
        )
        self.unread = list(self.person["unread"])
        self.rng.shuffle(self.unread)
        self.edits = 0

    # -- plumbing -------------------------------------------------------------------------------

    def _headers(self, *, htmx: bool = False, post: bool = False) -> dict[str, str]:
        headers = {
            "Cookie": self.cookie,
            "Accept-Language": "en-GB,en;q=0.9" if self.language == "en" else "ja,en;q=0.7",
        }
        if htmx:
            headers["HX-Request"] = "true"
        if post:
            headers["X-CSRFToken"] = self.person["csrf"]
        return headers

    def _get(self, name: str, path: str, *, htmx: bool = False, **params: Any) -> Any:
        response = self.client.get(
            path,
            params=params or None,
            headers=self._headers(htmx=htmx),
            name=name,
            allow_redirects=False,
            context={"language": self.language},
        )
        self.client.cookiejar.clear()
        return response

    def _post(
        self, name: str, path: str, data: dict[str, Any], *, write: dict, htmx: bool = False
    ) -> Any:
        write = {**write, "user": self.person["id"], "t": time.time()}
        response = self.client.post(
            path,
            data=data,
            headers=self._headers(htmx=htmx, post=True),
            name=name,
            allow_redirects=False,
            context={"language": self.language, "write": write},
        )
        self.client.cookiejar.clear()
        return response

    def _token(self) -> str:
        return f"lt-{uuid.uuid4().hex[:16]}"

    # -- lists -------------------------------------------------------------------------------

    @task(4)
    def posting_list(self) -> None:
        self._get("list:postings", "/postings/", page=self.rng.randint(1, 5), sort="newest")

    @task(5)
    def organisation_list(self) -> None:
        self._get(
            "list:organisations",
            "/organisations/",
            kind=self.rng.choice(KINDS),
            page=self.rng.randint(1, 2),
        )

    @task(5)
    def inbox(self) -> None:
        if self.rng.random() < 0.3:
            self._get("list:inbox", "/notifications/", show="unread")
        else:
            self._get("list:inbox", "/notifications/")

    @task(3)
    def my_postings(self) -> None:
        self._get("list:my-postings", "/postings/mine/")

    @task(4)
    def dashboard(self) -> None:
        self._get("list:dashboard", "/dashboard/")

    # -- details -----------------------------------------------------------------------------

    @task(12)
    def posting_detail(self) -> None:
        pool = PLAN["load_postings"] if self.rng.random() < 0.4 else PLAN["postings"]
        self._get("detail:posting", f"/postings/{self.rng.choice(pool)}/")

    @task(6)
    def organisation_detail(self) -> None:
        organisation = (
            self.person["organisation"]
            if self.rng.random() < 0.3
            else self.rng.choice(PLAN["organisations"])
        )
        self._get("detail:organisation", f"/organisations/{organisation}/")

    @task(5)
    def project_detail(self) -> None:
        if self.person["projects"]:
            self._get("detail:project", f"/projects/{self.rng.choice(self.person['projects'])}/")

    # -- searches ------------------------------------------------------------------------------

    @task(10)
    def posting_search(self) -> None:
        """Text and two filters, as on the search page."""
        filters = {
            "direction": lambda: self.rng.choice(DIRECTIONS),
            "kind": lambda: self.rng.choice(KINDS),
            "region": lambda: self.rng.choice(REGIONS),
            "prefecture": lambda: self.rng.choice(PLAN["prefectures"]),
            "theme": lambda: self.rng.choice(PLAN["themes"]),
        }
        chosen = self.rng.sample(list(filters), 2)
        params = {name: filters[name]() for name in chosen}
        self._get("search:postings", "/postings/", q=self.rng.choice(SEARCH_WORDS), **params)

    @task(4)
    def posting_search_htmx(self) -> None:
        """Typing in the search box: htmx swaps #posting-results."""
        self._get(
            "search:postings-htmx",
            "/postings/",
            htmx=True,
            q=self.rng.choice(SEARCH_WORDS),
            direction=self.rng.choice(DIRECTIONS),
        )

    # -- htmx partials -----------------------------------------------------------------------

    @task(14)
    def badge(self) -> None:
        """The notification badge polls on every page."""
        self._get("htmx:badge", "/notifications/badge/", htmx=True)

    @task(5)
    def similar(self) -> None:
        """Suggestions while writing a posting."""
        self._get(
            "htmx:similar-postings",
            "/postings/similar/",
            htmx=True,
            title=f"{self.rng.choice(SEARCH_WORDS)}の取り組みについて",
            body="地域の課題を一緒に解決してくれるパートナーを探しています。",
        )

    @task(6)
    def message_thread(self) -> None:
        if self.person["projects"]:
            project = self.rng.choice(self.person["projects"])
            self._get("htmx:message-thread", f"/projects/{project}/messages/", htmx=True)

    @task(3)
    def organisation_results(self) -> None:
        self._get(
            "htmx:organisation-results",
            "/organisations/",
            htmx=True,
            kind=self.rng.choice(KINDS),
        )

    # -- writes --------------------------------------------------------------------------------

    @task(3)
    def send_message(self) -> None:
        if not self.person["projects"]:
            return
        project = self.rng.choice(self.person["projects"])
        token = self._token()
        self._post(
            "write:message",
            f"/projects/{project}/messages/",
            {"body": f"進捗を共有します。次回の打ち合わせで確認しましょう。[{token}]"},
            write={"kind": "message", "token": token, "project": project},
            htmx=True,
        )

    @task(2)
    def create_draft(self) -> None:
        token = self._token()
        data = self._posting_data(
            title=f"地域の見守りを一緒に考えたい {token}",
            body="高齢者の見守り体制を地域で強化したいと考えています。",
        )
        data["direction"] = "issue"
        response = self._post(
            "write:create-draft",
            "/postings/new/",
            data,
            write={"kind": "create-draft", "token": token},
        )
        location = response.headers.get("Location", "") if response is not None else ""
        if response is not None and response.status_code == 302 and location.startswith("/"):
            self._get("detail:posting", location)

    @task(2)
    def edit_draft(self) -> None:
        if not self.person["drafts"]:
            return
        posting = self.rng.choice(self.person["drafts"])
        token = self._token()
        self.edits += 1
        self._post(
            "write:edit-draft",
            f"/postings/{posting}/edit/",
            self._posting_data(
                title=f"空き家の活用策を募集します（改訂{self.edits}）",
                body=f"空き家を活用した移住体験住宅を整備したいと考えています。[{token}]",
            ),
            write={"kind": "edit-draft", "token": token, "posting": posting},
        )

    @task(3)
    def mark_read(self) -> None:
        if not self.unread:
            return
        notification = self.unread.pop()
        self._post(
            "write:mark-read",
            f"/notifications/{notification}/read/",
            {},
            write={"kind": "mark-read", "notification": notification},
            htmx=True,
        )

    def _posting_data(self, *, title: str, body: str) -> dict[str, str]:
        # The same fields sankangaku.loadtest.dataset.posting_form_data checks against the form.
        data = {
            "title": title,
            "body": body,
            "place_scope": "nationwide",
            "funding_route": "undecided",
            "visibility": "public",
        }
        if self.person["kind"] == "municipality":
            data["budget_status"] = ""
        return data
