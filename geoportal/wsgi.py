"""WSGI entry point, served by granian in scripts/run and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")

application = get_wsgi_application()

# Anonymous requests to the machine APIs skip middleware they do not need,
# and map images and vector tiles skip Django's request handling.
from geoportal.light import with_light_path  # noqa: E402 - needs Django set up
from ows.fastlane import GetMapLane  # noqa: E402
from tiles.fastlane import TileLane  # noqa: E402

application = with_light_path(application, lanes=(GetMapLane(), TileLane()))
