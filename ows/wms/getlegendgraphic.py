"""WMS GetLegendGraphic: one swatch and label per category of the style."""

from __future__ import annotations

import numpy as np
import skia
from django.http import HttpResponse

from ows.params import OwsRequest
from ows.render import straight_alpha_surface
from ows.styles import Style, style_for
from ows.wms.common import check_styles, request_layers
from ows.wms.getmap import image_format

ROW = 20
WIDTH = 200


def legend_size(style: Style) -> tuple[int, int]:
    """(width, height) of the legend of ``style``: one row per entry. The
    capabilities' LegendURL advertises it, and clients size the image by it."""
    return WIDTH, ROW * len(style.legend())


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """A PNG (or the FORMAT asked) legend of LAYER's default style."""
    content_type, encode = image_format(ows_request)
    entry = request_layers(ows_request, context, "LAYER")[0]
    if ows_request.has("STYLE"):
        check_styles(_with_styles(ows_request))
    style = style_for(entry.layer)
    rows = style.legend()
    width, height = legend_size(style)
    pixels = np.zeros((height, width, 4), np.uint8)
    surface = straight_alpha_surface(pixels)
    canvas = surface.getCanvas()
    font = skia.Font(skia.Typeface("DejaVu Sans"), 11)
    ink = skia.Paint(AntiAlias=True, Color=skia.Color(30, 30, 30, 255))
    outline = skia.Paint(
        AntiAlias=True,
        Color=skia.Color(*style.outline),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=style.outline_width,
    )
    for index, (label, fill) in enumerate(rows):
        top = index * ROW
        box = skia.Rect.MakeXYWH(3.5, top + 3.5, 24, ROW - 7)
        if fill is not None:
            canvas.drawRect(box, skia.Paint(AntiAlias=True, Color=skia.Color(*fill)))
        canvas.drawRect(box, outline)
        canvas.drawString(label, 34, top + 14, font, ink)
    del canvas, surface
    body = encode(pixels, transparent=True)
    return HttpResponse(body, content_type=content_type)


def _with_styles(ows_request: OwsRequest) -> OwsRequest:
    params = {**ows_request.params, "STYLES": ows_request.get("STYLE")}
    return OwsRequest(
        params, ows_request.service, ows_request.request, ows_request.version
    )
