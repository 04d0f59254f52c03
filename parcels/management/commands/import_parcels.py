"""Import a parcel registry file: ``manage.py import_parcels``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from importing.report import report_text
from layers.cli import (
    ProgressBar,
    acting_user,
    agency_get,
    command_errors,
    srid_parse,
)
from parcels.services import parcels_import


class Command(BaseCommand):
    help = (
        "Create or update an agency's parcels from a vector file whose features "
        "carry their land reference (TF 12345/07, R 4567/07, cadastral id)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--srs", help="CRS of the file, e.g. EPSG:26191")
        parser.add_argument("--source-layer", help="layer or file inside the upload")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TARGET=FIELD",
            help="reference=FIELD, area=FIELD or address=FIELD",
        )
        parser.add_argument("--user", help="act as this user (permissions apply)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("There is no file “%(path)s”.") % {"path": path})
        user = acting_user(options["user"])
        agency = agency_get(options["agency"])
        mapping = {}
        for item in options["map"]:
            target, sep, source = item.partition("=")
            if not sep or target not in {"reference", "area", "address"}:
                raise CommandError(
                    _("“%(item)s” is not a mapping; write reference=FIELD.")
                    % {"item": item}
                )
            mapping[target] = source
        progress = ProgressBar(self.stderr._out)
        with command_errors():
            try:
                result = parcels_import(
                    agency=agency,
                    path=path,
                    user=user,
                    srid=srid_parse(options["srs"]),
                    mapping=mapping,
                    source_layer=options["source_layer"],
                    progress=progress,
                )
            finally:
                progress.close()
        self.stdout.write(report_text(result.report))
        self.stdout.write(result.summary)
