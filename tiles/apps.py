from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tiles"
    verbose_name = _("Vector tiles")
