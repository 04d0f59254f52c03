"""Revoke a user's API token: ``manage.py revoke_api_token USER PREFIX``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import ApiToken
from accounts.tokens import api_token_revoke
from layers.cli import acting_user


class Command(BaseCommand):
    help = "Revoke the API token of USER whose key starts with PREFIX."

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("prefix", help="the first 8 characters of the key")

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        token = ApiToken.objects.filter(user=user, prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(_("This user has no API token with this prefix."))
        api_token_revoke(token=token)
        self.stdout.write(_("The token is revoked."))
