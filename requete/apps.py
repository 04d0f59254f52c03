from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequeteConfig(AppConfig):
    # Not "requests": a package of that name would shadow the PyPI library
    # (installed, used by the tests and OWSLib) for every import in the project.
    name = "requete"
    verbose_name = _("Requests and complaints (requête-e)")
