"""What can go wrong when asking for a note, each with its HTTP status and code.

Messages are translated by the raiser, in the language of the request.
"""

from __future__ import annotations

from core.errors import BadRequest, Conflict, GeoportalError, NotFound


class InvalidSubject(BadRequest):
    """The request does not describe a parcel, a point or a polygon."""

    code = "invalid_subject"


class InvalidSrs(BadRequest):
    """The coordinate reference system is not one the portal accepts."""

    code = "invalid_srs"


class InvalidLanguage(BadRequest):
    """A note was asked in a language the portal does not write notes in."""

    code = "invalid_language"


class InvalidGeometry(BadRequest):
    """The polygon is not valid (self-intersecting, too few corners …)."""

    code = "invalid_geometry"


class SubjectTooLarge(GeoportalError):
    """The polygon is larger than a note may cover."""

    http_status = 422
    code = "subject_too_large"


class StraddlesAgencies(GeoportalError):
    """The polygon lies across the territories of two agencies."""

    http_status = 422
    code = "straddles_agencies"


class ParcelNotFound(NotFound):
    code = "parcel_not_found"


class SeveralParcels(Conflict):
    """More than one registered parcel answers (parcels overlapping at a point,
    or one reference in several agencies): the client must say which one, by
    its agency and reference; ``details["parcels"]`` lists the candidates."""

    code = "several_parcels"


class OutsideAgencies(NotFound):
    code = "outside_agencies"


class NoteNotFound(NotFound):
    code = "note_not_found"


class PlanningChanging(Conflict):
    """The agency's documents or rules changed during each attempt to compose
    (a planner publishing at that very moment): asking again succeeds."""

    code = "planning_changing"
