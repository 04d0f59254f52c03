"""The search route and the document and parcel pages it links to, without
other apps."""

from django.urls import include, path

urlpatterns = [
    path("", include("parcels.urls")),
    path("", include("viewer.urls")),
    path("", include("geoportal.parcel_urls")),
    path("", include("tiles.urls")),
]
