"""Reads of issued notes: by their public reference, by their verification
token."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notes.errors import NoteNotFound


def note_by_reference(reference: str):
    """The issued note with this public reference; NoteNotFound otherwise."""
    from notes.models import Note

    note = Note.objects.select_related("agency").filter(reference=reference).first()
    if note is None:
        raise NoteNotFound(
            _("No note has the reference %(reference)s.")
            % {"reference": reference[:40]}
        )
    return note


def note_by_token(token: str):
    """The issued note with this verification token; NoteNotFound otherwise."""
    from notes.models import Note

    note = Note.objects.select_related("agency").filter(token=token).first()
    if note is None:
        raise NoteNotFound(
            _(
                "This verification code matches no note issued by this portal. "
                "The document presented is not authentic."
            )
        )
    return note
