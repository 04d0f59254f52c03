"""``manage.py load_demo``: load the fictional demo agency (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geoportal.demo import (
    DemoDataError,
    DemoTerritoryOverlap,
    demo_accounts_ensure,
    demo_load,
)


class Command(BaseCommand):
    help = (
        "Load the fictional demo agency of data/demo/ (Oued Zahra, near Rabat) and "
        "the admin/planner demo accounts. Running it again changes nothing unless "
        "the data files changed or --force is given; even then it only changes "
        "the rows it made itself, never what people made in the demo agency."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Refresh the demo's own rows even if they are up to date.",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Folder holding demo.json (default: data/demo of the checkout).",
        )
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Do not create the admin and planner demo accounts.",
        )

    def handle(self, *args, **options):
        try:
            summary = demo_load(directory=options["directory"], force=options["force"])
        except DemoTerritoryOverlap as error:
            # Real agencies come first: the portal starts, without the demo.
            self.stderr.write(self.style.WARNING(str(error)))
            return
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        agency = summary.agency
        state = "loaded" if summary.loaded else "already up to date"
        self.stdout.write(
            f"Demo agency {agency.code} {state}: {summary.documents} documents, "
            f"{summary.versions} layer versions, {summary.features} features, "
            f"{summary.parcels} parcels."
        )
        for reason in summary.kept:
            self.stdout.write(f"Left as it is: {reason}.")
        if options["no_accounts"]:
            return
        created, password_file = demo_accounts_ensure(agency=agency)
        if not created:
            self.stdout.write("Demo accounts admin and planner already exist.")
        elif password_file is None:
            self.stdout.write(
                f"Created demo accounts {', '.join(created)} with the password of "
                "GEOPORTAIL_DEMO_PASSWORD."
            )
        else:
            self.stdout.write(
                f"Created demo accounts {', '.join(created)}; their password is in "
                f"{password_file}."
            )
