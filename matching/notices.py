"""What matching's changes tell people, through the one notifications path."""

from django.urls import reverse

from partners.access import coordinators_covering, proposal_party_ids
from partners.notices import organisation_admins, posting_recipients
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


def _party_users(proposal: MatchProposal, organisation_id: int) -> list:
    """Who speaks for a party: the posting's contact for the posting's organisation, else the
    organisation's administrators (plus the contact of the partner's posting, if any)."""
    if organisation_id == proposal.posting.organisation_id:
        return posting_recipients(proposal.posting)
    users = organisation_admins(organisation_id)
    for partner_posting in (proposal.partner_posting, proposal.second_partner_posting):
        if (
            partner_posting is not None
            and partner_posting.organisation_id == organisation_id
            and partner_posting.contact_id
        ):
            users.append(partner_posting.contact)
    return users


def _payload(proposal: MatchProposal) -> dict:
    names = [proposal.posting.organisation.name, proposal.partner.name]
    if proposal.second_partner_id:
        names.append(proposal.second_partner.name)
    return {
        "title": proposal.posting.title,
        "requester": proposal.posting.organisation.name,
        "organisations": names,
        "state": proposal.state,
        "note": proposal.decision_note,
        "reason": proposal.get_reason_code_display() if proposal.reason_code else "",
        "reason_text": proposal.reason_text,
    }


def _stamp(proposal: MatchProposal) -> str:
    return f"{proposal.pk}:{proposal.state}"


def proposal_decided(proposal: MatchProposal, *, actor) -> None:
    """Approved: everyone is asked to answer. Rejected: the requester hears why."""
    url = reverse("matching:proposal", kwargs={"pk": proposal.pk})
    group = (f"posting:{proposal.posting_id}", proposal.posting.title)
    party_ids = proposal_party_ids(proposal)
    if proposal.state != MatchProposal.State.APPROVED:
        party_ids = party_ids[:1]
    for organisation_id in party_ids:
        notify(
            Kind.PROPOSAL_DECIDED,
            key=f"proposal:{_stamp(proposal)}:o{organisation_id}",
            users=_party_users(proposal, organisation_id),
            actor=actor,
            payload={
                **_payload(proposal),
                "asked": organisation_id != proposal.posting.organisation_id
                or not proposal.requested_by_id,
            },
            url=url,
            group=group,
        )


def party_responded(proposal: MatchProposal, *, organisation, accepted: bool, actor) -> None:
    """The other parties and the deciding coordinator hear each answer."""
    users = []
    for organisation_id in proposal_party_ids(proposal):
        if organisation_id != organisation.pk:
            users += _party_users(proposal, organisation_id)
    if proposal.decided_by_id:
        users.append(proposal.decided_by)
    notify(
        Kind.PARTY_RESPONDED,
        key=f"proposal-answer:{proposal.pk}:o{organisation.pk}",
        users=[user for user in users if user.pk != actor.pk],
        actor=actor,
        payload={
            **_payload(proposal),
            "party": organisation.name,
            "accepted": accepted,
            "everyone": proposal.state == MatchProposal.State.ACCEPTED,
        },
        url=reverse("matching:proposal", kwargs={"pk": proposal.pk}),
        group=(f"posting:{proposal.posting_id}", proposal.posting.title),
    )


def proposal_expired(proposal: MatchProposal) -> None:
    for organisation_id in proposal_party_ids(proposal):
        notify(
            Kind.PROPOSAL_DECIDED,
            key=f"proposal:{_stamp(proposal)}:o{organisation_id}",
            users=_party_users(proposal, organisation_id),
            payload={**_payload(proposal), "asked": False},
            url=reverse("matching:proposal", kwargs={"pk": proposal.pk}),
            group=(f"posting:{proposal.posting_id}", proposal.posting.title),
        )


def new_suggestions(fresh: dict[int, int]) -> None:
    """New partners among a posting's suggestions (posting id → how many): at most one notice
    per posting a day, so recomputations batch into one item (a digest by default)."""
    if not fresh:
        return
    from django.utils import timezone

    from partners.models import Posting, PostingStatus

    today = timezone.localdate().isoformat()
    postings = Posting.objects.filter(pk__in=list(fresh), status=PostingStatus.OPEN).select_related(
        "contact"
    )
    for posting in postings:
        notify(
            Kind.NEW_SUGGESTIONS,
            key=f"new-suggestions:{posting.pk}:{today}",
            users=posting_recipients(posting),
            payload={"title": posting.title, "count": fresh[posting.pk]},
            url=posting.get_absolute_url(),
            group=(f"posting:{posting.pk}", posting.title),
        )
