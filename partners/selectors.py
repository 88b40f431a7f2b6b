"""Reads for partners. Querysets start from what the user may see."""

from allauth.account.models import EmailAddress
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sankangaku.accounts.models import User

from .models import Invitation, Membership, Organisation, Prefecture, VerificationStatus

CURRENT_ORGANISATION_SESSION_KEY = "current_organisation_id"


def membership_list_for(*, user: User) -> list[Membership]:
    # Cached on the user object: the header reads it on every page.
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        user._membership_cache = cached
    return cached


def current_organisation_for(
    *, request: HttpRequest, memberships: list[Membership] | None = None
) -> Organisation | None:
    memberships = memberships if memberships is not None else membership_list_for(user=request.user)
    if not memberships:
        return None
    wanted = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership.organisation
    return memberships[0].organisation


def organisation_public_list() -> QuerySet[Organisation]:
    """Organisations anyone may see in the directory: all but refused ones."""
    return Organisation.objects.exclude(verification_status="rejected").select_related(
        "prefecture", "location__prefecture"
    )


def organisation_filter(
    *,
    organisations: QuerySet[Organisation],
    q: str = "",
    kind: str = "",
    prefecture: Prefecture | None = None,
    verified: bool = False,
) -> QuerySet[Organisation]:
    """Directory filters. The name search is a plain substring match on name and kana; the
    ranked Japanese search arrives with postings."""
    q = " ".join(q.split())
    for word in q.split(" ") if q else []:
        organisations = organisations.filter(
            Q(name__icontains=word) | Q(name_kana__icontains=word) | Q(description__icontains=word)
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    if prefecture is not None:
        organisations = organisations.filter(prefecture=prefecture)
    if verified:
        organisations = organisations.filter(verification_status=VerificationStatus.VERIFIED)
    return organisations.order_by("name", "pk")


def invitation_list_for(*, user: User) -> QuerySet[Invitation]:
    """Pending, unexpired invitations addressed to any of the user's verified emails."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return (
        Invitation.objects.filter(
            email__in=[e.lower() for e in emails],
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def verification_queue_for(*, user: User) -> QuerySet[Organisation]:
    """Organisations waiting for a coordinator, in the coordinator's prefectures; those who
    asked first come first, then unverified ones that have not asked yet."""
    from .access import coordinator_prefecture_codes

    organisations = (
        Organisation.objects.filter(
            verification_status__in=[VerificationStatus.PENDING, VerificationStatus.UNVERIFIED]
        )
        .select_related("prefecture", "location__prefecture")
        .annotate(member_count=Count("memberships"))
        .order_by(F("verification_requested_at").asc(nulls_last=True), "created_at")
    )
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        organisations = organisations.filter(prefecture_id__in=codes)
    return organisations
