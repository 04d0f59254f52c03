"""The parcels' pages: the map's search box (JSON) and the planner's upload of
the agency's parcel registry. Views are adapters: parse, call one service or
selector, render."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.api import api_view
from core.dates import FIRST_DAY, LAST_DAY, day_parse
from core.errors import BadRequest
from importing.errors import ImportRefused
from importing.report import report_render
from layers.services import upload_size_check, upload_store
from parcels.forms import ParcelUploadForm
from parcels.selectors import search as search_selector
from parcels.services import parcels_import


def _search_day(text: str) -> datetime.date | None:
    """``at`` of a search: a day (YYYY-MM-DD) or nothing; BadRequest else."""
    try:
        return day_parse(text)
    except ValueError:
        raise BadRequest(
            _("“at” must be a day between %(first)s and %(last)s (YYYY-MM-DD).")
            % {"first": FIRST_DAY, "last": LAST_DAY},
            code="invalid_date",
        ) from None


@api_view("GET")
def search(request: HttpRequest) -> dict:
    """``GET /api/v1/search?q=&at=``: parcels, zones, documents or a point,
    zones and documents as in force on the day ``at`` (today by default)."""
    query = request.GET.get("q", "")
    day = _search_day(request.GET.get("at", ""))
    return {
        "query": query,
        "results": [result.as_dict() for result in search_selector(query, day=day)],
    }


@login_required
def parcels_upload(request: HttpRequest) -> HttpResponse:
    """Import the parcel registry of the planner's agency (inline)."""
    agency = request.user.agency
    if agency is None:
        raise PermissionDenied(_("Only planners of an agency import parcels."))
    form = ParcelUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        srs = (form.cleaned_data["srs"] or "").upper().removeprefix("EPSG:")
        reference = form.cleaned_data["reference"]
        try:
            if srs and not (srs.isascii() and srs.isdigit() and len(srs) <= 6):
                raise ImportRefused(_("The CRS must be an EPSG code, e.g. 26191."))
            upload_size_check(upload.size)
            with tempfile.TemporaryDirectory(prefix="geoportail-parcels-") as work:
                path = upload_store(upload, workdir=Path(work))
                result = parcels_import(
                    agency=agency,
                    path=path,
                    user=request.user,
                    srid=int(srs) if srs else None,
                    mapping={"reference": reference} if reference else None,
                )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "parcels/upload.html",
        {
            "agency": agency,
            "form": form,
            "result": result,
            "report": report_render(result.report) if result else None,
        },
        status=400 if form.errors else 200,
    )
