"""Create a personal API token for a user: ``manage.py create_api_token``."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.tokens import api_token_create
from layers.cli import acting_user


class Command(BaseCommand):
    help = "Create an API token for USER and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        _token, key = api_token_create(user=user, name=options["name"])
        self.stderr.write(
            _("Keep this token secret; send it as “Authorization: Token <key>”.")
        )
        self.stdout.write(key)
