"""WSGI entry point, served by granian in scripts/run and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")

application = get_wsgi_application()

# Anonymous requests to the machine routes take the machine path: the
# middleware they need only, and for map images and tiles no Django handler.
from geoportal.machine import MachinePath  # noqa: E402 - needs Django set up

application = MachinePath(application)
