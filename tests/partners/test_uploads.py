"""The strict image pipeline against a hostile corpus built at test time (no binary fixtures).

Every hostile file must be refused with its specific code and a message, never with an
unexpected exception (a 500 in production); every good file must come out re-encoded with no
metadata and no trailing bytes.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from partners.uploads import (
    MULTIPART_OVERHEAD_BYTES,
    ImageRejected,
    ProcessedImage,
    SizeLimitUploadHandler,
    install_size_limit,
    process_image,
    random_image_name,
    request_body_too_large,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
SCRIPT = b"<script>alert(1)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --- Corpus builders ---------------------------------------------------------------------


def encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """Noise, so encoders cannot shrink it to nothing and truncation really cuts pixels."""
    noise = Image.effect_noise(size, 64).convert("L")
    return noise.convert(mode)


def upload(
    data: bytes, name: str = "logo.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of zeros: ~1000:1 compression, so a few hundred KB that
    would decode to width × height pixels (Pillow holds a byte per pixel, more after RGB)."""
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = bytearray()
    batch = 1000
    for _ in range(height // batch):
        idat += compressor.compress(row * batch)
    idat += compressor.compress(row * (height % batch)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", bytes(idat))
        + png_chunk(b"IEND", b"")
    )


def animation(fmt: str) -> bytes:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "blue", "green")]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


def gif_html_polyglot() -> bytes:
    """A valid GIF whose comment and trailing bytes are an HTML page."""
    gif = encode(Image.new("P", (32, 32)), "GIF", comment=HTML)
    return gif + HTML


class CountingFile(io.BytesIO):
    """A file-like with a (possibly lying) `.size` that counts the bytes read from it."""

    def __init__(self, data: bytes, size: int | None) -> None:
        super().__init__(data)
        if size is not None:
            self.size = size
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def rejected(file: object, code: str, **limits: int) -> ImageRejected:
    options = {"max_bytes": MAX_BYTES, "max_pixels": MAX_PIXELS, **limits}
    with pytest.raises(ImageRejected) as caught:
        process_image(file, **options)  # type: ignore[arg-type]
    assert caught.value.code == code
    with translation.override("en"):
        assert caught.value.messages[0].strip()
    return caught.value


def accepted(file: object, **limits: int) -> ProcessedImage:
    options = {"max_bytes": MAX_BYTES, "max_pixels": MAX_PIXELS, **limits}
    return process_image(file, **options)  # type: ignore[arg-type]


# Parts of each container that hold the picture itself (its structure and its compressed
# pixels); every other part can carry metadata.
PICTURE_PARTS = {
    # JPEG: 0xC0-0xCF (the SOF markers, DHT, JPG, DAC), DQT (0xDB) and DRI (0xDD)
    "JPEG": {bytes([m]) for m in (*range(0xC0, 0xD0), 0xDB, 0xDD)},
    "PNG": {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"},
    "WEBP": {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"},
}
METADATA_PARTS = {
    # APP1 (Exif, XMP), APP2 (ICC), APP13 (IPTC), COM
    "JPEG": {b"\xe1", b"\xe2", b"\xed", b"\xfe"},
    "PNG": {b"iCCP", b"tEXt", b"zTXt", b"iTXt", b"eXIf"},
    "WEBP": {b"EXIF", b"XMP ", b"ICCP"},
}


def container_parts(content: bytes, fmt: str) -> list[tuple[bytes, bytes]]:
    """The file's parts as (kind, body), in order: JPEG segments (each scan's compressed
    data left out), PNG chunks, WebP chunks."""
    parts: list[tuple[bytes, bytes]] = []
    if fmt == "JPEG":
        assert content[:2] == b"\xff\xd8"
        pos = 2
        while pos + 4 <= len(content):
            assert content[pos] == 0xFF, f"no JPEG marker at {pos}"
            marker = content[pos + 1]
            if marker == 0xD9:  # end of image
                break
            (length,) = struct.unpack(">H", content[pos + 2 : pos + 4])
            parts.append((bytes([marker]), content[pos + 4 : pos + 2 + length]))
            pos += 2 + length
            if marker == 0xDA:
                # Start of scan: its compressed data runs to the next marker that is neither
                # a stuffed 0xFF00 nor a restart marker (0xFFD0-D7).
                pos = content.index(b"\xff", pos)
                while content[pos + 1] == 0x00 or 0xD0 <= content[pos + 1] <= 0xD7:
                    pos = content.index(b"\xff", pos + 2)
    elif fmt == "PNG":
        pos = 8
        while pos + 8 <= len(content):
            length, kind = struct.unpack(">I4s", content[pos : pos + 8])
            parts.append((kind, content[pos + 8 : pos + 8 + length]))
            pos += 12 + length
    else:
        pos = 12  # RIFF, size, WEBP
        while pos + 8 <= len(content):
            kind, length = struct.unpack("<4sI", content[pos : pos + 8])
            parts.append((kind, content[pos + 8 : pos + 8 + length]))
            pos += 8 + length + (length & 1)
    return parts


def assert_no_metadata(content: bytes, fmt: str) -> None:
    with Image.open(io.BytesIO(content)) as img:
        assert img.format == fmt
        assert len(img.getexif()) == 0
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        leaked = {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"}
        assert not leaked & set(img.info)
        img.load()
    parts = container_parts(content, fmt)
    assert not {kind for kind, _ in parts} & METADATA_PARTS[fmt]
    # The markers are looked for outside the picture's own parts only: compressed pixels
    # are noise-like, and a three-byte marker such as b"GPS" turned up in them by chance.
    carried = b"".join(body for kind, body in parts if kind not in PICTURE_PARTS[fmt])
    for marker in (b"Exif", b"GPS", b"secret", b"iCCP", b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert marker not in carried


# --- Refusals ----------------------------------------------------------------------------


def test_decompression_bomb_is_too_many_pixels() -> None:
    bomb = png_bomb(30_000, 30_000)
    assert len(bomb) < 200_000  # the point of a bomb: tiny file, 900 megapixels
    rejected(upload(bomb), "too_many_pixels")


def test_bomb_beyond_pillow_limit_is_refused_even_with_a_lax_pixel_limit() -> None:
    # Our own check would let it through; Pillow's DecompressionBombError must map too.
    rejected(upload(png_bomb(30_000, 30_000)), "too_many_pixels", max_pixels=10**10)


def test_decompression_bomb_warning_is_treated_as_an_error() -> None:
    # 100 megapixels sits between Pillow's warning (~89 MP) and error (~179 MP) thresholds.
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000 < 2 * Image.MAX_IMAGE_PIXELS
    rejected(upload(png_bomb(10_000, 10_000)), "too_many_pixels", max_pixels=10**9)


def test_dimensions_just_over_the_pixel_limit_are_refused() -> None:
    with translation.override("en"):
        error = rejected(
            upload(encode(picture((101, 100)), "PNG")), "too_many_pixels", max_pixels=10_000
        )
        assert "0.01 megapixels" in error.messages[0]


def test_dimensions_exactly_at_the_pixel_limit_are_accepted() -> None:
    assert accepted(upload(encode(picture((100, 100)), "PNG")), max_pixels=10_000).width == 100


def test_gif_html_polyglot_named_png_is_unsupported_format() -> None:
    with translation.override("en"):
        error = rejected(upload(gif_html_polyglot(), "logo.png"), "unsupported_format")
        assert "GIF" in error.messages[0]
        assert "JPEG, PNG or WebP" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "content_type"), [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")]
)
def test_svg_is_not_an_image(name: str, content_type: str) -> None:
    rejected(upload(SVG, name, content_type), "not_an_image")


def test_svg_with_xml_declaration_is_not_an_image() -> None:
    rejected(upload(b'<?xml version="1.0"?>\n' + SVG, "logo.svg"), "not_an_image")


def test_html_renamed_png_is_not_an_image() -> None:
    rejected(upload(HTML, "logo.png"), "not_an_image")


def test_plain_text_is_not_an_image() -> None:
    rejected(upload(b"hello, this is not a logo\n", "logo.jpg", "image/jpeg"), "not_an_image")


def test_random_bytes_are_not_an_image() -> None:
    rejected(upload(random.Random(20240601).randbytes(4096), "logo.webp"), "not_an_image")


def test_truncated_jpeg_is_corrupt() -> None:
    jpeg = encode(picture((256, 256)), "JPEG", quality=95)
    rejected(upload(jpeg[: len(jpeg) // 2], "photo.jpg"), "corrupt")


def test_truncated_png_is_corrupt() -> None:
    png = encode(picture((256, 256)), "PNG")
    rejected(upload(png[: len(png) // 2]), "corrupt")


def test_jpeg_signature_with_broken_header_is_corrupt() -> None:
    jpeg = encode(picture(), "JPEG")
    rejected(upload(jpeg[:12], "photo.jpg"), "corrupt")


def test_zero_bytes_is_empty() -> None:
    rejected(upload(b""), "empty")


def test_twenty_megabytes_is_too_large_without_reading() -> None:
    huge = CountingFile(encode(picture(), "PNG") + bytes(20 * 1024 * 1024), size=None)
    huge.size = len(huge.getvalue())  # honest size: refused before a single byte is read
    with translation.override("en"):
        error = rejected(huge, "too_large")
        assert "5 MB" in error.messages[0]
    assert huge.bytes_read == 0


def test_twenty_megabytes_with_a_lying_size_reads_at_most_the_limit_plus_one() -> None:
    huge = CountingFile(encode(picture(), "PNG") + bytes(20 * 1024 * 1024), size=1000)
    rejected(huge, "too_large")
    assert 0 < huge.bytes_read <= MAX_BYTES + 1


def test_twenty_megabytes_without_size_reads_at_most_the_limit_plus_one() -> None:
    huge = CountingFile(random.Random(7).randbytes(20 * 1024 * 1024), size=None)
    rejected(huge, "too_large")
    assert huge.bytes_read <= MAX_BYTES + 1


def test_twenty_megabyte_simple_uploaded_file_is_too_large() -> None:
    rejected(upload(encode(picture(), "PNG") + bytes(20 * 1024 * 1024)), "too_large")


@pytest.mark.parametrize(
    ("fmt", "label"), [("BMP", "BMP"), ("TIFF", "TIFF"), ("ICO", "ICO"), ("GIF", "GIF")]
)
def test_other_image_formats_are_unsupported(fmt: str, label: str) -> None:
    with translation.override("en"):
        error = rejected(upload(encode(picture(), fmt), "logo.png"), "unsupported_format")
        assert label in error.messages[0]


def test_heic_is_unsupported_format() -> None:
    # Only the ISO-BMFF "ftyp" box matters for the verdict.
    heic = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00mif1heic" + bytes(64)
    with translation.override("en"):
        assert "HEIC" in rejected(upload(heic, "IMG_0001.HEIC"), "unsupported_format").messages[0]


def test_animated_gif_is_unsupported_format() -> None:
    rejected(upload(animation("GIF"), "logo.gif"), "unsupported_format")


def test_animated_webp_is_animated() -> None:
    rejected(upload(animation("WEBP"), "logo.webp"), "animated")


def test_animated_png_is_animated() -> None:
    rejected(upload(animation("PNG")), "animated")


@pytest.mark.parametrize("size", [(1, 1), (15, 64), (64, 15)])
def test_tiny_images_are_refused_for_dimensions(size: tuple[int, int]) -> None:
    rejected(upload(encode(picture(size), "PNG")), "dimensions")


def test_absurd_aspect_ratio_is_refused_for_dimensions() -> None:
    rejected(upload(encode(picture((2100, 100)), "PNG")), "dimensions")


def test_truncated_images_switch_must_stay_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImproperlyConfigured):
        accepted(upload(encode(picture(), "PNG")))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_mangled_files_are_refused_or_accepted_never_crash(fmt: str) -> None:
    # Cheap fuzzing: any outcome but an ImageRejected or a clean image would be a 500.
    original = encode(picture((96, 64)), fmt)
    rng = random.Random(fmt)
    for _ in range(40):
        mangled = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        try:
            result = accepted(upload(bytes(mangled)))
        except ImageRejected as error:
            assert error.code in {
                "corrupt",
                "not_an_image",
                "unsupported_format",
                "dimensions",
                "too_many_pixels",
                "animated",
            }
        else:
            assert_no_metadata(result.content, fmt)


# --- Good files come out clean -----------------------------------------------------------


def test_jpeg_with_gps_exif_is_stripped_and_oriented() -> None:
    img = Image.new("RGB", (80, 40), "red")
    img.paste(Image.new("RGB", (40, 40), "blue"), (40, 0))  # left red, right blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored rotated: display turned 90° clockwise
    exif[ExifTags.Base.Make] = "secret-camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 41.0, 22.2)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 41.0, 30.1)
    jpeg = encode(
        img,
        "JPEG",
        exif=exif,
        comment=b"secret comment",
        xmp=b"<x:xmpmeta>secret</x:xmpmeta>",
        icc_profile=SRGB_ICC,
    )
    with Image.open(io.BytesIO(jpeg)) as source:  # the fixture really carries all of it
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert {"exif", "xmp", "comment", "icc_profile"} <= set(source.info)

    result = accepted(upload(jpeg, "../../etc/passwd.jpg", "image/jpeg"))

    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    assert (result.width, result.height) == (40, 80)
    assert_no_metadata(result.content, "JPEG")
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.size == (40, 80)
        top, bottom = out.getpixel((20, 5)), out.getpixel((20, 75))
        assert top[0] > 200 and top[2] < 60  # red is now on top
        assert bottom[2] > 200 and bottom[0] < 60
    for thumbnail in result.thumbnails.values():
        assert_no_metadata(thumbnail, "JPEG")


def test_png_text_chunks_and_trailing_garbage_are_dropped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret text")
    info.add_text("Author", "secret compressed", zip=True)
    info.add_itxt("Description", "secret international")
    png = encode(picture((64, 64)), "PNG", pnginfo=info, icc_profile=SRGB_ICC, exif=Image.Exif())
    hostile = png + b"TRAILING" + SCRIPT
    assert b"tEXt" in hostile and b"zTXt" in hostile and b"iCCP" in hostile

    result = accepted(upload(hostile))

    assert_no_metadata(result.content, "PNG")
    assert result.content.endswith(png_chunk(b"IEND", b""))
    assert b"TRAILING" not in result.content and SCRIPT not in result.content


def test_png_with_alpha_keeps_alpha_and_gets_bounded_thumbnails() -> None:
    img = Image.new("RGBA", (600, 300), (0, 128, 255, 255))
    img.paste((0, 0, 0, 0), (0, 0, 100, 100))  # a fully transparent corner
    result = accepted(upload(encode(img, "PNG")))

    assert (result.extension, result.content_type) == ("png", "image/png")
    assert (result.width, result.height) == (600, 300)
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((10, 10))[3] == 0
        assert out.getpixel((500, 200))[3] == 255
    assert set(result.thumbnails) == {256, 64}
    for size, content in result.thumbnails.items():
        with Image.open(io.BytesIO(content)) as thumb:
            assert thumb.format == "PNG" and thumb.mode == "RGBA"
            assert max(thumb.size) == size  # fitted, not padded or enlarged
        assert_no_metadata(content, "PNG")


def test_palette_png_with_transparency_becomes_rgba() -> None:
    img = Image.new("P", (32, 32), 1)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    result = accepted(upload(encode(img, "PNG", transparency=0)))
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGBA"


def test_valid_webp_is_accepted_with_bounded_thumbnails() -> None:
    webp = encode(picture((400, 300)), "WEBP", quality=90, exif=Image.Exif(), icc_profile=SRGB_ICC)
    result = accepted(upload(webp, "photo.webp", "image/webp"), thumbnail_sizes=(128, 32))

    assert (result.extension, result.content_type) == ("webp", "image/webp")
    assert (result.width, result.height) == (400, 300)
    assert_no_metadata(result.content, "WEBP")
    for size, content in result.thumbnails.items():
        with Image.open(io.BytesIO(content)) as thumb:
            assert thumb.format == "WEBP"
            assert thumb.width <= size and thumb.height <= size


def test_small_images_are_not_enlarged_into_thumbnails() -> None:
    result = accepted(upload(encode(picture((40, 20)), "PNG")))
    for content in result.thumbnails.values():
        with Image.open(io.BytesIO(content)) as thumb:
            assert thumb.width <= 40 and thumb.height <= 20


def test_cmyk_jpeg_becomes_rgb() -> None:
    result = accepted(upload(encode(picture(mode="CMYK"), "JPEG"), "print.jpg"))
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGB"


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    img = Image.new("I;16", (32, 32), 0x8000)  # mid-grey in 16 bits
    result = accepted(upload(encode(img, "PNG")))
    with Image.open(io.BytesIO(result.content)) as out:
        assert 120 <= out.convert("L").getpixel((0, 0)) <= 136


def test_broken_icc_profile_is_ignored_and_dropped() -> None:
    jpeg = encode(picture(), "JPEG", icc_profile=b"secret, not a profile" * 10)
    assert_no_metadata(accepted(upload(jpeg, "photo.jpg")).content, "JPEG")


def test_upload_read_before_is_rewound() -> None:
    file = upload(encode(picture(), "PNG"))
    file.read(10)
    assert accepted(file).width == 64


# --- Names -------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["jpg", "png", "webp"])
def test_random_image_name_is_32_hex_and_the_extension(extension: str) -> None:
    names = {random_image_name(extension) for _ in range(200)}
    assert len(names) == 200
    for name in names:
        assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", name)


def test_random_image_name_never_uses_the_uploaders_name() -> None:
    file = upload(encode(picture(), "PNG"), name="../../etc/passwd.png")
    name = random_image_name(accepted(file).extension)
    assert "passwd" not in name and "/" not in name and ".." not in name


def test_random_image_name_refuses_other_extensions() -> None:
    with pytest.raises(ValueError):
        random_image_name("svg")


# --- Request-level limits ----------------------------------------------------------------


def test_request_body_too_large_from_content_length_alone(rf: RequestFactory) -> None:
    request = rf.post(
        "/logo/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
    )
    assert request_body_too_large(request, MAX_BYTES)
    assert not hasattr(request, "_files")  # the body was not parsed


@pytest.mark.parametrize(
    ("content_length", "too_large"),
    [
        ("1000", False),
        (str(MAX_BYTES + MULTIPART_OVERHEAD_BYTES), False),
        (str(MAX_BYTES + MULTIPART_OVERHEAD_BYTES + 1), True),
        ("", False),
        ("not-a-number", False),
    ],
)
def test_request_body_too_large_threshold(
    rf: RequestFactory, content_length: str, too_large: bool
) -> None:
    request = rf.post(
        "/logo/", data=b"", content_type="application/octet-stream", CONTENT_LENGTH=content_length
    )
    assert request_body_too_large(request, MAX_BYTES) is too_large


def test_size_limit_handler_skips_the_oversized_file_and_keeps_other_fields(
    rf: RequestFactory,
) -> None:
    limit = 200_000  # several 64 KiB chunks, so the count spans chunks
    request = rf.post(
        "/logo/",
        {"logo": upload(bytes(limit + 100)), "name": "Acme"},
    )
    handler = install_size_limit(request, limit)

    assert "logo" not in request.FILES
    assert handler.exceeded
    assert handler.exceeded_field_names == ["logo"]
    assert request.POST["name"] == "Acme"
    assert isinstance(request.upload_handlers[0], SizeLimitUploadHandler)


def test_size_limit_handler_lets_a_file_within_the_limit_through(rf: RequestFactory) -> None:
    limit = 200_000
    request = rf.post("/logo/", {"logo": upload(bytes(limit))})
    handler = install_size_limit(request, limit)

    assert request.FILES["logo"].size == limit
    assert not handler.exceeded


def test_install_size_limit_after_parsing_fails_loudly(rf: RequestFactory) -> None:
    request = rf.post("/logo/", {"logo": upload(b"x")})
    assert "logo" in request.FILES
    with pytest.raises(RuntimeError):
        install_size_limit(request, 10)
