from django.urls import path

from core.routes import machine
from tiles import views
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
]
