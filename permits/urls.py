from django.urls import path

from permits import exports, feeds, ogcapi, views

app_name = "permits"

urlpatterns = [
    path("permits/lookup", views.lookup, name="lookup"),
    path("permits/<slug:agency>/sessions/", views.agency_sessions, name="sessions"),
    path(
        "permits/<slug:agency>/sessions/<int:session_id>/",
        views.session_results,
        name="session",
    ),
    path(
        "permits/<slug:agency>/sessions/<int:session_id>/minutes.pdf",
        views.session_minutes,
        name="session_minutes",
    ),
    path("permits/<slug:agency>/feed.atom", feeds.SessionResultsFeed(), name="feed"),
    path("permits/open-data/blds.csv", exports.blds_csv, name="blds_csv"),
    path("permits/open-data/blds.geojson", exports.blds_geojson, name="blds_geojson"),
    path("permits/ogcapi/", ogcapi.landing, name="ogcapi"),
    path("permits/ogcapi/conformance", ogcapi.conformance, name="ogcapi_conformance"),
    path("permits/ogcapi/collections", ogcapi.collections, name="ogcapi_collections"),
    path(
        "permits/ogcapi/collections/<str:collection>",
        ogcapi.collection,
        name="ogcapi_collection",
    ),
    path(
        "permits/ogcapi/collections/<str:collection>/items",
        ogcapi.items,
        name="ogcapi_items",
    ),
    path(
        "permits/ogcapi/collections/<str:collection>/items/<str:reference>",
        ogcapi.item,
        name="ogcapi_item",
    ),
]
