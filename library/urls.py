from django.urls import path

from core.routes import machine
from library import views

app_name = "library"

urlpatterns = [
    # Machine routes (core.routes): anonymous reads take the machine path.
    machine(
        path("api/v1/library/search", views.api_search, name="api-search"),
        methods=("GET",),
    ),
    machine(
        path("api/v1/library/texts/<slug:key>", views.api_text, name="api-text"),
        methods=("GET",),
    ),
    machine(
        path(
            "api/v1/library/texts/<slug:key>/articles/<slug:number>",
            views.api_article,
            name="api-article",
        ),
        methods=("GET",),
    ),
    path("api/v1/library/procedures", views.api_procedures, name="api-procedures"),
    path(
        "api/v1/library/procedures/<slug:key>",
        views.api_procedure,
        name="api-procedure",
    ),
    path("library/", views.search_page, name="search"),
    # Before a text's page: "procedures" is no text's key (keys start with
    # their kind: "loi-…", "procedure-…").
    path("library/procedures/", views.procedures_page, name="procedures"),
    path("library/procedures/<slug:key>/", views.procedure_page, name="procedure"),
    path("library/<slug:key>/", views.text_page, name="text"),
    path("library/<slug:key>/art-<slug:number>/", views.article_page, name="article"),
]
