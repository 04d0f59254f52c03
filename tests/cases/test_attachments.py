"""Attachments: PDF, JPEG and PNG accepted by their bytes, images stored
without their metadata; a zip, a renamed script, a truncated PDF, a
decompression bomb or a file too big refused in the reader's language."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation
from PIL import Image

from cases.attachments import attachment_check
from cases.errors import AttachmentRefused

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "SecretPhone 9"  # Model
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 128, 0, 255)).save(out, "PNG")
    return out.getvalue()


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("plan.pdf", PDF)
    return out.getvalue()


def test_a_pdf_is_kept_as_sent():
    checked = attachment_check(PDF)
    assert (checked.content, checked.content_type) == (PDF, "application/pdf")


def test_a_photo_loses_its_metadata_and_keeps_its_pixels():
    original = jpeg_with_exif()
    assert b"SecretPhone" in original
    checked = attachment_check(original)
    assert checked.content_type == "image/jpeg"
    assert b"SecretPhone" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (40, 30)
        assert dict(image.getexif()) == {}
        red, green, blue = image.getpixel((20, 15))
        assert red > 240
        assert max(green, blue) < 20


def test_a_png_is_accepted():
    assert attachment_check(png()).content_type == "image/png"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (zipped(), "attachment_type"),
        (b"#!/bin/sh\nrm -rf /\n", "attachment_type"),
        (b"", "attachment_type"),
        (PDF[:-7], "attachment_unreadable"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "attachment_unreadable"),
        (png()[:40], "attachment_unreadable"),
    ],
    ids=["zip", "script", "empty", "truncated-pdf", "fake-jpeg", "truncated-png"],
)
def test_other_files_are_refused_in_the_readers_language(content, code):
    with translation.override("ar"), pytest.raises(AttachmentRefused) as caught:
        attachment_check(content)
    assert caught.value.code == code
    assert any("\u0600" <= c <= "\u06ff" for c in str(caught.value.message))


def test_a_file_too_big_is_refused(settings):
    settings.GEOPORTAIL_ATTACHMENT_MAX_BYTES = len(PDF) - 1
    with pytest.raises(AttachmentRefused) as caught:
        attachment_check(PDF)
    assert caught.value.code == "attachment_too_big"


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(AttachmentRefused):
        attachment_check(png())
