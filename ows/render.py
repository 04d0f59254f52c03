"""The map renderer: PostGIS cuts and projects, skia draws, libpng encodes.

One fixed, parameterised query per layer selects the features of a version
that intersect the envelope, clips them to it (plus a 2-pixel margin, so the
clip line is never stroked), moves them to pixel space with ``ST_Affine``,
simplifies to a quarter pixel and snaps to the pixel-centre grid. Python only
turns WKB into skia paths: all fills (even-odd) by colour, then all
antialiased outlines, which also hide the edges of the fills (so these are
antialiased only when there is no opaque outline to hide them).
"""

from __future__ import annotations

import dataclasses
import functools
import io

import imagecodecs
import numpy as np
import shapely
import skia
from django.db import connection
from PIL import Image

from ows.styles import RGBA, Style

# Web Mercator metres per pixel below which zone codes are written (≈ z16).
LABEL_RESOLUTION = 2.5
LABEL_MIN_AREA = 900.0  # px²: smaller zones stay unlabelled
MARGIN_PX = 2.0

_SELECT = """
SELECT COALESCE(NULLIF(f.category, ''), z.category, ''), f.code,
       ST_AsBinary(ST_SnapToGrid(ST_Simplify(ST_Affine(
           ST_ClipByBox2D({geom}, ST_MakeEnvelope(%s, %s, %s, %s)),
           %s, 0, 0, %s, %s, %s), 0.25), 0.5, 0.5, 1, 1))
FROM layers_feature f
LEFT JOIN layers_zonerule z ON z.document_id = %s AND z.code = f.code
WHERE f.version_id = %s AND {filter}
"""
# Web Mercator: the generated, indexed column is already in the map's CRS.
SQL_3857 = _SELECT.format(
    geom="f.geom_3857",
    filter="f.geom_3857 && ST_MakeEnvelope(%s, %s, %s, %s, 3857)",
)
# Other CRSs: the envelope goes to EPSG:4326 (densified) for the index on
# ``geom``, the features come to the map's CRS.
SQL_OTHER = _SELECT.format(
    geom="ST_Transform(f.geom, %s::int)",
    filter=(
        "f.geom && ST_Transform(ST_Segmentize("
        "ST_MakeEnvelope(%s, %s, %s, %s, %s::int), %s), 4326)"
    ),
)


@dataclasses.dataclass(frozen=True)
class MapLayer:
    """What the renderer needs of a layer: its version, document and style."""

    version_id: int
    document_id: int
    style: Style


@dataclasses.dataclass(frozen=True)
class View:
    """The envelope (x/y order, in ``srid``) and the image size in pixels."""

    srid: int
    minx: float
    miny: float
    maxx: float
    maxy: float
    width: int
    height: int

    @property
    def metres_per_pixel(self) -> float:
        per_pixel = (self.maxx - self.minx) / self.width
        return per_pixel * 111_320 if self.srid == 4326 else per_pixel


def fetch(layer: MapLayer, view: View) -> list[tuple[str, str, bytes]]:
    """(category, code, pixel-space WKB) of the features of ``layer`` in ``view``."""
    sx = view.width / (view.maxx - view.minx)
    sy = view.height / (view.maxy - view.miny)
    mx, my = MARGIN_PX / sx, MARGIN_PX / sy
    clip = [view.minx - mx, view.miny - my, view.maxx + mx, view.maxy + my]
    affine = [sx, -sy, -view.minx * sx, view.maxy * sy]
    if view.srid == 3857:
        sql = SQL_3857
        params = [*clip, *affine, layer.document_id, layer.version_id, *clip]
    else:
        sql = SQL_OTHER
        step = max(clip[2] - clip[0], clip[3] - clip[1]) / 16
        params = [
            view.srid,
            *clip,
            *affine,
            layer.document_id,
            layer.version_id,
            *clip,
            view.srid,
            step,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], bytes(row[2])) for row in cursor if row[2]]


def render(layers: list[MapLayer], view: View, *, background: RGBA) -> np.ndarray:
    """An RGBA image (straight alpha) of ``layers``, the first at the bottom."""
    pixels = np.zeros((view.height, view.width, 4), np.uint8)
    surface = skia.Surface(
        pixels,
        colorType=skia.ColorType.kRGBA_8888_ColorType,
        alphaType=skia.AlphaType.kPremul_AlphaType,
    )
    canvas = surface.getCanvas()
    if background[3]:
        canvas.clear(skia.Color(*background))
    labels = view.metres_per_pixel < LABEL_RESOLUTION
    for layer in layers:
        rows = fetch(layer, view)
        if rows:
            _draw(canvas, rows, layer.style, labels=labels and layer.style.labels)
    del canvas, surface
    return pixels if background[3] == 255 else unpremultiply(pixels)


@functools.lru_cache(maxsize=256)
def _paint(colour: RGBA, *, stroke: float = 0.0, antialias: bool = True) -> skia.Paint:
    paint = skia.Paint(AntiAlias=antialias, Color=skia.Color(*colour))
    if stroke:
        paint.setStyle(skia.Paint.kStroke_Style)
        paint.setStrokeWidth(stroke)
        paint.setStrokeJoin(skia.Paint.kRound_Join)
    return paint


def _chains(parts: np.ndarray, closed: bool):
    """(part index, xs, ys) of every ring (``closed``) or line of ``parts``."""
    if closed:
        chains, owner = shapely.get_rings(parts, return_index=True)
    else:
        chains, owner = parts, np.arange(len(parts))
    if not len(chains):
        return
    coords, index = shapely.get_coordinates(chains, return_index=True)
    xs, ys = coords[:, 0].tolist(), coords[:, 1].tolist()
    splits = np.flatnonzero(np.diff(index)) + 1
    starts = [0, *splits.tolist()]
    ends = [*splits.tolist(), len(coords)]
    owners = owner[index[starts]].tolist()
    for chain_owner, start, end in zip(owners, starts, ends, strict=True):
        yield chain_owner, xs[start:end], ys[start:end]


def _add_chain(path: skia.Path, xs: list[float], ys: list[float], close: bool):
    """Append one contour, as ``Path.addPoly`` would, with ``moveTo``/``lineTo``.

    ``addPoly`` wants a list of ``skia.Point``, and building those objects
    (≈ 1.1 µs each) cost more than the rest of the drawing; a ``lineTo`` call
    with two floats costs ≈ 0.25 µs per vertex and gives the same path.
    """
    path.moveTo(xs[0], ys[0])
    line_to = path.lineTo
    for x, y in zip(xs[1:], ys[1:], strict=True):
        line_to(x, y)
    if close:
        path.close()


def _draw(canvas, rows, style: Style, *, labels: bool) -> None:
    geoms = shapely.from_wkb([row[2] for row in rows])
    if (shapely.get_type_id(geoms) <= 3).all():
        # Only single parts (the usual case): no need to explode collections.
        parts, part_owner = geoms, np.arange(len(geoms))
    else:
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
    categories = [rows[owner][0] for owner in part_owner.tolist()]
    types = shapely.get_type_id(parts)
    # Polygons: one even-odd path per fill colour; their outlines are drawn
    # after every fill, which also hides the seams between adjacent zones.
    paths: dict[str, skia.Path] = {}
    polygon_index = np.flatnonzero(types == 3)
    for owner, xs, ys in _chains(parts[polygon_index], closed=True):
        category = categories[polygon_index[owner]]
        path = paths.get(category)
        if path is None:
            path = paths[category] = skia.Path()
            path.setFillType(skia.PathFillType.kEvenOdd)
        if len(xs) >= 3:
            _add_chain(path, xs, ys, close=True)
    # Antialiased fills cost ≈ 3× aliased ones (1.2 vs 0.4 ms on a z14–16
    # tile) and the difference does not show when an opaque outline at least
    # a pixel wide is stroked (antialiased) over every edge afterwards: it
    # covers the pixels an edge crosses. Measured on 60 tiles: a median of 8
    # pixels per tile differ by more than 8/255, none by more than 21/255.
    # Aliased fills of adjacent zones also meet without seams (each pixel
    # centre belongs to exactly one zone).
    smooth_fills = style.outline[3] < 255 or style.outline_width < 1
    for category, path in paths.items():
        colour = style.fill(category)
        if colour is not None:
            canvas.drawPath(path, _paint(colour, antialias=smooth_fills))
    stroke = _paint(style.outline, stroke=style.outline_width)
    for path in paths.values():
        canvas.drawPath(path, stroke)
    lines = skia.Path()
    for _owner, xs, ys in _chains(parts[types == 1], closed=False):
        if len(xs) >= 2:
            _add_chain(lines, xs, ys, close=False)
    canvas.drawPath(lines, stroke)
    for index in np.flatnonzero(types == 0).tolist():
        point = skia.Point(shapely.get_x(parts[index]), shapely.get_y(parts[index]))
        fill = style.fill(categories[index]) or style.outline
        canvas.drawCircle(point, style.point_radius, _paint(fill))
        canvas.drawCircle(point, style.point_radius, _paint(style.outline, stroke=1))
    if labels:
        _draw_labels(canvas, geoms, [row[1] for row in rows])


@functools.cache
def _label_font() -> skia.Font:
    return skia.Font(skia.Typeface("DejaVu Sans", skia.FontStyle.Bold()), 12)


def _draw_labels(canvas, geoms: np.ndarray, codes: list[str]) -> None:
    font = _label_font()
    halo = _paint((255, 255, 255, 230), stroke=3)
    ink = _paint((30, 30, 30, 255))
    areas = shapely.area(geoms)
    for geom, code, area in zip(geoms, codes, areas, strict=True):
        if not code or area < LABEL_MIN_AREA:
            continue
        anchor = shapely.point_on_surface(geom)
        width = font.measureText(code)
        x, y = shapely.get_x(anchor) - width / 2, shapely.get_y(anchor) + 4
        blob = skia.TextBlob(code, font)
        canvas.drawTextBlob(blob, x, y, halo)
        canvas.drawTextBlob(blob, x, y, ink)


def unpremultiply(pixels: np.ndarray) -> np.ndarray:
    """Straight alpha from skia's premultiplied RGBA buffer (a new array)."""
    source = skia.Pixmap(
        pixels,
        colorType=skia.ColorType.kRGBA_8888_ColorType,
        alphaType=skia.AlphaType.kPremul_AlphaType,
    )
    out = np.empty_like(pixels)
    target = skia.Pixmap(
        out,
        colorType=skia.ColorType.kRGBA_8888_ColorType,
        alphaType=skia.AlphaType.kUnpremul_AlphaType,
    )
    source.readPixels(target)
    return out


def encode_png(pixels: np.ndarray, *, transparent: bool) -> bytes:
    """PNG (libpng level 1, SUB filter); RGB when opaque."""
    data = pixels if transparent else np.ascontiguousarray(pixels[..., :3])
    # zlib's default strategy rather than RLE: on the 90 first benchmark tiles
    # (zooms 12-17, encoders interleaved) p50 0.54 vs 0.71 ms and 18 % smaller
    # files (60 vs 73 KB); the SUB filter stays the fastest filter.
    return imagecodecs.png_encode(data, level=1, strategy=0, filter=16)


def encode_png8(pixels: np.ndarray, *, transparent: bool) -> bytes:
    """Paletted PNG (Pillow's fast octree quantizer); lossy at antialiased edges."""
    data = pixels if transparent else np.ascontiguousarray(pixels[..., :3])
    image = Image.fromarray(data)
    paletted = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    paletted.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def encode_jpeg(pixels: np.ndarray, *, transparent: bool) -> bytes:
    """JPEG quality 85; transparency is flattened on white."""
    rgb = pixels[..., :3].astype(np.float32)
    alpha = pixels[..., 3:4].astype(np.float32) / 255
    flat = (rgb * alpha + 255 * (1 - alpha)).round().astype(np.uint8)
    return imagecodecs.jpeg_encode(flat, level=85)
