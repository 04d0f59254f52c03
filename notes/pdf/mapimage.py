"""The note's map excerpt: the subject over the zoning, drawn with skia.

The picture goes to typst as raw RGB pixels rather than a PNG: encoding a PNG
here and decoding it again in typst took ~60 % of a PDF's rendering time, and
typst compresses the pixels losslessly in the PDF either way.

The features come from the layer versions the note used (versions never change
once stored), so re-rendering an old note draws the same map. Geometries are
read in Web Mercator (the indexed ``geom_3857`` column), clipped in PostGIS.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import shapely
import skia
from django.db import connection
from pyproj import Transformer

from layers.models import Layer
from layers.styles import (
    LINE_WIDTH,
    POINT_RADIUS,
    WHITE,
    hex_colour,
    overlay_swatch,
    zone_swatch,
)

WIDTH, HEIGHT = 640, 400  # ≈ 90 dpi over the page's width
MIN_HALF_SPAN_M = 60.0  # never zoom closer than ~120 m across
MARGIN = 0.6  # context around the subject, as a share of its size
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

MAP_FEATURES = """
SELECT l.kind, l.overlay_type, f.code,
       coalesce(nullif(r.category, ''), f.category, '') AS category,
       ST_AsBinary(ST_ClipByBox2D(f.geom_3857, e.box)) AS wkb
FROM (SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857) AS box) e
JOIN layers_feature f ON f.geom_3857 && e.box
JOIN layers_layerversion v ON v.id = f.version_id
JOIN layers_layer l ON l.id = v.layer_id
LEFT JOIN layers_zonerule r ON r.document_id = l.document_id AND r.code = f.code
WHERE f.version_id = ANY(%(versions)s)
ORDER BY l.kind DESC, l.position, f.id
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
    scale_label: str

    def png(self) -> bytes:
        """The excerpt as a PNG (slow: for saving or showing, not for the PDF)."""
        import io

        from PIL import Image

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


def _color(hex_color: str, alpha: float = 1.0) -> int:
    value = hex_color.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return skia.Color(red, green, blue, round(alpha * 255))


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
    path = skia.Path()
    path.setFillType(skia.PathFillType.kEvenOdd)
    parts = getattr(geom, "geoms", [geom])
    for part in parts:
        if isinstance(part, shapely.Polygon):
            rings = [part.exterior, *part.interiors]
            for ring in rings:
                coords = [to_px(x, y) for x, y in ring.coords]
                path.moveTo(*coords[0])
                for point in coords[1:]:
                    path.lineTo(*point)
                path.close()
        elif isinstance(part, shapely.LineString):
            coords = [to_px(x, y) for x, y in part.coords]
            path.moveTo(*coords[0])
            for point in coords[1:]:
                path.lineTo(*point)
        elif isinstance(part, shapely.GeometryCollection | shapely.MultiPolygon):
            path.addPath(_path(part, to_px))
    return path


def _nice_length(max_m: float) -> float:
    exponent = math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * 10**exponent <= max_m:
            return step * 10**exponent
    return 10**exponent


def render_map(content: dict) -> MapExcerpt:
    """Draw the subject of ``content`` over the zoning and overlays it used."""
    subject = shapely.from_geojson(_geojson(content["subject"]["geometry"]))
    subject = shapely.transform(
        subject,
        lambda xy: _stack(_to_mercator().transform(xy[:, 0], xy[:, 1])),
    )
    x0, y0, x1, y1, lat = _extent(subject)
    versions = [version["version_id"] for version in content["layer_versions"]]
    with connection.cursor() as cursor:
        cursor.execute(
            MAP_FEATURES,
            {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "versions": versions},
        )
        rows = cursor.fetchall()
    sx = WIDTH / (x1 - x0)
    sy = HEIGHT / (y1 - y0)

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * sx, (y1 - y) * sy

    surface = skia.Surface(WIDTH, HEIGHT)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorWHITE)
    legend: dict[tuple[str, str], LegendEntry] = {}
    for kind, overlay_type, code, category, wkb in rows:
        if wkb is None:
            continue
        geom = shapely.from_wkb(bytes(wkb))
        if geom.is_empty:
            continue
        if kind == Layer.Kind.ZONING:
            swatch = zone_swatch(category)
            legend.setdefault(
                ("zone", code),
                LegendEntry(code, "zone", category, hex_colour(swatch.blended(WHITE))),
            )
        else:
            swatch = overlay_swatch(overlay_type)
            legend.setdefault(
                ("overlay", overlay_type),
                LegendEntry(
                    overlay_type, "overlay", "", hex_colour(swatch.blended(WHITE))
                ),
            )
        _draw(canvas, geom, to_px, swatch)
    _draw_subject(canvas, subject, to_px)
    scale_label = _draw_scale_bar(
        canvas, (x1 - x0) / WIDTH * math.cos(math.radians(lat))
    )
    pixels = surface.makeImageSnapshot().toarray(
        colorType=skia.ColorType.kRGBA_8888_ColorType
    )
    return MapExcerpt(
        rgb=pixels[:, :, :3].tobytes(),
        width=WIDTH,
        height=HEIGHT,
        legend=list(legend.values()),
        scale_label=scale_label,
    )


def _stack(pair):
    import numpy

    return numpy.column_stack(pair)


def _geojson(value: dict) -> str:
    import json

    return json.dumps(value)


def _draw(canvas: skia.Canvas, geom, to_px, swatch) -> None:
    """Draw ``geom`` as ``layers.styles`` says: the fill at the swatch's
    opacity, then the outline (lines: ``LINE_WIDTH``; points: discs)."""
    if geom.geom_type in {"Point", "MultiPoint"}:
        for point in getattr(geom, "geoms", [geom]):
            x, y = to_px(point.x, point.y)
            canvas.drawCircle(
                x,
                y,
                POINT_RADIUS,
                skia.Paint(AntiAlias=True, Color=_color(swatch.outline)),
            )
        return
    path = _path(geom, to_px)
    dimension = shapely.get_dimensions(geom)
    if dimension == 2:
        canvas.drawPath(
            path,
            skia.Paint(AntiAlias=True, Color=_color(swatch.fill, swatch.opacity)),
        )
    canvas.drawPath(
        path,
        skia.Paint(
            AntiAlias=True,
            Color=_color(swatch.outline),
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=swatch.width if dimension == 2 else LINE_WIDTH,
        ),
    )


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
            Color=_color("#d00000"),
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=3,
        ),
    )


def _draw_scale_bar(canvas: skia.Canvas, metres_per_px: float) -> str:
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
    return label
