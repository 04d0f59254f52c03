from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("api/v1/library/search", views.api_search, name="api-search"),
    path("api/v1/library/texts/<slug:key>", views.api_text, name="api-text"),
    path(
        "api/v1/library/texts/<slug:key>/articles/<slug:number>",
        views.api_article,
        name="api-article",
    ),
    path("library/", views.search_page, name="search"),
    path("library/<slug:key>/", views.text_page, name="text"),
    path("library/<slug:key>/art-<slug:number>/", views.article_page, name="article"),
]
