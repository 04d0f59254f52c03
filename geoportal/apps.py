from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoportalConfig(AppConfig):
    name = "geoportal"
    verbose_name = _("Geoportail")
