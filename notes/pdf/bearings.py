"""Bearings on the note's map: the neighbouring parcels' outlines and the
streets around the subject, with their names.

A reader finds the plot on the map by its streets and neighbours. The streets
are the agency's reference layers of streets in force on the note's day
(``layers.in_force``): published history never changes, so a re-rendered note
draws the same streets. Parcels are the registry's as it is now (the registry
keeps no history). Names are set by Pillow with Raqm (HarfBuzz and FriBiDi),
so Arabic is shaped and runs right to left, as skia alone would not do.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import math

import numpy as np
import shapely
import skia
from PIL import Image, ImageDraw, ImageFont

from core.replicas import read_connection
from layers.in_force import in_force_params, in_force_sql
from layers.models import Layer
from layers.styles import PARCEL_SWATCH, reference_swatch, rgb
from notes.compose import Moment
from ows.render import View

FONT_FILES = {
    "fr": "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "ar": "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf",
    "en": "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
}
FONT_SIZE = 12
NAME_INK = (61, 58, 51, 255)
NAME_HALO = (255, 255, 255, 235)
# Neighbouring parcels: thin, grey, under the streets.
PARCEL_OUTLINE = (*rgb(PARCEL_SWATCH.outline), 110)

# Street features of the agency's reference layers in force at %(at)s, in
# the map's box, clipped to it, in Web Mercator.
STREETS = f"""
SELECT f.label_fr, f.label_ar,
       ST_AsBinary(ST_ClipByBox2D(f.geom_3857, e.box))
FROM (SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857) AS box) e,
     layers_feature f
JOIN layers_layerversion v ON v.id = f.version_id
JOIN layers_layer l ON l.id = v.layer_id
JOIN layers_planningdocument d ON d.id = l.document_id
JOIN layers_agency a ON a.id = d.agency_id
WHERE a.code = %(agency)s
  AND l.kind = '{Layer.Kind.REFERENCE}'
  AND l.reference_type = '{Layer.ReferenceType.STREET}'
  AND {in_force_sql(document="d", version="v")}
  AND f.geom_3857 && e.box
ORDER BY ST_Length(f.geom_3857) DESC, f.id
"""  # noqa: S608

PARCELS = """
SELECT ST_AsBinary(ST_ClipByBox2D(ST_Boundary(p.geom_3857), e.box))
FROM (SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 3857) AS box) e,
     parcels_parcel p
-- By the agency's id, which the planner then knows: one partition is read.
WHERE p.agency_id = (SELECT id FROM layers_agency WHERE code = %(agency)s)
  AND p.geom_3857 && e.box AND p.retired_at IS NULL
"""


@dataclasses.dataclass(frozen=True)
class Street:
    name_fr: str
    name_ar: str
    lines: list[np.ndarray]  # pixel coordinates, one array per part

    def name(self, language: str) -> str:
        first, second = (
            (self.name_ar, self.name_fr) if language == "ar" else (self.name_fr, "")
        )
        return first or second


def _pixels(geom, view: View) -> list[np.ndarray]:
    """The parts of a (multi)line in the view's pixels."""
    sx = view.width / (view.maxx - view.minx)
    sy = view.height / (view.maxy - view.miny)
    parts = []
    for line in shapely.get_parts(
        shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
    ):
        if line.geom_type != "LineString" or line.is_empty:
            continue
        xy = shapely.get_coordinates(line)
        parts.append(
            np.column_stack(((xy[:, 0] - view.minx) * sx, (view.maxy - xy[:, 1]) * sy))
        )
    return parts


def _box(view: View, agency: str) -> dict:
    return {
        "x0": view.minx,
        "y0": view.miny,
        "x1": view.maxx,
        "y1": view.maxy,
        "agency": agency,
    }


def streets_in_view(*, agency: str, as_of: datetime.date, view: View) -> list[Street]:
    """The streets of ``agency`` in force on ``as_of`` in ``view``, longest
    first."""
    params = _box(view, agency) | in_force_params(Moment.of(as_of).at)
    with read_connection().cursor() as cursor:
        cursor.execute(STREETS, params)
        rows = cursor.fetchall()
    return [
        Street(fr, ar, _pixels(shapely.from_wkb(bytes(wkb)), view))
        for fr, ar, wkb in rows
        if wkb
    ]


def parcels_in_view(*, agency: str, view: View) -> list[np.ndarray]:
    """The outlines of the agency's parcels in ``view``, in pixels."""
    with read_connection().cursor() as cursor:
        cursor.execute(PARCELS, _box(view, agency))
        rows = cursor.fetchall()
    return [
        part
        for (wkb,) in rows
        if wkb
        for part in _pixels(shapely.from_wkb(bytes(wkb)), view)
    ]


def _polyline(points: np.ndarray) -> skia.Path:
    path = skia.Path()
    path.moveTo(*points[0])
    for x, y in points[1:]:
        path.lineTo(x, y)
    return path


def draw_lines(canvas: skia.Canvas, *, parcels, streets: list[Street]) -> None:
    """Parcels' outlines, then streets in their swatch's colour and width."""
    thin = skia.Paint(
        AntiAlias=True,
        Color=skia.Color(*PARCEL_OUTLINE),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=0.8,
    )
    for outline in parcels:
        canvas.drawPath(_polyline(outline), thin)
    swatch = reference_swatch(Layer.ReferenceType.STREET)
    street = skia.Paint(
        AntiAlias=True,
        Color=skia.Color(*swatch.outline_rgba()),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=swatch.width,
        StrokeCap=skia.Paint.kRound_Cap,
        StrokeJoin=skia.Paint.kRound_Join,
    )
    for line in streets:
        for part in line.lines:
            canvas.drawPath(_polyline(part), street)


@functools.cache
def _font(language: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        FONT_FILES[language], FONT_SIZE, layout_engine=ImageFont.Layout.RAQM
    )


def _longest_stretch(lines: list[np.ndarray]):
    best = None
    for part in lines:
        steps = np.diff(part, axis=0)
        if not len(steps):
            continue
        lengths = np.hypot(steps[:, 0], steps[:, 1])
        index = int(np.argmax(lengths))
        if best is None or lengths[index] > best[0]:
            best = (float(lengths[index]), part[index], part[index + 1])
    return best


def draw_names(
    pixels: np.ndarray, streets: list[Street], *, language: str
) -> list[str]:
    """Write each street's name once, along its longest straight stretch when
    it fits, never over a name already written; returns the names written."""
    height, width = pixels.shape[:2]
    image = Image.fromarray(pixels, "RGBA")
    font = _font(language)
    taken: list[tuple[float, float, float, float]] = []
    written = []
    for street in streets:
        name = street.name(language)
        stretch = _longest_stretch(street.lines) if name else None
        if name in written or stretch is None:
            continue
        length, start, end = stretch
        left, top, right, bottom = font.getbbox(name, stroke_width=2)
        if right - left + 12 > length:
            continue
        label = Image.new("RGBA", (right - left + 4, bottom - top + 4), (0, 0, 0, 0))
        ImageDraw.Draw(label).text(
            (2 - left, 2 - top),
            name,
            font=font,
            fill=NAME_INK,
            stroke_width=2,
            stroke_fill=NAME_HALO,
            direction="rtl" if language == "ar" else "ltr",
        )
        angle = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
        if angle > 90:
            angle -= 180
        if angle < -90:
            angle += 180
        label = label.rotate(-angle, expand=True, resample=Image.Resampling.BICUBIC)
        cx, cy = (start + end) / 2
        x0, y0 = round(cx - label.width / 2), round(cy - label.height / 2)
        box = (x0, y0, x0 + label.width, y0 + label.height)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
        if not inside or any(_overlap(box, other) for other in taken):
            continue
        image.alpha_composite(label, (x0, y0))
        taken.append(box)
        written.append(name)
    pixels[:] = np.asarray(image)
    return written


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
