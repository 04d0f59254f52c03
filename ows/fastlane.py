"""The fast lane of anonymous WMS GetMap requests (see ``core.lanes.Lane``).

Map images are the bulk of a map client's traffic: a dozen per view, again
on every pan and zoom. The lane, attached to the OGC routes in ``ows.urls``,
parses the query string once and calls the same ``ows.wms.getmap.image`` as
``/ows`` does, If-None-Match included (a 304 while the image's ETag holds).
Images do not depend on the language, so they carry no ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from core.lanes import Lane
from ows.params import OwsRequest, kvp_from_items
from ows.registry import ALIASES, ServiceContext
from ows.wms import getmap


class GetMapLane(Lane):
    """Anonymous KVP GetMap requests, answered without Django's handler.

    ``default_service`` is the SERVICE of a request that names none, as the
    route's view assumes it (``/wms``: WMS).
    """

    def __init__(self, *, default_service: str = "") -> None:
        self.default_service = default_service

    def match(self, environ: dict, kwargs: Mapping) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        params = kvp_from_items(
            parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        )
        operation = params.get("REQUEST", "").upper()
        service = params.get("SERVICE", self.default_service)
        # No version: an exception report, which the machine handler writes.
        version = params.get("VERSION") or params.get("WMTVER") or ""
        if (
            ALIASES.get(operation, operation) != "GETMAP"
            or service.upper() != "WMS"
            or version not in ("1.1.1", "1.3.0")
        ):
            return None
        ows_request = OwsRequest(params, service, operation, version)
        return ows_request, kwargs.get("agency"), environ.get("HTTP_IF_NONE_MATCH", "")

    def answer(
        self, ows_request: OwsRequest, agency: str | None, if_none_match: str
    ) -> HttpResponse:
        # Mistakes raise, even with EXCEPTIONS=INIMAGE: the machine handler
        # draws the message in the client's language.
        context = ServiceContext(
            user=AnonymousUser(),
            agency_code=agency,
            url="",
            if_none_match=if_none_match,
        )
        return getmap.image(ows_request, context)
