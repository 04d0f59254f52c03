"""The note's map is drawn by the WMS renderer: outside the subject's outline
and the scale bar, its pixels are those of a GetMap of the same box — the same
zones, codes, overlays and outlines — and its legend names what it shows."""

from __future__ import annotations

import io
import json

import numpy as np
import shapely
from PIL import Image
from pyproj import Transformer

from layers.models import Layer, ZoneCategory
from layers.services import FeatureData, layer_version_create, layer_version_publish
from layers.styles import WHITE, hex_colour, overlay_swatch, zone_swatch
from notes.pdf import mapimage
from tests.conftest import square
from tiles.catalog import layer_name

LON, LAT = -6.85, 33.95
CELL = 0.0006  # ≈ 55 m: four zones meet at the subject, all in sight
MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)


def publish(layer, features) -> int:
    version = layer_version_create(layer=layer, features=features)
    layer_version_publish(version=version)
    return version.pk


def test_the_note_map_is_the_getmap_of_its_box_under_the_subject(
    client, document, zoning_layer
):
    categories = [
        ZoneCategory.VILLA,
        ZoneCategory.INDUSTRIAL,
        ZoneCategory.GREEN_SPACE,
        ZoneCategory.EQUIPMENT,
    ]
    zoning = publish(
        zoning_layer,
        [
            FeatureData(
                geom=square(LON + dx * CELL, LAT + dy * CELL, CELL),
                code=f"Z{index}",
                category=category,
            )
            for index, (category, (dx, dy)) in enumerate(
                zip(categories, [(-1, -1), (0, -1), (-1, 0), (0, 0)], strict=True)
            )
        ],
    )
    risk = Layer.objects.create(
        document=document,
        name="risque",
        title_fr="Risque",
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RISK,
        geometry_type=Layer.GeometryType.POLYGON,
        position=1,
    )
    overlay = publish(
        risk, [FeatureData(geom=square(LON, LAT - CELL / 2, CELL / 4), code="R1")]
    )
    subject = square(LON - CELL / 8, LAT - CELL / 8, CELL / 4)
    excerpt = mapimage.render_map(
        {
            "subject": {"geometry": json.loads(subject.geojson)},
            "layer_versions": [{"version_id": overlay}, {"version_id": zoning}],
        }
    )

    # The box the note frames around the subject, asked of WMS.
    mercator = shapely.transform(
        shapely.from_wkb(bytes(subject.wkb)),
        lambda xy: np.column_stack(MERCATOR.transform(xy[:, 0], xy[:, 1])),
    )
    x0, y0, x1, y1, _lat = mapimage._extent(mercator)
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            # The zoning at the bottom, whatever order the note lists them in.
            "LAYERS": f"{layer_name(zoning_layer)},{layer_name(risk)}",
            "STYLES": "",
            "CRS": "EPSG:3857",
            "BBOX": f"{x0},{y0},{x1},{y1}",
            "WIDTH": str(excerpt.width),
            "HEIGHT": str(excerpt.height),
            "FORMAT": "image/png",
            "TRANSPARENT": "FALSE",
        },
    )
    assert response.status_code == 200, response.content
    served = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))
    drawn = np.frombuffer(excerpt.rgb, np.uint8).reshape(served.shape)
    # What only the note draws: the subject's outline (around the centre)
    # and the scale bar (bottom left).
    note_only = np.zeros(served.shape[:2], bool)
    height, width = note_only.shape
    middle_y, middle_x = height // 2, width // 2
    note_only[middle_y - 40 : middle_y + 40, middle_x - 40 : middle_x + 40] = True
    note_only[height - 60 :, :200] = True
    difference = np.abs(drawn.astype(int) - served.astype(int)).max(axis=2)
    assert difference[~note_only].max() == 0
    assert difference[note_only].max() > 0  # the subject is drawn over the zones
    # Each zone's colour shows, and the zone codes are written as GetMap does.
    seen = {tuple(pixel) for pixel in drawn[~note_only].reshape(-1, 3).tolist()}
    for category in categories:
        blended = zone_swatch(category).blended(WHITE)
        assert any(
            max(abs(a - b) for a, b in zip(pixel, blended, strict=True)) <= 2
            for pixel in seen
        ), category
    ink = [pixel for pixel in seen if max(pixel) <= 40]  # darker than any outline
    assert ink, "no zone code is written"
    assert [(entry.kind, entry.key, entry.color) for entry in excerpt.legend] == [
        ("zone", f"Z{index}", hex_colour(zone_swatch(category).blended(WHITE)))
        for index, category in enumerate(categories)
    ] + [
        (
            "overlay",
            Layer.OverlayType.RISK,
            hex_colour(overlay_swatch(Layer.OverlayType.RISK).blended(WHITE)),
        )
    ]
