from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = _("Urban information notes")

    def ready(self) -> None:
        from notes import official
        from payments.fulfilment import FULFILMENTS

        # A paid official-note order delivers its note (payments.fulfilment).
        FULFILMENTS[official.SERVICE] = official.OfficialNote()

        # document-e's verification page asks notes what changed since.
        from documents.details import details_register
        from documents.models import DocumentKind
        from notes.verification import note_document_details

        details_register(DocumentKind.NOTE, note_document_details)
