"""Import a zoning or overlay layer from a file: ``manage.py import_layer``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from importing.mapping import mapping_parse
from importing.plan import ImportOptions
from importing.report import report_has_errors, report_text
from layers.cli import (
    ProgressBar,
    acting_user,
    agency_get,
    command_errors,
    document_get,
    srid_parse,
)
from layers.models import Layer, PlanningDocument
from layers.services import (
    VersionStateError,
    document_create,
    layer_ensure,
    layer_import,
    layer_version_publish,
)


class Command(BaseCommand):
    help = (
        "Import a vector file (zipped shapefile, GeoPackage, GeoJSON, KML/KMZ, "
        "CSV, DXF) as a new draft version of a layer, print the validation "
        "report, and publish it with --publish when it has no error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--document", required=True, help="document reference")
        parser.add_argument("--kind", required=True, choices=Layer.Kind.values)
        parser.add_argument(
            "--reference-type",
            default="",
            choices=["", *Layer.ReferenceType.values],
            help="with --kind reference: streets, neighbourhoods or landmarks",
        )
        parser.add_argument("--layer", help="layer name (default: from the kind)")
        parser.add_argument("--source-layer", help="layer or file inside the upload")
        parser.add_argument("--srs", help="CRS of the file, e.g. EPSG:26191")
        parser.add_argument("--encoding", help="text encoding, e.g. cp1252")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TARGET=FIELD",
            help="map a source field, e.g. code=ZONE or label_ar=NOM_AR",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            help="overlaps and gaps smaller than this many m² are warnings",
        )
        parser.add_argument("--comment", default="")
        parser.add_argument("--publish", action="store_true")
        parser.add_argument(
            "--create-document",
            action="store_true",
            help="create the document (as a draft) when it does not exist",
        )
        parser.add_argument("--user", help="act as this user (permissions apply)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("There is no file “%(path)s”.") % {"path": path})
        user = acting_user(options["user"])
        agency = agency_get(options["agency"])
        with command_errors():
            document = self._document(agency, options, user)
            name = options["layer"] or (
                "zonage"
                if options["kind"] == Layer.Kind.ZONING
                else slugify(options["source_layer"] or path.stem)[:64]
            )
            layer = layer_ensure(
                user=user,
                document=document,
                name=name,
                kind=options["kind"],
                reference_type=options["reference_type"],
            )
            import_options = ImportOptions(
                source_layer=options["source_layer"],
                srid=srid_parse(options["srs"]),
                encoding=options["encoding"],
                mapping=mapping_parse(options["map"]),
                comment=options["comment"],
                tolerance_m2=options["tolerance"],
            )
            progress = ProgressBar(self.stderr._out)
            try:
                version = layer_import(
                    layer=layer,
                    path=path,
                    user=user,
                    options=import_options,
                    progress=progress,
                )
            finally:
                progress.close()
        self.stdout.write(report_text(version.report))
        if report_has_errors(version.report):
            raise CommandError(
                ngettext(
                    "Version %(number)s of %(layer)s was kept as a draft: its "
                    "report has %(errors)s error.",
                    "Version %(number)s of %(layer)s was kept as a draft: its "
                    "report has %(errors)s errors.",
                    version.report["errors"],
                )
                % {
                    "number": version.number,
                    "layer": layer,
                    "errors": version.report["errors"],
                }
            )
        if options["publish"]:
            try:
                layer_version_publish(version=version, published_by=user)
            except VersionStateError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _("Version %(number)s of %(layer)s is published.")
                % {"number": version.number, "layer": layer}
            )
        else:
            self.stdout.write(
                _("Version %(number)s of %(layer)s is a draft (id %(id)s).")
                % {"number": version.number, "layer": layer, "id": version.pk}
            )

    def _document(self, agency, options, user) -> PlanningDocument:
        document = document_get(agency, options["document"])
        if document is not None:
            return document
        if not options["create_document"]:
            raise CommandError(
                _(
                    "The agency %(agency)s has no document “%(ref)s” "
                    "(use --create-document)."
                )
                % {"agency": agency.code, "ref": options["document"]}
            )
        return document_create(
            user=user,
            agency=agency,
            reference=options["document"],
            kind=PlanningDocument.Kind.OTHER,
            title_fr=options["document"],
        )
