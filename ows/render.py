"""The map renderer: geometry in pixels from memory or PostGIS, skia draws,
libpng encodes. WMS GetMap draws through it, and so does the note PDF's map
(``notes.pdf.mapimage``, which adds the subject, scale bar and legend).

Published versions in Web Mercator come from memory (``ows.mapcache``).
Everything else comes from one fixed, parameterised query per layer: it
selects the features of a version that intersect the envelope, moves them to
pixel space with ``ST_Affine``, snaps them to the pixel-centre grid (which
drops the vertices a pixel holds several of) and then simplifies to a
quarter pixel (cheaper in that order: fewer vertices to simplify; the result
stays on the grid). Features that reach far outside the image (more than an
image's width or height) are clipped first, to a box whose edge is never in
sight; the others come whole, since clipping costs more than drawing what
skia leaves out anyway. Python only walks the WKB headers (``ows.paths``).

Either way the layer becomes ``paths.Shapes``: all fills (even-odd) by
colour, then all antialiased outlines, which also hide the edges of the fills
(so these are antialiased only when there is no opaque outline to hide them),
then zone codes at large scales.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
from collections.abc import Mapping

import imagecodecs
import numpy as np
import shapely
import skia
from PIL import Image

from core import db
from layers.selectors import CATALOGUE_REVISION_SQL, CatalogueChanged
from ows import mapcache, paths
from ows.styles import RGBA, Style, label_colours

# Web Mercator metres per pixel below which zone codes are written (≈ z16).
LABEL_RESOLUTION = 2.5

_SELECT = """
SELECT f.category, f.code,
       ST_AsBinary(ST_Simplify(ST_SnapToGrid(ST_Affine(
           CASE WHEN g.geom @ b.clip THEN g.geom
                ELSE ST_ClipByBox2D(g.geom, b.clip) END,
           %(sx)s, 0, 0, %(sy)s, %(tx)s, %(ty)s), 0.5, 0.5, 1, 1), 0.25), 'NDR')
FROM (SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, %(srid)s::int) AS clip) b,
     layers_feature f,
     LATERAL (SELECT {geom} AS geom) g
WHERE f.version_id = %(version)s AND {filter}
"""
# Web Mercator: the generated, indexed column is already in the map's CRS.
SQL_3857 = _SELECT.format(
    geom="f.geom_3857",
    filter=(
        "f.geom_3857 && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 3857)"
    ),
)
# Other CRSs: the envelope goes to EPSG:4326 (densified) for the index on
# ``geom``, the features come to the map's CRS.
SQL_OTHER = _SELECT.format(
    geom="ST_Transform(f.geom, %(srid)s::int)",
    filter=(
        "f.geom && ST_Transform(ST_Segmentize(ST_MakeEnvelope("
        "%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(srid)s::int), %(step)s), 4326)"
    ),
)


@dataclasses.dataclass(frozen=True)
class MapLayer:
    """What the renderer needs of a layer: its version, style, and the
    category of each zone code (from the document's rules) for features
    that do not carry their own."""

    version_id: int
    style: Style
    categories: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The catalogue revision the layer was looked up at, checked while the
    # map is drawn (None: no check).
    revision: int | None = None
    # What identifies the version's features for ows.mapcache, if they can
    # no longer change (not a draft); None: always read through PostGIS.
    cache_key: tuple | None = None


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


def fetch(
    layer: MapLayer, view: View, *, reach: float = 0.0
) -> list[tuple[str, str, bytes]]:
    """(category, code, pixel-space WKB) of the features of ``layer`` in
    ``view`` or less than ``reach`` pixels away from it."""
    sx = view.width / (view.maxx - view.minx)
    sy = view.height / (view.maxy - view.miny)
    # Clipping box: the view and an image's size around it.
    dx, dy = view.maxx - view.minx, view.maxy - view.miny
    reach_x, reach_y = reach / sx, reach / sy
    params = {
        "x0": view.minx - dx,
        "y0": view.miny - dy,
        "x1": view.maxx + dx,
        "y1": view.maxy + dy,
        "srid": view.srid,
        "sx": sx,
        "sy": -sy,
        "tx": -view.minx * sx,
        "ty": view.maxy * sy,
        "version": layer.version_id,
        "minx": view.minx - reach_x,
        "miny": view.miny - reach_y,
        "maxx": view.maxx + reach_x,
        "maxy": view.maxy + reach_y,
        "step": max(dx, dy) / 16,
    }
    sql = SQL_3857 if view.srid == 3857 else SQL_OTHER
    categories = layer.categories
    return [
        (category or categories.get(code, ""), code, wkb)
        for category, code, wkb in _binary_rows(sql, params)
        if wkb
    ]


def _binary_rows(sql: str, params: dict) -> list[tuple]:
    """The rows of ``sql`` read in binary (WKB as bytes rather than hex)."""
    with db.server_cursor() as cursor:
        cursor.execute(sql, params, prepare=db.prepare(), binary=True)
        return cursor.fetchall()


def render(layers: list[MapLayer], view: View, *, background: RGBA) -> np.ndarray:
    """An RGBA image (straight alpha) of ``layers``, the first at the bottom.

    Raises CatalogueChanged if the layers' catalogue revision is not current.
    """
    revisions = {layer.revision for layer in layers} - {None}
    with _revision_checked(revisions.pop() if revisions else None):
        pixels = np.zeros((view.height, view.width, 4), np.uint8)
        surface = straight_alpha_surface(pixels)
        canvas = surface.getCanvas()
        if background[3]:
            canvas.clear(skia.Color(*background))
        labels = view.metres_per_pixel < LABEL_RESOLUTION
        empty = not background[3]
        for layer in layers:
            shapes = _shapes(layer, view, labels and layer.style.labels)
            if shapes is not None:
                _draw(canvas, shapes, layer.style, empty=empty)
                empty = False
        del canvas, surface
    return pixels


@contextlib.contextmanager
def _revision_checked(revision: int | None):
    """Run the block while the catalogue revision is read in the background
    (a psycopg pipeline: the query travels while the map is drawn, so the
    check costs no round trip of its own); then raise CatalogueChanged if it
    is not ``revision``. None: no check."""
    if revision is None:
        yield
        return
    with db.server_cursor() as cursor, cursor.connection.pipeline():
        cursor.execute(CATALOGUE_REVISION_SQL, prepare=db.prepare())
        yield
        row = cursor.fetchone()
    if row is None or row[0] != revision:
        raise CatalogueChanged


def _shapes(layer: MapLayer, view: View, labels: bool) -> paths.Shapes | None:
    """The layer's features in ``view``, from memory (published versions in
    Web Mercator, ``ows.mapcache``) or through PostGIS; None if there are none.
    """
    if view.srid == 3857 and layer.cache_key is not None:
        geometry = mapcache.version_geometry(layer.version_id, layer.cache_key)
        if geometry is not None:
            return geometry.shapes(view, layer.categories, labels=labels)
    # At label scales, zones whose code may reach into the view come too.
    rows = fetch(layer, view, reach=paths.LABEL_REACH if labels else 0.0)
    return _shapes_of_rows(rows, labels=labels) if rows else None


@functools.lru_cache(maxsize=256)
def _paint(
    colour: RGBA, *, stroke: float = 0.0, antialias: bool = True, replace: bool = False
) -> skia.Paint:
    paint = skia.Paint(AntiAlias=antialias, Color=skia.Color(*colour))
    if replace:
        paint.setBlendMode(skia.BlendMode.kSrc)
    if stroke:
        paint.setStyle(skia.Paint.kStroke_Style)
        paint.setStrokeWidth(stroke)
        paint.setStrokeJoin(skia.Paint.kRound_Join)
    return paint


def _shapes_of_rows(rows, *, labels: bool) -> paths.Shapes:
    """Shapes from ``rows`` (category, code, pixel-space WKB)."""
    groups: dict[str, paths.Chains] = {}  # by category
    base = 0
    for category, _code, wkb in rows:
        chains = groups.get(category)
        if chains is None:
            chains = groups[category] = paths.Chains()
        paths.walk(wkb, base, chains)
        base += len(wkb)
    buffer = np.frombuffer(b"".join(row[2] for row in rows), np.uint8)
    filled = [(c, chains) for c, chains in groups.items() if chains.ring_starts]
    rings, kept = paths.gather(
        buffer,
        [start for _c, chains in filled for start in chains.ring_starts],
        [count for _c, chains in filled for count in chains.ring_counts],
    )
    # Each category's rings, as a range of the kept ones.
    bounds = np.cumsum([0, *(len(chains.ring_starts) for _c, chains in filled)])
    ranges = np.concatenate(([0], np.cumsum(kept)))[bounds].tolist()
    shapes = paths.Shapes(
        rings,
        [
            (category, first, last)
            for (category, _chains), first, last in zip(
                filled, ranges, ranges[1:], strict=False
            )
            if first < last
        ],
    )
    lines = [chains for chains in groups.values() if chains.line_starts]
    if lines:
        shapes.lines, _kept = paths.gather(
            buffer,
            [start for chains in lines for start in chains.line_starts],
            [count for chains in lines for count in chains.line_counts],
            closed=False,
        )
    shapes.points = [
        (category, paths.coordinates(buffer, chains.points, [1] * len(chains.points)))
        for category, chains in groups.items()
        if chains.points
    ]
    if labels:
        geoms = shapely.from_wkb([row[2] for row in rows])
        shapes.labels = paths.label_anchors(geoms, [row[1] for row in rows], 1.0)
    return shapes


def _draw(canvas, shapes: paths.Shapes, style: Style, *, empty: bool) -> None:
    """Draw ``shapes`` on ``canvas``; ``empty``: nothing is drawn on it yet
    (a transparent background)."""
    rings = shapes.rings
    # Antialiased fills cost ≈ 3× aliased ones (1.2 vs 0.4 ms on a z14–16
    # tile) and the difference does not show when an opaque outline at least
    # a pixel wide is stroked (antialiased) over every edge afterwards: it
    # covers the pixels an edge crosses. Measured on 60 tiles: a median of 8
    # pixels per tile differ by more than 8/255, none by more than 21/255.
    # Aliased fills of adjacent zones also meet without seams (each pixel
    # centre belongs to exactly one zone).
    smooth_fills = style.outline[3] < 255 or style.outline_width < 1
    # Fills that never overlap (a partition, like zoning), drawn aliased on an
    # empty canvas, can replace pixels instead of blending them: the same
    # image, and on a straight-alpha surface 2.5× faster (0.3 vs 0.8 ms for
    # a z14-15 tile of the benchmark zones).
    replace = empty and style.partition and not smooth_fills
    # Polygons: one even-odd path per fill colour; their outlines are drawn
    # after every fill, which also hides the seams between adjacent zones.
    for category, first, last in shapes.groups:
        colour = style.fill(category)
        if colour is not None:
            paint = _paint(colour, antialias=smooth_fills, replace=replace)
            canvas.drawPath(rings.path(first, last), paint)
    stroke = _paint(style.outline, stroke=style.outline_width)
    if len(rings.sizes):
        # A partition's zones share their edges: each drawn once, half the
        # work of the outline (a 1-pixel line has no joins to lose).
        outline = None
        if style.partition and style.outline_width <= 1:
            outline = rings.edges_once()
        if outline is None:
            outline = rings.path()
        canvas.drawPath(outline, stroke)
    if shapes.lines is not None:
        canvas.drawPath(shapes.lines.path(), stroke)
    # Points are discs of the outline colour (layers.styles).
    fill = _paint(style.outline)
    for _category, centres in shapes.points:
        for x, y in centres.tolist():
            canvas.drawCircle(x, y, style.point_radius, fill)
    if shapes.labels:
        _draw_labels(canvas, shapes.labels)


@functools.cache
def _label_font() -> skia.Font:
    return skia.Font(skia.Typeface("DejaVu Sans", skia.FontStyle.Bold()), 12)


@functools.lru_cache(maxsize=1024)
def _label(code: str) -> tuple[skia.TextBlob, float]:
    """The text of a zone code and its width (codes repeat across tiles)."""
    font = _label_font()
    return skia.TextBlob(code, font), font.measureText(code)


def _draw_labels(canvas, labels: list[tuple[str, float, float]]) -> None:
    ink_colour, halo_colour = label_colours()
    halo = _paint(halo_colour, stroke=3)
    ink = _paint(ink_colour)
    for code, x, y in labels:
        blob, width = _label(code)
        canvas.drawTextBlob(blob, x - width / 2, y + 4, halo)
        canvas.drawTextBlob(blob, x - width / 2, y + 4, ink)


def straight_alpha_surface(pixels: np.ndarray) -> skia.Surface:
    """A skia surface drawing into ``pixels`` (RGBA, straight alpha, as PNG
    stores it).

    skia converts each pixel it blends to premultiplied and back; that costs
    less than drawing premultiplied and converting the whole image after
    (≈ 0.3 ms for 256 × 256), and leaves nothing to forget.
    """
    return skia.Surface(
        pixels,
        colorType=skia.ColorType.kRGBA_8888_ColorType,
        alphaType=skia.AlphaType.kUnpremul_AlphaType,
    )


def encode_png(pixels: np.ndarray, *, transparent: bool) -> bytes:
    """PNG (libpng level 1, no filter); RGB when opaque."""
    data = pixels if transparent else np.ascontiguousarray(pixels[..., :3])
    # Map tiles are flat colour areas: no row filter and zlib's default
    # strategy compress them fastest and smallest. On 120 benchmark tiles
    # (zooms 12-17): p50 0.53 ms / 33 KB, against 0.65 ms / 42 KB with the
    # SUB filter, 0.70 ms / 48 KB with RLE, 1.8 ms with spng or libdeflate.
    return imagecodecs.png_encode(data, level=1, strategy=0, filter=8)


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
