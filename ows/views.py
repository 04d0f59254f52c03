"""HTTP adapters: parse the request once, hand it to the registry."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import GeoportalError
from ows.exceptions import ows_exception_report
from ows.params import OwsRequest, kvp_from_items
from ows.registry import ServiceContext, dispatch
from ows.xmlrequest import xml_request_head


def _ows_request(request: HttpRequest, default_service: str) -> OwsRequest:
    params = kvp_from_items(request.GET.items())
    body = b""
    content_type = request.content_type or ""
    if request.method == "POST":
        if content_type == "application/x-www-form-urlencoded":
            params.update(kvp_from_items(request.POST.items()))
        else:
            body = request.body
            params.update(xml_request_head(body))
    return OwsRequest(
        params=params,
        service=params.get("SERVICE", default_service),
        request=params.get("REQUEST", ""),
        version=params.get("VERSION", ""),
        body=body,
    )


def _serve(request: HttpRequest, default_service: str, agency_code=None):
    try:
        ows_request = _ows_request(request, default_service)
    except GeoportalError as error:
        return ows_exception_report(error, "2.0.0")
    context = ServiceContext(
        user=request.user,
        agency_code=agency_code,
        url=request.build_absolute_uri(request.path),
        if_none_match=request.headers.get("If-None-Match", ""),
    )
    return dispatch(ows_request, context)


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def ows(request: HttpRequest) -> HttpResponse:
    """``/ows``: every service, chosen by SERVICE."""
    return _serve(request, "")


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def wms(request: HttpRequest) -> HttpResponse:
    """``/wms``: SERVICE defaults to WMS."""
    return _serve(request, "WMS")


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def wfs(request: HttpRequest) -> HttpResponse:
    """``/wfs``: SERVICE defaults to WFS."""
    return _serve(request, "WFS")


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def agency_ows(request: HttpRequest, agency: str) -> HttpResponse:
    """``/ows/<agency>/``: only that agency's layers."""
    return _serve(request, "", agency_code=agency)
