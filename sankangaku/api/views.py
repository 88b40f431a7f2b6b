"""The operations of the open API, version 1. Read-only; every answer carries ETag and
Last-Modified (conditional.py) and every client is rate-limited (throttling.py)."""

import math
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.forms import Form
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from partners import selectors as partner_selectors
from partners.forms import OrganisationFilterForm, PostingFilterForm
from partners.models import LocalGovernment, Organisation, Posting, Prefecture, Theme
from projects.models import CaseStudy

from . import schemas, selectors
from .conditional import conditional

router = Router()

ERRORS: dict[int, type] = {
    404: schemas.ErrorOut,
    422: schemas.ErrorOut,
    429: schemas.ErrorOut,
}


def read(path: str, response: type, **kwargs: Any) -> Callable[[Callable], Callable]:
    """GET operation with the shared error answers and conditional GET."""

    def decorator(function: Callable) -> Callable:
        return router.get(path, response={200: response, 304: None, **ERRORS}, **kwargs)(
            decorate_view(conditional)(function)
        )

    return decorator


# --- Helpers ----------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _page(
    request: HttpRequest, items: Sequence[Any], count: int, query: schemas.PageQuery
) -> dict[str, Any]:
    """One page of `items` (a queryset or a sequence that slices lazily), with links to the
    neighbouring pages. A page past the last one is empty, not an error."""
    start = (query.page - 1) * query.page_size
    num_pages = max(1, math.ceil(count / query.page_size))

    def link(page: int) -> str | None:
        if page < 1 or page > num_pages:
            return None
        params = request.GET.copy()
        params["page"] = str(page)
        return _site_url(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "num_pages": num_pages,
        "next": link(query.page + 1),
        "previous": link(query.page - 1) if query.page <= num_pages else None,
        "results": list(items[start : start + query.page_size]) if start < count else [],
    }


def _validated(form: Form) -> Form:
    """Run a portal filter form on API parameters; its errors become a 422 like ninja's."""
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", field], "msg": " ".join(messages), "type": "value_error"}
                for field, messages in form.errors.items()
            ]
        )
    return form


def _raw(value: Any) -> str:
    """A validated parameter as the portal forms expect it in a query string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    return str(getattr(value, "value", value))


def _prefecture_or_422(code: int | None) -> Prefecture | None:
    if code is None:
        return None
    prefecture = Prefecture.objects.filter(code=code).first()
    if prefecture is None:
        raise ValidationError(
            [
                {
                    "loc": ["query", "prefecture"],
                    "msg": _("No such prefecture."),
                    "type": "value_error",
                }
            ]
        )
    return prefecture


def _prefecture_ref(prefecture: Prefecture | None) -> dict[str, Any] | None:
    if prefecture is None:
        return None
    return {"code": prefecture.code, "name": prefecture.name, "name_en": prefecture.name_en}


def _municipality_ref(government: LocalGovernment | None) -> dict[str, Any] | None:
    if government is None:
        return None
    return {"code": government.code, "name": government.name}


def _organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "kind": organisation.kind,
        "name": organisation.name,
        "verified": organisation.is_verified,
    }


# --- Presenters: the public fields, and nothing else -------------------------------------


def organisation_out(organisation: Organisation) -> dict[str, Any]:
    return {
        **_organisation_ref(organisation),
        "prefecture": _prefecture_ref(organisation.prefecture),
        "municipality": _municipality_ref(organisation.location),
        "website": organisation.website,
        "member_since": timezone.localtime(organisation.created_at).strftime("%Y-%m"),
        "themes": [theme.slug for theme in organisation.themes.all()],
        "url": _site_url(organisation.get_absolute_url()),
    }


POSTING_TEXT_FIELDS = [
    "title",
    "body",
    "situation",
    "desired_outcome",
    "constraints",
    "assets",
    "partnership_forms",
    "offer_what",
    "offer_for_whom",
    "conditions",
    "capacity",
    "selection_criteria",
]
POSTING_PLAIN_FIELDS = [
    "direction",
    "place_scope",
    "online_ok",
    "starts_on",
    "ends_on",
    "school_year",
    "grade_from",
    "grade_to",
    "student_count",
    "class_hours",
    "budget_status",
    "funding_route",
    "budget_min",
    "budget_max",
    "is_open_call",
    "call_budget",
    "call_deadline",
    "expires_on",
    "published_at",
]


def posting_out(posting: Posting) -> dict[str, Any]:
    return {
        "id": posting.pk,
        "url": _site_url(posting.get_absolute_url()),
        "organisation": _organisation_ref(posting.organisation),
        **{name: getattr(posting, name) for name in POSTING_TEXT_FIELDS + POSTING_PLAIN_FIELDS},
        "terms": [str(term) for term in posting.terms or []],
        "themes": sorted(theme.slug for theme in posting.themes.all()),
        "prefecture": _prefecture_ref(posting.prefecture),
        "municipality": _municipality_ref(posting.location),
    }


def theme_out(theme: Theme) -> dict[str, Any]:
    return {
        "slug": theme.slug,
        "kind": theme.kind,
        "number": theme.number,
        "name_ja": theme.name_ja,
        "name_en": theme.name_en,
        "color": theme.color,
    }


def prefecture_out(prefecture: Prefecture) -> dict[str, Any]:
    return {
        "code": prefecture.code,
        "name": prefecture.name,
        "kana": prefecture.kana,
        "name_en": prefecture.name_en,
        "region": prefecture.region,
    }


def municipality_out(government: LocalGovernment) -> dict[str, Any]:
    return {
        "code": government.code,
        "prefecture": government.prefecture_id,
        "name": government.name,
        "kana": government.kana,
        "level": government.level,
        "latitude": government.latitude,
        "longitude": government.longitude,
    }


def case_study_out(case: CaseStudy) -> dict[str, Any]:
    return {
        "id": case.pk,
        "url": _site_url(case.get_absolute_url()),
        "title": case.title,
        "summary": case.summary,
        "prefecture": _prefecture_ref(case.prefecture),
        "organisations": [_organisation_ref(o) for o in case.organisations.all()],
        "sdgs": sorted(theme.slug for theme in case.sdgs.all()),
        "students_involved": case.students_involved,
        "events_held": case.events_held,
        "published_at": case.published_at,
    }


class _Mapped:
    """A sliceable view of `items` that presents each row as it is sliced."""

    def __init__(self, items: Sequence[Any], present: Callable[[Any], dict[str, Any]]) -> None:
        self.items, self.present = items, present

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.present(item) for item in self.items[index]]


# --- Organisations ----------------------------------------------------------------------


@read("/organisations", schemas.OrganisationPage, tags=["organisations"])
def organisation_list(request: HttpRequest, filters: Query[schemas.OrganisationQuery]):
    """Registered companies, municipalities and schools (refused ones never appear), by name.
    The filters of the organisation directory."""
    form = _validated(
        OrganisationFilterForm(
            {name: _raw(getattr(filters, name)) for name in ("q", "kind", "prefecture", "verified")}
        )
    )
    organisations = selectors.organisation_api_list(**form.cleaned_data)
    # Queries: 1 count, 1 page (with prefecture and location), 1 themes.
    return _page(request, _Mapped(organisations, organisation_out), organisations.count(), filters)


@read("/organisations/{pk}", schemas.OrganisationOut, tags=["organisations"])
def organisation_detail(request: HttpRequest, pk: schemas.Id):
    return organisation_out(get_object_or_404(selectors.organisation_api_list(), pk=pk))


# --- Postings ---------------------------------------------------------------------------


@read("/postings", schemas.PostingPage, tags=["postings"])
def posting_list(request: HttpRequest, filters: Query[schemas.PostingQuery]):
    """Open public issues and strengths: the posting search page's filters and sorts
    (partners.selectors.posting_search), as an anonymous visitor sees them. The search keeps
    at most its cap of matches; `capped` says more matched."""
    names = list(PostingFilterForm.base_fields)
    form = _validated(PostingFilterForm({name: _raw(getattr(filters, name)) for name in names}))
    # Anonymous whoever asks: the API has no sign-in, a member's session never widens it.
    results = partner_selectors.posting_search(user=AnonymousUser(), **form.search_arguments())
    page = _page(request, _Mapped(results, posting_out), len(results), filters)
    return {**page, "capped": results.capped}


@read("/postings/{pk}", schemas.PostingOut, tags=["postings"])
def posting_detail(request: HttpRequest, pk: schemas.Id):
    return posting_out(get_object_or_404(selectors.posting_api_open(), pk=pk))


# --- Reference data ---------------------------------------------------------------------


@read("/themes", schemas.ThemePage, tags=["reference data"])
def theme_list(request: HttpRequest, filters: Query[schemas.ThemeQuery]):
    """The 17 SDGs and the domain themes that postings and organisations are tagged with."""
    themes = selectors.theme_api_list(kind=filters.kind or "")
    return _page(request, _Mapped(themes, theme_out), themes.count(), filters)


@read("/themes/{slug}", schemas.ThemeOut, tags=["reference data"])
def theme_detail(request: HttpRequest, slug: schemas.Slug):
    return theme_out(get_object_or_404(selectors.theme_api_list(), slug=slug))


@read("/prefectures", schemas.PrefecturePage, tags=["reference data"])
def prefecture_list(request: HttpRequest, filters: Query[schemas.PrefectureQuery]):
    """The 47 prefectures, by JIS X 0401 code."""
    prefectures = selectors.prefecture_api_list(region=filters.region or "")
    return _page(request, _Mapped(prefectures, prefecture_out), prefectures.count(), filters)


@read("/prefectures/{code}", schemas.PrefectureOut, tags=["reference data"])
def prefecture_detail(request: HttpRequest, code: schemas.PrefectureCode):
    return prefecture_out(get_object_or_404(selectors.prefecture_api_list(), code=code))


@read("/municipalities", schemas.MunicipalityPage, tags=["reference data"])
def municipality_list(request: HttpRequest, filters: Query[schemas.MunicipalityQuery]):
    """Every local government with its 全国地方公共団体コード, by code: municipalities, the
    wards of designated cities, and the prefectural governments (level "prefecture")."""
    governments = selectors.local_government_api_list(
        prefecture=filters.prefecture, level=filters.level or ""
    )
    return _page(request, _Mapped(governments, municipality_out), governments.count(), filters)


@read("/municipalities/{code}", schemas.MunicipalityOut, tags=["reference data"])
def municipality_detail(request: HttpRequest, code: schemas.LocalGovernmentCode):
    return municipality_out(get_object_or_404(selectors.local_government_api_list(), code=code))


# --- Case studies -----------------------------------------------------------------------


@read("/case-studies", schemas.CaseStudyPage, tags=["case studies"])
def case_study_list(request: HttpRequest, filters: Query[schemas.CaseStudyQuery]):
    """Published case studies (事例), newest first: the filters of the case study page."""
    sdg = None
    if filters.sdg is not None:
        sdg = Theme.objects.filter(kind=Theme.Kind.SDG, number=filters.sdg).first()
        if sdg is None:
            raise ValidationError(
                [{"loc": ["query", "sdg"], "msg": _("No such SDG."), "type": "value_error"}]
            )
    cases = selectors.case_study_api_list(
        q=filters.q,
        prefecture=_prefecture_or_422(filters.prefecture),
        sdg=sdg,
        kind=filters.kind or "",
    )
    return _page(request, _Mapped(cases, case_study_out), cases.count(), filters)


@read("/case-studies/{pk}", schemas.CaseStudyOut, tags=["case studies"])
def case_study_detail(request: HttpRequest, pk: schemas.Id):
    return case_study_out(get_object_or_404(selectors.case_study_api_list(), pk=pk))
