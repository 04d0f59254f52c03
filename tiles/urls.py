from django.urls import path

from core.routes import machine
from tiles import raster_views, views
from tiles.fastlane import TileLane

app_name = "tiles"

urlpatterns = [
    path("tiles/", views.index, name="index"),
    path("tiles/<str:name>.json", views.tilejson, name="tilejson"),
    # A machine route (core.routes): anonymous tiles take the machine path,
    # and its tile lane.
    machine(
        path("tiles/<str:name>/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tile"),
        methods=("GET", "HEAD"),
        lane=TileLane(),
    ),
    machine(
        path(
            "tiles/raster/<slug:agency>/<slug:name>/<int:z>/<int:x>/<int:y>.webp",
            raster_views.raster_tile,
            name="raster_tile",
        ),
        methods=("GET", "HEAD"),
    ),
]
