"""Web Mercator maps of published versions are drawn from memory
(ows.mapcache): the same images as through PostGIS, labels included, and
through PostGIS whenever a version is not kept."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings
from pyproj import Transformer

from ows import mapcache
from ows.catalog import catalog_layers
from tests.ows.conftest import CELL, GRID
from tests.ows.maps import MERCATOR, SOUTH, WEST, getmap, mercator_bbox
from tests.ows.maps import image as map_pixels

# A margin of a fraction of a cell, so that no edge of the grid falls on the
# boundary of two pixels, where a rounding error picks either.
MARGIN = 0.13 * CELL
WHOLE_GRID = mercator_bbox(
    WEST - MARGIN, SOUTH - MARGIN, WEST + GRID * CELL, SOUTH + GRID * CELL
)
# Two cells wide: about 0.9 m a pixel, where zone codes are written.
CLOSE_UP = mercator_bbox(
    WEST - MARGIN, SOUTH - MARGIN, WEST + 2 * CELL, SOUTH + 2 * CELL
)


def image(client, name, bbox) -> np.ndarray:
    response = getmap(client, name, crs=("CRS", "EPSG:3857"), bbox=bbox)
    assert response.status_code == 200, response.content[:300]
    return map_pixels(response)


def differing(a: np.ndarray, b: np.ndarray) -> float:
    return (np.abs(a.astype(int) - b).max(axis=2) > 40).mean()


def test_memory_and_postgis_draw_the_same_map(client, ows_data, monkeypatch):
    from_memory = image(client, ows_data.zoning_name, WHOLE_GRID)
    assert (from_memory[..., 3] > 0).mean() > 0.9
    (entry,) = [e for e in catalog_layers() if e.name == ows_data.zoning_name]
    assert mapcache.version_geometry(entry.version.pk, entry.version_key) is not None
    monkeypatch.setattr(mapcache, "version_geometry", lambda *args: None)
    from_postgis = image(client, ows_data.zoning_name, WHOLE_GRID)
    assert differing(from_memory, from_postgis) < 0.002


def test_labels_are_written_from_memory_too(client, ows_data, monkeypatch):
    from_memory = image(client, ows_data.zoning_name, CLOSE_UP)
    monkeypatch.setattr(mapcache, "version_geometry", lambda *args: None)
    from_postgis = image(client, ows_data.zoning_name, CLOSE_UP)
    dark = from_memory[..., :3].max(axis=2) < 60  # label ink
    assert dark.sum() > 40
    # The same codes at (nearly) the same places.
    assert (
        abs(int(dark.sum()) - int((from_postgis[..., :3].max(axis=2) < 60).sum())) < 40
    )
    assert differing(from_memory, from_postgis) < 0.02


def test_a_version_over_the_budget_is_drawn_through_postgis(client, ows_data):
    with override_settings(OWS_MAP_CACHE_COORDINATES=10):
        over_budget = image(client, ows_data.zoning_name, WHOLE_GRID)
    assert (over_budget[..., 3] > 0).mean() > 0.9
    assert (
        differing(over_budget, image(client, ows_data.zoning_name, WHOLE_GRID)) < 0.002
    )


def test_drafts_are_never_kept(ows_data, planner):
    from layers.services import layer_version_create
    from tests.ows.conftest import zoning_features

    layer_version_create(layer=ows_data.zoning, features=zoning_features("v3")[:3])
    entries = catalog_layers(user=planner)
    drafts = [entry for entry in entries if entry.is_draft]
    assert drafts
    assert all(entry.version_key is None for entry in drafts)
    published = [entry for entry in entries if not entry.is_draft]
    assert all(entry.version_key is not None for entry in published)


def test_a_warm_web_mercator_map_asks_django_for_nothing(client, ows_data):
    # Geometry from memory, the layer list from the cache, the CRS known: the
    # only query left, the catalogue revision, travels beside the drawing on
    # a raw pipeline (ows.render), not through Django's cursors.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    image(client, ows_data.zoning_name, WHOLE_GRID)
    with CaptureQueriesContext(connection) as queries:
        warm = image(client, ows_data.zoning_name, WHOLE_GRID)
    assert (warm[..., 3] > 0).mean() > 0.9
    assert [query["sql"] for query in queries] == []


def test_the_box_index_finds_the_boxes_a_view_meets():
    rng = np.random.default_rng(7)
    corners = rng.uniform(0, 1000, (2000, 2))
    sizes = rng.uniform(1, 20, (2000, 2))
    sizes[:5] = 900  # a few boxes far wider than the rest
    bounds = np.hstack([corners, corners + sizes])
    index = mapcache.BoxIndex(bounds)
    for minx, miny in rng.uniform(-50, 1000, (50, 2)):
        maxx, maxy = minx + 60, miny + 45
        expected = np.flatnonzero(
            (bounds[:, 0] <= maxx)
            & (bounds[:, 2] >= minx)
            & (bounds[:, 1] <= maxy)
            & (bounds[:, 3] >= miny)
        )
        assert sorted(index.query(minx, miny, maxx, maxy)) == expected.tolist()


@pytest.mark.parametrize("source", ["memory", "postgis"])
def test_a_label_across_a_tile_edge_is_whole_on_both_tiles(
    client, ows_data, monkeypatch, source
):
    # A zone narrower than its code: the text spills over into the next tile,
    # which the zone itself does not reach. Both tiles side by side must be
    # the image of both at once.
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from layers.models import Layer
    from layers.services import FeatureData, layer_version_create, layer_version_publish

    if source == "postgis":
        monkeypatch.setattr(mapcache, "version_geometry", lambda *args: None)
    x0, y0 = MERCATOR.transform(WEST, SOUTH)
    to_lonlat = Transformer.from_crs(3857, 4326, always_xy=True)
    corners = [(240, 60), (250, 60), (250, 200), (240, 200), (240, 60)]
    ring = [to_lonlat.transform(x0 + x, y0 + y) for x, y in corners]
    layer = Layer.objects.create(
        document=ows_data.document, name="bandes", title_fr="Bandes", kind="zoning"
    )
    narrow = FeatureData(
        geom=MultiPolygon(Polygon(ring), srid=4326), code="ZONE-LONGUE"
    )
    layer_version_publish(version=layer_version_create(layer=layer, features=[narrow]))

    def view(left, right):  # metres east of x0, a metre a pixel
        bbox = f"{x0 + left},{y0},{x0 + right},{y0 + 256}"
        response = getmap(
            client,
            "aurs:pa-1-bandes",
            crs=("CRS", "EPSG:3857"),
            bbox=bbox,
            WIDTH=str(right - left),
        )
        assert response.status_code == 200
        return map_pixels(response)

    whole, left, right = view(0, 512), view(0, 256), view(256, 512)
    ink = (right[..., 3] > 0) & (right[..., :3].max(axis=2) < 60)
    assert ink.sum() > 10  # the end of the code
    assert np.array_equal(np.hstack([left, right]), whole)
