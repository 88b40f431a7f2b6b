"""Organisation pages: directory, profiles, editing, people, verification. Views stay thin:
access.py decides who may do what, services.py writes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sankangaku.accounts.models import User
from sankangaku.accounts.views import safe_next_url

from .. import access, cards, selectors, services, uploads
from ..access import Action
from ..forms import (
    FORM_FOR_KIND,
    InvitationForm,
    LogoForm,
    OrganisationFilterForm,
    RoleForm,
    VerificationDecisionForm,
    organisation_form_data,
)
from ..models import (
    Invitation,
    LocalGovernment,
    Membership,
    Organisation,
    OrganisationKind,
    VerificationStatus,
)

PAGE_SIZE = 20


def _service_error_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _add_service_error(form, exc: ValidationError) -> None:  # type: ignore[no-untyped-def]
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Public pages -----------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = selectors.organisation_public_list().aggregate(
        companies=Count("pk", filter=Q(kind=OrganisationKind.COMPANY)),
        municipalities=Count("pk", filter=Q(kind=OrganisationKind.MUNICIPALITY)),
        schools=Count("pk", filter=Q(kind=OrganisationKind.SCHOOL)),
    )
    recent = (
        selectors.organisation_public_list()
        .filter(verification_status=VerificationStatus.VERIFIED)
        .prefetch_related("themes")
        .order_by("-created_at")[:6]
    )
    return render(request, "partners/home.html", {"counts": counts, "recent": recent})


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = selectors.organisation_public_list()
    if form.is_valid():
        organisations = selectors.organisation_filter(
            organisations=organisations, **form.cleaned_data
        )
    page = Paginator(organisations.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "partners/organisation_list.html"
    if request.htmx:
        template += "#organisation-results"
    response = render(
        request,
        template,
        {"form": form, "page_obj": page, "cards": cards.organisation_cards(page.object_list)},
    )
    response["Vary"] = "HX-Request"
    return response


@require_GET
@access.organisation_action(Action.VIEW)
def organisation_detail(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    from projects.selectors import case_study_list_for_organisation  # projects build on us

    capabilities = access.capabilities_for(request.user, organisation)
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "themes": organisation.themes.all(),
            "capabilities": capabilities,
            "can_edit": Action.EDIT_PROFILE in capabilities,
            "can_view_members": Action.VIEW_MEMBERS in capabilities,
            "can_request_verification": Action.REQUEST_VERIFICATION in capabilities,
            "posting_cards": cards.posting_cards_of(
                selectors.posting_public_list_for_organisation(
                    user=request.user, organisation=organisation
                )[:12]
            ),
            "case_studies": case_study_list_for_organisation(organisation=organisation)
            .select_related("prefecture")
            .prefetch_related("photos", "organisations", "sdgs")[:6],
        },
    )


@require_GET
def municipality_options(request: HttpRequest) -> HttpResponse:
    """<option> elements for one prefecture (htmx helper for the organisation forms)."""
    try:
        prefecture = int(request.GET.get("prefecture", ""))
    except ValueError:
        prefecture = 0
    options = LocalGovernment.objects.filter(prefecture_id=prefecture).select_related("prefecture")
    if not request.GET.get("with_prefecture"):
        options = options.exclude(level=LocalGovernment.Level.PREFECTURE)
    return render(request, "partners/_municipality_options.html", {"options": options})


# --- Signed-in pages --------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = selectors.membership_list_for(user=request.user)
    invitations = selectors.invitation_list_for(user=request.user)
    return render(
        request,
        "partners/dashboard.html",
        {
            "memberships": memberships,
            "invitations": invitations,
            "is_coordinator": access.is_coordinator(request.user),
        },
    )


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = 0
    if any(m.organisation_id == wanted for m in selectors.membership_list_for(user=request.user)):
        request.session[selectors.CURRENT_ORGANISATION_SESSION_KEY] = wanted
    return HttpResponseRedirect(safe_next_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in OrganisationKind.values:
        return render(
            request, "partners/organisation_create.html", {"kinds": OrganisationKind.choices}
        )
    form_class = FORM_FOR_KIND[kind]
    refresh = "refresh" in request.POST  # no-JS "Show municipalities" button
    form = form_class(request.POST or None)
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            organisation = services.organisation_create(
                user=request.user,
                kind=kind,
                data=organisation_form_data(form),
                themes=list(form.cleaned_data.get("themes") or []),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            request.session[selectors.CURRENT_ORGANISATION_SESSION_KEY] = organisation.pk
            if organisation.is_verified:
                messages.success(request, _("Your organisation is registered and verified."))
            else:
                messages.success(
                    request,
                    _(
                        "Your organisation is registered. Ask a coordinator to verify it before "
                        "you publish."
                    ),
                )
            return redirect(organisation)
    return render(
        request,
        "partners/organisation_form.html",
        {"form": form, "kind": kind, "kind_label": OrganisationKind(kind).label, "is_create": True},
    )


@require_http_methods(["GET", "POST"])
@access.organisation_action(Action.EDIT_PROFILE)
def organisation_edit(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form_class = FORM_FOR_KIND[organisation.kind]
    refresh = "refresh" in request.POST
    form = form_class(request.POST or None, instance=organisation)
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                actor=request.user,
                data=organisation_form_data(form),
                themes=list(form.cleaned_data.get("themes") or []),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect(organisation)
    # A failed POST leaves unsaved values on the instance; show the stored name in headings.
    organisation.refresh_from_db(fields=["name"])
    return render(
        request,
        "partners/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "kind": organisation.kind,
            "kind_label": organisation.get_kind_display(),
            "is_create": False,
        },
    )


@csrf_exempt  # CSRF is checked below, after the size limit is in place (see uploads.py)
@require_http_methods(["GET", "POST"])
@access.organisation_action(Action.EDIT_PROFILE)
def organisation_logo(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """Upload or remove the logo. An oversized body is refused before it is read: by its
    Content-Length, or by the upload handler while streaming."""
    limiter = None
    too_large = False
    if request.method == "POST":
        too_large = uploads.request_body_too_large(request, settings.LOGO_MAX_BYTES)
        if not too_large:
            limiter = uploads.install_size_limit(request, settings.LOGO_MAX_BYTES)
    if too_large:
        # Nothing is read or changed, so there is nothing for CSRF to protect here.
        return render(
            request,
            "partners/organisation_logo.html",
            {
                "form": LogoForm(),
                "organisation": organisation,
                "upload_errors": uploads.too_large_error(settings.LOGO_MAX_BYTES).messages,
            },
        )
    return _organisation_logo(request, organisation=organisation, limiter=limiter)


@csrf_protect
def _organisation_logo(
    request: HttpRequest,
    *,
    organisation: Organisation,
    limiter: uploads.SizeLimitUploadHandler | None,
) -> HttpResponse:
    form = LogoForm()
    upload_errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("remove"):
            services.organisation_remove_logo(organisation=organisation, actor=request.user)
            messages.success(request, _("The logo was removed."))
            return redirect(organisation)
        form = LogoForm(request.POST, request.FILES)
        if limiter is not None and limiter.exceeded:
            form = LogoForm()
            upload_errors = uploads.too_large_error(settings.LOGO_MAX_BYTES).messages
        elif form.is_valid():
            try:
                image = uploads.process_image(
                    form.cleaned_data["logo"],
                    max_bytes=settings.LOGO_MAX_BYTES,
                    max_pixels=settings.LOGO_MAX_PIXELS,
                )
            except ValidationError as exc:
                form.add_error("logo", exc)
            else:
                services.organisation_set_logo(
                    organisation=organisation, actor=request.user, image=image
                )
                messages.success(request, _("The logo was updated."))
                return redirect(organisation)
    return render(
        request,
        "partners/organisation_logo.html",
        {"form": form, "organisation": organisation, "upload_errors": upload_errors},
    )


@require_POST
@access.organisation_action(Action.REQUEST_VERIFICATION)
def organisation_request_verification(
    request: HttpRequest, organisation: Organisation
) -> HttpResponse:
    organisation = services.organisation_request_verification(
        organisation=organisation, actor=request.user
    )
    if organisation.is_verified:
        messages.success(request, _("Your organisation was verified from your email address."))
    else:
        messages.success(request, _("A coordinator will review your organisation soon."))
    return redirect(organisation)


# --- People -----------------------------------------------------------------------------


def _members_context(
    request: HttpRequest, organisation: Organisation, invite_form: InvitationForm | None = None
) -> dict[str, object]:
    capabilities = access.capabilities_for(request.user, organisation)
    can_manage = Action.MANAGE_MEMBERS in capabilities
    return {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").order_by(
            "-role", "user__display_name"
        ),
        "invitations": (
            organisation.invitations.filter(status=Invitation.Status.PENDING).select_related(
                "invited_by"
            )
            if can_manage
            else []
        ),
        "can_manage": can_manage,
        "my_membership": access.membership_for(request.user, organisation),
        "invite_form": invite_form or InvitationForm(),
        "role_choices": RoleForm.base_fields["role"].choices,
    }


@require_GET
@access.organisation_action(Action.VIEW_MEMBERS)
def organisation_members(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return render(
        request, "partners/organisation_members.html", _members_context(request, organisation)
    )


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def invitation_create(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("partners:members", pk=organisation.pk)
    return render(
        request,
        "partners/organisation_members.html",
        _members_context(request, organisation, invite_form=form),
    )


def _invitation_of(organisation: Organisation, invitation_pk: int) -> Invitation:
    return get_object_or_404(organisation.invitations, pk=invitation_pk)


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def invitation_resend(
    request: HttpRequest, organisation: Organisation, invitation_pk: int
) -> HttpResponse:
    invitation = _invitation_of(organisation, invitation_pk)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(request, _("The invitation was sent again."))
    return redirect("partners:members", pk=organisation.pk)


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def invitation_revoke(
    request: HttpRequest, organisation: Organisation, invitation_pk: int
) -> HttpResponse:
    invitation = _invitation_of(organisation, invitation_pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("partners:members", pk=organisation.pk)


def _membership_of(organisation: Organisation, membership_pk: int) -> Membership:
    return get_object_or_404(organisation.memberships.select_related("user"), pk=membership_pk)


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def membership_role(
    request: HttpRequest, organisation: Organisation, membership_pk: int
) -> HttpResponse:
    membership = _membership_of(organisation, membership_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            messages.error(request, _service_error_message(exc))
        else:
            messages.success(request, _("The role was changed."))
    return redirect("partners:members", pk=organisation.pk)


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def membership_remove(
    request: HttpRequest, organisation: Organisation, membership_pk: int
) -> HttpResponse:
    membership = _membership_of(organisation, membership_pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": membership.user})
    if membership.user_id == request.user.pk:
        return redirect("partners:dashboard")
    return redirect("partners:members", pk=organisation.pk)


@require_POST
@access.organisation_action(Action.MANAGE_MEMBERS)
def membership_transfer_admin(
    request: HttpRequest, organisation: Organisation, membership_pk: int
) -> HttpResponse:
    membership = _membership_of(organisation, membership_pk)
    try:
        services.membership_transfer_admin(
            organisation=organisation, actor=request.user, to=membership
        )
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(
            request, _("%(name)s is now the administrator.") % {"name": membership.user}
        )
    return redirect("partners:members", pk=organisation.pk)


@require_POST
@access.organisation_action(Action.LEAVE)
def membership_leave(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    membership = access.membership_for(request.user, organisation)
    if membership is None:  # pragma: no cover - LEAVE implies membership
        raise Http404
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
        return redirect("partners:members", pk=organisation.pk)
    messages.success(request, _("You left %(name)s.") % {"name": organisation.name})
    return redirect("partners:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                services.invitation_accept(invitation=invitation, user=user)
                request.session[selectors.CURRENT_ORGANISATION_SESSION_KEY] = (
                    invitation.organisation_id
                )
                messages.success(
                    request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name}
                )
                return redirect(invitation.organisation)
            services.invitation_decline(invitation=invitation, user=user)
            messages.info(request, _("You declined the invitation."))
            return redirect("partners:dashboard")
        except ValidationError as exc:
            error = _service_error_message(exc)
    return render(
        request, "partners/invitation_respond.html", {"invitation": invitation, "error": error}
    )


# --- Coordinators -----------------------------------------------------------------------


@require_GET
@access.coordinator_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    organisations = selectors.verification_queue_for(user=request.user)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/verification_queue.html",
        {"page_obj": page, "decision_form": VerificationDecisionForm()},
    )


@require_POST
@access.organisation_action(Action.VERIFY)
def verification_decide(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = VerificationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to verify or refuse."))
        return redirect("partners:verification_queue")
    try:
        decided = services.organisation_decide_verification(
            organisation=organisation,
            coordinator=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
        return redirect("partners:verification_queue")
    if not decided:
        messages.info(
            request,
            _("%(name)s was already decided by another coordinator.") % {"name": organisation.name},
        )
    elif organisation.is_verified:
        messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    else:
        messages.success(
            request, _("Verification of %(name)s was refused.") % {"name": organisation.name}
        )
    return redirect("partners:verification_queue")
