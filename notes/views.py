"""The notes' web interface: JSON API endpoints and pages. Views are adapters."""

from __future__ import annotations

import datetime
import math

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.permissions import is_national_administrator, is_planner
from accounts.throttle import client_address, quota_take
from core.api import api_view, json_response, read_json
from core.errors import BadRequest, TooManyRequests
from documents import services as documents
from documents import signing
from documents.selectors import documents_of
from notes import compose as composition
from notes import selectors, services
from notes.compose import Moment, note_compose_query
from notes.errors import InvalidLanguage
from notes.models import Note
from notes.signing import SIGNED_PREFIX
from notes.subjects import SubjectQuery, parse_as_of, parse_lon_lat


@api_view("GET")
def identify(request: HttpRequest) -> dict:
    """``GET /api/v1/identify?lon=&lat=`` (or ``x=&y=&srs=``): parcel and zones."""
    params = request.GET
    if not ({"lon", "lat"} <= params.keys() or {"x", "y"} <= params.keys()):
        raise BadRequest(
            _("Give lon and lat (WGS 84), or x, y and srs."), code="invalid_point"
        )
    lon, lat = parse_lon_lat(params.dict(), agency_id=_own_agency_id(request))
    moment = Moment.of(parse_as_of(params.get("as_of")))
    return composition.identify(lon=lon, lat=lat, moment=moment)


# Anonymous citizens post these from the map page; they create nothing harmful
# (compose stores nothing; issuing stores a note, which is the point).
@csrf_exempt
@api_view("POST")
def compose(request: HttpRequest) -> dict:
    """``POST /api/v1/notes/compose``: the content of a note, not stored."""
    query = SubjectQuery.from_json(
        read_json(request), agency_id=_own_agency_id(request)
    )
    return note_compose_query(query=query, moment=Moment.of(query.as_of))


@csrf_exempt
@api_view("POST")
def issue(request: HttpRequest) -> HttpResponse:
    """``POST /api/v1/notes``: issue (store and sign) the note; 201 with its links.

    The note's language is the body's ``language``, else the request's; it is
    fixed at issue: its PDF opens in it, and its verification URL names it.
    """
    data = read_json(request)
    query = SubjectQuery.from_json(data, agency_id=_own_agency_id(request))
    language = issue_language(data.get("language"))
    _issue_quota_take(request)
    note = services.note_issue(
        query=query,
        language=language,
        issued_by=request.user,
        base_url=request.build_absolute_uri("/"),
    )
    return json_response(
        note_data(note, request, with_links=True),
        status=201,
        headers={"Location": reverse("notes:detail", args=[note.reference])},
    )


def _own_agency_id(request: HttpRequest) -> int | None:
    """The asking planner's agency (whose CRS an error names first), if any."""
    user = getattr(request, "user", None)
    return user.agency_id if is_planner(user) else None


def issue_language(value: object) -> str:
    """The language a note is issued in: ``value`` ("fr", "ar", "en"), else the
    request's; InvalidLanguage for any other."""
    if value in (None, ""):
        return (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    codes = [code for code, _name in settings.LANGUAGES]
    if value not in codes:
        raise InvalidLanguage(
            _("A note is issued in one of these languages: %(codes)s.")
            % {"codes": ", ".join(codes)}
        )
    return value


def _issue_quota_take(request: HttpRequest) -> None:
    """Count a note issued by an anonymous address; TooManyRequests past the
    hour's limit. An issued note is signed and kept for ever: without a bound,
    one script could fill the registry. Staff are not counted."""
    if is_planner(request.user) or is_national_administrator(request.user):
        return
    wait = quota_take(
        scope="note_issue",
        address=client_address(request),
        limit=settings.GEOPORTAIL_NOTE_ISSUE_LIMIT,
        window=datetime.timedelta(hours=1),
    )
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise TooManyRequests(
            ngettext(
                "This address has issued many notes in the last hour; "
                "issue the next one in %(minutes)s minute.",
                "This address has issued many notes in the last hour; "
                "issue the next one in %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=math.ceil(wait.total_seconds()),
        )


@api_view("GET")
def detail(request: HttpRequest, reference: str) -> dict:
    """``GET /api/v1/notes/<reference>``: an issued note, its snapshot and proof.

    References are sequential, so this answer carries no verification token
    and no links that hold it: those go only to whoever issued the note.
    """
    return note_data(selectors.note_by_reference(reference), request)


@api_view("GET")
def public_key(request: HttpRequest) -> dict:
    """``GET /api/v1/notes/public-key``: the key that verifies notes' signatures
    (now; former keys and their periods: ``/api/v1/issued-documents/keys``)."""
    return {
        "algorithm": "Ed25519",
        "key_id": signing.key_id(),
        "public_key_pem": signing.public_key_pem(),
        "signed_message": f"{SIGNED_PREFIX}\\n<reference>\\n<sha256>",
    }


def note_data(note: Note, request: HttpRequest, *, with_links: bool = False) -> dict:
    """The API representation of an issued note."""
    data = {
        "reference": note.reference,
        "issued_at": note.issued_at.isoformat(),
        "as_of": note.as_of.isoformat(),
        "language": note.language,
        "sha256": note.sha256,
        "signature": note.signature,
        "key_id": note.key_id,
        "content": orjson.Fragment(note.snapshot.encode()),
    }
    if with_links:
        data.update(
            token=note.token,
            note_url=request.build_absolute_uri(note_page_url(note)),
            pdf_url=request.build_absolute_uri(reverse("notes:pdf", args=[note.token])),
            verify_url=verify_url(note, request),
        )
    return data


def note_page_url(note: Note) -> str:
    """The path of the note's page (it holds the token)."""
    return reverse("notes:page", args=[note.token])


def note_document(note: Note):
    """The note's entry in document-e's registry; None for a note issued
    before document-e (verified on its token's page)."""
    return documents_of(
        subject_type=Note._meta.label_lower, subject_reference=note.reference
    ).first()


def verify_url(note: Note, request: HttpRequest) -> str:
    """The absolute verification URL printed in the QR code; it names the
    note's language, so it opens in it whoever scans it. The registry's page
    for a registered note, its token's page for an older one."""
    document = note_document(note)
    if document is not None:
        return documents.verification_url(
            identifier=document.identifier,
            language=note.language,
            base_url=request.build_absolute_uri("/"),
        )
    path = reverse("notes:verify", args=[note.token]) + f"?lang={note.language}"
    base = getattr(settings, "GEOPORTAIL_PUBLIC_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)
