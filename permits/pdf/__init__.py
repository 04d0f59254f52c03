"""A commission session's minutes as a PDF, rendered with typst, in French,
Arabic or English.

``permits.minutes.minutes_issue`` registers them with document-e: it hands
the registry's QR code and printed code to ``minutes_pdf`` and signs the
result (PAdES). Without them (a session not yet published) the PDF is a plain
draft. Fonts are the few the minutes need, so no system font discovery
happens; one compiler per process.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.typst_pdf import TypstTemplate
from documents.qr import qr_svg
from permits.models import CommissionSession, Opinion

TEMPLATE = TypstTemplate(Path(__file__).with_name("minutes.typ"))
TEMPLATE_VERSION = "minutes-1"


def _opinion_text(opinion: Opinion | None) -> tuple[str, str]:
    if opinion is None:
        return _("Not examined"), ""
    lines = [opinion.grounds] if opinion.grounds else []
    if opinion.missing_pieces:
        lines.append(
            _("Missing pieces: %(pieces)s") % {"pieces": opinion.missing_pieces}
        )
    for condition in opinion.conditions.all():
        cites = (
            _("Zone %(code)s") % {"code": condition.zone_rule.code}
            if condition.zone_rule
            else condition.article_reference
        )
        lines.append(
            f"{condition.position}. {condition.text}" + (f" ({cites})" if cites else "")
        )
    return opinion.get_kind_display(), "\n".join(lines)


def minutes_pdf(
    session: CommissionSession,
    *,
    language: str,
    qr_text: str = "",
    document_code: str = "",
) -> bytes:
    """The minutes of ``session`` as a PDF in ``language`` (fr, ar or en):
    its members and, per file of the agenda, the opinion and its conditions
    — the files' numbers and parcels, never who filed them; a "do not
    publish" file is left out, as on the public results (the minutes are
    linked from there). With ``qr_text``, the registry's QR code and
    ``document_code`` head the first page."""
    items = (
        session.agenda.filter(file__do_not_publish=False)
        .select_related("file__procedure", "opinion")
        .prefetch_related("file__parcels", "opinion__conditions__zone_rule")
        .order_by("position")
    )
    with translation.override(language):
        rows = []
        for item in items:
            opinion, details = _opinion_text(getattr(item, "opinion", None))
            parcels = ", ".join(parcel.reference for parcel in item.file.parcels.all())
            rows.append(
                [
                    str(item.position),
                    item.file.external_reference,
                    f"{item.file.procedure.label} — {parcels}",
                    opinion,
                    details,
                ]
            )
        data = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "agency": session.agency.name,
            "session": _("%(kind)s session of %(date)s")
            % {
                "kind": session.get_kind_display(),
                "date": formats.date_format(session.held_on, "DATE_FORMAT"),
            },
            "qr": qr_svg(qr_text) if qr_text else "",
            "document_code": document_code,
            "labels": {
                "title": _("Minutes of the project-review commission"),
                "document_code": _("Verification code"),
                "members": _("Members"),
                "agenda": _("Files examined"),
                "columns": [
                    _("No."),
                    _("File number"),
                    _("Procedure and parcels"),
                    _("Opinion"),
                    _("Grounds and conditions"),
                ],
                "footer": _(
                    "Issued by the Geoportail for the agency named above; the "
                    "applicants' names are kept in the files."
                ),
            },
            "members": [
                [member.get_role_display(), member.name, member.organisation]
                for member in session.members.all()
            ],
            "items": rows,
        }
    return TEMPLATE.pdf(data)
