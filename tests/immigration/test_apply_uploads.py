"""immigration.uploads: the type of a file is read from its content; what is stored is the
re-encoded image or PDF, nothing else of what was sent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from immigration import uploads
from immigration.models import AttachmentKind

PASSPORT = AttachmentKind.PASSPORT_PAGE
PHOTO = AttachmentKind.PHOTO


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bytes | None = None, mode="RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, "navy")
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "SecretCam 1.0"  # Software
    return exif.tobytes()


def pdf_bytes(pages: int = 2) -> bytes:
    document = FPDF()
    for n in range(pages):
        document.add_page()
        document.set_font("helvetica", size=12)
        document.cell(text=f"Page {n + 1}")
    return bytes(document.output())


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def error_code(name: str, data: bytes, kind=PASSPORT) -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(upload(name, data), kind=kind)
    return caught.value.code


def test_it_reencodes_a_jpeg_without_its_exif_and_what_was_appended():
    data = image_bytes(exif=exif_with_gps()) + b"APPENDED-SECRET" * 10
    assert b"SecretCam" in data

    checked = uploads.check_upload(upload("scan.jpg", data), kind=PASSPORT)

    assert checked.content_type == "image/jpeg" and checked.name == "scan.jpg"
    assert b"SecretCam" not in checked.content and b"APPENDED-SECRET" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert not image.getexif()
    assert checked.size == len(checked.content) and len(checked.sha256) == 64


def test_it_turns_a_transparent_png_into_a_jpeg_named_so():
    checked = uploads.check_upload(upload("photo.png", image_bytes("PNG", mode="RGBA")), kind=PHOTO)
    assert (checked.name, checked.content_type) == ("photo.jpg", "image/jpeg")
    assert checked.content.startswith(b"\xff\xd8")


def test_it_takes_webp():
    checked = uploads.check_upload(upload("p.webp", image_bytes("WEBP")), kind=PHOTO)
    assert checked.content_type == "image/jpeg"


def test_it_refuses_a_png_with_a_web_page_inside():
    polyglot = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"
    assert error_code("x.png", polyglot) == "markup"


def test_it_refuses_an_empty_file():
    assert error_code("x.jpg", b"") == "empty"


def test_it_refuses_a_file_over_the_limit(settings):
    settings.IMMIGRATION_UPLOAD_MAX_BYTES = 1000
    assert error_code("x.jpg", image_bytes(size=(400, 400)) + b"\0" * 2000) == "too_big"


def test_it_refuses_an_image_with_the_name_of_another_type():
    assert error_code("passport.pdf", image_bytes()) == "wrong_extension"
    assert error_code("passport.png", image_bytes("JPEG")) == "wrong_extension"
    assert error_code("passport", image_bytes()) == "wrong_extension"


def test_it_refuses_a_decompression_bomb(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 1000)
    assert error_code("big.png", image_bytes("PNG", size=(100, 100))) == "too_many_pixels"


def test_it_refuses_other_formats():
    assert error_code("x.gif", image_bytes("GIF")) == "unreadable"
    assert error_code("x.jpg", b"GIF89a" + b"\0" * 50) == "unreadable"
    assert error_code("x.jpg", image_bytes()[:200]) == "unreadable"  # cut short


def test_it_accepts_a_pdf_and_counts_its_pages():
    checked = uploads.check_upload(upload("contract.pdf", pdf_bytes(3)), kind=PASSPORT)
    assert (checked.content_type, checked.pages, checked.name) == (
        "application/pdf",
        3,
        "contract.pdf",
    )
    assert len(PdfReader(io.BytesIO(checked.content)).pages) == 3


def test_it_accepts_a_pdf_from_pypdf_and_drops_its_script():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_open_action(JavaScript("app.alert('hi');"))
    out = io.BytesIO()
    writer.write(out)
    assert "/JavaScript" in PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]["/Names"]

    checked = uploads.check_upload(upload("blank.PDF", out.getvalue()), kind=PASSPORT)

    assert "/Names" not in PdfReader(io.BytesIO(checked.content)).trailer["/Root"]
    assert checked.pages == 1


def test_it_refuses_a_pdf_that_does_not_parse():
    assert error_code("x.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage") == "bad_pdf"
    assert error_code("x.pdf", pdf_bytes()[:300]) == "bad_pdf"


def test_it_refuses_a_pdf_as_the_photo():
    assert error_code("photo.pdf", pdf_bytes(), kind=PHOTO) == "photo_pdf"


def test_it_refuses_a_pdf_named_as_an_image():
    assert error_code("scan.jpg", pdf_bytes()) == "wrong_extension"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(min_size=1, max_size=2000),
        st.binary(max_size=500).map(lambda junk: b"%PDF-1.4\n" + junk),
        st.binary(max_size=500).map(lambda junk: b"\x89PNG\r\n\x1a\n" + junk),
        st.binary(max_size=500).map(lambda junk: b"\xff\xd8\xff\xe0" + junk),
        st.binary(max_size=500).map(lambda junk: b"RIFF\x00\x00\x00\x00WEBPVP8 " + junk),
    ),
    name=st.sampled_from(["a.jpg", "a.png", "a.pdf", "a.webp", "a", "a.html"]),
)
def test_junk_is_refused_with_a_validation_error_and_nothing_else(data, name):
    try:
        checked = uploads.check_upload(upload(name, data), kind=PASSPORT)
    except ValidationError as error:
        assert error.code in {"unreadable", "bad_pdf", "wrong_extension", "markup", "no_pages"}
    else:
        # Whatever got through is a real image or PDF, re-encoded.
        assert checked.content.startswith((b"\xff\xd8", b"%PDF-"))


@settings(max_examples=30, deadline=None)
@given(tail=st.binary(min_size=1, max_size=300))
def test_whatever_follows_an_image_is_dropped(tail):
    data = image_bytes() + tail
    try:
        checked = uploads.check_upload(upload("a.jpg", data), kind=PHOTO)
    except ValidationError as error:
        assert error.code == "markup"
    else:
        assert not checked.content.endswith(tail) or len(tail) < 3


def test_it_keeps_a_plain_version_of_the_name():
    checked = uploads.check_upload(upload("..\\Hộ chiếu <1>\x00.JPG", image_bytes()), kind=PHOTO)
    assert checked.name == "Hộ chiếu _1.jpg"
    checked = uploads.check_upload(upload("....jpg", image_bytes()), kind=PHOTO)
    assert checked.name == "photo.jpg"
