"""Reads for partners. Querysets start from what the user may see."""

from django.db.models import QuerySet
from django.http import HttpRequest

from sankangaku.accounts.models import User

from .models import Membership, Organisation

CURRENT_ORGANISATION_SESSION_KEY = "current_organisation_id"


def membership_list_for(*, user: User) -> list[Membership]:
    # Cached on the user object: the header reads it on every page.
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("organisation").order_by(
                "organisation__name"
            )
        )
        user._membership_cache = cached
    return cached


def current_organisation_for(
    *, request: HttpRequest, memberships: list[Membership] | None = None
) -> Organisation | None:
    memberships = memberships if memberships is not None else membership_list_for(
        user=request.user
    )
    if not memberships:
        return None
    wanted = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership.organisation
    return memberships[0].organisation


def organisation_public_list() -> QuerySet[Organisation]:
    """Organisations anyone may see in the directory: all but refused ones."""
    return (
        Organisation.objects.exclude(verification_status="rejected")
        .select_related("prefecture", "location__prefecture")
    )
