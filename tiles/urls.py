from django.urls import path

from tiles import views

app_name = "tiles"

urlpatterns = [
    path("tiles/", views.index, name="index"),
    path("tiles/<str:name>.json", views.tilejson, name="tilejson"),
    path("tiles/<str:name>/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tile"),
]
