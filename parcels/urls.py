from django.urls import path

from parcels import views

app_name = "parcels"

urlpatterns = [
    path("api/v1/search", views.search, name="search"),
    path("planner/parcels/", views.parcels_upload, name="upload"),
]
