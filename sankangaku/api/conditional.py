"""Validators for conditional GET on API responses: ETag and Last-Modified, and 304s.

The ETag is a hash of the body (django.utils.cache.set_response_etag), so it changes exactly
when the response does, whatever changed it (a posting closed, an organisation renamed, a
theme relabelled, a row removed from a list).

Last-Modified cannot be read off the rows: a list whose item was closed or deleted changed
although no row shown in it is newer. So it is the time this URL first returned the body it
returns now: the cache keeps (etag, since) per URL, and a different body starts a new
"since". When the cache is unavailable, or has forgotten the URL, Last-Modified is now: an
If-Modified-Since request then gets a full answer, never a wrong 304.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date

# How long the cache remembers when a URL's body first appeared.
SINCE_TIMEOUT = 60 * 60 * 24
# Shared caches and browsers may reuse an answer this long before revalidating it.
MAX_AGE = 60


def _first_seen(request: HttpRequest, etag: str) -> float:
    key = "api:since:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    now = float(int(time.time()))  # HTTP dates have whole seconds
    stored = cache.get(key)
    if not (isinstance(stored, tuple) and len(stored) == 2):
        stored = None
    if stored is not None and stored[0] == etag:
        return float(stored[1])
    since = now
    if stored is not None:
        # A body that replaces one first seen in this same second must still be newer, or an
        # If-Modified-Since of that second would get a stale 304. At most one second ahead.
        since = min(max(now, float(stored[1]) + 1), now + 1)
    cache.set(key, (etag, since), SINCE_TIMEOUT)
    return since


def conditional(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps a ninja operation's run (via ninja.decorators.decorate_view): sets ETag,
    Last-Modified and Cache-Control on 200 answers, and answers 304 Not Modified when the
    request's If-None-Match (or, without it, If-Modified-Since) still holds."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        set_response_etag(response)
        last_modified = _first_seen(request, response["ETag"])
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(last_modified), response=response
        )

    return wrapped
