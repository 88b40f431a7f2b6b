from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request) -> dict[str, object]:
    """The header badge's count, queried only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    }
