from django.apps import AppConfig
from django.core import checks, signals
from django.utils.translation import gettext_lazy as _


class GeoportalConfig(AppConfig):
    name = "geoportal"
    verbose_name = _("Geoportail")

    def ready(self) -> None:
        from core import db, pades
        from geoportal import file_storage, machine

        # After Django's own upkeep (close_old_connections), on every path:
        # both handlers send these signals, and the lanes through
        # core.lanes.request_signals.
        signals.request_started.connect(db.connections_drop_dead)
        signals.request_finished.connect(db.connections_drop_broken)
        checks.register(machine.machine_middleware_check)
        checks.register(file_storage.file_storage_check)
        checks.register(pades.pades_configured_check, deploy=True)
