"""A lost database connection answers with a friendly 503, not a traceback or a bare 500.

When PostgreSQL restarts (or is briefly unreachable), every request that touches it raises
`django.db.OperationalError` or `InterfaceError`. `CONN_HEALTH_CHECKS` lets the next request
reconnect by itself; this middleware covers the gap in between: the visitor gets the site's
own "temporarily unavailable" page (templates/503.html) in their language, with
`Retry-After`, `Cache-Control: no-store` and no technical details.

Database errors surface in two places, and both are handled:

- in a view: `process_exception` answers at once (the inner middleware still add their
  headers on the way out);
- anywhere else (the session, `request.user` read by a middleware): Django turns the
  exception into a 500 inside the middleware that raised it, so it never reaches us as an
  exception. The `got_request_exception` signal, sent while the exception is being handled,
  marks the request, and `__call__` swaps that 500 for the 503, keeping the security headers
  the other middleware put on it;
- saving a changed session on the way out: Django's session store turns the database error
  into `UpdateError`, SessionMiddleware into `SessionInterrupted`, a 400 "Bad Request" (no
  signal). A 400 while a database connection recorded an error (`errors_occurred`, set by
  Django on every database error) is swapped for the 503 the same way.

The page is rendered without a request context: context processors would query the
database that is down. The language is the one already active (the user's stored language
if it was read before the failure, else the language cookie or Accept-Language).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("sankangaku.resilience")

DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# A restart of PostgreSQL takes a few seconds; the next request after it reconnects.
RETRY_AFTER_SECONDS = 5
TEMPLATE = "503.html"
_FLAG = "_sankangaku_database_unavailable"
# Headers of the original 500 that describe the response itself, not the site's policy.
_NOT_COPIED = {"content-type", "content-length", "set-cookie", "cache-control", "expires"}


def is_database_unavailable(exception: BaseException | None) -> bool:
    """True if `exception`, or one it was raised from, is a connection-level database error."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, DATABASE_ERRORS):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def service_unavailable_response() -> HttpResponse:
    """The friendly 503 in the active language; renders without touching the database."""
    response = HttpResponse(
        render_to_string(TEMPLATE, {"retry_after": RETRY_AFTER_SECONDS}),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = translation.get_language() or ""
    add_never_cache_headers(response)
    return response


def _database_errors_occurred() -> bool:
    return any(c.errors_occurred for c in connections.all(initialized_only=True))


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception receiver: runs inside Django's `except` block."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _FLAG, True)


class DatabaseUnavailableMiddleware:
    """Put it near the top of MIDDLEWARE (after RequestIDMiddleware), so it also sees the
    500s that inner middleware produced from database errors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(
            _mark_request, weak=False, dispatch_uid="sankangaku.resilience.mark_request"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 500 and getattr(request, _FLAG, False)) or (
            response.status_code == 400 and _database_errors_occurred()
        ):
            replacement = service_unavailable_response()
            for header, value in response.items():
                if header.lower() not in _NOT_COPIED and header not in replacement:
                    replacement[header] = value
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        # One line, no traceback: this is an outage to notice, not a bug to debug.
        logger.warning(
            "database unavailable: %s %s: %s",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            extra={"request_id": getattr(request, "request_id", None)},
        )
        return service_unavailable_response()
