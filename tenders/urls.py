from django.urls import path

from tenders import feeds, views

app_name = "tenders"

urlpatterns = [
    path("api/v1/tenders", views.api_calls, name="api-calls"),
    path("api/v1/tenders/<int:pk>", views.api_call, name="api-call"),
    path("tenders/", views.list_page, name="list"),
    path("tenders/feed.atom", feeds.CallsFeed(), name="feed"),
    path("tenders/<int:pk>/", views.call_page, name="call"),
    path(
        "tenders/<int:pk>/documents/<int:document>/",
        views.document_download,
        name="document",
    ),
    path(
        "tenders/<slug:agency>/feed.atom", feeds.AgencyCallsFeed(), name="agency-feed"
    ),
]
