"""Only the tile routes, so these tests do not depend on other apps' URLs."""

from django.urls import include, path

urlpatterns = [path("", include("tiles.urls"))]
