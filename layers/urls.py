from django.urls import path

from layers import api, views

app_name = "layers"

urlpatterns = [
    path("api/v1/agencies", api.agencies, name="api-agencies"),
    path(
        "api/v1/agencies/<slug:code>/documents",
        api.agency_documents,
        name="api-agency-documents",
    ),
    path(
        "api/v1/documents/<int:pk>/layers",
        api.document_layers,
        name="api-document-layers",
    ),
    path(
        "api/v1/layers/<int:pk>/versions", api.layer_versions, name="api-layer-versions"
    ),
    path(
        "api/v1/layers/<int:pk>/download", api.layer_download, name="api-layer-download"
    ),
    path("api/v1/layers/<int:pk>/inspect", api.layer_inspect, name="api-layer-inspect"),
    path("api/v1/versions/<int:pk>", api.version_detail, name="api-version"),
    path(
        "api/v1/versions/<int:pk>/publish",
        api.version_publish,
        name="api-version-publish",
    ),
    path(
        "api/v1/versions/<int:pk>/restore",
        api.version_restore,
        name="api-version-restore",
    ),
    path("api/v1/imports/<int:pk>", api.import_detail, name="api-import"),
    path("api/v1/imports/<int:pk>/retry", api.import_retry, name="api-import-retry"),
    path("planner/", views.planner_home, name="planner"),
    path("planner/layers/<int:pk>/", views.layer_detail, name="layer"),
    path("planner/versions/<int:pk>/", views.version_detail, name="version"),
    path(
        "planner/versions/<int:pk>/features.geojson",
        views.version_features,
        name="version-features",
    ),
    path(
        "planner/versions/<int:pk>/publish",
        views.version_publish,
        name="version-publish",
    ),
    path("planner/imports/<int:pk>/retry", views.import_retry, name="import-retry"),
    path(
        "planner/versions/<int:pk>/restore",
        views.version_restore,
        name="version-restore",
    ),
]
