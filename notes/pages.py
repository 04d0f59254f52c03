"""The notes' pages: the note, its PDF, verification.

An issued note's language is fixed at issue. Its PDF opens in it whatever the
reader's browser or cookie says, and the verification URL given at issue (and
printed in the QR code) names it (``?lang=``): a French phone scanning an
Arabic note sees the Arabic verification. The note page, and a verification
URL typed without ``?lang=``, follow the reader; ``?lang=`` asks for another
language explicitly (the note page's links to each PDF).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from documents.selectors import pdf_of, qr_text_of
from notes import selectors
from notes.errors import NoteNotFound
from notes.official import official_order_url
from notes.pdf import render_note_pdf
from notes.pdf.mapimage import render_map
from notes.presentation import note_context
from notes.verification import note_verify
from notes.views import note_document, verify_url


def _note_or_404(token: str):
    try:
        return selectors.note_by_token(token)
    except NoteNotFound as exc:
        raise Http404(exc.message) from exc


def asked_language(request: HttpRequest, default: str) -> str:
    """``?lang=`` when it names one of the portal's languages, else ``default``."""
    asked = request.GET.get("lang", "")
    if asked in {code for code, _name in settings.LANGUAGES}:
        return asked
    return default


def _reader_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def note_page(request: HttpRequest, token: str) -> HttpResponse:
    """The issued note in the reader's language (or ``?lang=``), with links to
    its PDF in each language."""
    note = _note_or_404(token)
    language = asked_language(request, _reader_language())
    with translation.override(language):
        context = note_context(note.content, language)
        context.update(
            note=note,
            verify_url=verify_url(note, request),
            official_order_url=official_order_url(note),
        )
        response = render(request, "notes/note.html", context)
    response["Content-Language"] = language
    return response


def note_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The note's PDF in its language of issue: exactly the bytes registered
    with document-e (whose SHA-256 its verification page compares). In
    another language (``?lang=fr|ar|en``), or for a note issued before
    document-e, rendered from its snapshot with the same QR code."""
    note = _note_or_404(token)
    language = asked_language(request, note.language)
    document = note_document(note)
    if document is not None and language == note.language:
        pdf = pdf_of(document)
    else:
        pdf = render_note_pdf(
            note.content,
            language=language,
            verify_url=(
                qr_text_of(document, base_url=request.build_absolute_uri("/"))
                if document
                else verify_url(note, request)
            ),
            sha256=note.sha256,
            document_code=document.code_printed if document else "",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{note.reference}-{language}.pdf"'
    )
    response["Content-Language"] = language
    return response


def note_map(request: HttpRequest, token: str) -> HttpResponse:
    """The note's map excerpt as a PNG, drawn from the layer versions it used."""
    note = _note_or_404(token)
    response = HttpResponse(render_map(note.content).png(), content_type="image/png")
    # The versions a note used never change, so neither does its map.
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response


def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Is the note authentic, and has the planning changed since it was issued?

    The note's token page, which shows its content; a note registered with
    document-e is verified at its code's page, which this one names (and
    whose revocation or supersession it repeats)."""
    try:
        note = selectors.note_by_token(token)
    except NoteNotFound as exc:
        return render(
            request, "notes/verify_unknown.html", {"message": exc.message}, status=404
        )
    language = asked_language(request, _reader_language())
    with translation.override(language):
        verification = note_verify(note)
        context = note_context(note.content, language)
        context.update(
            note=note, verification=verification, registered=note_document(note)
        )
        response = render(request, "notes/verify.html", context)
    response["Content-Language"] = language
    return response
