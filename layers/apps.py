from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Planning documents and layers")

    def ready(self) -> None:
        # Before any upload is read: GDAL keeps only the readers' drivers and
        # loses its network access (importing/sandbox.py).
        from importing.readers import READERS
        from importing.sandbox import gdal_lock_down

        gdal_lock_down(reader.driver for reader in READERS.values())
