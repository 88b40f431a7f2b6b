from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partners import access
from partners.access import PostingAction

from . import selectors, services
from .forms import IntroductionRequestForm


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
