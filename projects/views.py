"""Project pages. Every action goes through partners.access (404 for outsiders, 403 for
parties who may not act) and one service function."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import access
from partners.access import ProjectAction
from partners.models import AuditEvent

from . import calendar, services
from .forms import (
    AgreementForm,
    CancelForm,
    ChecklistForm,
    HandoverForm,
    MilestoneForm,
    SignForm,
)
from .models import AgreementSignoff, Milestone, Project, ProjectParty, ProjectState


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """The user's projects (and, for coordinators, those in their region)."""
    organisation_ids = [m.organisation_id for m in request.user.memberships.all()]
    condition = Q(parties__organisation_id__in=organisation_ids)
    if access.is_coordinator(request.user):
        codes = access.coordinator_prefecture_codes(request.user)
        condition |= (
            Q(pk__isnull=False)
            if codes is None
            else Q(parties__organisation__prefecture_id__in=codes)
        )
    projects = (
        Project.objects.filter(condition)
        .distinct()
        .prefetch_related("parties__organisation")
        .order_by("-created_at")
    )
    state = request.GET.get("state", "")
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
    feed_url = request.build_absolute_uri(
        reverse("projects:user_calendar", kwargs={"token": calendar.feed_token(request.user)})
    )
    return render(
        request,
        "projects/project_list.html",
        {"page_obj": page, "state": state, "states": ProjectState.choices, "feed_url": feed_url},
    )


def _detail_context(request: HttpRequest, project: Project, **forms) -> dict:
    capabilities = access.project_capabilities_for(request.user, project)
    agreement = project.agreement
    signed = {
        s.party_id: s
        for s in AgreementSignoff.objects.filter(
            agreement=agreement, version=agreement.version
        ).select_related("signed_by")
    }
    my_admin_parties = access.user_party_ids(request.user, project, admin=True)
    parties = list(project.parties.all())
    for party in parties:
        party.signoff = signed.get(party.pk)
        party.can_sign = (
            ProjectAction.SIGN in capabilities
            and party.pk in my_admin_parties
            and party.signoff is None
            and project.state == ProjectState.FORMING
        )
        party.can_handover = party.pk in my_admin_parties and project.state in (
            ProjectState.FORMING,
            ProjectState.ACTIVE,
        )
    checklist = getattr(project, "checklist", None) if project.involves_minors else None
    return {
        "project": project,
        "parties": parties,
        "agreement": agreement,
        "readiness": services.readiness(project) if project.state == ProjectState.FORMING else None,
        "checklist": checklist,
        "checklist_form": forms.get("checklist_form")
        or (ChecklistForm(instance=checklist) if checklist else None),
        "milestones": project.milestones.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "handovers": [
            h
            for party in parties
            for h in party.handovers.select_related("new_contact", "previous_contact", "written_by")
        ],
        "can_edit": ProjectAction.EDIT in capabilities
        and project.state in (ProjectState.FORMING, ProjectState.ACTIVE),
        "can_close": ProjectAction.CLOSE in capabilities,
        "history": AuditEvent.objects.filter(
            action__startswith="project.", data__project=project.pk
        )
        .select_related("actor")
        .order_by("created_at"),
    }


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.VIEW)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@require_http_methods(["GET", "POST"])
@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.EDIT)
    if project.state != ProjectState.FORMING:
        messages.info(request, _("The agreement can only be changed while the project is forming."))
        return redirect(project)
    form = AgreementForm(request.POST or None, instance=project.agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(project=project, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Agreement saved. Every organisation signs the new text."))
            return redirect(project)
    return render(request, "projects/agreement_form.html", {"project": project, "form": form})


@require_POST
@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.SIGN)
    form = SignForm(request.POST)
    party_ids = access.user_party_ids(request.user, project, admin=True)
    if not form.is_valid() or form.cleaned_data["party"] not in party_ids:
        messages.error(request, _("You can sign only for an organisation you administer."))
        return redirect(project)
    party = ProjectParty.objects.get(pk=form.cleaned_data["party"])
    try:
        signed = services.agreement_sign(
            project=project, party=party, actor=request.user, version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        if signed:
            messages.success(request, _("Signed for %(org)s.") % {"org": party.organisation.name})
        else:
            messages.info(request, _("Your organisation has already signed this text."))
    return redirect(project)


@require_POST
@login_required
def checklist_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.EDIT)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_update(project=project, actor=request.user, items=form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Checklist saved."))
    return redirect(project)


@require_POST
@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.EDIT)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, project, milestone_form=form)
        return render(request, "projects/project_detail.html", context, status=422)
    try:
        services.milestone_add(project=project, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    return redirect(project)


@require_POST
@login_required
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.EDIT)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, project=project)
    milestone = services.milestone_set_done(
        milestone=milestone, actor=request.user, done=request.POST.get("done") == "1"
    )
    if request.htmx:
        return render(
            request,
            "projects/_milestone.html",
            {"milestone": milestone, "project": project, "can_edit": True},
        )
    return redirect(project)


@require_POST
@login_required
def project_complete(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.CLOSE)
    if services.project_complete(project=project, actor=request.user):
        messages.success(request, _("The project is marked as completed."))
    else:
        messages.info(request, _("Only an active project can be completed."))
    return redirect(project)


@require_POST
@login_required
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.CLOSE)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, project, cancel_form=form)
        return render(request, "projects/project_detail.html", context, status=422)
    try:
        cancelled = services.project_cancel(
            project=project, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        if cancelled:
            messages.success(request, _("The project is cancelled; the partners are told."))
        else:
            messages.info(request, _("This project is already closed."))
    return redirect(project)


@require_http_methods(["GET", "POST"])
@login_required
def party_handover(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.HANDOVER)
    if party_pk not in access.user_party_ids(request.user, project, admin=True):
        raise PermissionDenied
    party = get_object_or_404(ProjectParty, pk=party_pk, project=project)
    members = (
        get_user_model()
        .objects.filter(memberships__organisation=party.organisation, is_active=True)
        .order_by("display_name")
    )
    form = HandoverForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_handover(
                party=party,
                actor=request.user,
                new_contact=form.cleaned_data["new_contact"],
                memo=form.cleaned_data["memo"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The new contact is named and the partners are told."))
            return redirect(project)
    return render(
        request, "projects/handover_form.html", {"project": project, "party": party, "form": form}
    )


@require_GET
@login_required
def project_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.VIEW)
    milestones = project.milestones.select_related("project")
    return _ics(calendar.calendar_for(milestones, name=project.title), f"project-{project.pk}.ics")


@require_GET
def user_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """A person's milestones across their open projects, for calendar apps (no sign-in: the
    signed token is the key)."""
    user_id = calendar.feed_user_id(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    body = calendar.calendar_for(calendar.milestones_for_user(user), name="Sankangaku")
    return _ics(body, "sankangaku.ics")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
