"""The files an application carries: checked from their content (never their name), then
re-encoded, so that what is stored is only what a reader of the image or the PDF sees.

An image (JPEG, PNG, WebP) is opened with Pillow, verified, decoded within a pixel limit (a
"decompression bomb" of a few kilobytes can decode to gigabytes) and saved again as a JPEG:
EXIF (with the phone's GPS position), comments and anything appended after the image are
dropped; an image that carries web-page markup (one a browser could also read as HTML) is
refused. A PDF must start with "%PDF-", parse strictly and is written again page by page,
without its scripts, annotations and embedded files. Anything else is refused."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from .models import AttachmentKind

MB = 1024 * 1024
# Image formats by what Pillow reads in the content, and the names they may carry.
IMAGE_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
PDF_EXTENSIONS = (".pdf",)
# A 600 dpi A4 scan is 35 million pixels; more is a bomb or a mistake.
MAX_PIXELS = 40_000_000
# Stored images are scaled down to this on their long side: plenty for a passport page.
MAX_SIDE = 3000
# What a browser would take for a page: refused wherever it appears in the bytes.
# (An image's XMP metadata is XML but never these.)
MARKUP = (b"<html", b"<!doctype", b"<script", b"<body", b"<iframe", b"<svg", b"<head")


def file_limit() -> int:
    return getattr(settings, "IMMIGRATION_UPLOAD_MAX_BYTES", 5 * MB)


def application_limit() -> int:
    return getattr(settings, "IMMIGRATION_APPLICATION_MAX_BYTES", 20 * MB)


@dataclass(frozen=True)
class CheckedFile:
    """What is stored of an upload: the re-encoded content and what it is."""

    name: str
    content: bytes
    content_type: str
    pages: int = 1

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _mb(size: int) -> str:
    return f"{size / MB:.0f}"


def check_upload(uploaded: UploadedFile, *, kind: str) -> CheckedFile:
    """The upload, checked and re-encoded; a ValidationError that names what is wrong."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > file_limit():
        raise ValidationError(
            _("The file is larger than %(mb)s MB."),
            code="too_big",
            params={"mb": _mb(file_limit())},
        )
    uploaded.seek(0)
    data = uploaded.read(file_limit() + 1)
    if len(data) > file_limit():
        raise ValidationError(
            _("The file is larger than %(mb)s MB."),
            code="too_big",
            params={"mb": _mb(file_limit())},
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = PurePath(uploaded.name or "").suffix.lower()
    stem = _safe_stem(uploaded.name or "") or str(kind)
    if data.startswith(b"%PDF-"):
        if kind == AttachmentKind.PHOTO:
            raise ValidationError(
                _("The photo must be a JPEG, PNG or WebP image, not a PDF."), code="photo_pdf"
            )
        _check_extension(extension, PDF_EXTENSIONS, _("a PDF"))
        content, pages = _reencode_pdf(data)
        return CheckedFile(f"{stem}.pdf", content, "application/pdf", pages)
    lowered = data.lower()
    if any(marker in lowered for marker in MARKUP):
        raise ValidationError(
            _("The file contains web-page code: upload a plain image or PDF."), code="markup"
        )
    image_format = _image_format(data)
    _check_extension(extension, IMAGE_FORMATS[image_format], _("an image"))
    return CheckedFile(f"{stem}.jpg", _reencode_image(data), "image/jpeg")


def _safe_stem(name: str) -> str:
    """The file's name without its extension, as letters (any script), digits and a few
    signs: it is shown on the page and sent back in a header."""
    stem = PurePath(name.replace("\\", "/")).stem
    return re.sub(r"[^\w\-. ()]+", "_", stem).strip(" ._")[:80]


def _check_extension(extension: str, allowed: tuple[str, ...], what) -> None:
    if extension not in allowed:
        raise ValidationError(
            _("The file is %(what)s but its name ends in “%(extension)s”: name it %(allowed)s."),
            code="wrong_extension",
            params={"what": what, "extension": extension or "…", "allowed": " / ".join(allowed)},
        )


def _not_readable() -> ValidationError:
    return ValidationError(
        _("This file is not a JPEG, PNG or WebP image or a PDF that can be read."),
        code="unreadable",
    )


def _image_format(data: bytes) -> str:
    """The format of an image Pillow recognises and verifies, else a ValidationError."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in IMAGE_FORMATS:
                raise _not_readable()
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_readable() from None
    return image_format


def _reencode_image(data: bytes) -> bytes:
    # verify() leaves the image unusable: it is opened again to decode it.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("The image is too large (%(width)s × %(height)s pixels)."),
                        code="too_many_pixels",
                        params={"width": width, "height": height},
                    )
                image.load()
                # The orientation is applied before EXIF goes, or phone photos end up sideways.
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                if image.mode in ("RGBA", "LA", "P", "PA"):
                    image = image.convert("RGBA")
                    flat = Image.new("RGB", image.size, "white")
                    flat.paste(image, mask=image.getchannel("A"))
                    image = flat
                elif image.mode != "RGB":
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=88, optimize=True)
    except ValidationError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise _not_readable() from None
    return out.getvalue()


def _reencode_pdf(data: bytes) -> tuple[bytes, int]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected by a password: upload it without one."), code="encrypted"
            )
        pages = len(reader.pages)
        if pages == 0:
            raise ValidationError(_("The PDF has no pages."), code="no_pages")
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            # Links, form fields and page scripts are no part of a scanned document.
            for key in ("/Annots", "/AA"):
                if key in added:
                    del added[NameObject(key)]
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except Exception:
        # pypdf raises many kinds of error on a broken file (its own, and KeyError,
        # TypeError, RecursionError... from deep inside): every one means "not a PDF we read".
        raise ValidationError(
            _("This PDF could not be read: it may be damaged."), code="bad_pdf"
        ) from None
    return out.getvalue(), pages
