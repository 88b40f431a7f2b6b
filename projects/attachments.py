"""Message attachments: a PDF (checked by its magic bytes and size) or an image (re-encoded
through partners.uploads.process_image). Anything else is refused with a clear message.

The result is plain bytes plus a safe download name; the stored name is random and the
storage is private (projects.storage).
"""

import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners import uploads

PDF_MAGIC = b"%PDF-"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    """The attachment limit (PROJECT_ATTACHMENT_MAX_BYTES, default 10 MB)."""
    return getattr(settings, "PROJECT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class PreparedAttachment:
    content: bytes
    storage_name: str  # random, with the real extension
    download_name: str  # shown to people; derived from the uploader's name, made safe
    content_type: str


def prepare_attachment(upload: IO[bytes], *, original_name: str = "") -> PreparedAttachment:
    """Validate `upload` and return what to store. Raises ValidationError with a message in
    the user's language; nothing is stored here."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise uploads.too_large_error(limit)
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    if head == PDF_MAGIC:
        content = upload.read(limit + 1)
        if len(content) > limit:
            raise uploads.too_large_error(limit)
        return PreparedAttachment(
            content=content,
            storage_name=f"{uuid.uuid4().hex}.pdf",
            download_name=_safe_name(original_name, "pdf"),
            content_type="application/pdf",
        )
    try:
        image = uploads.process_image(
            upload, max_bytes=limit, max_pixels=settings.LOGO_MAX_PIXELS, thumbnail_sizes=()
        )
    except uploads.ImageRejected as exc:
        if exc.code == "not_an_image":
            raise ValidationError(
                _("Only PDF files and JPEG, PNG or WebP images can be attached."),
                code="unsupported_attachment",
            ) from exc
        raise
    return PreparedAttachment(
        content=image.content,
        storage_name=uploads.random_image_name(image.extension),
        download_name=_safe_name(original_name, image.extension),
        content_type=image.content_type,
    )


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def _safe_name(original: str, extension: str) -> str:
    """The uploader's file stem without paths or odd characters, with the real extension."""
    stem = PurePosixPath((original or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:80] or "attachment"
    return f"{stem}.{extension}"
