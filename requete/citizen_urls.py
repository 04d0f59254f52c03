from django.urls import path

from requete import citizen, public

app_name = "requete_citizen"

urlpatterns = [
    path("requests/new", citizen.request_new, name="new"),
    path("requests/confirm/<str:token>", citizen.request_confirm, name="confirm"),
    path("requests/follow", citizen.request_follow, name="follow"),
    path("requests/public/", public.request_public_list, name="public"),
    path(
        "requests/public/<str:reference>/",
        public.request_public_detail,
        name="public_request",
    ),
]
