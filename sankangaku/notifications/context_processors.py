from django.utils.functional import SimpleLazyObject

from . import services


def unread_notifications(request) -> dict[str, object]:
    """The header badge's count, read only when a template shows it (cached, see
    services.unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: services.unread_count(user))}
