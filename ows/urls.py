from django.urls import path

from core.routes import machine
from ows import views
from ows.fastlane import GetMapLane

app_name = "ows"

# Machine routes (core.routes): anonymous requests take the machine path, map
# images its GetMap lane.
OWS_METHODS = ("GET", "HEAD", "POST")

urlpatterns = [
    machine(path("ows", views.ows, name="ows"), methods=OWS_METHODS, lane=GetMapLane()),
    machine(
        path("wms", views.wms, name="wms"),
        methods=OWS_METHODS,
        lane=GetMapLane(default_service="WMS"),
    ),
    machine(path("wfs", views.wfs, name="wfs"), methods=OWS_METHODS),
    machine(
        path("ows/<slug:agency>/", views.agency_ows, name="agency"),
        methods=OWS_METHODS,
        lane=GetMapLane(),
    ),
]
