"""Private storage for project message attachments: outside MEDIA_ROOT, with no URL.

Files here are served only by `projects.views.message_attachment`, which checks project
access first. The folder is `PRIVATE_MEDIA_ROOT` when set, else `private_media` beside
MEDIA_ROOT, so the web server's /media/ alias can never expose it.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self) -> str:
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private_media")

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        # No URL at all: `.url()` raises, so a template cannot link to a file by mistake.
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a checked view.")


def private_storage() -> PrivateStorage:
    """Callable for `FileField(storage=…)`, so migrations do not freeze a location."""
    return _PRIVATE


_PRIVATE = PrivateStorage()
