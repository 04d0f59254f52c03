"""The calls for tenders' public pages (the list with its filters, a call)
and JSON API. Views are adapters: parse, call one selector, render."""

from __future__ import annotations

from pathlib import PurePath

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.api import api_view
from core.errors import GeoportalError
from layers.models import Agency
from tenders import serializers
from tenders.models import TenderStatus
from tenders.params import tender_query_parse
from tenders.selectors import call_get, calls_search, document_get

PAGE_SIZE = 20
API_LIMIT = 100
# The kinds tender_document_check lets in, by the suffix it checked.
DOCUMENT_TYPES = {".pdf": "application/pdf", ".zip": "application/zip"}


def list_page(request: HttpRequest) -> HttpResponse:
    """``/tenders/``: the calls, filtered and searched (no script needed)."""
    calls, query, error = None, None, None
    try:
        query = tender_query_parse(request.GET)
        calls = Paginator(calls_search(query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    except GeoportalError as exc:
        error = exc
    return render(
        request,
        "tenders/list.html",
        {
            "calls": calls,
            "query": query,
            "error": error,
            "agencies": Agency.objects.order_by("code"),
            "statuses": TenderStatus.choices,
        },
        status=error.http_status if error else 200,
    )


def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    """``/tenders/<pk>/``: a call, its documents and its results."""
    try:
        call = call_get(pk=pk)
    except GeoportalError as error:
        return render(
            request, "tenders/error.html", {"error": error}, status=error.http_status
        )
    return render(request, "tenders/call.html", {"call": call})


@require_GET
def document_download(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """``/tenders/<pk>/documents/<document>/``: a call's document, always as
    a download (``Content-Disposition: attachment``) typed by the kind it was
    checked to be, so that a browser neither shows nor runs it in the
    portal's origin, whatever its bytes (``nosniff`` comes with every
    answer: ``SECURE_CONTENT_TYPE_NOSNIFF``)."""
    try:
        found = document_get(call=pk, pk=document)
    except GeoportalError as error:
        return render(
            request, "tenders/error.html", {"error": error}, status=error.http_status
        )
    name = PurePath(found.file.name).name
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=DOCUMENT_TYPES.get(
            PurePath(name).suffix.lower(), "application/octet-stream"
        ),
    )


@api_view("GET")
def api_calls(request: HttpRequest) -> dict:
    """``GET /api/v1/tenders``: the latest ``API_LIMIT`` matching calls."""
    calls = calls_search(tender_query_parse(request.GET))[:API_LIMIT]
    return {"calls": [serializers.call_data(call) for call in calls]}


@api_view("GET")
def api_call(request: HttpRequest, pk: int) -> dict:
    """``GET /api/v1/tenders/<pk>``."""
    return serializers.call_data(call_get(pk=pk), documents=True)
