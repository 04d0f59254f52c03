"""requête-e's machine interfaces: Open311 GeoReport v2 and the JSON API.

Normal Django routes, not machine routes (``core.routes``): their traffic is
citizens' and apps' filings and follow-ups, not the map's thousands of
anonymous reads a second that the machine path is for.
"""

from django.urls import path, re_path

from requete import api
from requete.open311 import views as open311

app_name = "requete"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^open311/discovery" + FORMAT, open311.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + FORMAT, open311.services_list, name="services"),
    re_path(
        r"^open311/v2/services/(?P<code>[-a-zA-Z0-9_]+)" + FORMAT,
        open311.service_definition,
        name="service",
    ),
    re_path(r"^open311/v2/requests" + FORMAT, open311.requests_list, name="requests"),
    re_path(
        r"^open311/v2/requests/(?P<reference>[-A-Za-z0-9]+)" + FORMAT,
        open311.request_detail,
        name="request",
    ),
    re_path(
        r"^open311/v2/tokens/(?P<token>[-A-Za-z0-9_:]+)" + FORMAT,
        open311.token_detail,
        name="token",
    ),
    path("api/v1/requests", api.requests, name="api_requests"),
    # Before a request's address: "similar" is not a reference.
    path("api/v1/requests/similar", api.requests_similar, name="api_requests_similar"),
    path("api/v1/requests/<str:reference>", api.request_follow, name="api_request"),
    path(
        "api/v1/requests/<str:reference>/actions",
        api.request_action,
        name="api_request_action",
    ),
]
