"""CSV export and import (issue #7): coordinators export their region and import
organisations and postings; municipal and school administrators export their own postings."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, exports, imports
from ..access import Action
from ..models import ImportJob, Organisation, OrganisationKind


class ImportUploadForm(forms.Form):
    # Only this page uses it; kept beside its views.
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportJob.Kind)
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 (with or without BOM) or Shift_JIS; at most 5 MB."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish imported postings of verified organisations at once"),
        required=False,
        help_text=gettext_lazy("Otherwise they are saved as drafts."),
    )


# --- Exports ----------------------------------------------------------------------------


@require_GET
@access.coordinator_required
def export_organisations(request: HttpRequest) -> HttpResponse:
    return exports.organisations_csv(exports.organisation_export_list_for(user=request.user))


@require_GET
@access.coordinator_required
def export_postings(request: HttpRequest) -> HttpResponse:
    return exports.postings_csv(exports.posting_export_list_for(user=request.user))


@require_GET
@access.coordinator_required
def export_proposals(request: HttpRequest) -> HttpResponse:
    return exports.proposals_csv(exports.proposal_export_list_for(user=request.user))


@require_GET
@access.organisation_action(Action.EDIT_PROFILE)
def organisation_postings_export(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """An administrator of a municipality or school downloads all its postings."""
    if organisation.kind not in (OrganisationKind.MUNICIPALITY, OrganisationKind.SCHOOL):
        raise PermissionDenied
    postings = (
        organisation.postings.select_related("organisation", "prefecture", "location__prefecture")
        .prefetch_related("themes")
        .order_by("pk")
    )
    return exports.postings_csv(postings, filename=f"postings-{organisation.pk}.csv")


# --- Import -----------------------------------------------------------------------------


def _upload_page(request: HttpRequest, form: ImportUploadForm, **extra: object) -> HttpResponse:
    columns = {
        kind: [(c, imports.column_help(c)) for c in imports.COLUMNS[kind]]
        for kind in ImportJob.Kind.values
    }
    context = {
        "form": form,
        "organisation_columns": columns[ImportJob.Kind.ORGANISATIONS],
        "posting_columns": columns[ImportJob.Kind.POSTINGS],
        "organisation_skipped": imports.EXPORT_ONLY_COLUMNS[ImportJob.Kind.ORGANISATIONS],
        "posting_skipped": imports.EXPORT_ONLY_COLUMNS[ImportJob.Kind.POSTINGS],
        "recent_jobs": ImportJob.objects.filter(created_by=request.user)[:10],
        "max_rows": imports.MAX_ROWS,
        **extra,
    }
    return render(request, "partners/bulk/import_upload.html", context)


@require_http_methods(["GET", "POST"])
@access.coordinator_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """The coordinators' export links, the import form and the CSV columns. A POST checks the
    file and rehearses the import (a dry run): nothing is saved but the preview."""
    if request.method != "POST":
        return _upload_page(request, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    try:
        job = imports.import_job_preview(
            user=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            publish=form.cleaned_data["publish"],
        )
    except imports.CsvRejected as exc:
        form.add_error("file", exc.messages[0])
        return _upload_page(request, form)
    return redirect("partners:import_detail", pk=job.pk)


@require_GET
@access.coordinator_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportJob.Kind.values:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    response.write("\ufeff" + imports.template_csv(kind))
    return response


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    # A coordinator sees only their own jobs; anyone else's are 404.
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


def _job_context(job: ImportJob) -> dict[str, object]:
    processed = imports.import_job_progress(job)
    percent = round(100 * processed / len(job.rows)) if job.rows else 0
    return {"job": job, "processed": processed, "percent": percent}


@require_GET
@access.coordinator_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "partners/bulk/import_detail.html", _job_context(job))


@require_POST
@access.coordinator_required
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if not imports.import_job_start(job=job, user=request.user):
        messages.info(request, _("This import has already been started."))
    return redirect("partners:import_detail", pk=job.pk)


@require_GET
@access.coordinator_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress region; htmx polls it while the import runs."""
    job = _job_for(request, pk)
    template = "partners/bulk/import_detail.html"
    if request.htmx:
        template += "#import-status"
    response = render(request, template, _job_context(job))
    response["Vary"] = "HX-Request"
    response["Cache-Control"] = "private, no-store"
    return response
