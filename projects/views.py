"""Project pages. Every action goes through partners.access (404 for outsiders, 403 for
parties who may not act) and one service function."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import access, uploads
from partners.access import ProjectAction

from . import attachments, calendar, selectors, services, thread
from .forms import (
    AgreementForm,
    CancelForm,
    ChecklistForm,
    CommitmentsForm,
    HandoverForm,
    InvitationAnswerForm,
    InviteForm,
    MessageForm,
    MilestoneForm,
    ReportForm,
    SignForm,
)
from .models import (
    AgreementSignoff,
    CaseStudy,
    CompletionReport,
    HandoverMemo,
    Milestone,
    Project,
    ProjectParty,
    ProjectState,
)


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
        {
            "page_obj": page,
            "state": state,
            "states": ProjectState.choices,
            "feed_url": feed_url,
            "can_export": access.is_coordinator(request.user),
        },
    )


def _detail_context(request: HttpRequest, project: Project, **forms) -> dict:
    """What the project page shows. The parties, their organisations and contacts and the
    agreement come with the project (access.get_project_for); everything else is read with
    only the columns the page shows, and only when the page shows it."""
    capabilities = access.project_capabilities_for(request.user, project)
    agreement = project.agreement
    signed = {
        s.party_id: s
        for s in AgreementSignoff.objects.filter(agreement=agreement, version=agreement.version)
        .select_related("signed_by")
        .only("party_id", "signed_at", "signed_by__display_name")
    }
    my_admin_parties = access.user_party_ids(request.user, project, admin=True)
    my_parties = set(access.user_party_ids(request.user, project))
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
        party.can_commit = party.pk in my_parties and project.state in services.COMMITMENT_STATES
    checklist = getattr(project, "checklist", None) if project.involves_minors else None
    show_reports = project.state in services.REPORT_STATES
    # Reports and the case study are shown only from `active` on.
    reports = (
        {
            report.party_id: report
            for report in CompletionReport.objects.filter(party__project=project).prefetch_related(
                "sdgs", "photos"
            )
        }
        if show_reports
        else {}
    )
    for party in parties:
        party.completion_report = reports.get(party.pk)
        party.can_report = party.pk in my_parties and show_reports
    return {
        "case_study": CaseStudy.objects.filter(project=project, is_published=True)
        .only("pk")
        .first()
        if show_reports
        else None,
        "message_count": project.messages.count(),
        "show_reports": show_reports,
        "project": project,
        "parties": parties,
        # An ended project with nothing written has nothing to show here.
        "show_commitments": any(p.commitments or p.can_commit for p in parties),
        "agreement": agreement,
        # From the rows read above (readiness() would read them again).
        "readiness": services.readiness_of(
            project=project, parties=parties, signed_party_ids=set(signed), checklist=checklist
        )
        if project.state == ProjectState.FORMING
        else None,
        "checklist": checklist,
        "checklist_form": forms.get("checklist_form")
        or (ChecklistForm(instance=checklist) if checklist else None),
        "milestones": project.milestones.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "can_invite": ProjectAction.INVITE in capabilities
        and project.state in (ProjectState.FORMING, ProjectState.ACTIVE),
        # `project` too: the related manager sets it on each row from its id.
        "invitations": project.invitations.select_related("organisation").only(
            "project", "status", "created_at", "organisation__name"
        ),
        # One query for every party's memos (was one per party), in the parties' order.
        "handovers": list(
            HandoverMemo.objects.filter(party__project=project)
            .select_related("party__organisation", "new_contact", "previous_contact")
            .only(
                "party_id",
                "memo",
                "created_at",
                "party__organisation__name",
                "new_contact__display_name",
                "previous_contact__display_name",
            )
            .order_by("party_id", "-created_at")
        ),
        "can_edit": ProjectAction.EDIT in capabilities
        and project.state in (ProjectState.FORMING, ProjectState.ACTIVE),
        "can_close": ProjectAction.CLOSE in capabilities,
        "history": selectors.history_for(project=project),
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
    # A party of another project is 404 (its id reveals nothing); one of this project that
    # the user does not administer is 403.
    party = get_object_or_404(ProjectParty, pk=party_pk, project=project)
    if party.pk not in access.user_party_ids(request.user, project, admin=True):
        raise PermissionDenied
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


@require_http_methods(["GET", "POST"])
@login_required
def party_commitments(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """What one party commits to: any member of that party writes it, like its report."""
    project, party = access.get_project_party_for(request.user, pk, party_pk)
    if project.state not in services.COMMITMENT_STATES:
        messages.info(request, services.COMMITMENTS_CLOSED)
        return redirect(project)
    form = CommitmentsForm(request.POST or None, initial={"commitments": party.commitments})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.party_commitments_update(
                party=party, actor=request.user, text=form.cleaned_data["commitments"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("Saved. Every organisation in the project sees it."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{project.get_absolute_url()}#commitments")
    return render(
        request,
        "projects/commitments_form.html",
        {"project": project, "party": party, "form": form},
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


# --- Message thread ------------------------------------------------------------------------


@csrf_exempt  # CSRF is checked below, after the size limit is in place (see partners.uploads)
@require_http_methods(["GET", "POST"])
@login_required
def message_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread: parties' members and covering coordinators read it, parties' members
    post. An oversized body is refused before it is read."""
    project = access.get_project_for(request.user, pk, action=ProjectAction.VIEW)
    limiter = None
    if request.method == "POST":
        if ProjectAction.EDIT not in access.project_capabilities_for(request.user, project):
            raise PermissionDenied
        if uploads.request_body_too_large(request, attachments.max_bytes()):
            # Nothing is read or changed, so there is nothing for CSRF to protect here.
            return _thread(
                request,
                project,
                form=MessageForm(people=selectors.project_people(project=project)),
                upload_errors=uploads.too_large_error(attachments.max_bytes()).messages,
            )
        limiter = uploads.install_size_limit(request, attachments.max_bytes())
    return _message_list(request, project=project, limiter=limiter)


@csrf_protect
def _message_list(
    request: HttpRequest, *, project: Project, limiter: uploads.SizeLimitUploadHandler | None
) -> HttpResponse:
    people = selectors.project_people(project=project)
    if request.method != "POST":
        return _thread(request, project, form=MessageForm(people=people))
    form = MessageForm(request.POST, request.FILES, people=people)
    valid = form.is_valid()
    if limiter is not None and limiter.exceeded:
        form.add_error("attachment", uploads.too_large_error(attachments.max_bytes()))
        valid = False
    if valid:
        party_ids = access.user_party_ids(request.user, project)
        try:
            services.message_post(
                project=project,
                author=request.user,
                # The party as access.get_project_for loaded it (organisation, contact).
                party=next(p for p in project.parties.all() if p.pk == party_ids[0]),
                body=form.cleaned_data["body"],
                is_progress_note=form.cleaned_data["is_progress_note"],
                attachment=form.cleaned_data["attachment"],
                mentions=list(form.cleaned_data["mentions"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Your message was posted."))
                return redirect("projects:messages", pk=project.pk)
            form = MessageForm(people=people)
    return _thread(request, project, form=form)


def _thread(
    request: HttpRequest,
    project: Project,
    *,
    form: MessageForm,
    upload_errors: list[str] = (),  # type: ignore[assignment]
) -> HttpResponse:
    """The thread page, or its `message-thread` region for htmx. Form errors come back with
    status 200 so htmx swaps them in."""
    progress_only = request.GET.get("filter") == "progress"
    listed = selectors.message_list_for(project=project, progress_only=progress_only)
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    capabilities = access.project_capabilities_for(request.user, project)
    context = {
        "project": project,
        "page_obj": page,  # for the pagination links; the messages come as HTML
        "thread_items": thread.message_items(selectors.thread_messages(page.object_list)),
        "form": form,
        "upload_errors": upload_errors,
        "progress_only": progress_only,
        "can_post": ProjectAction.EDIT in capabilities and project.state in services.MESSAGE_STATES,
    }
    template = "projects/message_list.html"
    if request.htmx:
        template += "#message-thread"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_GET
@login_required
def message_attachment(request: HttpRequest, pk: int, message_pk: int) -> FileResponse:
    """Download an attachment from private storage, after the project access check."""
    message = access.get_project_message_for(request.user, pk, message_pk)
    if not message.attachment:
        raise Http404
    try:
        handle = message.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=message.attachment_name or "attachment",
        content_type=message.attachment_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Completion reports --------------------------------------------------------------------


def _report_photo_limit() -> int:
    return CompletionReport.MAX_PHOTOS * settings.LOGO_MAX_BYTES


@csrf_exempt  # CSRF is checked below, after the size limit is in place (see partners.uploads)
@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """One party's completion report: any member of that party fills it; only its
    administrators change the consent to publish."""
    project, party = access.get_project_party_for(request.user, pk, party_pk)
    limiter = None
    if request.method == "POST":
        if uploads.request_body_too_large(request, _report_photo_limit()):
            return _report_page(
                request,
                project,
                party,
                form=None,
                upload_errors=uploads.too_large_error(settings.LOGO_MAX_BYTES).messages,
            )
        limiter = uploads.install_size_limit(request, settings.LOGO_MAX_BYTES)
    return _report_edit(request, project=project, party=party, limiter=limiter)


@csrf_protect
def _report_edit(
    request: HttpRequest,
    *,
    project: Project,
    party: ProjectParty,
    limiter: uploads.SizeLimitUploadHandler | None,
) -> HttpResponse:
    if project.state not in services.REPORT_STATES:
        messages.info(
            request,
            _("A report can be written once the project is active, and not if it was cancelled."),
        )
        return redirect(project)
    if request.method != "POST":
        return _report_page(request, project, party, form=None)
    report = CompletionReport.objects.filter(party=party).first()
    existing = {photo.pk for photo in report.photos.all()} if report else set()
    remove_ids = [
        int(value)
        for value in request.POST.getlist("remove_photo")
        if value.isdigit() and int(value) in existing
    ]
    may_consent = party.pk in access.user_party_ids(request.user, project, admin=True)
    form = ReportForm(
        request.POST,
        request.FILES,
        instance=report,
        may_consent=may_consent,
        photos_left=CompletionReport.MAX_PHOTOS - len(existing) + len(remove_ids),
    )
    valid = form.is_valid()
    if limiter is not None and limiter.exceeded:
        for name in limiter.exceeded_field_names:
            if name in form.fields:
                form.add_error(name, uploads.too_large_error(settings.LOGO_MAX_BYTES))
        valid = False
    images = []
    if valid:
        for name in ReportForm.PHOTO_FIELDS:
            upload = form.cleaned_data.get(name)
            if not upload:
                continue
            try:
                images.append(
                    uploads.process_image(
                        upload,
                        max_bytes=settings.LOGO_MAX_BYTES,
                        max_pixels=settings.LOGO_MAX_PIXELS,
                        thumbnail_sizes=(512,),
                    )
                )
            except ValidationError as exc:
                form.add_error(name, exc)
                valid = False
    if valid:
        try:
            services.report_save(
                project=project,
                party=party,
                actor=request.user,
                data={field: form.cleaned_data[field] for field in services.REPORT_FIELDS},
                sdgs=list(form.cleaned_data["sdgs"]),
                add_photos=images,
                remove_photo_ids=remove_ids,
                consent_public=form.cleaned_data["consent_public"] if may_consent else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your report was saved. Thank you."))
            return redirect(reverse("projects:detail", kwargs={"pk": project.pk}) + "#reports")
    return _report_page(request, project, party, form=form)


def _report_page(
    request: HttpRequest,
    project: Project,
    party: ProjectParty,
    *,
    form: ReportForm | None,
    upload_errors: list[str] = (),  # type: ignore[assignment]
) -> HttpResponse:
    report = CompletionReport.objects.filter(party=party).prefetch_related("photos", "sdgs").first()
    photos = list(report.photos.all()) if report else []
    may_consent = party.pk in access.user_party_ids(request.user, project, admin=True)
    if form is None:
        form = ReportForm(
            instance=report,
            may_consent=may_consent,
            photos_left=CompletionReport.MAX_PHOTOS - len(photos),
        )
    return render(
        request,
        "projects/report_form.html",
        {
            "project": project,
            "party": party,
            "form": form,
            "photos": photos,
            "upload_errors": upload_errors,
        },
    )


# --- CSV export for coordinators -----------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_GET
@access.coordinator_required
def project_export(request: HttpRequest) -> HttpResponse:
    """The projects in the coordinator's region as CSV (UTF-8 with BOM, so Excel reads the
    Japanese correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("ID"),
            _("Title"),
            _("State"),
            _("Organisations"),
            _("Created"),
            _("State changed"),
            _("Milestones"),
        ]
    )
    for project in selectors.project_export_list_for(user=request.user):
        writer.writerow(
            [
                project.pk,
                _cell(project.title),
                project.get_state_display(),
                _cell(" / ".join(party.organisation.name for party in project.parties.all())),
                _when(project.created_at),
                _when(project.state_changed_at),
                project.milestone_count,
            ]
        )
    return response


@require_POST
@login_required
def project_invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_project_for(request.user, pk, action=ProjectAction.INVITE)
    form = InviteForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, project, invite_form=form)
        return render(request, "projects/project_detail.html", context, status=422)
    try:
        services.project_invite(
            project=project,
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(org)s is invited; its administrators are told.")
            % {"org": form.cleaned_data["organisation"].name},
        )
    return redirect(project)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited organisation's administrator sees the project's outline and answers."""
    invitation = access.get_project_invitation_for(request.user, pk)
    project = invitation.project
    form = InvitationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            answered = services.project_invitation_answer(
                invitation=invitation, actor=request.user, accept=accept
            )
        except ValidationError as exc:
            _error(request, exc)
            return redirect("projects:invitation", pk=invitation.pk)
        if not answered:
            messages.info(request, _("This invitation has already been answered."))
        elif accept:
            messages.success(request, _("Welcome to the project."))
            return redirect(project)
        else:
            messages.success(request, _("You declined the invitation."))
        return redirect("projects:invitation", pk=invitation.pk)
    return render(
        request,
        "projects/invitation.html",
        {
            "invitation": invitation,
            "project": project,
            "parties": project.parties.select_related("organisation"),
            "agreement": project.agreement,
            "form": form,
        },
    )
