from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import access
from partners.access import PostingAction, ProposalAction, user_has_mfa
from partners.models import AuditEvent, Organisation

from . import selectors, services, workflow
from .forms import (
    BulkDecisionForm,
    DecisionForm,
    IntroductionRequestForm,
    ManualProposalForm,
    ResponseForm,
    ReviewFilterForm,
)
from .models import MatchProposal, ProposalResponse


@login_required
@require_POST
def request_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask coordinators to introduce the posting's organisation to a suggested partner."""
    proposal = access.get_proposal_for(request.user, pk, action=PostingAction.REQUEST_INTRODUCTION)
    form = IntroductionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The message is too long (1,000 characters at most)."))
        return redirect(proposal.posting)
    try:
        requested = services.proposal_request_introduction(
            proposal=proposal, user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if requested:
            messages.success(request, _("Your request was sent to the coordinators."))
        else:
            messages.info(request, _("An introduction was already requested."))
    return redirect(proposal.posting)


@require_GET
@access.coordinator_required
def triads(request: HttpRequest) -> HttpResponse:
    codes = access.coordinator_prefecture_codes(request.user)
    page = Paginator(selectors.triad_list_for_coordinator(prefecture_codes=codes), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/triad_list.html", {"page_obj": page})


# --- The proposal workflow ------------------------------------------------------------------


def _party_organisation(request: HttpRequest, proposal: MatchProposal) -> Organisation | None:
    """The organisation the user answers for: a party whose answer is pending and of which
    they are a member (the current organisation first)."""
    pending = list(
        proposal.responses.filter(answer=ProposalResponse.Answer.PENDING)
        .filter(organisation__memberships__user=request.user)
        .select_related("organisation")
    )
    current = getattr(request, "current_organisation", None)
    for response in pending:
        if current is not None and response.organisation_id == current.pk:
            return response.organisation
    return pending[0].organisation if pending else None


def _detail_context(request: HttpRequest, proposal: MatchProposal) -> dict:
    capabilities = access.proposal_capabilities_for(request.user, proposal)
    return {
        "proposal": proposal,
        "responses": proposal.responses.select_related("organisation", "answered_by"),
        "can_decide": ProposalAction.DECIDE in capabilities,
        "can_respond": ProposalAction.RESPOND in capabilities,
        "decision_form": DecisionForm(),
        "response_form": ResponseForm(),
        "answering_for": _party_organisation(request, proposal),
        "history": AuditEvent.objects.filter(
            action__startswith="proposal.", data__proposal=proposal.pk
        )
        .select_related("actor")
        .order_by("created_at"),
        "due_on": workflow.review_due_on(proposal.requested_at) if proposal.requested_at else None,
    }


@require_GET
@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access.get_workflow_proposal_for(request.user, pk, action=ProposalAction.VIEW)
    return render(request, "matching/proposal_detail.html", _detail_context(request, proposal))


@require_POST
@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject one request (from its page, or a row of the review queue via htmx)."""
    proposal = access.get_workflow_proposal_for(request.user, pk, action=ProposalAction.VIEW)
    if ProposalAction.DECIDE not in access.proposal_capabilities_for(request.user, proposal):
        if proposal.state != MatchProposal.State.REQUESTED:
            messages.info(request, _("This request has already been decided."))
            return _back_to(request, proposal)
        raise PermissionDenied
    if not user_has_mfa(request.user):
        return access.mfa_setup_redirect(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "matching/_review_row.html",
                {"item": _queue_item(proposal), "form": form},
                status=422,
            )
        context = _detail_context(request, proposal) | {"decision_form": form}
        return render(request, "matching/proposal_detail.html", context, status=422)
    decided = workflow.proposal_decide(
        proposal=proposal,
        coordinator=request.user,
        approve=form.approve,
        note=form.cleaned_data["note"],
        reason_code=form.cleaned_data["reason_code"],
        reason_text=form.cleaned_data["reason_text"],
    )
    if decided:
        messages.success(
            request,
            _("Approved: the organisations are asked to accept.")
            if form.approve
            else _("Rejected: the requester sees your reason."),
        )
    else:
        messages.info(request, _("This request has already been decided."))
    if request.htmx:
        proposal.refresh_from_db()
        return render(request, "matching/_review_row.html", {"item": _queue_item(proposal)})
    return _back_to(request, proposal)


def _back_to(request: HttpRequest, proposal: MatchProposal) -> HttpResponse:
    if request.POST.get("from") == "queue":
        return redirect("matching:review")
    return redirect("matching:proposal", pk=proposal.pk)


@require_POST
@login_required
def proposal_respond(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access.get_workflow_proposal_for(request.user, pk, action=ProposalAction.VIEW)
    organisation = _party_organisation(request, proposal)
    if (
        ProposalAction.RESPOND not in access.proposal_capabilities_for(request.user, proposal)
        or organisation is None
    ):
        if not access.proposal_parties_answered_for(request.user, proposal):
            # An insider who is no party's editor (a covering coordinator): not theirs to answer.
            raise PermissionDenied
        messages.info(
            request, _("Your organisation has already answered, or the proposal is closed.")
        )
        return redirect("matching:proposal", pk=proposal.pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, proposal) | {"response_form": form}
        return render(request, "matching/proposal_detail.html", context, status=422)
    answered = workflow.proposal_respond(
        proposal=proposal,
        organisation=organisation,
        user=request.user,
        accept=form.accept,
        reason_code=form.cleaned_data["reason_code"],
        reason_text=form.cleaned_data["reason_text"],
    )
    if answered:
        messages.success(request, _("Thank you: your answer is recorded and the others are told."))
    else:
        messages.info(
            request, _("Your organisation has already answered, or the proposal is closed.")
        )
    return redirect("matching:proposal", pk=proposal.pk)


@require_GET
@login_required
def proposal_mine(request: HttpRequest) -> HttpResponse:
    """Proposals involving the user's organisations: what waits for an answer comes first."""
    organisation_ids = [m.organisation_id for m in request.user.memberships.all()]
    proposals = selectors.proposals_for_organisations(organisation_ids)
    page = Paginator(proposals, 20).get_page(request.GET.get("page"))
    for proposal in page:
        proposal.waiting_for_us = any(
            r.answer == ProposalResponse.Answer.PENDING and r.organisation_id in organisation_ids
            for r in proposal.responses.all()
        )
    return render(request, "matching/proposal_mine.html", {"page_obj": page})


@dataclass
class QueueItem:
    proposal: MatchProposal
    due_on: date | None
    overdue: bool


def _queue_item(proposal: MatchProposal) -> QueueItem:
    due = workflow.review_due_on(proposal.requested_at) if proposal.requested_at else None
    return QueueItem(proposal, due, bool(due and due < timezone.localdate()))


@require_GET
@access.coordinator_required
def review(request: HttpRequest) -> HttpResponse:
    """The coordinator's queue of requested introductions in their region, oldest first,
    with the SLA due date (working days) and overdue rows highlighted."""
    codes = access.coordinator_prefecture_codes(request.user)
    filters = ReviewFilterForm(request.GET or None, prefecture_codes=codes)
    criteria: dict = {}
    if filters.is_valid():
        older = filters.cleaned_data.get("older_than")
        criteria = {
            "prefecture": filters.cleaned_data.get("prefecture"),
            "kind": filters.cleaned_data.get("kind") or "",
            "requested_before": timezone.now() - timedelta(days=older) if older else None,
        }
    queue = selectors.review_queue(prefecture_codes=codes, **criteria)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    items = [_queue_item(p) for p in page]
    return render(
        request,
        "matching/review_queue.html",
        {
            "filters": filters,
            "page_obj": page,
            "items": items,
            "form": DecisionForm(),
            "bulk_form": BulkDecisionForm(proposal_ids=[]),
        },
    )


@require_POST
@access.coordinator_required
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject several requests at once (same note and reason for all)."""
    codes = access.coordinator_prefecture_codes(request.user)
    ids = list(selectors.review_queue(prefecture_codes=codes).values_list("pk", flat=True)[:500])
    form = BulkDecisionForm(request.POST, proposal_ids=ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("matching:review")
    decided = 0
    for proposal in MatchProposal.objects.filter(
        pk__in=form.cleaned_data["proposals"]
    ).select_related("posting__organisation"):
        decided += workflow.proposal_decide(
            proposal=proposal,
            coordinator=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
            reason_code=form.cleaned_data["reason_code"],
            reason_text=form.cleaned_data["reason_text"],
        )
    messages.success(
        request,
        ngettext("%(count)d request decided.", "%(count)d requests decided.", decided)
        % {"count": decided},
    )
    return redirect("matching:review")


@require_http_methods(["GET", "POST"])
@access.coordinator_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = ManualProposalForm(request.POST or None, coordinator=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = workflow.proposal_create_by_hand(
                coordinator=request.user,
                posting=form.cleaned_data["posting_object"],
                partner_posting=form.cleaned_data["partner_posting_object"],
                second_partner_posting=form.cleaned_data["second_partner_posting_object"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Proposed: the organisations are asked to accept."))
            return redirect("matching:proposal", pk=proposal.pk)
    return render(request, "matching/proposal_create.html", {"form": form})
