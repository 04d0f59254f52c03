"""WMS GetMap: parse, render, encode."""

from __future__ import annotations

import dataclasses

import numpy as np
import skia
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import http_cache
from core.errors import GeoportalError
from layers.selectors import CatalogueChanged, catalogue_revision
from ows.catalog import CatalogLayer
from ows.exceptions import InvalidFormat, InvalidParameterValue, OwsError
from ows.limits import check_map_cost, map_limits
from ows.params import OwsRequest, format_key, parse_int
from ows.render import (
    MapLayer,
    View,
    encode_jpeg,
    encode_png,
    encode_png8,
    render,
    straight_alpha_surface,
)
from ows.styles import style_for
from ows.wms.common import (
    check_styles,
    request_crs,
    request_extent,
    request_layers,
    require_version,
)
from ows.wms.rasters import RasterLayer, rasters_split, rasters_under

IMAGE_FORMATS = {
    "image/png": ("image/png", encode_png),
    "image/png; mode=8bit": ("image/png; mode=8bit", encode_png8),
    "image/jpeg": ("image/jpeg", encode_jpeg),
}
FORMATS_BY_KEY = {format_key(name): entry for name, entry in IMAGE_FORMATS.items()}
# Also understood, not advertised: GeoServer's and MapServer's names for PNG8.
FORMATS_BY_KEY[format_key("image/png8")] = IMAGE_FORMATS["image/png; mode=8bit"]


@dataclasses.dataclass(frozen=True)
class GetMapRequest:
    layers: list[CatalogLayer]
    view: View
    content_type: str
    encode: object
    transparent: bool
    background: tuple[int, int, int, int]
    # Orthophotos (ows.wms.rasters), drawn under the vector layers.
    rasters: tuple[RasterLayer, ...] = ()


def image_format(ows_request: OwsRequest, param: str = "FORMAT"):
    """(content type, encoder) of FORMAT; raises InvalidFormat."""
    name = ows_request.require(param)
    entry = FORMATS_BY_KEY.get(format_key(name))
    if entry is None:
        raise InvalidFormat(
            _("Unsupported image format: %(name)s.") % {"name": name}, locator=param
        )
    return entry


def image_size(ows_request: OwsRequest) -> tuple[int, int]:
    """WIDTH and HEIGHT, each from 1 to its limit (``ows.limits``); raises
    InvalidParameterValue."""
    limits = map_limits()
    return (
        parse_int(
            ows_request.require("WIDTH"), "WIDTH", minimum=1, maximum=limits.width
        ),
        parse_int(
            ows_request.require("HEIGHT"), "HEIGHT", minimum=1, maximum=limits.height
        ),
    )


def background(ows_request: OwsRequest, transparent: bool) -> tuple[int, ...]:
    """BGCOLOR (0xRRGGBB, white by default), fully transparent if TRANSPARENT."""
    value = ows_request.get("BGCOLOR", "0xFFFFFF").strip()
    try:
        rgb = int(value.removeprefix("0x").removeprefix("0X").removeprefix("#"), 16)
    except ValueError:
        raise InvalidParameterValue(
            _("BGCOLOR must be 0xRRGGBB."), locator="BGCOLOR"
        ) from None
    colour = ((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255)
    return (*colour, 0 if transparent else 255)


def parse(ows_request: OwsRequest, context, *, checked: bool = True) -> GetMapRequest:
    """The typed GetMap request; raises the OGC exception of the first mistake.

    ``checked=False``: the layers may come from the cached catalogue unchecked
    (``catalog_layers``); the map queries check its revision.
    """
    require_version(ows_request)
    content_type, encode = image_format(ows_request)
    rasters, vectors = rasters_split(ows_request, context)
    layers = (
        request_layers(vectors, context, checked=checked)
        if not rasters or vectors.get("LAYERS")
        else []
    )
    check_styles(ows_request)
    crs = request_crs(ows_request, layers)
    width, height = image_size(ows_request)
    check_map_cost(len(layers) + len(rasters), width, height)
    view = request_extent(ows_request, crs, width, height)
    transparent = ows_request.get("TRANSPARENT").upper() == "TRUE"
    return GetMapRequest(
        layers,
        view,
        content_type,
        encode,
        transparent,
        background(ows_request, transparent),
        tuple(rasters),
    )


def map_layers(layers: list[CatalogLayer], *, checked: bool) -> list[MapLayer]:
    """What the renderer needs of ``layers``; unless ``checked``, with the
    catalogue revision for the map queries to check."""
    return [
        MapLayer(
            entry.version.pk,
            style_for(entry.layer),
            entry.zone_categories,
            revision=None if checked else entry.revision,
            cache_key=entry.version_key,
        )
        for entry in layers
    ]


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The map image; with EXCEPTIONS=INIMAGE/BLANK errors come as images too."""
    try:
        return image(ows_request, context)
    except GeoportalError as error:
        picture = error_image(ows_request, error)
        if picture is None:
            raise
        return picture


def map_etag(ows_request: OwsRequest, context, *, revision: int | None) -> str:
    """The strong ETag of the public's image of ``ows_request`` drawn at the
    catalogue's ``revision``.

    The image depends on the published catalogue (its revision, bumped by
    PostgreSQL on every change), on the day in the portal's time zone (what is
    in force changes at midnight; kept with a TIME too, which may be relative),
    on the endpoint's agency and on the parameters, in any order.
    """
    return http_cache.strong_etag(
        revision,
        timezone.localdate().isoformat(),
        context.agency_code,
        sorted(ows_request.params.items()),
    )


def drawn_revision(request: GetMapRequest) -> int | None:
    """The catalogue revision an image was drawn at, when its map queries
    checked it (layers from the cached catalogue: ``ows.render``), else None."""
    revisions = {entry.revision for entry in request.layers}
    return revisions.pop() if len(revisions) == 1 else None


def image(ows_request: OwsRequest, context) -> HttpResponse:
    """The map image; raises the OGC exception of the first mistake.

    The public's images go to shared caches with their ETag
    (``core.http_cache``): while it holds, a 304 without drawing. A planner's
    (drafts, unpublished layers) stay in their browser.
    """
    shared = not context.user.is_authenticated
    if shared and context.if_none_match:
        # Revalidation: the revision now, read before anything is drawn.
        etag = map_etag(ows_request, context, revision=catalogue_revision())
        if http_cache.none_match_holds(context.if_none_match, etag):
            return http_cache.shared_revalidated(HttpResponse(status=304), etag)
    request, pixels = rendered(ows_request, context)
    body = request.encode(pixels, transparent=request.transparent)
    response = HttpResponse(body, content_type=request.content_type)
    if shared:
        # The revision the map queries checked while drawing (no query more);
        # read now when they checked none (a checked catalogue, photos only).
        revision = drawn_revision(request)
        if revision is None:
            revision = catalogue_revision()
        http_cache.shared_revalidated(
            response, map_etag(ows_request, context, revision=revision)
        )
    else:
        response["Cache-Control"] = "private"
    if (
        ows_request.version == "1.3.0"
        and not ows_request.get("TIME").strip()
        and any(not entry.is_draft for entry in request.layers)
    ):
        # WMS 1.3.0 C.4.2: say which value of the time dimension was drawn.
        response["Warning"] = "99 Default value used: time=current ISO8601"
    return response


def rendered(ows_request: OwsRequest, context) -> tuple[GetMapRequest, np.ndarray]:
    """The parsed request and its image.

    The layers come from the cached catalogue, which the map queries check in
    the same round trip. If it was behind — it changed since, or it does not
    know a name yet (a layer just published) — the request starts over from a
    checked catalogue, and only then are its mistakes the client's.
    """

    def attempt(checked: bool) -> tuple[GetMapRequest, np.ndarray]:
        request = parse(ows_request, context, checked=checked)
        layers = map_layers(request.layers, checked=checked)
        if not request.rasters:
            return request, render(layers, request.view, background=request.background)
        pixels = render(layers, request.view, background=(0, 0, 0, 0))
        return request, rasters_under(
            pixels, list(request.rasters), request.view, request.background
        )

    try:
        return attempt(checked=False)
    except (CatalogueChanged, OwsError):
        return attempt(checked=True)


def error_image(ows_request: OwsRequest, error: GeoportalError) -> HttpResponse | None:
    """An image for EXCEPTIONS=INIMAGE or BLANK (1.1.1: ``…se_inimage``,
    ``…se_blank``), when size and format allow: the background of the map
    (BGCOLOR, or transparent with TRANSPARENT=TRUE), with the message written
    on it for INIMAGE."""
    mode = ows_request.get("EXCEPTIONS").upper().rsplit("_", 1)[-1]
    mode = mode.rsplit(".", 1)[-1]
    if mode not in ("INIMAGE", "BLANK"):
        return None
    try:
        content_type, encode = image_format(ows_request)
        width, height = image_size(ows_request)
    except OwsError:
        return None  # no image possible: the caller reports the error in XML
    transparent = ows_request.get("TRANSPARENT").upper() == "TRUE"
    try:
        colour = background(ows_request, transparent)
    except OwsError:  # the mistake may be BGCOLOR itself
        colour = (255, 255, 255, 0 if transparent else 255)
    pixels = np.empty((height, width, 4), np.uint8)
    pixels[...] = colour
    if mode == "INIMAGE":
        surface = straight_alpha_surface(pixels)
        font = skia.Font(skia.Typeface("DejaVu Sans"), 12)
        paint = skia.Paint(AntiAlias=True, Color=skia.Color(200, 0, 0, 255))
        surface.getCanvas().drawString(str(error.message), 4, 16, font, paint)
        del surface
    body = encode(pixels, transparent=transparent)
    return HttpResponse(body, content_type=content_type)
