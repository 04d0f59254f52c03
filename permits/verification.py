"""What minutes add to document-e's verification page (registered by
``PermitsConfig.ready``): the session's public facts, read as the results
page reads them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.details import Details
from documents.models import IssuedDocument
from documents.signing import canonical_json, sha256_hex
from permits import selectors
from permits.minutes import minutes_content
from permits.models import CommissionSession


def minutes_document_details(document: IssuedDocument) -> Details | None:
    """What minutes add to document-e's verification page: the session's
    date and kind and its published files' opinions — public facts only —
    and whether the session still states what the minutes signed (files put
    on the agenda later change it; the registry's signature alone says
    whether the minutes are authentic). None when no session of this portal
    is named."""
    session = (
        CommissionSession.objects.select_related("agency")
        .filter(pk=int(document.subject_reference), agency_id=document.agency_id)
        .first()
        if document.subject_reference.isdigit()
        else None
    )
    if session is None:
        return None
    results = selectors.session_results(session)
    unchanged = (
        sha256_hex(canonical_json(minutes_content(session))) == document.content_sha256
    )
    return Details(
        authentic=True,
        heading=_("Verification of a commission's minutes"),
        template="permits/_verify_minutes.html",
        context={"session": session, "results": results, "unchanged": unchanged},
        data={
            "held_on": session.held_on.isoformat(),
            "kind": session.kind,
            "files": [
                {
                    "number": result.number,
                    "opinion": result.opinion.kind if result.opinion else None,
                }
                for result in results
            ],
            "session_unchanged": unchanged,
        },
    )
