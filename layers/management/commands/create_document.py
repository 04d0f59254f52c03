"""Create a planning document from a terminal: ``manage.py create_document``."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from layers.cli import (
    acting_user,
    agency_get,
    command_errors,
    date_parse,
    polygons_from_file,
)
from layers.models import PlanningDocument
from layers.services import document_create


class Command(BaseCommand):
    help = "Create a planning document of an agency (approved when dated)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--ref", required=True, help="document reference")
        parser.add_argument(
            "--kind", required=True, choices=PlanningDocument.Kind.values
        )
        parser.add_argument("--title", required=True, help="title in French")
        parser.add_argument("--title-ar", default="", help="title in Arabic")
        parser.add_argument("--approved", help="approval date, YYYY-MM-DD")
        parser.add_argument("--expires", help="expiry date, YYYY-MM-DD")
        parser.add_argument("--perimeter", help="any vector file of the perimeter")
        parser.add_argument("--user", help="act as this user (permissions apply)")

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        agency = agency_get(options["agency"])
        perimeter = None
        if options["perimeter"]:
            perimeter = polygons_from_file(options["perimeter"])
        with command_errors():
            document = document_create(
                user=user,
                agency=agency,
                reference=options["ref"],
                kind=options["kind"],
                title_fr=options["title"],
                title_ar=options["title_ar"],
                approval_date=date_parse(options["approved"]),
                expiry_date=date_parse(options["expires"]),
                perimeter=perimeter,
            )
        self.stdout.write(
            _("Document %(ref)s of %(agency)s created (%(status)s).")
            % {
                "ref": document.reference,
                "agency": agency.code,
                "status": document.get_status_display(),
            }
        )
