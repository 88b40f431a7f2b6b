"""The page frame's fixed links, reversed once per process (templates/base.html and the
notification badge).

Every full page's header and footer link to the same dozen places, and `{% url %}` reversed
each of them on every page: ≈ 2 % of the CPU of `benchmark_load`'s mix (py-spy, in-process
replay). They depend only on the URLconf, the script prefix and (were the URLs ever
translated) the language, so they are reversed once for each combination and shared.
Templates read them as `{{ site_urls.<key> }}`; links that carry arguments stay `{% url %}`.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

SITE_URL_NAMES = {
    "home": "partners:home",
    "postings": "partners:posting_list",
    "organisations": "partners:list",
    "dashboard": "partners:dashboard",
    "projects": "projects:list",
    "switch_organisation": "partners:switch",
    "profile": "accounts:profile",
    "login": "account_login",
    "logout": "account_logout",
    "signup": "account_signup",
    "set_language": "language_set",
    "inbox": "notifications:inbox",
    "badge": "notifications:badge",
    "admin": "admin:index",
}


@lru_cache(maxsize=32)
def _site_urls(urlconf: str, prefix: str, language: str | None) -> dict[str, str]:
    # reverse() reads the prefix and the language itself; they are arguments only to key
    # the cache.
    return {key: reverse(name, urlconf=urlconf) for key, name in SITE_URL_NAMES.items()}


def site_urls(request: HttpRequest) -> dict[str, dict[str, str]]:
    """Context processor: `site_urls`, the frame's links by key (SITE_URL_NAMES)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return {"site_urls": _site_urls(urlconf, get_script_prefix(), translation.get_language())}
