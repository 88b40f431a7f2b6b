"""Public case studies (事例): no sign-in; only published ones exist for visitors."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from partners.models import Organisation

from . import selectors
from .forms import CaseStudyFilterForm
from .models import CaseStudy, ReportPhoto


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseStudyFilterForm(request.GET or None)
    form.is_valid()
    # Only the filters that validated apply; a bad value is ignored, not an error page.
    filters = getattr(form, "cleaned_data", {})
    cases = selectors.case_study_public_list(
        q=filters.get("q") or "",
        prefecture=filters.get("prefecture"),
        sdg=filters.get("sdg"),
        kind=filters.get("kind") or "",
    )
    page = Paginator(cases, 12).get_page(request.GET.get("page"))
    template = "projects/case_list.html"
    if request.htmx:
        template += "#case-results"
    response = render(request, template, {"form": form, "page_obj": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        CaseStudy.objects.filter(is_published=True)
        .select_related("prefecture")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            "sdgs",
            Prefetch("photos", queryset=ReportPhoto.objects.order_by("pk")),
        ),
        pk=pk,
    )
    return render(request, "projects/case_detail.html", {"case": case})
