"""Posting pages: search, detail, writing and publishing, freshness, open calls, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, cards, selectors, services
from ..access import PostingAction
from ..forms import (
    CallResponseForm,
    ContactForm,
    PostingFilterForm,
    PostingForm,
    PostingReviewForm,
)
from ..models import CallResponse, Direction, Organisation, Posting, PostingStatus
from .organisations import PAGE_SIZE, _add_service_error, _service_error_message


@require_GET
def posting_list(request: HttpRequest) -> HttpResponse:
    """Search open postings. Every filter is a GET parameter, so results are bookmarkable;
    htmx swaps only the results region. The search keeps at most SEARCH_CAP matches (see
    selectors.posting_search): pages stop there and the count reads "more than …"."""
    form = PostingFilterForm(request.GET or None)
    arguments = form.search_arguments()
    results = selectors.posting_search(user=request.user, **arguments)
    page = Paginator(results.pks, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "partners/posting_list.html"
    if request.htmx:
        template += "#posting-results"
    response = render(
        request,
        template,
        {
            "form": form,
            "page_obj": page,
            "cards": cards.posting_cards(page.object_list),
            "results": results,
            "query": arguments.get("q", ""),
        },
    )
    response["Vary"] = "HX-Request"
    return response


@require_GET
@access.posting_action(PostingAction.VIEW)
def posting_detail(request: HttpRequest, posting: Posting) -> HttpResponse:
    capabilities = access.posting_capabilities_for(request.user, posting)
    my_response = None
    if PostingAction.RESPOND in capabilities:
        mine = {o.pk for o in access.organisations_that_can_post(request.user)}
        my_response = posting.responses.filter(organisation_id__in=mine).first()
    suggestions: list = []
    triads: list = []
    reasons: list = []
    if PostingAction.SEE_PROPOSALS in capabilities:
        from matching.selectors import suggestion_list_for_posting
        from matching.workflow import reason_counts

        suggestions = suggestion_list_for_posting(posting=posting, kind="pair")
        triads = suggestion_list_for_posting(posting=posting, kind="triad", limit=5)
        # Why introductions for this posting were turned down, so its writers can improve it.
        reasons = reason_counts(posting)
    return render(
        request,
        "partners/posting_detail.html",
        {
            "posting": posting,
            "can_see_proposals": PostingAction.SEE_PROPOSALS in capabilities,
            "can_request": PostingAction.REQUEST_INTRODUCTION in capabilities,
            "suggestions": suggestions,
            "triads": triads,
            "reasons": reasons,
            "organisation": posting.organisation,
            "organisation_cards": cards.organisation_cards([posting.organisation_id]),
            "posting_body": cards.posting_body(posting),
            "can_edit": PostingAction.EDIT in capabilities,
            "can_review": PostingAction.REVIEW in capabilities,
            "can_respond": PostingAction.RESPOND in capabilities and my_response is None,
            "my_response": my_response,
            "response_count": posting.responses.count() if posting.is_open_call else 0,
            # Before publishing, show what already exists so people can join instead.
            "similar": (
                selectors.posting_similar(
                    user=request.user, title=posting.title, body=posting.body, exclude_pk=posting.pk
                )
                if PostingAction.EDIT in capabilities and posting.status == PostingStatus.DRAFT
                else []
            ),
        },
    )


def _current_posting_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation the user is acting for, if they may post for it."""
    allowed = access.organisations_that_can_post(request.user)
    current = selectors.current_organisation_for(request=request)
    if current is not None and any(o.pk == current.pk for o in allowed):
        return current
    return allowed[0] if allowed else None


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    organisation = _current_posting_organisation(request)
    if organisation is None:
        messages.info(request, _("Register your organisation or join one before posting."))
        return redirect("partners:create")
    direction = request.POST.get("direction") or request.GET.get("direction")
    if direction not in Direction.values:
        return render(
            request,
            "partners/posting_create.html",
            {"organisation": organisation, "directions": Direction.choices},
        )
    refresh = "refresh" in request.POST
    form = PostingForm(request.POST or None, organisation=organisation, direction=direction)
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            posting = services.posting_create(
                organisation=organisation,
                actor=request.user,
                data=form.posting_data(),
                themes=list(form.cleaned_data.get("themes") or []),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Your draft was saved. Publish it when it is ready."))
            return redirect(posting)
    return render(
        request,
        "partners/posting_form.html",
        {"form": form, "organisation": organisation, "direction": direction, "is_create": True},
    )


@require_http_methods(["GET", "POST"])
@access.posting_action(PostingAction.EDIT)
def posting_edit(request: HttpRequest, posting: Posting) -> HttpResponse:
    refresh = "refresh" in request.POST
    form = PostingForm(
        request.POST or None,
        instance=posting,
        organisation=posting.organisation,
        direction=posting.direction,
    )
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            services.posting_update(
                posting=posting,
                actor=request.user,
                data=form.posting_data(),
                themes=list(form.cleaned_data.get("themes") or []),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The posting was saved."))
            return redirect(posting)
    posting.refresh_from_db(fields=["title"])
    return render(
        request,
        "partners/posting_form.html",
        {
            "form": form,
            "organisation": posting.organisation,
            "direction": posting.direction,
            "posting": posting,
            "is_create": False,
        },
    )


@require_POST
@access.posting_action(PostingAction.EDIT)
def posting_publish(request: HttpRequest, posting: Posting) -> HttpResponse:
    try:
        status = services.posting_publish(posting=posting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        if status == PostingStatus.OPEN:
            messages.success(request, _("Published. Partners can now find it."))
        else:
            messages.success(request, _("Sent to a coordinator for review before publishing."))
    return redirect(posting)


@require_POST
@access.posting_action(PostingAction.EDIT)
def posting_close(request: HttpRequest, posting: Posting) -> HttpResponse:
    if services.posting_close(posting=posting, actor=request.user):
        messages.success(request, _("The posting was closed."))
    else:
        messages.info(request, _("This posting was already closed."))
    return redirect(posting)


@require_http_methods(["GET", "POST"])
@access.posting_action(PostingAction.EDIT)
def posting_confirm(request: HttpRequest, posting: Posting) -> HttpResponse:
    """ "Still current?": the reminder email links here; one button confirms."""
    if request.method == "POST":
        if services.posting_confirm(posting=posting, actor=request.user):
            messages.success(
                request,
                _("Thank you. The posting stays open until %(date)s.")
                % {"date": posting.expires_on},
            )
        else:
            messages.info(request, _("Only open or expired postings can be confirmed."))
        return redirect(posting)
    return render(request, "partners/posting_confirm.html", {"posting": posting})


@require_POST
@access.posting_action(PostingAction.EDIT)
def posting_contact(request: HttpRequest, posting: Posting) -> HttpResponse:
    form = ContactForm(request.POST, organisation=posting.organisation)
    if form.is_valid():
        services.posting_set_contact(
            posting=posting, actor=request.user, contact=form.cleaned_data["contact"]
        )
        messages.success(request, _("The contact person was changed."))
    else:
        messages.error(request, _("Choose a member of your organisation."))
    return redirect(posting)


@login_required
@require_GET
def posting_mine(request: HttpRequest) -> HttpResponse:
    """The current organisation's postings in every state, with freshness and contacts."""
    organisation = _current_posting_organisation(request)
    if organisation is None:
        raise Http404
    postings = selectors.posting_list_for_organisation(organisation=organisation)
    # Paged like every other list: an organisation with hundreds of postings got one page
    # with a contact picker per row (hundreds of ms to render).
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    # Every row has a contact picker of the same members: read them once, and write each
    # picker's options once per selected person, not once per row.
    field = ContactForm(organisation=organisation).fields["contact"]
    members = [(user.pk, field.label_from_instance(user)) for user in field.queryset]
    pickers: dict[int | None, SafeString] = {}
    for posting in page.object_list:
        if posting.contact_id not in pickers:
            pickers[posting.contact_id] = _contact_options(members, posting.contact_id)
        posting.contact_options = pickers[posting.contact_id]
    return render(
        request,
        "partners/posting_mine.html",
        {"organisation": organisation, "page_obj": page},
    )


def _contact_options(members: list[tuple[int, str]], selected: int | None) -> SafeString:
    """The <option>s of one row's contact picker: "nobody" first while there is none."""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if pk == selected else "", label) for pk, label in members),  # noqa: S308
    )
    if selected is None:
        return format_html('<option value="">{}</option>{}', _("Nobody — choose"), options)
    return options


@require_GET
def posting_similar(request: HttpRequest) -> HttpResponse:
    """htmx: open postings that look like the text being written."""
    title = request.GET.get("title", "")[:200]
    body = request.GET.get("body", "")[:4000]
    try:
        exclude = int(request.GET.get("exclude", ""))
    except ValueError:
        exclude = None
    similar = selectors.posting_similar(
        user=request.user, title=title, body=body, exclude_pk=exclude
    )
    return render(request, "partners/_similar_postings.html", {"similar": similar})


# --- Open calls -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.posting_action(PostingAction.RESPOND)
def call_respond(request: HttpRequest, posting: Posting) -> HttpResponse:
    organisations = [
        o
        for o in access.organisations_that_can_post(request.user)
        if o.pk != posting.organisation_id
    ]
    current = _current_posting_organisation(request)
    organisation = current if current in organisations else organisations[0]
    form = CallResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_response_submit(
                call=posting,
                organisation=organisation,
                actor=request.user,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Your proposal was sent. You will hear the outcome."))
            return redirect(posting)
    return render(
        request,
        "partners/call_respond.html",
        {"posting": posting, "form": form, "organisation": organisation},
    )


@require_GET
@access.posting_action(PostingAction.MANAGE_RESPONSES)
def call_responses(request: HttpRequest, posting: Posting) -> HttpResponse:
    if not posting.is_open_call:
        raise Http404
    responses = posting.responses.select_related("organisation__prefecture", "submitted_by")
    return render(
        request,
        "partners/call_responses.html",
        {
            "posting": posting,
            "responses": responses,
            "chosen": any(r.status == CallResponse.Status.CHOSEN for r in responses),
        },
    )


@require_POST
@access.posting_action(PostingAction.MANAGE_RESPONSES)
def call_response_decide(request: HttpRequest, posting: Posting, response_pk: int) -> HttpResponse:
    response = get_object_or_404(posting.responses, pk=response_pk)
    decision = request.POST.get("decision")
    if decision in ("shortlist", "unshortlist"):
        services.call_response_shortlist(
            response=response, actor=request.user, shortlisted=decision == "shortlist"
        )
    elif decision == "choose":
        try:
            chosen = services.call_choose(call=posting, response=response, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _service_error_message(exc))
        else:
            if chosen:
                messages.success(request, _("Chosen. Every respondent will hear the outcome."))
            else:
                messages.info(request, _("A proposal was already chosen for this call."))
    else:
        messages.error(request, _("Choose an action."))
    return redirect("partners:call_responses", pk=posting.pk)


# --- Coordinators -----------------------------------------------------------------------


@require_GET
@access.coordinator_required
def posting_review_queue(request: HttpRequest) -> HttpResponse:
    postings = selectors.posting_review_queue_for(user=request.user)
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/posting_review_queue.html", {"page_obj": page})


@require_POST
@access.posting_action(PostingAction.REVIEW)
def posting_review_decide(request: HttpRequest, posting: Posting) -> HttpResponse:
    form = PostingReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to publish or return the posting."))
        return redirect("partners:posting_review_queue")
    try:
        decided = services.posting_review_decide(
            posting=posting,
            coordinator=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        if decided:
            messages.success(request, _("Done: %(title)s") % {"title": posting.title})
        else:
            messages.info(request, _("This posting was already decided."))
    return redirect("partners:posting_review_queue")
