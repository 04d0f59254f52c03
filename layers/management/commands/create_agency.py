"""Create an urban agency from a terminal: ``manage.py create_agency``."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from layers.cli import (
    acting_user,
    command_errors,
    polygons_from_file,
    srid_parse,
)
from layers.services import agency_create


class Command(BaseCommand):
    help = "Create an agency with its native CRS and its territory."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True, help="name in French")
        parser.add_argument("--name-ar", default="", help="name in Arabic")
        parser.add_argument("--srs", required=True, help="native CRS, EPSG:XXXX")
        parser.add_argument(
            "--territory", help="any vector file of the territory (required)"
        )
        parser.add_argument(
            "--overlap-reason",
            default="",
            help="why the territory may overlap another agency's (recorded)",
        )
        parser.add_argument("--user", help="act as this user (permissions apply)")

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        srid = srid_parse(options["srs"])
        territory = None
        if options["territory"]:
            territory = polygons_from_file(options["territory"])
        with command_errors():
            agency = agency_create(
                user=user,
                code=options["code"],
                name_fr=options["name"],
                name_ar=options["name_ar"],
                srid=srid,
                territory=territory,
                overlap_reason=options["overlap_reason"],
            )
        self.stdout.write(
            _("Agency %(code)s created (EPSG:%(srid)s).")
            % {"code": agency.code, "srid": agency.srid}
        )
