from django.urls import path

from geoportal import parcel_views

urlpatterns = [
    # The parcel's page; its reference is its canonical key, which has a "/".
    path(
        "parcels/<slug:agency>/<path:reference>/",
        parcel_views.parcel_page,
        name="parcel",
    ),
]
