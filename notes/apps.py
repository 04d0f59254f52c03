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
