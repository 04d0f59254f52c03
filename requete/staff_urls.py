"""The agency's pages for requête-e, beside the planner's other pages."""

from django.urls import path

from requete import staff_views

app_name = "requete-staff"

urlpatterns = [
    path("planner/requests/", staff_views.request_queue, name="queue"),
    path("planner/requests/export.csv", staff_views.request_queue_csv, name="csv"),
    path("planner/requests/assign", staff_views.requests_assign, name="assign"),
    # Before the request's page: "statistics" is not a reference.
    path(
        "planner/requests/statistics/",
        staff_views.request_statistics,
        name="statistics",
    ),
    path(
        "planner/requests/<str:reference>/",
        staff_views.request_detail,
        name="request",
    ),
    path(
        "planner/requests/<str:reference>/<slug:action>",
        staff_views.request_act,
        name="act",
    ),
]
