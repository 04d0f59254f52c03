from django.urls import path

from ows import views

app_name = "ows"

urlpatterns = [
    path("ows", views.ows, name="ows"),
    path("wms", views.wms, name="wms"),
    path("wfs", views.wfs, name="wfs"),
    path("ows/<slug:agency>/", views.agency_ows, name="agency"),
]
