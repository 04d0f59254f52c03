"""Import an orthophoto as a raster base map: ``manage.py import_orthophoto``."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from layers.basemaps import base_map_upload, base_map_version_publish
from layers.cli import acting_user, agency_get, command_errors
from layers.models import BaseMapVersion


class Command(BaseCommand):
    help = (
        "Convert a GeoTIFF orthophoto (any CRS) into a Cloud-Optimized GeoTIFF "
        "in Web Mercator as a new version of an agency's base map; publish it "
        "with --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--name", default="orthophoto", help="base map name")
        parser.add_argument("--title-fr", default="Orthophotographie")
        parser.add_argument("--title-ar", default="صورة جوية مصححة")
        parser.add_argument("--publish", action="store_true")
        parser.add_argument("--user", help="act as this user (permissions apply)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("There is no file “%(path)s”.") % {"path": path})
        user = acting_user(options["user"])
        agency = agency_get(options["agency"])
        with command_errors(), path.open("rb") as source:
            version = base_map_upload(
                agency=agency,
                name=options["name"],
                title_fr=options["title_fr"],
                title_ar=options["title_ar"],
                upload=File(source, name=path.name),
                user=user,
                background=False,
            )
            if version.status == BaseMapVersion.Status.FAILED:
                raise CommandError(version.error)
            if options["publish"]:
                version = base_map_version_publish(version=version, user=user)
        self.stdout.write(
            f"{version.base_map} v{version.number}: {version.get_status_display()}, "
            f"zoom {version.min_zoom}–{version.max_zoom}"
        )
