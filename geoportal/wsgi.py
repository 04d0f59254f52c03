"""WSGI entry point, served by granian in scripts/run and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")

application = get_wsgi_application()

# Anonymous requests to the machine APIs skip middleware they do not need.
from geoportal.light import with_light_path  # noqa: E402 - needs Django set up

application = with_light_path(application)
