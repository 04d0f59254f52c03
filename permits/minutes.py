"""A commission's minutes issued through document-e.

The minutes of a published session are issued once per language: the first
ask (the publication, a download) registers them — the registry's QR code and
printed code on the PDF, the agency's PAdES signature — and every later ask
serves the registered bytes, so a download always hashes to what the
verification page checks. What the registry signs is the session's public
facts (``minutes_content``): the same as the results page, never who filed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.pades import AgencyIdentity, issued_pdf_sign
from documents.models import DocumentKind, IssuedDocument
from documents.services import document_issue, document_prepare
from documents.signing import canonical_json, sha256_hex
from permits.errors import OpinionRefused
from permits.models import CommissionSession
from permits.pdf import TEMPLATE_VERSION, minutes_pdf

SUBJECT_TYPE = CommissionSession._meta.label_lower


def minutes_content(session: CommissionSession) -> dict:
    """What the minutes state, as the registry signs it, in no language: the
    agency, the session's date and kind, and per published file (as on the
    results page) its number, procedure, parcels and opinion with its
    conditions and what they cite."""
    items = (
        session.agenda.filter(file__do_not_publish=False)
        .select_related("file__procedure", "opinion")
        .prefetch_related("file__parcels", "opinion__conditions__zone_rule")
        .order_by("position")
    )
    files = []
    for item in items:
        opinion = getattr(item, "opinion", None)
        files.append(
            {
                "number": item.file.external_reference,
                "procedure": item.file.procedure.code,
                "parcels": [parcel.reference for parcel in item.file.parcels.all()],
                "opinion": opinion
                and {
                    "kind": opinion.kind,
                    "grounds": opinion.grounds,
                    "missing_pieces": opinion.missing_pieces,
                    "conditions": [
                        [
                            condition.text,
                            condition.zone_rule.code if condition.zone_rule else "",
                            condition.article_reference,
                        ]
                        for condition in opinion.conditions.all()
                    ],
                },
            }
        )
    return {
        "agency": session.agency.code,
        "session": session.pk,
        "held_on": session.held_on.isoformat(),
        "kind": session.kind,
        "files": files,
    }


def minutes_registered(
    *, session: CommissionSession, language: str
) -> IssuedDocument | None:
    """The minutes of ``session`` registered in ``language``, if issued."""
    return (
        IssuedDocument.objects.filter(
            kind=DocumentKind.COMMISSION_DECISION,
            subject_type=SUBJECT_TYPE,
            subject_reference=str(session.pk),
            language=language,
        )
        .order_by("issued_at")
        .first()
    )


@transaction.atomic
def minutes_issue(
    *, session: CommissionSession, language: str, actor=None
) -> IssuedDocument:
    """The registered minutes of the published ``session`` in ``language``,
    issued on the first ask (the session's row is locked meanwhile, so two
    asks at once issue one). Raises OpinionRefused for a session not
    published. Returns the IssuedDocument, whose ``pdf`` is what to serve."""
    # Read without a lock first: every view of the results page asks.
    registered = minutes_registered(session=session, language=language)
    if registered is not None:
        return registered
    session = (
        CommissionSession.objects.select_for_update()
        .select_related("agency")
        .get(pk=session.pk)
    )
    if session.published_at is None:
        raise OpinionRefused(
            _("The minutes are issued once the results are published.")
        )
    registered = minutes_registered(session=session, language=language)
    if registered is not None:
        return registered
    agency = session.agency
    prepared = document_prepare(
        kind=DocumentKind.COMMISSION_DECISION,
        agency=agency,
        language=language,
        template_version=TEMPLATE_VERSION,
        subject_type=SUBJECT_TYPE,
        subject_reference=str(session.pk),
        content_sha256=sha256_hex(canonical_json(minutes_content(session))),
    )
    pdf = minutes_pdf(
        session,
        language=language,
        qr_text=prepared.qr_text(base_url=session.origin),
        document_code=prepared.code_printed,
    )
    signed = issued_pdf_sign(
        pdf, agency=AgencyIdentity(agency.code, agency.name_fr, agency.name_ar)
    )
    return document_issue(prepared=prepared, pdf=signed, issued_by=actor)
