"""Asking for maps in tests: GetMap requests, their pixels, Web Mercator boxes."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import numpy as np
from PIL import Image
from pyproj import Transformer

from tests.ows.conftest import CELL, GRID, ORIGIN

WEST, SOUTH = ORIGIN
EAST, NORTH = WEST + GRID * CELL, SOUTH + GRID * CELL
MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)


def getmap_params(name, *, version="1.3.0", crs=None, bbox=None, **extra) -> dict:
    """The KVP of a 256 × 256 transparent PNG GetMap (``crs``: a (parameter,
    value) pair; EPSG:4326 by default); ``extra`` adds or replaces."""
    crs = crs or (("CRS" if version == "1.3.0" else "SRS"), "EPSG:4326")
    params = {
        "SERVICE": "WMS",
        "VERSION": version,
        "REQUEST": "GetMap",
        "LAYERS": name,
        "STYLES": "",
        crs[0]: crs[1],
        "BBOX": bbox,
        "WIDTH": "256",
        "HEIGHT": "256",
        "FORMAT": "image/png",
        "TRANSPARENT": "TRUE",
    }
    params.update(extra)
    return {key: value for key, value in params.items() if value is not None}


def getmap(client, name, **options):
    """The response of Django's test client to ``getmap_params``."""
    return client.get("/ows", getmap_params(name, **options))


def getmap_query(name, **options) -> str:
    """``getmap_params`` as a query string."""
    return urlencode(getmap_params(name, **options))


def pixels(content: bytes) -> np.ndarray:
    """The RGBA pixels of an image."""
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGBA"))


def image(response) -> np.ndarray:
    """The RGBA pixels of a response's image."""
    return pixels(response.content)


def mercator_bbox(west, south, east, north) -> str:
    """A lon/lat box as a Web Mercator BBOX."""
    corners = (*MERCATOR.transform(west, south), *MERCATOR.transform(east, north))
    return ",".join(str(value) for value in corners)
