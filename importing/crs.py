"""Which coordinate reference system a file is in, and whether that is plausible.

Files carry their CRS as WKT (``.prj``, GeoPackage, KML, GeoJSON), often ESRI
flavoured with no EPSG code: pyproj identifies it against the EPSG database. A
plausibility check then projects the data's extent and compares it with the
agency territory; when the data falls outside, other usual CRSs are tried so
the message can say what the coordinates most likely are.
"""

from __future__ import annotations

import dataclasses
import math

import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from importing.errors import UnknownCRS

# CRSs a Moroccan (or French, for the PLU standard) file is usually in, tried in
# this order when the declared one puts the data outside the territory.
USUAL_SRIDS = (4326, 26191, 26192, 26194, 26195, 2154, 3857, 32629, 32630, 4261)


def crs_identify(definition: str, *, min_confidence: int = 70) -> int:
    """The EPSG code of a CRS given as WKT, PROJ string or ``EPSG:XXXX``.

    ESRI-style WKT without an authority is matched against the EPSG database.
    Raises UnknownCRS when it cannot be parsed or matched well enough.
    """
    try:
        crs = CRS.from_user_input(definition)
    except CRSError as exc:
        raise UnknownCRS(
            _("The coordinate reference system “%(crs)s” is not understood.")
            % {"crs": definition[:80]}
        ) from exc
    code = crs.to_epsg(min_confidence=min_confidence)
    if code is None:
        matches = [
            match
            for match in crs.list_authority(min_confidence=min_confidence)
            if match.auth_name == "EPSG"
        ]
        if matches:
            code = int(matches[0].code)
    if code is None:
        raise UnknownCRS(
            _(
                "The coordinate reference system “%(name)s” has no EPSG "
                "equivalent; choose the CRS of the file."
            )
            % {"name": crs.name}
        )
    return code


def crs_name(srid: int) -> str:
    """The usual name of EPSG:``srid`` (e.g. "Merchich / Nord Maroc")."""
    try:
        return CRS.from_epsg(srid).name
    except CRSError:
        return f"EPSG:{srid}"


def _extent_in_wgs84(bounds: tuple, srid: int) -> shapely.Geometry | None:
    """The extent ``bounds`` (in EPSG:``srid``) as a lon/lat box, or None."""
    if srid == 4326:
        xmin, ymin, xmax, ymax = bounds
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            return None
        return shapely.box(*bounds)
    try:
        transformer = Transformer.from_crs(srid, 4326, always_xy=True)
        projected = transformer.transform_bounds(*bounds, densify_pts=11)
    except Exception:
        return None
    if not all(math.isfinite(value) for value in projected):
        return None
    return shapely.box(*projected)


@dataclasses.dataclass(frozen=True)
class CrsCheck:
    """Outcome of the plausibility check of a CRS against a territory."""

    plausible: bool
    suggestion: int | None = None


def crs_plausibility(
    *, bounds: tuple, srid: int, territory: shapely.Geometry | None
) -> CrsCheck:
    """Whether data with extent ``bounds`` in EPSG:``srid`` lies in ``territory``.

    When it does not, ``suggestion`` is a usual CRS that would put it there.
    Without a territory the CRS is taken as plausible.
    """
    if territory is None:
        return CrsCheck(plausible=True)
    extent = _extent_in_wgs84(bounds, srid)
    if extent is not None and extent.intersects(territory):
        return CrsCheck(plausible=True)
    for candidate in USUAL_SRIDS:
        if candidate == srid:
            continue
        extent = _extent_in_wgs84(bounds, candidate)
        if extent is not None and extent.intersects(territory):
            return CrsCheck(plausible=False, suggestion=candidate)
    return CrsCheck(plausible=False)
