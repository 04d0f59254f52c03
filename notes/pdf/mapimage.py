"""The note's map excerpt: the subject over the zoning and overlays it used.

The layers are drawn by the map renderer of WMS (``ows.render``), in Web
Mercator on white: the same shapes, fills, outlines, points and zone codes as
a GetMap, in the colours of ``layers.styles``, and published versions from
the same memory (``ows.mapcache``). What is the note's own lives here: the
frame around the subject, the subject's outline, the scale bar and the
legend's entries (the zone codes and overlay types in sight, in the colours
the map shows them); and in ``notes.pdf.bearings`` the streets with their
names and the neighbouring parcels' outlines, which help find the plot.

The picture goes to typst as raw RGB pixels rather than a PNG: encoding a PNG
here and decoding it again in typst took ~60 % of a PDF's rendering time, and
typst compresses the pixels losslessly in the PDF either way.

The features come from the layer versions the note used (versions never change
once stored), so re-rendering an old note draws the same map.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import json
import math

import numpy as np
import shapely
import skia
from PIL import Image
from pyproj import Transformer

from core.replicas import read_connection
from layers.models import Layer, LayerVersion
from layers.styles import WHITE, hex_colour, overlay_swatch, zone_swatch
from notes.pdf import bearings
from ows import mapcache
from ows.render import MapLayer, View, render, straight_alpha_surface
from ows.styles import style_for

WIDTH, HEIGHT = 640, 400  # ≈ 90 dpi over the page's width
MIN_HALF_SPAN_M = 60.0  # never zoom closer than ~120 m across
MARGIN = 0.6  # context around the subject, as a share of its size
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BACKGROUND = (*WHITE, 255)

# The versions a note used, in drawing order (the zoning at the bottom, then
# the overlays by their layers' position), each with what the renderer needs:
# its layer's kind and types, its key in ows.mapcache, its zoning document's
# zone code → category, and the (code, own category) of its features in the
# map's box, for the legend.
MAP_VERSIONS = """
SELECT v.id, v.status, v.created_at, v.feature_count,
       l.kind, l.overlay_type, l.geometry_type,
       (SELECT coalesce(json_object_agg(r.code, r.category), '{}'::json)
        FROM layers_zonerule r
        WHERE l.kind = %(zoning)s AND r.document_id = l.document_id),
       ARRAY(SELECT DISTINCT ARRAY[f.code, f.category]
             FROM layers_feature f
             WHERE f.version_id = v.id AND ST_Intersects(f.geom_3857, e.box)
             ORDER BY 1)
FROM (SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857) AS box) e,
     layers_layerversion v
JOIN layers_layer l ON l.id = v.layer_id
WHERE v.id = ANY(%(versions)s)
ORDER BY l.kind DESC, l.position, v.id
"""


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    key: str  # zone code or overlay type
    kind: str  # "zone" or "overlay"
    category: str
    color: str  # as the map shows it: the fill at its opacity over white


@dataclasses.dataclass(frozen=True)
class MapExcerpt:
    rgb: bytes  # WIDTH × HEIGHT pixels, 3 bytes each, rows top to bottom
    width: int
    height: int
    legend: list[LegendEntry]
    scale_m: float  # the length of the scale bar drawn, in metres

    def png(self) -> bytes:
        """The excerpt as a PNG (slow: for saving or showing, not for the PDF)."""
        buffer = io.BytesIO()
        image = Image.frombytes("RGB", (self.width, self.height), self.rgb)
        image.save(buffer, format="PNG")
        return buffer.getvalue()


@functools.cache
def _to_mercator() -> Transformer:
    return Transformer.from_crs(4326, 3857, always_xy=True)


@functools.cache
def _font() -> skia.Font:
    return skia.Font(skia.Typeface.MakeFromFile(FONT_FILE), 13)


def _extent(subject) -> tuple[float, float, float, float, float]:
    """The map's box in EPSG:3857 at the map's aspect ratio, and the latitude."""
    x0, y0, x1, y1 = subject.bounds
    lat = (y0 + y1) / 2 / 6378137.0
    lat = math.degrees(2 * math.atan(math.exp(lat)) - math.pi / 2)
    scale = 1 / math.cos(math.radians(lat))  # Mercator metres per ground metre
    half_w = max((x1 - x0) * (1 + MARGIN) / 2, MIN_HALF_SPAN_M * scale)
    half_h = max((y1 - y0) * (1 + MARGIN) / 2, MIN_HALF_SPAN_M * scale)
    if half_w / half_h < WIDTH / HEIGHT:
        half_w = half_h * WIDTH / HEIGHT
    else:
        half_h = half_w * HEIGHT / WIDTH
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h, lat


def _path(geom, to_px) -> skia.Path:
    """The subject's (multi)polygon as an even-odd path in pixels."""
    path = skia.Path()
    path.setFillType(skia.PathFillType.kEvenOdd)
    for part in getattr(geom, "geoms", [geom]):
        for ring in [part.exterior, *part.interiors]:
            coords = [to_px(x, y) for x, y in ring.coords]
            path.moveTo(*coords[0])
            for point in coords[1:]:
                path.lineTo(*point)
            path.close()
    return path


def _nice_length(max_m: float) -> float:
    exponent = math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * 10**exponent <= max_m:
            return step * 10**exponent
    return 10**exponent


def render_map(content: dict, *, language: str = "fr") -> MapExcerpt:
    """Draw the subject of ``content`` over the zoning and overlays it used,
    with the streets (named in ``language``) and parcels around it."""
    subject = shapely.from_geojson(json.dumps(content["subject"]["geometry"]))
    subject = shapely.transform(
        subject,
        lambda xy: np.column_stack(_to_mercator().transform(xy[:, 0], xy[:, 1])),
    )
    x0, y0, x1, y1, lat = _extent(subject)
    view = View(3857, x0, y0, x1, y1, WIDTH, HEIGHT)
    versions = _map_versions(
        [entry["version_id"] for entry in content["layer_versions"]], view
    )
    pixels = render(
        [version.map_layer for version in versions], view, background=BACKGROUND
    )
    sx = WIDTH / (x1 - x0)
    sy = HEIGHT / (y1 - y0)

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * sx, (y1 - y) * sy

    surface = straight_alpha_surface(pixels)
    canvas = surface.getCanvas()
    streets, parcels = _bearings(content, view)
    bearings.draw_lines(canvas, parcels=parcels, streets=streets)
    bearings.draw_names(pixels, streets, language=language)
    _draw_subject(canvas, subject, to_px)
    scale_m = _draw_scale_bar(canvas, (x1 - x0) / WIDTH * math.cos(math.radians(lat)))
    del canvas, surface
    return MapExcerpt(
        rgb=_rgb(pixels),
        width=WIDTH,
        height=HEIGHT,
        legend=_legend(versions),
        scale_m=scale_m,
    )


def _bearings(content: dict, view: View) -> tuple[list, list]:
    """The streets and parcels around the subject: none for a content that
    names no agency (a bare excerpt of layer versions)."""
    agency = content.get("agency")
    if not agency:
        return [], []
    as_of = datetime.date.fromisoformat(content["as_of"])
    return (
        bearings.streets_in_view(agency=agency["code"], as_of=as_of, view=view),
        bearings.parcels_in_view(agency=agency["code"], view=view),
    )


@dataclasses.dataclass(frozen=True)
class _MapVersion:
    """A layer version of the note: what the renderer needs, and the (zone
    code, own category) pairs of its features in sight."""

    map_layer: MapLayer
    layer: Layer
    seen: list[tuple[str, str]]


def _map_versions(ids: list[int], view: View) -> list[_MapVersion]:
    """The note's layer versions in drawing order (``MAP_VERSIONS``), in one
    round trip."""
    box = {"x0": view.minx, "y0": view.miny, "x1": view.maxx, "y1": view.maxy}
    with read_connection().cursor() as cursor:
        cursor.execute(
            MAP_VERSIONS, {**box, "versions": ids, "zoning": Layer.Kind.ZONING}
        )
        rows = cursor.fetchall()
    versions = []
    for (
        pk,
        status,
        created_at,
        count,
        kind,
        overlay_type,
        geometry_type,
        categories,
        seen,
    ) in rows:
        layer = Layer(kind=kind, overlay_type=overlay_type, geometry_type=geometry_type)
        version = LayerVersion(
            pk=pk, status=status, created_at=created_at, feature_count=count
        )
        map_layer = MapLayer(
            pk,
            style_for(layer),
            categories,
            cache_key=mapcache.version_key(version),
        )
        versions.append(_MapVersion(map_layer, layer, [tuple(pair) for pair in seen]))
    return versions


def _legend(versions: list[_MapVersion]) -> list[LegendEntry]:
    """The zone codes and overlay types in sight, coloured as the renderer
    fills them (a zone's own category, else its code's rule's), in drawing
    order, zones by code."""
    legend: dict[tuple[str, str], LegendEntry] = {}
    for version in versions:
        if not version.seen:
            continue
        if version.layer.kind == Layer.Kind.ZONING:
            rules = version.map_layer.categories
            for code, own in version.seen:
                category = own or rules.get(code, "")
                colour = hex_colour(zone_swatch(category).blended(WHITE))
                legend.setdefault(
                    ("zone", code), LegendEntry(code, "zone", category, colour)
                )
        else:
            overlay_type = version.layer.overlay_type
            colour = hex_colour(overlay_swatch(overlay_type).blended(WHITE))
            legend.setdefault(
                ("overlay", overlay_type),
                LegendEntry(overlay_type, "overlay", "", colour),
            )
    return list(legend.values())


def _rgb(pixels: np.ndarray) -> bytes:
    """The RGB bytes of opaque RGBA ``pixels``: PIL's raw packer drops the
    alpha ≈ 8× faster than numpy's strided copy (0.1 vs 0.9 ms a map)."""
    height, width, _channels = pixels.shape
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    return image.tobytes("raw", "RGB")


def _draw_subject(canvas: skia.Canvas, subject, to_px) -> None:
    path = _path(subject, to_px)
    canvas.drawPath(
        path,
        skia.Paint(
            AntiAlias=True,
            Color=skia.ColorWHITE,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=6,
        ),
    )
    canvas.drawPath(
        path,
        skia.Paint(
            AntiAlias=True,
            Color=skia.Color(0xD0, 0x00, 0x00),
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=3,
        ),
    )


def _draw_scale_bar(canvas: skia.Canvas, metres_per_px: float) -> float:
    length_m = _nice_length(WIDTH / 4 * metres_per_px)
    length_px = length_m / metres_per_px
    left, bottom = 16, HEIGHT - 16
    label = f"{length_m:g} m" if length_m < 1000 else f"{length_m / 1000:g} km"
    canvas.drawRect(
        skia.Rect.MakeXYWH(left - 6, bottom - 30, length_px + 12, 36),
        skia.Paint(Color=skia.Color(255, 255, 255, 220)),
    )
    black = skia.Paint(AntiAlias=True, Color=skia.ColorBLACK)
    canvas.drawRect(skia.Rect.MakeXYWH(left, bottom - 6, length_px, 6), black)
    canvas.drawRect(
        skia.Rect.MakeXYWH(left + length_px / 2, bottom - 5, length_px / 2 - 1, 4),
        skia.Paint(Color=skia.ColorWHITE),
    )
    canvas.drawString("0", left - 3, bottom - 12, _font(), black)
    canvas.drawString(label, left + length_px - 10, bottom - 12, _font(), black)
    return length_m
