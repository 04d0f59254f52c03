from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Planning law library")

    def ready(self) -> None:
        # Zone rules cite articles; layers checks the references through the
        # library without importing it (layers/citations.py says why).
        from layers.citations import unknown_references_register
        from library.citations import unknown_references

        unknown_references_register(unknown_references)
