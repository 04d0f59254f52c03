from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = _("Building permits")

    def ready(self) -> None:
        # document-e's verification page asks permits what minutes state.
        from documents.details import details_register
        from documents.models import DocumentKind
        from permits.verification import minutes_document_details

        details_register(DocumentKind.COMMISSION_DECISION, minutes_document_details)
