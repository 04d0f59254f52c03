"""Export or erase a requester's personal data (law 09-08), on their request."""

import json

from django.core.management.base import BaseCommand, CommandError

from requete.privacy import requester_erase, requester_export


class Command(BaseCommand):
    help = (
        "Export (JSON on standard output) or erase the personal data of the "
        "requests filed with an e-mail address or phone number."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args, action: str, email: str, phone: str, **options):
        if not (email or phone):
            raise CommandError("Give --email or --phone.")
        if action == "export":
            data = requester_export(email=email, phone=phone)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            count = requester_erase(email=email, phone=phone)
            self.stdout.write(f"erased the personal data of {count} request(s)")
