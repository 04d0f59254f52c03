from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Issued documents")

    def ready(self) -> None:
        from documents.checks import public_url_check

        checks.register(public_url_check, deploy=True)
