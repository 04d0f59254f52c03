from django.urls import path

from core.routes import machine
from notes import pages, views

app_name = "notes"

urlpatterns = [
    # Machine routes (core.routes): anonymous requests take the machine path.
    machine(path("api/v1/identify", views.identify, name="identify"), methods=("GET",)),
    path("api/v1/notes", views.issue, name="issue"),
    machine(
        path("api/v1/notes/compose", views.compose, name="compose"),
        methods=("POST",),
    ),
    path("api/v1/notes/public-key", views.public_key, name="public_key"),
    path("api/v1/notes/<str:reference>", views.detail, name="detail"),
    path("notes/<str:token>/", pages.note_page, name="page"),
    path("notes/<str:token>/pdf", pages.note_pdf, name="pdf"),
    path("notes/<str:token>/map.png", pages.note_map, name="map"),
    path("verify/<str:token>", pages.verify_page, name="verify"),
]
