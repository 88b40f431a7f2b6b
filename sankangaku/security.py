"""Cross-cutting HTTP security: request ids, response headers, and logged access denials.

The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY); this
module only hands its nonce to templates under the name django-htmx (and Django 6) read.
"""

import logging
import re
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("sankangaku.security")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is echoed only when it is short and plain, so it cannot smuggle anything
# into logs or headers; otherwise a fresh one is made.
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    """Template context: `csp_nonce`, the name `{% htmx_script %}` passes on as nonce=…

    The value stays lazy: a page that never prints it sends no nonce in its header.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": nonce} if nonce is not None else {}


class RequestIDMiddleware:
    """Give every request an id (the proxy's X-Request-ID, or a new one) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _organisation_id(request: HttpRequest) -> int | None:
    # The organisation the user acts for, as the session records it; no query on the way
    # to an error page.
    from partners.selectors import CURRENT_ORGANISATION_SESSION_KEY

    session = getattr(request, "session", None)
    return session.get(CURRENT_ORGANISATION_SESSION_KEY) if session is not None else None


def log_access_denied(request: HttpRequest, *, outcome: str, status: int) -> None:
    """One structured record per refused request (logger "sankangaku.security").

    Fields go into `extra` so a JSON formatter can ship them as they are; the message
    repeats them for the plain console format. No query strings, bodies or cookies.
    """
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    fields = {
        "event": "access_denied",
        "outcome": outcome,
        "status": status,
        "user_id": user_id,
        "organisation_id": _organisation_id(request),
        "method": request.method,
        "path": request.path,
        "request_id": getattr(request, "request_id", None),
    }
    logger.warning(
        "access denied: %(outcome)s %(status)s %(method)s %(path)s user=%(user_id)s "
        "organisation=%(organisation_id)s request_id=%(request_id)s",
        fields,
        extra=fields,
    )


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set, `no-store` for signed-in users, and
    a log record for every authorization denial a view raises.

    Public pages keep whatever caching their views chose; anything shown to a signed-in
    user must not stay in a shared or back/forward cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        # A 403 a view returns (rather than raises) is logged here, CSRF failures included.
        if response.status_code == 403 and not getattr(request, "_denial_logged", False):
            log_access_denied(request, outcome="forbidden", status=403)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Outsiders get 404 and members without the capability 403 (partners/access.py);
        # both are logged here, and Django then renders the usual error page.
        if isinstance(exception, PermissionDenied):
            log_access_denied(request, outcome="permission_denied", status=403)
            request._denial_logged = True
        elif isinstance(exception, Http404):
            log_access_denied(request, outcome="not_found", status=404)
