from django.urls import path

from layers import api, basemap_views, document_views, views

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
    path("planner/documents/new/", document_views.document_create, name="document-new"),
    path(
        "planner/documents/<int:pk>/",
        document_views.document_detail,
        name="document",
    ),
    path(
        "planner/documents/<int:pk>/files/",
        document_views.regulation_file_upload,
        name="document-file",
    ),
    path(
        "planner/documents/<int:pk>/layers/new/",
        document_views.layer_create,
        name="layer-new",
    ),
    path(
        "planner/documents/<int:pk>/rules/",
        document_views.document_rules,
        name="document-rules",
    ),
    path(
        "planner/documents/<int:pk>/rules/import",
        document_views.rules_import,
        name="document-rules-import",
    ),
    path("planner/layers/<int:pk>/", views.layer_detail, name="layer"),
    path("planner/layers/<int:pk>/edit/", document_views.layer_edit, name="layer-edit"),
    path("planner/versions/<int:pk>/", views.version_detail, name="version"),
    path(
        "planner/versions/<int:pk>/compare/",
        views.version_comparison,
        name="version-compare",
    ),
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
    path("planner/orthophotos/", basemap_views.orthophotos, name="orthophotos"),
    path(
        "planner/orthophotos/<int:pk>/publish",
        basemap_views.orthophoto_publish,
        name="orthophoto-publish",
    ),
]
