"""A case's attachments: what is accepted, checked by content, and stored.

Accepted are PDF, JPEG and PNG files up to ``GEOPORTAIL_ATTACHMENT_MAX_BYTES``,
recognised by their bytes, never by their name or the type the browser
claims: a PDF starts with ``%PDF-`` and ends with ``%%EOF`` (no PDF library
parses it here); an image must open and verify with Pillow within its
decompression-bomb limit, and is re-encoded — which drops its metadata (the
camera, the place a phone wrote in EXIF) and any bytes hidden after it.
Anything else (a zip, an office file, a script renamed .pdf) is refused in
the reader's language.
"""

from __future__ import annotations

import dataclasses
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.errors import AttachmentRefused
from cases.models import Case, CaseAttachment, CaseEvent
from cases.services import case_event_add

PDF_TAIL = 1024
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclasses.dataclass(frozen=True)
class Checked:
    content: bytes
    content_type: str
    extension: str


def _refused() -> AttachmentRefused:
    return AttachmentRefused(
        _("Attach a PDF, JPEG or PNG file."), code="attachment_type"
    )


def _image(content: bytes) -> Checked:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                if kind not in IMAGE_FORMATS:
                    raise _refused()
                # Turned as the camera meant, then without any of its info
                # (EXIF, ICC, text chunks): only the pixels are written.
                clean = ImageOps.exif_transpose(image)
                clean.info = {}
                if kind == "JPEG" and clean.mode not in {"RGB", "L", "CMYK"}:
                    clean = clean.convert("RGB")
                out = io.BytesIO()
                options = {"quality": 90} if kind == "JPEG" else {}
                clean.save(out, format=kind, **options)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise AttachmentRefused(
            _("This image cannot be read."), code="attachment_unreadable"
        ) from exc
    content_type, extension = IMAGE_FORMATS[kind]
    return Checked(out.getvalue(), content_type, extension)


def attachment_check(content: bytes) -> Checked:
    """``content`` as it will be kept; raise AttachmentRefused when it is too
    big or not a PDF, JPEG or PNG by its bytes."""
    limit = settings.GEOPORTAIL_ATTACHMENT_MAX_BYTES
    if len(content) > limit:
        raise AttachmentRefused(
            _("A file may be at most %(size)s MB.")
            % {"size": f"{limit / 1_000_000:g}"},
            code="attachment_too_big",
        )
    if not content:
        raise _refused()
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-PDF_TAIL:]:
            raise AttachmentRefused(
                _("This PDF is incomplete or damaged."), code="attachment_unreadable"
            )
        return Checked(content, "application/pdf", "pdf")
    if content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return _image(content)
    raise _refused()


@transaction.atomic
def case_attachment_add(
    *, case: Case, name: str, content: bytes, by_requester: bool, actor=None
) -> CaseAttachment:
    """Check ``content``, store it and write the ``attachment`` event."""
    checked = attachment_check(content)
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150] or "document"
    attachment = CaseAttachment(
        case=case,
        name=stem,
        content_type=checked.content_type,
        size=len(checked.content),
        by_requester=by_requester,
    )
    attachment.file.save(
        f"{case.pk}.{checked.extension}", ContentFile(checked.content), save=False
    )
    attachment.save()
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.ATTACHMENT,
        actor=actor,
        by_requester=by_requester,
        # Not the name: it may name the sender, and erasure deletes the
        # attachment while the history (append-only) keeps this event.
        data={
            "attachment": attachment.pk,
            "size": attachment.size,
            "type": attachment.content_type,
        },
    )
    return attachment
