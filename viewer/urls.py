from django.urls import path

from viewer import views

app_name = "viewer"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("territories.geojson", views.territories, name="territories"),
    path("documents/<slug:agency>/", views.documents, name="documents"),
    path("layers/<int:pk>/metadata/", views.layer_metadata, name="layer-metadata"),
    path(
        "layers/<int:pk>/metadata.xml",
        views.layer_metadata_xml,
        name="layer-metadata-xml",
    ),
    path("documents/<slug:agency>/<path:reference>/", views.document, name="document"),
]
