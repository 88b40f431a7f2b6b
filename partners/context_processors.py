from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from partners import selectors


def current_organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation the signed-in user is acting for, shown in the header.

    Lazy: only the full pages' header reads it, so htmx fragments (which render without
    base.html) do not pay for the memberships query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_memberships": SimpleLazyObject(lambda: selectors.membership_list_for(user=user)),
        "current_organisation": SimpleLazyObject(
            lambda: selectors.current_organisation_for(request=request)
        ),
    }
