from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sankangaku.api"
    label = "api"
    verbose_name = _("Open JSON API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_throttle_rate)


def check_throttle_rate(**kwargs: Any) -> list[checks.CheckMessage]:
    """A malformed API_THROTTLE_RATE would fail every API request: refuse it at start-up."""
    from .throttling import parse_rate

    try:
        parse_rate(settings.API_THROTTLE_RATE)
    except (ValueError, KeyError):
        return [
            checks.Error(
                f"API_THROTTLE_RATE={settings.API_THROTTLE_RATE!r} is not like '120/m'.",
                hint="Use <count>/<s|m|h|d>.",
                id="api.E001",
            )
        ]
    return []
