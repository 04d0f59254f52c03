"""The calls for tenders' public pages (the list with its filters, a call)
and JSON API. Views are adapters: parse, call one selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.api import api_view
from core.errors import GeoportalError
from layers.models import Agency
from tenders import serializers
from tenders.models import TenderStatus
from tenders.params import tender_query_parse
from tenders.selectors import call_get, calls_search

PAGE_SIZE = 20
API_LIMIT = 100


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


@api_view("GET")
def api_calls(request: HttpRequest) -> dict:
    """``GET /api/v1/tenders``: the latest ``API_LIMIT`` matching calls."""
    calls = calls_search(tender_query_parse(request.GET))[:API_LIMIT]
    return {"calls": [serializers.call_data(call) for call in calls]}


@api_view("GET")
def api_call(request: HttpRequest, pk: int) -> dict:
    """``GET /api/v1/tenders/<pk>``."""
    return serializers.call_data(call_get(pk=pk), documents=True)
