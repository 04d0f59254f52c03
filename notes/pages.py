"""The notes' pages: the note in the reader's language, its PDF, verification."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from notes import selectors
from notes.errors import NoteNotFound
from notes.pdf import render_note_pdf
from notes.pdf.mapimage import render_map
from notes.presentation import note_context
from notes.verification import note_verify
from notes.views import verify_url


def _note_or_404(token: str):
    try:
        return selectors.note_by_token(token)
    except NoteNotFound as exc:
        raise Http404(exc.message) from exc


def note_page(request: HttpRequest, token: str) -> HttpResponse:
    """The issued note, in the reader's language, with its PDF link."""
    note = _note_or_404(token)
    context = note_context(note.content, get_language())
    context.update(note=note, verify_url=verify_url(note, request))
    return render(request, "notes/note.html", context)


def note_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The note's PDF, rendered from its snapshot (``?lang=fr|ar``)."""
    note = _note_or_404(token)
    language = request.GET.get("lang") or get_language()
    language = "ar" if language.startswith("ar") else "fr"
    pdf = render_note_pdf(
        note.content,
        language=language,
        verify_url=verify_url(note, request),
        sha256=note.sha256,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{note.reference}-{language}.pdf"'
    )
    return response


def note_map(request: HttpRequest, token: str) -> HttpResponse:
    """The note's map excerpt as a PNG, drawn from the layer versions it used."""
    note = _note_or_404(token)
    response = HttpResponse(render_map(note.content).png(), content_type="image/png")
    # The versions a note used never change, so neither does its map.
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response


def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Is the note authentic, and has the planning changed since it was issued?"""
    try:
        note = selectors.note_by_token(token)
    except NoteNotFound as exc:
        return render(
            request, "notes/verify_unknown.html", {"message": exc.message}, status=404
        )
    verification = note_verify(note)
    context = note_context(note.content, get_language())
    context.update(note=note, verification=verification)
    return render(request, "notes/verify.html", context)
