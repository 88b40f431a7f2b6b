"""Security headers on every page: each GET-able URL pattern without parameters, and a sample
of detail pages, anonymous and signed in (QUALITY.md, Security).

Patterns are enumerated from the URL resolver, so a new page is covered the day it is added.
Patterns with parameters are requested only when SAMPLES says how to fill them; the rest are
listed in NOT_SAMPLED (each needs a project, proposal or token built by its own tests).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

pytestmark = pytest.mark.django_db

NONCE_RE = re.compile(r'<script[^>]*\snonce="([^"]+)"')
# The one page allowed inline styles (Swagger UI), set by ninja's docs_decorator, which
# ninja also puts on the schema it loads (JSON, where style-src means nothing).
RELAXED_STYLE = {"api-v1:openapi-view", "api-v1:openapi-json"}

# name -> how to fill its parameters from the fixture objects below.
SAMPLES = {
    "partners:detail": lambda o: {"pk": o["company"].pk},
    "partners:edit": lambda o: {"pk": o["company"].pk},
    "partners:members": lambda o: {"pk": o["company"].pk},
    "partners:postings_export": lambda o: {"pk": o["company"].pk},
    "partners:posting_detail": lambda o: {"pk": o["posting"].pk},
    "partners:posting_edit": lambda o: {"pk": o["posting"].pk},
    "partners:call_responses": lambda o: {"pk": o["posting"].pk},
    "partners:invitation": lambda o: {"token": "no-such-token"},
    "api-v1:organisation_detail": lambda o: {"pk": o["company"].pk},
    "api-v1:posting_detail": lambda o: {"pk": o["posting"].pk},
    "api-v1:prefecture_detail": lambda o: {"code": 13},
    "notifications:unsubscribe": lambda o: {"token": "no-such-token"},
    "projects:user_calendar": lambda o: {"token": "no-such-token"},
}
# Requested by their own apps' tests (access matrix, workflows); not sampled here.
NOT_SAMPLED = {
    "matching:proposal",
    "projects:detail",
    "cases:detail",
    "projects:messages",
    "partners:import_detail",
}


def _patterns(patterns=None, prefix="", namespace=None):
    """(route, name, has_parameters) for every named pattern outside the admin's models."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            has_parameters = bool(pattern.pattern.converters) or pattern.pattern.regex.groups > 0
            yield prefix + str(pattern.pattern), name, has_parameters


def _urls(objects) -> list[tuple[str, str]]:
    urls = []
    for route, name, has_parameters in _patterns():
        # The admin's per-model pages are Django's own; its index and login stand for them.
        if route.startswith("admin/") and name not in {"admin:index", "admin:login"}:
            continue
        if not has_parameters:
            urls.append((name, reverse(name)))
        elif name in SAMPLES:
            urls.append((name, reverse(name, kwargs=SAMPLES[name](objects))))
    return urls


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _problems(name: str, response, *, signed_in: bool) -> list[str]:
    problems = []
    header = response.get("Content-Security-Policy")
    if not header:
        return [f"{name}: no Content-Security-Policy ({response.status_code})"]
    csp = _directives(header)
    script_src = csp.get("script-src", [])
    if "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"{name}: unsafe script-src {script_src}")
    if name not in RELAXED_STYLE and "'unsafe-inline'" in csp.get("style-src", []):
        problems.append(f"{name}: unsafe-inline styles")
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        if csp.get(directive) != ["'none'"]:
            problems.append(f"{name}: {directive} is {csp.get(directive)}")
    content_type = response.get("Content-Type", "")
    body = response.content.decode(errors="replace") if content_type.startswith("text/") else ""
    if "<html" in body and name not in RELAXED_STYLE:
        # A full page: its scripts carry the nonce, and the header names the same one.
        nonces = set(NONCE_RE.findall(body))
        if len(nonces) != 1 or f"'nonce-{nonces.pop()}'" not in script_src:
            problems.append(f"{name}: page nonce {NONCE_RE.findall(body)} vs {script_src}")
        if re.search(r"<script(?![^>]*\snonce=)(?![^>]*application/json)[^>]*>", body):
            problems.append(f"{name}: a script without the nonce")
        if re.search(r"<style|\sstyle=\"|\son[a-z]+=\"", body):
            problems.append(f"{name}: inline style or event handler")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{name}: no nosniff")
    if response.get("Referrer-Policy") not in {"same-origin", "strict-origin-when-cross-origin"}:
        problems.append(f"{name}: Referrer-Policy {response.get('Referrer-Policy')}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{name}: X-Frame-Options {response.get('X-Frame-Options')}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"{name}: no Cross-Origin-Opener-Policy")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"{name}: no Permissions-Policy")
    if not response.get("X-Request-ID"):
        problems.append(f"{name}: no X-Request-ID")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{name}: Cache-Control {response.get('Cache-Control')!r} when signed in")
    if response.status_code >= 500:
        problems.append(f"{name}: status {response.status_code}")
    return problems


@pytest.fixture
def objects(personas):
    posting = factories.make_posting(personas.company)
    return {"company": personas.company, "posting": posting}


@pytest.mark.parametrize("persona", ["anonymous", "company_admin", "coordinator"])
def test_every_page_sends_the_security_headers(persona, personas, objects):
    client = Client(raise_request_exception=False)
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    urls = _urls(objects)
    assert len(urls) > 50  # the enumeration found the site
    problems = []
    for name, url in urls:
        problems += _problems(name, client.get(url), signed_in=user is not None)
        if user is not None:
            # Some pages sign out (e.g. a staff check): keep the rest signed in.
            client.force_login(user)
    assert not problems, "\n".join(problems)


def test_sampled_and_listed_patterns_still_exist():
    """A renamed pattern must not silently drop out of the header test above."""
    parameterised = {name for _, name, has in _patterns() if has and not name.startswith("admin:")}
    assert parameterised >= set(SAMPLES) | NOT_SAMPLED


def test_public_pages_stay_cacheable(client):
    response = client.get(reverse("partners:home"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_api_docs_alone_may_use_inline_styles(client):
    response = client.get(reverse("api-v1:openapi-view"))
    csp = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in csp["style-src"]
    assert "'unsafe-inline'" not in csp["script-src"]
    other = _directives(client.get(reverse("partners:home"))["Content-Security-Policy"])
    assert other["style-src"] == ["'self'"]


def test_request_id_is_echoed_or_made(client):
    assert client.get("/", headers={"X-Request-ID": "abc-123-def"})["X-Request-ID"] == (
        "abc-123-def"
    )
    made = client.get("/", headers={"X-Request-ID": "bad id\r\nx"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
