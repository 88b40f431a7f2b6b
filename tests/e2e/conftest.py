"""Browser journeys (STYLE.md rule 22): Playwright for Python driving Debian's chromium.

Without the browser the journeys are skipped, unless SANKANGAKU_REQUIRE_BROWSER=1 (set in CI),
where a missing browser fails the run instead of silently passing it.
"""

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without these flags chromium keeps trying to reach Google's services, which the closed
# network refuses (and which would show up as foreign requests in the journeys).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_BROWSER = "Browser tests need Debian's chromium (apt-get install chromium)"

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be there before tests/conftest.py sorts the journeys last.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


def _browser_unavailable(reason: str) -> None:
    if os.environ.get("SANKANGAKU_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{MISSING_BROWSER}, and SANKANGAKU_REQUIRE_BROWSER=1 forbids skipping: {reason}.",
            pytrace=False,
        )
    pytest.skip(f"{MISSING_BROWSER}; skipped: {reason}.")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("the playwright package is not installed")
    if not CHROMIUM.exists():
        _browser_unavailable(f"{CHROMIUM} is missing")

    # Playwright's sync API keeps an asyncio event loop running in the test thread, so
    # Django's async-safety check would refuse the test's ORM calls. They are still plain
    # synchronous calls; the live server answers requests in its own thread.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh context (cookies, storage) per test, in Japanese at a desktop size."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Every journey doubles as a CSP check: a blocked script, style or eval is reported by
    # chromium on the console, and fails the journey at teardown.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    yield page
    context.close()
    assert violations == [], "CSP violations or script errors in the browser"


class Traffic:
    """Every request the page makes and every error answer it gets, for the journeys'
    "nothing leaves the portal, nothing is broken" checks."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def is_local(self, url: str) -> bool:
        return url.startswith((f"{self.origin}/", "data:", "blob:")) or url == self.origin

    def foreign(self) -> list[str]:
        return [url for url in self.requests if not self.is_local(url)]

    def on_request(self, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)

    def on_response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request) -> None:  # type: ignore[no-untyped-def]
        self.failed.append(f"{request.method} {request.url}: {request.failure}")


class HtmxQuiet:
    """Watches a page's htmx requests, so a journey can wait until none is in flight or
    about to start before it navigates: leaving a page aborts its pending requests, which
    the journeys' "nothing failed" checks would (rightly) report."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self._pending: set[Any] = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Any) -> None:
        if request.headers.get("hx-request") == "true":
            self._pending.add(request)

    def _ended(self, request: Any) -> None:
        self._pending.discard(request)

    def settle(self, quiet_ms: int = 700) -> None:
        """Wait until no htmx request has been in flight for `quiet_ms`: longer than a
        search box's debounce, whose request starts only after the typing stops."""
        quiet = 0
        while quiet < quiet_ms:
            self.page.wait_for_timeout(100)
            quiet = 0 if self._pending else quiet + 100


@pytest.fixture
def traffic(page, live_server) -> Traffic:
    """Records the page's traffic from now on (attach before the first navigation)."""
    recorder = Traffic(live_server.url)
    page.on("request", recorder.on_request)
    page.on("response", recorder.on_response)
    page.on("requestfailed", recorder.on_request_failed)
    return recorder
