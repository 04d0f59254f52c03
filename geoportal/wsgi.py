"""WSGI entry point, served by granian in scripts/run and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")

application = get_wsgi_application()

# The public read-only note endpoints skip middleware they do not need.
from notes.wsgi import with_light_public_api  # noqa: E402 - needs Django set up

application = with_light_public_api(application)
