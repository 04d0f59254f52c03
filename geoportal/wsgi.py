"""WSGI entry point, served by granian in scripts/run and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")

application = get_wsgi_application()
