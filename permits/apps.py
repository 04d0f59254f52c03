from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = _("Building permits")
