from django.http import HttpRequest

from partners import selectors


def current_organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation the signed-in user is acting for, shown in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = selectors.membership_list_for(user=user)
    return {
        "user_memberships": memberships,
        "current_organisation": selectors.current_organisation_for(
            request=request, memberships=memberships
        ),
    }
