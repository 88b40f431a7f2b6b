"""What partners' changes tell people. Each function runs inside the change's transaction
and records notifications through the one path, `sankangaku.notifications.services.notify`.
Payloads carry plain strings, so the message renders even if the object changes later."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from sankangaku.accounts.models import User
from sankangaku.notifications.kinds import Kind
from sankangaku.notifications.services import notify

from .models import CallResponse, Invitation, Membership, Organisation, Posting, Role


def organisation_admins(organisation_id: int) -> list[User]:
    """An organisation's administrators: who speaks for it when nobody else is named."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role=Role.ADMIN
        ).select_related("user")
    ]


def posting_recipients(posting: Posting) -> list[User]:
    """The contact person, or the organisation's administrators when there is none."""
    if posting.contact_id:
        return [posting.contact]
    return organisation_admins(posting.organisation_id)


def _posting_group(posting: Posting) -> tuple[str, str]:
    return (f"posting:{posting.pk}", posting.title)


def _stamp(moment: datetime | None) -> str:
    return f"{(moment or timezone.now()).timestamp():.0f}"


def invitation_sent(invitation: Invitation, *, token: str) -> None:
    existing = User.objects.filter(email__iexact=invitation.email).only("preferred_language")
    language = existing[0].preferred_language if existing else ""
    notify(
        Kind.INVITATION,
        # Each (re)send is its own event: the token changes with it.
        key=f"invitation:{invitation.pk}:{token[:12]}",
        emails=[(invitation.email, language)],
        actor=invitation.invited_by,
        payload={
            "organisation": invitation.organisation.name,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "expires": timezone.localtime(invitation.expires_at).date().isoformat(),
        },
        secret_url=reverse("partners:invitation", kwargs={"token": token}),
    )


def verification_decided(organisation: Organisation, *, actor: User) -> None:
    notify(
        Kind.VERIFICATION_RESULT,
        key=f"verification:{organisation.pk}:{organisation.verification_status}:{_stamp(None)}",
        users=organisation_admins(organisation.pk),
        actor=actor,
        payload={
            "organisation": organisation.name,
            "verified": organisation.is_verified,
            "note": organisation.verification_note,
        },
        url=organisation.get_absolute_url(),
    )


def posting_review_decided(posting: Posting, *, actor: User, published: bool, note: str) -> None:
    notify(
        Kind.POSTING_REVIEW_RESULT,
        key=f"posting-review:{posting.pk}:{_stamp(None)}",
        users=posting_recipients(posting),
        actor=actor,
        payload={"title": posting.title, "published": published, "note": note},
        url=posting.get_absolute_url(),
        group=_posting_group(posting),
    )


def posting_expiring(posting: Posting) -> None:
    notify(
        Kind.POSTING_EXPIRING,
        key=f"posting-expiring:{posting.pk}:{posting.expires_on}",
        users=posting_recipients(posting),
        payload={"title": posting.title, "expires": posting.expires_on.isoformat()},
        url=reverse("partners:posting_confirm", kwargs={"pk": posting.pk}),
        group=_posting_group(posting),
    )


def posting_expired(posting: Posting) -> None:
    notify(
        Kind.POSTING_EXPIRED,
        key=f"posting-expired:{posting.pk}:{posting.expires_on}",
        users=posting_recipients(posting),
        payload={"title": posting.title},
        url=posting.get_absolute_url(),
        group=_posting_group(posting),
    )


def postings_handed_over(organisation: Organisation, *, posting_ids: list[int], left: User) -> None:
    notify(
        Kind.HANDOVER,
        key=f"handover:{organisation.pk}:u{left.pk}:{_stamp(None)}",
        users=[admin for admin in organisation_admins(organisation.pk) if admin.pk != left.pk],
        payload={"organisation": organisation.name, "count": len(posting_ids)},
        url=reverse("partners:posting_mine"),
    )


def call_decided(call: Posting) -> None:
    """Every respondent hears the outcome of an open call."""
    for response in CallResponse.objects.filter(call=call).select_related("organisation"):
        notify(
            Kind.CALL_OUTCOME,
            key=f"call-outcome:{call.pk}:r{response.pk}",
            users=organisation_admins(response.organisation_id),
            payload={
                "title": call.title,
                "organisation": call.organisation.name,
                "chosen": response.status == CallResponse.Status.CHOSEN,
            },
            url=call.get_absolute_url(),
            group=_posting_group(call),
        )
