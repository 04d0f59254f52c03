"""MapProxy, configured by ``manage.py mapproxy_config``, keeps the portal's WMS
tiles and never serves an old one after a publish.

The portal on ``live_server`` with an agency of this test's own; MapProxy's
WSGI application in this process, reloading its configuration when the file
changes, as it runs beside the web nodes; its seeder as the command-line tool.
The portal's GetMap requests are counted as the portal sees them (Django's
``request_started`` in the live server's thread).
"""

from __future__ import annotations

import datetime
import io
import json
import math
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.signals import request_started
from mapproxy.wsgiapp import make_wsgi_app
from PIL import Image

from layers.models import Layer
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square

pytestmark = pytest.mark.slow

AGENCY = "aump"
NAME = f"{AGENCY}:pa-1-zonage"
DRAFT_NAME = f"{AGENCY}:pa-1-equipements"
# Zones of 0.002° in a 6 × 6 grid west of Rabat; the z16 tile of its centre.
WEST, SOUTH, CELL, GRID = -6.95, 33.95, 0.002, 6
Z = 16
CATEGORIES = ("collective_housing", "villa", "equipment", "green_space")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x, y (origin north-west) of the Web Mercator tile holding lon, lat."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_bbox(z: int, x: int, y: int) -> str:
    """The EPSG:3857 bounding box of tile z/x/y, as a map client asks it."""
    half = math.pi * 6378137
    size = 2 * half / 2**z
    west, north = -half + x * size, half - y * size
    return f"{west},{north - size},{west + size},{north}"


X, Y = tile_of(WEST + GRID * CELL / 2, SOUTH + GRID * CELL / 2, Z)


def zones(categories) -> list[FeatureData]:
    """The grid's zones, their categories taken in turn from ``categories``."""
    return [
        FeatureData(
            geom=square(WEST + col * CELL, SOUTH + row * CELL, CELL),
            code=f"Z{row}{col}",
            category=categories[(row + col) % len(categories)],
        )
        for row in range(GRID)
        for col in range(GRID)
    ]


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGBA"), dtype=np.int16)


class GetMapCounter:
    """Counts the GetMap requests the portal receives."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, sender, environ, **kwargs) -> None:
        if "getmap" in environ.get("QUERY_STRING", "").lower():
            with self.lock:
                self.count += 1


@pytest.fixture
def getmaps():
    counter = GetMapCounter()
    request_started.connect(counter, weak=False)
    yield counter
    request_started.disconnect(counter)


@pytest.fixture
def zoning(transactional_db, make_agency, make_document):
    """The test agency's published zoning, and a layer with a draft only."""
    agency = make_agency(AGENCY, lon=WEST - 0.01, lat=SOUTH - 0.01)
    document = make_document(agency, "PA-1")
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind=Layer.Kind.ZONING
    )
    published = layer_version_create(layer=layer, features=zones(CATEGORIES))
    layer_version_publish(
        version=published, at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    facilities = Layer.objects.create(
        document=document,
        name="equipements",
        title_fr="Équipements",
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RESERVED_SITE,
        position=1,
    )
    layer_version_create(layer=facilities, features=zones(("equipment",)))
    return layer


def portal_tile(base: str) -> bytes:
    """The portal's own tile-aligned GetMap of tile Z/X/Y."""
    query = (
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:3857"
        f"&LAYERS={NAME}&BBOX={tile_bbox(Z, X, Y)}"
        "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE"
    )
    with urllib.request.urlopen(f"{base}/ows?{query}", timeout=30) as response:
        assert response.status == 200
        return response.read()


def mapproxy_get(app, path: str, **headers: str) -> tuple[int, dict, bytes]:
    """Status, headers and body of GET ``path`` from MapProxy's WSGI application."""
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = {name.lower(): value for name, value in response_headers}

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


def generate(base: str, output: Path, cache_dir: Path, *args: str) -> dict:
    call_command(
        "mapproxy_config",
        *args,
        output=output,
        cache_dir=cache_dir,
        portal_url=base,
        stdout=io.StringIO(),
    )
    return json.loads(output.read_text())


def cache_of(config: dict, name: str) -> tuple[str, Path]:
    """The cache's name of the layer ``name``, and its folder."""
    (layer,) = [layer for layer in config["layers"] if layer["name"] == name]
    (cache,) = layer["sources"]
    return cache, Path(config["caches"][cache]["cache"]["directory"])


def test_mapproxy_caches_the_portals_tiles_and_follows_a_publish(
    zoning, live_server, getmaps, tmp_path
):
    base = live_server.url
    output, cache_dir = tmp_path / "mapproxy.yaml", tmp_path / "cache"
    config = generate(base, output, cache_dir)
    names = [layer["name"] for layer in config["layers"]]
    assert NAME in names
    # Not published: the draft-only layer is not offered, as in GetCapabilities.
    assert DRAFT_NAME not in names
    assert DRAFT_NAME not in output.read_text()
    cache, folder = cache_of(config, NAME)
    first_revision = cache.rsplit("_r", 1)[1]

    app = make_wsgi_app(str(output), reloader=True)
    tile = f"/wmts/{NAME}/GLOBAL_WEBMERCATOR/{Z}/{X}/{Y}.png"
    status, headers, cached = mapproxy_get(app, tile)
    assert status == 200, cached[:300]
    # Any cache may keep it, asking again each time (its address outlives
    # a publish).
    assert "max-age=0" in headers["cache-control"]
    assert getmaps.count == 1  # MapProxy asked the portal once
    image = pixels(cached)
    assert (image[..., 3] > 0).mean() > 0.9  # the zones cover the tile
    assert len(np.unique(image.reshape(-1, 4), axis=0)) > 2  # colours, outlines
    # The portal's own image of that tile, pixel for pixel (MapProxy asks
    # one tile a GetMap: no metatile).
    assert np.array_equal(image, pixels(portal_tile(base)))
    assert getmaps.count == 2

    # Asked again: from MapProxy's cache, the portal is not asked.
    status, headers, again = mapproxy_get(app, tile)
    assert status == 200
    assert again == cached
    status, _headers, _body = mapproxy_get(app, tile, if_none_match=headers["etag"])
    assert status == 304  # revalidated without the body
    assert getmaps.count == 2
    assert folder.is_relative_to(cache_dir / f"r{first_revision}")

    # Seeding levels 14 and 15 with mapproxy-seed, configured by the command
    # too: each layer over its extent.
    seed = tmp_path / "seed.yaml"
    levels = ("--seed-levels", "14", "15")
    generate(base, output, cache_dir, "--seed-output", str(seed), *levels)
    key = NAME.replace(":", "--")
    coverages = json.loads(seed.read_text())["coverages"]
    assert coverages[key]["bbox"] == pytest.approx(
        [WEST, SOUTH, WEST + GRID * CELL, SOUTH + GRID * CELL]
    )
    seeder = Path(sys.executable).with_name("mapproxy-seed")
    done = subprocess.run(
        # This layer's seed only (the demo's may be in the database too).
        [str(seeder), "-f", str(output), "-s", str(seed), "--seed", key, "-c", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    drawn = 0
    for z in (14, 15):
        (west, north), (east, south) = (
            tile_of(WEST, SOUTH + GRID * CELL, z),
            tile_of(WEST + GRID * CELL, SOUTH, z),
        )
        expected = (east - west + 1) * (south - north + 1)
        assert len(list((folder / str(z)).rglob("*.png"))) == expected, z
        drawn += expected
    seeded = getmaps.count
    assert seeded == 2 + drawn  # each seeded tile, one GetMap of the portal

    # A new version of the zoning, other colours: a new revision, new caches,
    # and MapProxy shows it once the configuration is regenerated.
    layer_version_publish(
        version=layer_version_create(
            layer=zoning, features=zones(("industrial", "agricultural"))
        )
    )
    config = generate(base, output, cache_dir)
    new_cache, new_folder = cache_of(config, NAME)
    assert new_cache.rsplit("_r", 1)[1] != first_revision
    assert new_folder != folder
    status, fresh_headers, fresh = mapproxy_get(
        app, tile, if_none_match=headers["etag"]
    )
    assert status == 200
    assert fresh_headers["etag"] != headers["etag"]
    assert getmaps.count == seeded + 1
    # Not the old map: most pixels changed colour.
    assert (np.abs(pixels(fresh) - image).max(axis=2) > 50).mean() > 0.5
    assert np.array_equal(pixels(fresh), pixels(portal_tile(base)))
