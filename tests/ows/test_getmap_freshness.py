"""GetMap draws what is published now, though the layer list is cached (and,
in Web Mercator, published geometry too): a new version, a layer just
published, a layer withdrawn — at the next request."""

from __future__ import annotations

import pytest

from layers.models import Layer
from layers.selectors import catalogue_revision
from layers.services import layer_version_create, layer_version_publish
from tests.ows.conftest import GRID, zoning_features
from tests.ows.maps import EAST, NORTH, SOUTH, WEST, getmap_params, mercator_bbox
from tests.ows.maps import image as map_pixels

# The grid's extent in EPSG:4326 (lat/lon) and in Web Mercator (x/y), which
# is drawn from memory (ows.mapcache).
VIEWS = {
    "EPSG:4326": f"{SOUTH},{WEST},{NORTH},{EAST}",
    "EPSG:3857": mercator_bbox(WEST, SOUTH, EAST, NORTH),
}


@pytest.fixture(params=sorted(VIEWS))
def crs(request):
    return request.param


def getmap(client, name, crs):
    params = getmap_params(
        name, crs=("CRS", crs), bbox=VIEWS[crs], WIDTH="120", HEIGHT="120"
    )
    return client.get("/ows", params)


def coverage(response) -> float:
    assert response.status_code == 200, response.content[:300]
    return (map_pixels(response)[..., 3] > 0).mean()


def test_a_new_version_shows_at_the_next_request(client, ows_data, crs):
    assert coverage(getmap(client, ows_data.zoning_name, crs)) > 0.9  # 36 zones
    before = catalogue_revision()
    # The bottom row of zones only: a sixth of the view.
    bottom_row = zoning_features("v3")[:GRID]
    layer_version_publish(
        version=layer_version_create(layer=ows_data.zoning, features=bottom_row)
    )
    assert catalogue_revision() != before
    assert 0.1 < coverage(getmap(client, ows_data.zoning_name, crs)) < 0.3


def test_a_layer_just_published_is_known_at_once(client, ows_data, crs):
    assert coverage(getmap(client, ows_data.zoning_name, crs)) > 0.9  # cache built
    layer = Layer.objects.create(
        document=ows_data.document, name="secteurs", title_fr="Secteurs", kind="zoning"
    )
    layer_version_publish(
        version=layer_version_create(layer=layer, features=zoning_features("s"))
    )
    assert coverage(getmap(client, "aurs:pa-1-secteurs", crs)) > 0.9


def test_a_withdrawn_document_stops_drawing(client, ows_data, crs):
    assert coverage(getmap(client, ows_data.zoning_name, crs)) > 0.9
    ows_data.document.status = "draft"
    ows_data.document.save()
    response = getmap(client, ows_data.zoning_name, crs)
    assert response.status_code == 400
    assert b"LayerNotDefined" in response.content
