"""The inbox, preferences and the no-login unsubscribe page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sankangaku.security import log_access_denied

from . import services
from .forms import PreferencesForm
from .kinds import Kind
from .models import Notification
from .preferences import channels_for
from .rendering import subject_for

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("show") == "unread"
    items = Notification.objects.filter(recipient=request.user)
    if only_unread:
        items = items.filter(read_at__isnull=True)
    page = Paginator(
        items.only("pk", "kind", "payload", "url", "read_at", "created_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for item in page:
        item.title = subject_for(item)
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "only_unread": only_unread},
    )


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_badge.html")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=item.pk)
    if request.htmx:
        item.refresh_from_db(fields=["read_at"])
        item.title = subject_for(item)
        response = render(request, "notifications/_item.html", {"item": item})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
@require_GET
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: mark it read and go to what it is about."""
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=item.pk)
    target = item.url or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = "/"
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=channels_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, channels=form.channels())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Works without signing in: the signed token names the person and the one kind.

    GET only shows a button (mail scanners follow links); the POST, from that button or from
    a mail client's one-click unsubscribe (RFC 8058, which sends no CSRF token, hence the
    exemption), switches that kind's email off. The token is the credential, and the
    worst a forged POST could do is stop one kind of email for its own holder.
    """
    decoded = services.unsubscribe_read(token)
    user = None
    if decoded:
        user = get_user_model().objects.filter(pk=decoded[0], is_active=True).first()
    if user is None:
        # A forged or stale link: refused like any other credential that does not check out.
        log_access_denied(request, outcome="invalid_token", status=400)
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        services.unsubscribe(user_id=user.pk, kind=decoded[1])
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": Kind(decoded[1]).label, "done": done},
    )
