"""A download request's parameters, parsed once into ``DownloadQuery``."""

from __future__ import annotations

import dataclasses
import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.dates import instant_parse
from core.errors import BadRequest
from layers.downloads.formats import FORMATS, ExportFormat
from layers.models import STORAGE_SRID

# Version numbers are a PositiveIntegerField: none is larger.
MAX_VERSION = 2**31 - 1


@dataclasses.dataclass(frozen=True)
class DownloadQuery:
    """What to download: ``format``, ``srid`` of the coordinates, and which
    version — the one in force at ``at``, the one numbered ``version``, or the
    current one when both are None."""

    format: type[ExportFormat]
    srid: int = STORAGE_SRID
    at: datetime.datetime | None = None
    version: int | None = None

    @classmethod
    def parse(cls, query: QueryDict, *, agency_srid: int) -> DownloadQuery:
        """Parse ``?format=&crs=&at=&version=``; BadRequest when one is wrong.

        ``crs`` is EPSG:4326 (the default) or the agency's own CRS; ``at`` a
        date (the end of that day in the portal's time zone: what was in force
        when the day ended) or a date and time.
        """
        at = instant_parse(query.get("at", ""))
        version = _number(query.get("version", ""))
        if at is not None and version is not None:
            raise BadRequest(
                _("Ask for a date or for a version number, not both."),
                code="invalid_request",
            )
        return cls(
            format=_format(query.get("format", "")),
            srid=_srid(query.get("crs", ""), agency_srid=agency_srid),
            at=at,
            version=version,
        )


def _format(text: str) -> type[ExportFormat]:
    name = text.strip().lower() or "gpkg"
    if name not in FORMATS:
        raise BadRequest(
            _("“%(format)s” is not a download format; choose among %(formats)s.")
            % {"format": text, "formats": ", ".join(FORMATS)},
            code="invalid_format",
        )
    return FORMATS[name]


def _srid(text: str, *, agency_srid: int) -> int:
    if not text.strip():
        return STORAGE_SRID
    code = text.strip().upper().removeprefix("EPSG:")
    allowed = (STORAGE_SRID, agency_srid)
    if not (code.isascii() and code.isdigit() and len(code) <= 6) or (
        int(code) not in allowed
    ):
        raise BadRequest(
            _("“%(crs)s” is not offered; choose EPSG:%(first)s or EPSG:%(second)s.")
            % {"crs": text, "first": allowed[0], "second": allowed[1]},
            code="invalid_crs",
        )
    return int(code)


def _number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    # isdigit() alone admits "²", which int() refuses.
    valid = text.isascii() and text.isdigit() and len(text) <= 10
    if not valid or int(text) > MAX_VERSION:
        raise BadRequest(_("“version” must be a whole number."), code="invalid_version")
    return int(text)
