from django.urls import path

from viewer import views

app_name = "viewer"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("documents/<slug:agency>/", views.documents, name="documents"),
    path("documents/<slug:agency>/<path:reference>/", views.document, name="document"),
]
