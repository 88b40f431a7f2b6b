from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import ProfileForm


def safe_next_url(request: HttpRequest) -> str:
    """The POSTed `next` (or the referer) when it points at this site, else "/"."""
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; stored on the user when signed in, else in a cookie."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next_url(request))
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=60 * 60 * 24 * 365,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=not settings.DEBUG,
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        translation.activate(request.user.preferred_language)
        messages.success(request, _("Your settings were saved."))
        return HttpResponseRedirect(request.path)
    return render(request, "accounts/user_profile.html", {"form": form})
