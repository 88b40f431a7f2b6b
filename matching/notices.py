"""What matching's changes tell people, through the one notifications path."""

from django.urls import reverse

from partners.access import coordinators_covering
from sankangaku.notifications.kinds import Kind
from sankangaku.notifications.services import notify

from .models import MatchProposal


def introduction_requested(proposal: MatchProposal, *, actor) -> None:
    """Coordinators of the requester's region review the request."""
    posting = proposal.posting
    partners = [proposal.partner.name]
    if proposal.second_partner_id:
        partners.append(proposal.second_partner.name)
    notify(
        Kind.INTRODUCTION_REQUESTED,
        key=f"introduction-requested:{proposal.pk}:{proposal.requested_at.timestamp():.0f}",
        users=coordinators_covering(posting.organisation),
        actor=actor,
        payload={
            "requester": posting.organisation.name,
            "title": posting.title,
            "partners": partners,
            "message": proposal.request_message,
        },
        url=reverse("partners:posting_detail", kwargs={"pk": posting.pk}),
        group=(f"posting:{posting.pk}", posting.title),
    )
