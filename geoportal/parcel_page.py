"""One page per parcel: what the portal knows about a piece of land, gathered
from the apps that know it, each part within the reader's rights.

A parcel is named by its agency and its canonical reference key
(``parcels.references.ParcelReference``): a reference may be registered in
several agencies, never twice in one. The zoning, overlays and documents in
force are a note's composition (``notes.compose``, nothing stored) on the day
asked; the notes issued for the parcel, its requests and complaints
(``requete.selectors``) and, at merge, its permit files follow. It reads
requête-e, so it stands on the roof (``tests/test_layering.py``).

Who sees what: everyone sees the public facts — the notes' references and
dates (never who asked: a note's verification token goes only to whoever
issued it), and each request's reference, kind, open or closed and day of
filing, as Open311's public list shows them. The agency's planners and the
national administrators also see each request's state, subject and internal
notes, with links to the staff's pages, and the notes' verification pages.
The requester's name and contact are never on this page.
"""

from __future__ import annotations

import dataclasses
import datetime
import json

from django.contrib.gis.db.models.functions import Intersection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from layers.models import Feature, Layer
from notes.compose import Moment, note_compose
from notes.errors import ParcelNotFound
from notes.models import Note
from notes.subjects import parcel_subject
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference
from permits.selectors import ParcelFile, files_for_parcel
from requete.models import CitizenRequest
from requete.selectors import CLOSED, requests_for_parcel
from requete.states import State

# How far around the parcel its map shows the zones: five times its longer
# side (the view, three times the parcel's box, is that wide on a wide
# screen), at least 0.002° (≈ 200 m, what a small parcel's view at the
# closest zoom shows); and at most how many zones: the map is a locator, not
# the zoning map. A dense plan has about a hundred zones within 500 m.
MAP_REACH_SIDES = 5
MAP_REACH_MIN = 0.002
MAP_ZONES = 200
# The most recent notes and requests listed; the counts say how many exist.
NOTES_SHOWN = 50
REQUESTS_SHOWN = 100


def parcel_find(*, agency_code: str, reference: str) -> Parcel:
    """The parcel of agency ``agency_code`` whose reference, written in any
    form ``ParcelReference`` reads, is ``reference`` (its agency loaded).

    Raises ParcelNotFound (notes' error, in the reader's language) when the
    text is no reference or no such parcel is registered.
    """
    try:
        key = ParcelReference.parse(reference).key
    except InvalidReference:
        key = None
    parcel = (
        Parcel.objects.current()
        .select_related("agency")
        .of_agency_code(agency_code)
        .filter(reference_key=key)
        .first()
        if key is not None
        else None
    )
    if parcel is None:
        raise ParcelNotFound(
            _("No parcel of the agency “%(agency)s” has the reference %(reference)s.")
            % {"agency": agency_code[:64], "reference": reference[:64]}
        )
    return parcel


@dataclasses.dataclass(frozen=True)
class IssuedNote:
    """A note issued for the parcel: public reference and dates; the
    verification token only for the agency's staff."""

    reference: str
    as_of: datetime.date
    issued_at: datetime.datetime
    language: str
    token: str = ""


@dataclasses.dataclass(frozen=True)
class ParcelRequest:
    """A request about the parcel as the reader may see it: the public
    facts, and for the agency's staff its state, subject and internal
    notes."""

    reference: str
    kind: str
    closed: bool
    submitted_on: datetime.date
    state: str = ""
    subject: str = ""
    internal_notes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ParcelPage:
    """Everything the parcel's page shows to one reader on one day."""

    parcel: Parcel
    staff: bool  # the reader works for the parcel's agency (or oversees all)
    content: dict  # notes.compose's content: zones, overlays, documents
    map_data: dict  # GeoJSON: the parcel and the zones around it
    notes: list[IssuedNote]
    notes_count: int
    requests: list[ParcelRequest]
    requests_count: int
    permit_files: list[ParcelFile]  # the files and opinions the reader may see


def parcel_page_read(*, parcel: Parcel, user, day: datetime.date | None) -> ParcelPage:
    """What ``user`` may see of ``parcel`` as of ``day`` (None: today).

    Raises what ``notes.compose.note_compose`` raises (PlanningChanging).
    """
    content = note_compose(
        subject=parcel_subject(parcel, kind="parcel"), moment=Moment.of(day)
    )
    staff = permissions.can_view_agency_cases(user, parcel.agency_id)
    notes, notes_count = _notes(parcel, staff)
    requests, requests_count = _requests(parcel, staff)
    return ParcelPage(
        parcel=parcel,
        staff=staff,
        content=content,
        map_data=_map_data(parcel, content),
        notes=notes,
        notes_count=notes_count,
        requests=requests,
        requests_count=requests_count,
        permit_files=files_for_parcel(
            agency=parcel.agency, reference=parcel.reference_key, user=user
        ),
    )


def _notes(parcel: Parcel, staff: bool) -> tuple[list[IssuedNote], int]:
    issued = Note.objects.filter(parcel=parcel).order_by("-issued_at", "-pk")
    rows = issued.values_list("reference", "as_of", "issued_at", "language", "token")
    notes = [
        IssuedNote(
            reference=reference,
            as_of=as_of,
            issued_at=issued_at,
            language=language,
            token=token if staff else "",
        )
        for reference, as_of, issued_at, language, token in rows[:NOTES_SHOWN]
    ]
    count = len(notes) if len(notes) < NOTES_SHOWN else issued.count()
    return notes, count


def _requests(parcel: Parcel, staff: bool) -> tuple[list[ParcelRequest], int]:
    found = list(
        requests_for_parcel(
            parcel=parcel, internal_notes=staff, limit=REQUESTS_SHOWN + 1
        )
    )
    count = len(found)
    if count > REQUESTS_SHOWN:
        found = found[:REQUESTS_SHOWN]
        count = _requests_count(parcel)
    return [_request_line(request, staff) for request in found], count


def _requests_count(parcel: Parcel) -> int:
    return requests_for_parcel(parcel=parcel, limit=None).aggregate(n=Count("pk"))["n"]


def _request_line(request: CitizenRequest, staff: bool) -> ParcelRequest:
    case = request.case
    public = ParcelRequest(
        reference=case.reference,
        kind=request.kind.label,
        closed=case.state in CLOSED,
        submitted_on=timezone.localdate(case.submitted_at),
    )
    if not staff:
        return public
    return dataclasses.replace(
        public,
        state=State(case.state).label,
        subject=request.subject,
        internal_notes=tuple(event.text for event in request.case.internal_notes),
    )


def _map_data(parcel: Parcel, content: dict) -> dict:
    """The parcel and the zones around it of the zoning versions the
    composition used (the day's), as GeoJSON for the page's small map."""
    versions = [
        version["version_id"]
        for version in content["layer_versions"]
        if version["kind"] == Layer.Kind.ZONING
    ]
    xmin, ymin, xmax, ymax = parcel.geom.extent
    reach = max(MAP_REACH_MIN, MAP_REACH_SIDES * max(xmax - xmin, ymax - ymin))
    window = parcel.geom.envelope.buffer(reach).envelope
    # Clipped to the window: a zone may span a whole city.
    zones = (
        Feature.objects.filter(version_id__in=versions, geom__intersects=window)
        .annotate(clipped=Intersection("geom", window))
        .only("code")
    )
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(zone.clipped.geojson),
            "properties": {"code": zone.code, "role": "zone"},
        }
        for zone in zones[:MAP_ZONES]
    ]
    features.append(
        {
            "type": "Feature",
            "geometry": content["subject"]["geometry"],
            "properties": {"role": "parcel"},
        }
    )
    return {"type": "FeatureCollection", "features": features}
