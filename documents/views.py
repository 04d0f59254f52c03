"""document-e's pages and JSON: verify a document, list the public keys.
Views are adapters.

The verification page opens in the document's language when the URL names
it (``?lang=``, as printed in the QR code), else in the reader's. It shows no
personal data: what the document is, who issued it when, its status and, for
kinds that cite planning, whether it changed since. An uploaded PDF is hashed
in memory and compared with the registered SHA-256, never stored. Wrong codes
count per address (guessing): past the limit, look-ups wait.
"""

from __future__ import annotations

import datetime
import hashlib
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import RequestQuota
from accounts.throttle import client_address, quota_take
from core.api import api_view
from core.errors import GeoportalError, TooManyRequests
from documents import offline, selectors, signing
from documents.errors import DocumentNotFound, PdfRefused
from documents.models import IssuedDocument

LOOKUP_SCOPE = "document_lookup_failure"
LOOKUP_WINDOW = datetime.timedelta(hours=1)


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked in {code for code, _name in settings.LANGUAGES}:
        return asked
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _lookup_refused_for(address: str) -> datetime.timedelta | None:
    """How long ``address`` still waits after too many wrong codes, if it does."""
    quota = RequestQuota.objects.filter(
        scope=LOOKUP_SCOPE,
        address=address,
        count__gte=settings.GEOPORTAIL_DOCUMENT_LOOKUP_FAILURE_LIMIT,
        window_start__gt=timezone.now() - LOOKUP_WINDOW,
    ).first()
    return (
        None if quota is None else quota.window_start + LOOKUP_WINDOW - timezone.now()
    )


def _document(request: HttpRequest, code: str) -> IssuedDocument:
    """The document of ``code``, counting a wrong one against the address.

    Raises TooManyRequests while the address is refused, and the errors of
    ``selectors.document_by_code``.
    """
    address = client_address(request)
    wait = _lookup_refused_for(address)
    if wait is not None:
        raise TooManyRequests(
            _("Too many unknown codes from your address; try again later."),
            retry_after=math.ceil(wait.total_seconds()),
        )
    try:
        return selectors.document_by_code(code)
    except DocumentNotFound:
        quota_take(
            scope=LOOKUP_SCOPE,
            address=address,
            limit=settings.GEOPORTAIL_DOCUMENT_LOOKUP_FAILURE_LIMIT,
            window=LOOKUP_WINDOW,
        )
        raise


def _uploaded_sha256(request: HttpRequest) -> str:
    """The SHA-256 of the uploaded PDF, read in memory; PdfRefused for no
    file, a file too large or one that is not a PDF."""
    upload = request.FILES.get("pdf")
    limit = settings.GEOPORTAIL_DOCUMENT_UPLOAD_MAX_BYTES
    if upload is None:
        raise PdfRefused(_("Choose the PDF file to compare."))
    if upload.size > limit:
        raise PdfRefused(
            _("This file is larger than %(megabytes)s MB, larger than any document.")
            % {"megabytes": limit // 1_000_000}
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        head = head or chunk[:5]
        digest.update(chunk)
    if head != b"%PDF-":
        raise PdfRefused(_("This file is not a PDF."))
    return digest.hexdigest()


def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/verify/<code>``: is the document authentic, still valid, and (for
    notes) has the planning changed since? POST a PDF to compare its hash."""
    language = _language(request)
    with translation.override(language):
        try:
            document = _document(request, code)
        except GeoportalError as error:
            response = render(
                request,
                "documents/verify_refused.html",
                {"message": error.message},
                status=error.http_status,
            )
            for name, value in error.headers().items():
                response[name] = value
            return response
        context = {
            "check": selectors.document_verify(document),
            "Status": document.Status,
        }
        if request.method == "POST":
            try:
                uploaded = _uploaded_sha256(request)
            except PdfRefused as error:
                context["upload_error"] = error.message
            else:
                context["uploaded_sha256"] = uploaded
                context["upload_matches"] = uploaded == document.pdf_sha256
        response = render(request, "documents/verify.html", context)
    response["Content-Language"] = language
    return response


@api_view("GET")
def verify_json(request: HttpRequest, code: str) -> dict:
    """``GET /api/v1/issued-documents/<code>``: the verification page as JSON."""
    return document_data(selectors.document_verify(_document(request, code)))


def document_data(check: selectors.DocumentCheck) -> dict:
    """The public facts of a verified document (no personal data)."""
    document = check.document
    successor = document.successor
    return {
        "code": document.code,
        "kind": document.kind,
        "agency": document.agency.code,
        "language": document.language,
        "template_version": document.template_version,
        "issued_at": document.issued_at,
        "valid_until": document.valid_until,
        "authentic": check.authentic,
        "status": check.state,
        "reason": document.reason,
        "successor": successor.code if successor else None,
        "key_id": document.key_id,
        "pdf_sha256": document.pdf_sha256,
        "content_sha256": document.content_sha256,
        "details": check.details.data if check.details else None,
    }


def _keys() -> list[dict]:
    return [
        {
            "key_id": key.key_id,
            "algorithm": "Ed25519",
            "public_key_pem": key.pem,
            "valid_from": key.valid_from,
            "valid_to": key.valid_to,
            "current": key.current,
        }
        for key in signing.public_keys()
    ]


def keys_page(request: HttpRequest) -> HttpResponse:
    """``/verify/keys``: the public keys that verify documents, with periods
    (in ``?lang=``'s language, else the reader's)."""
    language = _language(request)
    with translation.override(language):
        response = render(request, "documents/keys.html", {"keys": _keys()})
    response["Content-Language"] = language
    return response


@api_view("GET")
def keys_json(request: HttpRequest) -> dict:
    """``GET /api/v1/issued-documents/keys``: the public keys and their periods."""
    return {"keys": _keys(), "payload_format": offline.PAYLOAD_FORMAT}
