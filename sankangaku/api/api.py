"""The NinjaAPI of version 1: schema at /api/v1/openapi.json, docs at /api/v1/docs.

The docs page is ninja's Swagger UI rendered from ninja's own static files ("ninja" is in
INSTALLED_APPS; without it ninja would load Swagger UI from a CDN). Swagger UI's online
validator badge would fetch validator.swagger.io, so it is switched off.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled
from ninja.renderers import JSONRenderer

from sankangaku.security import log_access_denied

from .throttling import ClientRateThrottle
from .views import router


class Utf8JSONRenderer(JSONRenderer):
    """Japanese as UTF-8, not \\u escapes: readable, and about half the bytes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Sankangaku open API",
    version="1",
    description=(
        "Read-only open data of the Sankangaku portal: organisations, open public postings "
        "(issues and strengths), published case studies, themes, prefectures and "
        "municipalities. No sign-in; rate-limited per client; conditional GET (ETag, "
        "Last-Modified). Japanese first: names are given in Japanese, and in English where "
        "the portal has both."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings={"validatorUrl": "none"}),
    # Swagger UI sets style attributes from its scripts; only this page relaxes style-src.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE]}),
    throttle=[ClientRateThrottle()],
    renderer=Utf8JSONRenderer(),
)
api.add_router("/", router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Ninja answers the 404 itself, so the security middleware never sees the exception:
    # log the refusal here like every other one (a draft or unpublished object asked for).
    log_access_denied(request, outcome="not_found", status=404)
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Too many requests. Please wait a moment and try again.")},
        status=429,
    )
