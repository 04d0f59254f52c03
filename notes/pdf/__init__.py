"""The note's PDF, rendered with typst from the snapshot, in French or Arabic.

One ``typst.Compiler`` per process (creating one costs more than a render); the
note's data go in as JSON through ``sys_inputs``; fonts are restricted to the few
the note needs (Noto Sans, Noto Naskh Arabic, DejaVu Sans Mono) so no system
font discovery happens. The map PNG is written under the compiler's root with a
unique name for the time of one render (raw RGB pixels, see mapimage).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from core.pades import AgencyIdentity, issued_pdf_sign
from core.typst_pdf import FONTS, TypstTemplate
from documents.qr import qr_svg
from layers.models import Layer, ZoneCategory
from notes.pdf.mapimage import render_map
from notes.presentation import display_content, distance

TEMPLATE = TypstTemplate(
    Path(__file__).with_name("note.typ"),
    fonts=(*FONTS, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
)
LANGUAGES = ("fr", "ar", "en")
# Recorded with each issued note in document-e's registry: raise it when the
# template changes what a note looks like.
TEMPLATE_VERSION = "note-1"


def labels(*, official: bool = False) -> dict[str, str]:
    """The template's fixed texts in the active language (the title says
    whether the note is the official one)."""
    return {
        "title": _("Official urban information note")
        if official
        else _("Urban information note"),
        "reference": _("Reference"),
        "issued_at": _("Issued on"),
        "as_of": _("Planning as of"),
        "paid_order": _("Paid order"),
        "receipt": _("Receipt"),
        "scan_to_verify": _("Scan to verify"),
        "subject": _("Subject"),
        "subject_kind": _("Kind"),
        "subject_reference": _("Land reference"),
        "computed_area": _("Computed area"),
        "official_area": _("Official area"),
        "subject_outline": _("Subject"),
        "scale": _("Scale"),
        "zones": _("Zoning"),
        "no_zone": _("No zone of a document in force covers the subject."),
        "code": _("Zone"),
        "label": _("Label"),
        "area": _("Area"),
        "share": _("Share"),
        "outside_zoning": _("Outside any zoning"),
        "rules_of": _("Rules of zone"),
        "overlays": _("Prescriptions and easements"),
        "no_overlay": _("No prescription affects the subject."),
        "overlay_type": _("Type"),
        "inside_subject": _("Inside the subject"),
        "documents": _("Planning documents in force"),
        "no_document": _("No planning document is in force."),
        "document": _("Document"),
        "approval": _("Approval"),
        "effective": _("In force since"),
        "expiry": _("Expires on"),
        "warnings": _("Warnings"),
        "articles": _("Articles of the law relied on"),
        "versions_used": _("Layer versions used"),
        "disclaimer": _(
            "This note states what the approved planning documents say about the "
            "subject on the date shown. It does not replace a building permit."
        ),
        "sha256_label": _("SHA-256 of the content"),
        "verify_hint": _("Verify this note by scanning its QR code."),
        "document_code": _("Verification code"),
    }


def render_note_pdf(
    content: dict,
    *,
    language: str,
    verify_url: str,
    sha256: str,
    document_code: str = "",
) -> bytes:
    """The PDF (A4) of a note's ``content`` in ``language`` ("fr", "ar", "en"),
    signed (PAdES) by the agency that issued it.

    ``verify_url`` is what the QR code holds; ``document_code``, the
    registry's code printed under it (notes issued before document-e have
    none)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported PDF language: {language}")
    excerpt = render_map(content, language=language)
    map_file = f"map-{uuid.uuid4().hex}.rgb"
    with translation.override(language):
        display = display_content(content, language)
        legend = []
        zone_labels = {zone["code"]: zone["label"] for zone in display["zones"]}
        for entry in excerpt.legend:
            if entry.kind == "zone":
                label = entry.key
                extra = zone_labels.get(entry.key) or (
                    str(ZoneCategory(entry.category).label)
                    if entry.category in ZoneCategory.values
                    else ""
                )
                if extra:
                    label = f"{label} {extra}"
            else:
                label = (
                    str(Layer.OverlayType(entry.key).label)
                    if entry.key in Layer.OverlayType.values
                    else entry.key
                )
            legend.append({"color": entry.color, "label": label})
        data = {
            **display,
            "labels": labels(official="official" in content.get("note", {})),
            "legend": legend,
            "scale_label": distance(excerpt.scale_m, language),
            "map_file": map_file,
            "map_width": excerpt.width,
            "map_height": excerpt.height,
            "qr": qr_svg(verify_url),
            "sha256": sha256,
            "document_code": document_code,
        }
    agency = content["agency"]
    return issued_pdf_sign(
        TEMPLATE.pdf(data, {map_file: excerpt.rgb}),
        agency=AgencyIdentity(agency["code"], agency["name_fr"], agency["name_ar"]),
    )
