"""The parcel's page (``geoportal.parcel_page``): a thin adapter."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from geoportal.parcel_page import parcel_find, parcel_page_read
from notes.errors import ParcelNotFound
from notes.presentation import note_context
from viewer.params import InvalidMapDate, MapQuery


@require_GET
def parcel_page(request: HttpRequest, agency: str, reference: str) -> HttpResponse:
    """``/parcels/<agency>/<reference key>/``: the parcel's zoning and
    overlays as of ``?at=YYYY-MM-DD`` (today without it), its notes, requests
    and permit files, within the reader's rights.

    A reference written otherwise than its key ("TF 12345/07") is redirected
    to the key's address, the date kept; an unknown parcel is a 404 page in
    the reader's language; a date that cannot be read shows today's zoning,
    with the reason beside the date control (400, as the map page).
    """
    try:
        parcel = parcel_find(agency_code=agency, reference=reference)
    except ParcelNotFound as error:
        return render(
            request,
            "geoportal/parcel_not_found.html",
            {"message": error.message},
            status=error.http_status,
        )
    if reference != parcel.reference_key:
        canonical = reverse("parcel", args=[parcel.agency.code, parcel.reference_key])
        query = request.GET.urlencode()
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    try:
        query, date_error = MapQuery.parse(request.GET), ""
    except InvalidMapDate as error:
        query, date_error = MapQuery(), str(error.message)
    page = parcel_page_read(parcel=parcel, user=request.user, day=query.day)
    context = note_context(page.content, request.LANGUAGE_CODE)
    context.update(page=page, at=query.day, date_error=date_error)
    response = render(
        request, "geoportal/parcel.html", context, status=400 if date_error else 200
    )
    if request.user.is_authenticated:
        # The agency's staff see more than the public: no shared cache keeps it.
        patch_cache_control(response, private=True)
    return response
