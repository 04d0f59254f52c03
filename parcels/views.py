"""The parcels' JSON API: the map's search box."""

from __future__ import annotations

from django.http import HttpRequest

from core.api import api_view
from parcels.selectors import search as search_selector


@api_view("GET")
def search(request: HttpRequest) -> dict:
    """``GET /api/v1/search?q=``: parcels, zones, documents or a point."""
    query = request.GET.get("q", "")
    return {
        "query": query,
        "results": [result.as_dict() for result in search_selector(query)],
    }
