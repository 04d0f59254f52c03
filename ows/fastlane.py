"""The fast lane of anonymous WMS GetMap requests (see ``core.lanes.Lane``).

Map images are the bulk of a map client's traffic: a dozen per view, again
on every pan and zoom. The lane parses the query string once and calls the
same ``ows.wms.getmap.handle`` as ``/ows`` does. Images do not depend on the
language, so they carry no ``Content-Language``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from core.lanes import Lane
from ows.params import OwsRequest, kvp_from_items
from ows.registry import ALIASES, ServiceContext
from ows.wms import getmap

# /ows, /wms and /ows/<agency>/ (see ows.urls).
PATHS = re.compile(r"/(?:ows|wms|ows/(?P<agency>[-\w]+)/)")


class GetMapLane(Lane):
    """Anonymous KVP GetMap requests, answered without Django's handler."""

    def match(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        path = PATHS.fullmatch(environ.get("PATH_INFO", ""))
        if path is None:
            return None
        params = kvp_from_items(
            parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        )
        operation = params.get("REQUEST", "").upper()
        service = params.get("SERVICE", "WMS" if path[0] == "/wms" else "")
        version = params.get("VERSION") or params.get("WMTVER") or "1.3.0"
        if (
            ALIASES.get(operation, operation) != "GETMAP"
            or service.upper() != "WMS"
            or version not in ("1.1.1", "1.3.0")
        ):
            return None
        ows_request = OwsRequest(params, service, operation, version)
        return ows_request, path["agency"]

    def answer(self, ows_request: OwsRequest, agency: str | None) -> HttpResponse:
        # Mistakes raise, even with EXCEPTIONS=INIMAGE: the light path draws
        # the message in the client's language.
        context = ServiceContext(user=AnonymousUser(), agency_code=agency, url="")
        return getmap.image(ows_request, context)
