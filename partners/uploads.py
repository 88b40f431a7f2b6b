"""Strict image uploads: organisation logos now, project photos later.

Everything an uploader sends is hostile until proven otherwise. The pipeline:

1. refuse by declared size before reading (`.size`, and earlier still the request's
   Content-Length via `request_body_too_large` / `SizeLimitUploadHandler`);
2. read at most ``max_bytes + 1`` bytes;
3. let Pillow parse the header with only the JPEG, PNG and WebP plugins enabled;
4. check format, pixel count, dimensions and animation from the header, before decoding;
5. decode fully (truncated data is an error), apply the EXIF orientation, bring colours to
   sRGB, and re-encode the pixels into a brand-new image, so no metadata (EXIF/GPS, XMP,
   ICC, text chunks, comments) and no trailing bytes (polyglots) survive;
6. store under `random_image_name`, never under the uploader's file name.

Every refusal is an `ImageRejected` (a `ValidationError`) with a stable `code`, so a form
can show a specific message instead of a 500.
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow plugin names we accept, mapped to the format we re-encode into. MPO is what Pillow
# calls a JPEG carrying extra "multi-picture" frames (many phone cameras write them); its
# first frame is an ordinary JPEG, which is all we keep.
_OUTPUT_FORMAT: dict[str, str] = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP")

# Formats we recognise only to give a better message than "not an image". We use Pillow's
# magic-number checks (`_accept`, a prefix comparison) and never its parsers, so refused
# formats never reach plugin code. Only formats with unambiguous signatures are listed:
# PPM, PCX, XBM and friends match ordinary text or random bytes too easily.
_SNIFFED_FORMATS: tuple[str, ...] = (
    "GIF",
    "BMP",
    "TIFF",
    "ICO",
    "CUR",
    "PSD",
    "JPEG2000",
    "AVIF",
    "QOI",
    "ICNS",
    "DDS",
    *ACCEPTED_FORMATS,
)
# iPhones save HEIC by default and Pillow has no HEIF plugin, so name it ourselves: an
# ISO-BMFF "ftyp" box with a HEIF brand.
_HEIC_BRANDS: frozenset[bytes] = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
)

_EXTENSION: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
_CONTENT_TYPE: dict[str, str] = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85},
}

MIN_SIDE = 16
# Wider than 20:1 is a banner strip or an attack on the thumbnailer, not a logo or photo.
MAX_ASPECT_RATIO = 20

# What a multipart body adds around the file: boundaries, part headers, the CSRF token and
# the form's other small fields.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValidationError):
    """An upload refused by `process_image`; `code` says why.

    Codes: empty, too_large, not_an_image, unsupported_format, too_many_pixels, dimensions,
    corrupt, animated. Being a `ValidationError`, it can be re-raised from a form's
    `clean_<field>()` as is.
    """


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded, metadata-free image ready to store under `random_image_name`."""

    content: bytes
    extension: str  # "jpg" | "png" | "webp"
    width: int
    height: int
    thumbnails: dict[int, bytes]  # bounding-box size -> encoded bytes, same format
    content_type: str


def process_image(
    upload: UploadedFile | IO[bytes],
    *,
    max_bytes: int,
    max_pixels: int,
    thumbnail_sizes: tuple[int, ...] = (256, 64),
) -> ProcessedImage:
    """Validate an uploaded image and return a clean re-encoding of it plus thumbnails.

    `upload` is a Django `UploadedFile` or any binary file-like with `.read()`; its `.size`,
    when present, is checked before anything is read, and at most ``max_bytes + 1`` bytes
    are read. The uploader's file name and content type are ignored.

    Raises `ImageRejected` (a `ValidationError`) with a specific code and message; raises
    `ImproperlyConfigured` if something switched on Pillow's LOAD_TRUNCATED_IMAGES.
    Thread-safety note: `warnings.catch_warnings` swaps the process-wide filter list, so in
    a threaded server another request may briefly restore the old filters. The warning
    filter is a second line only: with `max_pixels` below Pillow's MAX_IMAGE_PIXELS (~89 MP)
    our own pixel check refuses everything the warning would.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A process-wide switch that would let half-received files through as images.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False.")

    data = _read_bounded(upload, max_bytes)
    with warnings.catch_warnings():
        # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; we refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with _open(data, max_pixels=max_pixels) as img:
            output_format = _check_header(img, max_pixels=max_pixels)
            try:
                img.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _too_many_pixels(max_pixels) from exc
            except Exception as exc:
                # Pillow's decoders signal hostile or damaged data with a spread of types
                # (OSError "image file is truncated", ValueError, SyntaxError, EOFError...).
                logger.info("Image decode failed: %s", type(exc).__name__)
                raise _corrupt() from exc
            clean = _clean_copy(img)

    content = _encode(clean, output_format)
    thumbnails: dict[int, bytes] = {}
    for size in thumbnail_sizes:
        thumb = clean.copy()
        thumb.thumbnail((size, size), Image.Resampling.LANCZOS)
        thumbnails[size] = _encode(thumb, output_format)
    return ProcessedImage(
        content=content,
        extension=_EXTENSION[output_format],
        width=clean.width,
        height=clean.height,
        thumbnails=thumbnails,
        content_type=_CONTENT_TYPE[output_format],
    )


def random_image_name(extension: str) -> str:
    """A fresh storage name: 32 hex digits, a dot, `extension` ("jpg", "png" or "webp").

    Uploaders' file names are never used, so traversal tricks ("../../x.png"), reserved
    device names and misleading double extensions cannot reach the storage layer.
    """
    if extension not in _EXTENSION.values():
        raise ValueError(f"Unexpected image extension {extension!r}.")
    return f"{uuid.uuid4().hex}.{extension}"


def request_body_too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the declared request body is bigger than `max_bytes` plus multipart overhead.

    Django parses a multipart body only when `request.POST` or `request.FILES` is first
    touched, so a view that asks this first can refuse a 20 MB upload with the "too_large"
    message without the body ever being read, spooled to a temporary file or buffered. It
    only reads the Content-Length header; a missing or malformed header answers False
    (chunked bodies have none), which is what `SizeLimitUploadHandler` is for.

    Caveat: `CsrfViewMiddleware` reads `request.POST` of every POST before the view runs.
    Views relying on this must be `csrf_exempt` on the outside and run `csrf_protect` on the
    inside after the check (see `install_size_limit`). A proxy limit (nginx
    `client_max_body_size`) should still be the first line of defence.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return False
    return length > max_bytes + MULTIPART_OVERHEAD_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any uploaded file as soon as more than `max_bytes` of it have arrived.

    It stores nothing itself: it counts, and passes each chunk on to the next handler
    (memory or temporary file), so at most `max_bytes` of an oversized file is ever held.
    It raises `SkipFile` rather than `StopUpload` so the form's other fields are still
    parsed and the form can re-render with the "too_large" message; Django then drains the
    rest of that file from the socket without storing it. `exceeded` tells the view to
    show that message; the file is simply absent from `request.FILES`.
    """

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False
        self.exceeded_field_names: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # `start` is how many bytes of this file came before this chunk.
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            self.exceeded_field_names.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # None: the next handler (memory or temporary file) provides the uploaded file.
        return None


def install_size_limit(request: HttpRequest, max_bytes: int) -> SizeLimitUploadHandler:
    """Put a `SizeLimitUploadHandler` first in `request.upload_handlers` and return it.

    Must run before `request.POST`/`request.FILES` is touched, which rules out the default
    CSRF middleware reading them first; use Django's documented pattern::

        @csrf_exempt
        def logo_upload(request):
            if request_body_too_large(request, settings.LOGO_MAX_BYTES):
                return render(...)  # the "too_large" message, status 200
            limit = install_size_limit(request, settings.LOGO_MAX_BYTES)
            return _logo_upload(request, limit)

        @csrf_protect
        def _logo_upload(request, limit): ...

    Raises RuntimeError if the body has already been parsed (the limit would silently do
    nothing).
    """
    # The same test Django's `upload_handlers` setter uses to refuse late changes.
    if hasattr(request, "_files"):
        raise RuntimeError("install_size_limit() must run before request.POST/FILES is read.")
    handler = SizeLimitUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers.insert(0, handler)
    return handler


# --- Steps of process_image --------------------------------------------------------------


def _read_bounded(upload: UploadedFile | IO[bytes], max_bytes: int) -> bytes:
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise too_large_error(max_bytes)
    # A form's clean() or an earlier check may have read part of it already; a stream that
    # cannot seek is read from where it stands.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    limit = max_bytes + 1  # one byte past the limit is enough to know it is too large
    parts: list[bytes] = []
    received = 0
    while received < limit:
        # read(n) may legally return fewer than n bytes (sockets, pipes): loop.
        chunk = upload.read(limit - received)
        if not chunk:
            break
        parts.append(chunk)
        received += len(chunk)
    data = b"".join(parts)
    if not data:
        raise ImageRejected(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        # `.size` was missing or lied.
        raise too_large_error(max_bytes)
    return data


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    """Pillow's lazy open (header only) with every plugin but ours switched off."""
    try:
        return Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit (Image.MAX_IMAGE_PIXELS) fired while reading the header.
        raise _too_many_pixels(max_pixels) from exc
    except UnidentifiedImageError as exc:
        sniffed = _sniff_format(data[:16])
        if sniffed is None:
            raise ImageRejected(
                _("The file is not an image. Upload a JPEG, PNG or WebP image."),
                code="not_an_image",
            ) from exc
        if sniffed in ACCEPTED_FORMATS:
            # Looks like one of ours by its signature, yet the header does not parse.
            raise _corrupt() from exc
        raise _unsupported(sniffed) from exc
    except Exception as exc:
        # Our three plugins raise OSError/ValueError/EOFError on a broken header.
        logger.info("Image header rejected: %s", type(exc).__name__)
        raise _corrupt() from exc


def _sniff_format(prefix: bytes) -> str | None:
    if prefix[4:8] == b"ftyp" and prefix[8:12] in _HEIC_BRANDS:
        return "HEIC"
    Image.init()  # registers every plugin's signature check; cheap after the first call
    for name in _SNIFFED_FORMATS:
        entry = Image.OPEN.get(name)
        accept: Callable[[bytes], bool | str] | None = entry[1] if entry else None
        # A str result means "this is that format, but the codec is not compiled in".
        if accept is not None and accept(prefix):
            return name
    return None


def _check_header(img: Image.Image, *, max_pixels: int) -> str:
    """Everything knowable before decoding; returns the output format."""
    output_format = _OUTPUT_FORMAT.get(img.format or "")
    if output_format is None:
        # Unreachable while `formats=` does its job; kept in case a plugin changes names.
        raise _unsupported(img.format or "?")
    width, height = img.size
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            _("The image is too small. It must be at least %(min_side)s × %(min_side)s pixels."),
            code="dimensions",
            params={"min_side": MIN_SIDE},
        )
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageRejected(
            _(
                "The image is too wide or too tall. Its longer side may be at most "
                "%(ratio)s times its shorter side."
            ),
            code="dimensions",
            params={"ratio": MAX_ASPECT_RATIO},
        )
    # MPO's extra frames are stereo/depth pictures of the same scene, not an animation.
    if img.format != "MPO" and getattr(img, "is_animated", False):
        raise ImageRejected(
            _("Animated images are not accepted. Upload a still JPEG, PNG or WebP image."),
            code="animated",
        )
    return output_format


def _clean_copy(img: Image.Image) -> Image.Image:
    """Oriented, sRGB, RGB or RGBA pixels in a new image that carries no metadata at all."""
    icc = img.info.get("icc_profile")
    try:
        oriented = ImageOps.exif_transpose(img)
    except Exception as exc:
        # Unparsable EXIF: keep the pixels as stored; the EXIF is discarded anyway.
        logger.info("EXIF orientation ignored: %s", type(exc).__name__)
        oriented = img.copy()

    if oriented.mode == "CMYK":
        # Only JPEG carries CMYK; convert through its profile when it has one.
        oriented = _apply_profile(oriented, icc, "CMYK", "RGB") or oriented.convert("RGB")
        icc = None
    elif oriented.mode.startswith("I;16") or oriented.mode == "I":
        # 16-bit grey PNG: convert("L") would clip every value above 255 to white; scale.
        oriented = oriented.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    # JPEG has no alpha; PNG and WebP keep theirs (palette transparency and tRNS included).
    mode = "RGBA" if oriented.has_transparency_data else "RGB"
    if oriented.mode != mode:
        oriented = oriented.convert(mode)

    # ICC decision: we do not embed profiles. They are metadata (vendor, device and
    # description text), a parser attack surface in every viewer, and browsers assume sRGB
    # without one. Dropping a wide-gamut profile (an iPhone's Display P3) would wash the
    # colours out, so the pixels are converted to sRGB first; a broken profile is ignored.
    if icc:
        oriented = _apply_profile(oriented, icc, "RGB", mode) or oriented

    # Image.new starts with empty `info` and no cached EXIF; every Pillow operation above
    # (transpose, convert, copy) carries them over, and PNG's encoder even re-embeds
    # `info["icc_profile"]` unasked. Pasting pixels into a fresh image leaves nothing behind.
    clean = Image.new(mode, oriented.size)
    clean.paste(oriented)
    return clean


def _apply_profile(
    img: Image.Image, icc: bytes | None, colour_space: str, output_mode: str
) -> Image.Image | None:
    """`img` converted from its embedded profile to sRGB, or None if that is not possible."""
    if not icc:
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space.strip() != colour_space:
            return None
        return ImageCms.profileToProfile(img, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        logger.info("ICC profile ignored: %s", type(exc).__name__)
        return None


def _encode(img: Image.Image, output_format: str) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=output_format, **_SAVE_OPTIONS[output_format])
    return buffer.getvalue()


# --- Errors ------------------------------------------------------------------------------


def too_large_error(max_bytes: int) -> ImageRejected:
    return ImageRejected(
        _("The file is too large. The maximum size is %(max_mb)s MB."),
        code="too_large",
        params={"max_mb": _format_megabytes(max_bytes)},
    )


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    return ImageRejected(
        _("The image has too many pixels. The maximum is %(max_megapixels)s megapixels."),
        code="too_many_pixels",
        params={"max_megapixels": f"{max_pixels / 1_000_000:g}"},
    )


def _unsupported(format_name: str) -> ImageRejected:
    return ImageRejected(
        _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image."),
        code="unsupported_format",
        params={"format": format_name},
    )


def _corrupt() -> ImageRejected:
    return ImageRejected(
        _("The image is damaged or incomplete. Export it again and upload the new file."),
        code="corrupt",
    )


def _format_megabytes(num_bytes: int) -> str:
    megabytes = num_bytes / (1024 * 1024)
    # "5", "2.5"; tiny limits (tests) keep two significant digits instead of showing "0".
    return f"{megabytes:.1f}".removesuffix(".0") if megabytes >= 1 else f"{megabytes:.2g}"
