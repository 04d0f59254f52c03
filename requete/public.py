"""The public side of requête-e: the list and map of the requests filed in
the last ``GEOPORTAIL_REQUEST_PUBLIC_DAYS`` days, and a page per request.

Anonymised by construction: the pages are given ``selectors.PublicRequest``
rows (kind, state, dates, the place by ``selectors.public_point``) and the
public moves of the state, never the request itself — no name, contact or
words of the requester can reach the page, only the text the agency
redacted and published. The map's data is a JSON block the page's script
reads (no inline script: the content-security policy).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from requete import citizen_forms, selectors
from requete.citizen_forms import PublicListForm
from requete.selectors import PublicFilters, PublicRequest


def _point(row: PublicRequest) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.point.x, row.point.y]},
        "properties": {
            "reference": row.reference,
            "kind": row.kind_label,
            "state": str(row.state.label),
            "url": reverse("requete_citizen:public_request", args=[row.reference]),
        },
    }


def _basemap() -> dict:
    """The map page's base map (``GEOPORTAIL_BASEMAP_URL``, its origins in
    the content-security policy), else a plain background."""
    return {
        "url": settings.GEOPORTAIL_BASEMAP_URL,
        "attribution": settings.GEOPORTAIL_BASEMAP_ATTRIBUTION,
    }


def _points(rows: list[PublicRequest]) -> dict:
    """The rows placed on the land, as GeoJSON for the page's map."""
    return {
        "type": "FeatureCollection",
        "features": [_point(row) for row in rows if row.point is not None],
    }


@require_GET
def request_public_list(request: HttpRequest) -> HttpResponse:
    """The requests submitted in the last days, filtered by agency, kind and
    state, as a list and a map; filters outside their choices are a 400."""
    form = PublicListForm(request.GET or None)
    days = settings.GEOPORTAIL_REQUEST_PUBLIC_DAYS
    rows: list[PublicRequest] = []
    if not form.is_bound or form.is_valid():
        since = timezone.now() - datetime.timedelta(days=days)
        rows = [
            selectors.public_request(row)
            for row in selectors.requests_public(filters=form.filters(since=since))
        ]
    form.describe()
    return render(
        request,
        "requete/public/list.html",
        {
            "form": form,
            "rows": rows,
            "points": _points(rows),
            "days": days,
            "basemap": _basemap(),
            # The list stops at its limit: the page says so, to filter.
            "limit": citizen_forms.PUBLIC_LIST_LIMIT
            if len(rows) >= citizen_forms.PUBLIC_LIST_LIMIT
            else None,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def request_public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One submitted request as the public sees it, with the public moves of
    its state; 404 for a request never submitted."""
    found = list(
        selectors.requests_public(
            filters=PublicFilters(references=(reference.upper(),), limit=1)
        )
    )
    if not found:
        raise Http404
    row = selectors.public_request(found[0])
    return render(
        request,
        "requete/public/request.html",
        {
            "row": row,
            "history": selectors.request_public_history(request=found[0]),
            "points": _points([row]),
            "basemap": _basemap(),
        },
    )
