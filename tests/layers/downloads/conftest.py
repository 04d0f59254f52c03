"""A zoning layer imported through the portal's pipeline, in two published
versions, and the helpers that download it."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
import shapely
from django.test import Client

from layers.models import Layer, LayerVersion
from layers.services import layer_import, layer_version_publish
from tests.importing.conftest import geojson_file, zoning_cells

V1_FROM = datetime.datetime(2021, 1, 10, tzinfo=datetime.UTC)
V2_FROM = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)
# Attributes of every JSON type a source brings; names of at most 10
# characters, as a shapefile keeps them.
RECORDS = (
    {"ZONE": "R+4", "LIBELLE": "Immeubles R+4", "NOM_AR": "عمارات", "COS": 2.5,
     "NIVEAUX": 5, "PUBLIC": False, "NOTE": None},
    {"ZONE": "V1", "LIBELLE": "Villas « Al Amal »", "NOM_AR": "فيلات", "COS": 0.4,
     "NIVEAUX": 2, "PUBLIC": False, "NOTE": "Secteur nord, côté oued"},
    {"ZONE": "ZI", "LIBELLE": "Zone d'activités", "NOM_AR": "منطقة الأنشطة",
     "COS": 1.0, "NIVEAUX": 3, "PUBLIC": True, "NOTE": None},
    {"ZONE": "EV", "LIBELLE": "Espace vert", "NOM_AR": "منطقة خضراء", "COS": 0.05,
     "NIVEAUX": 1, "PUBLIC": True, "NOTE": "ا"},
)  # fmt: skip


@dataclasses.dataclass
class Published:
    layer: Layer
    v1: LayerVersion
    v2: LayerVersion


def records(version_tag: str) -> list[dict]:
    """The source records, with labels marked by ``version_tag``."""
    return [
        {**record, "LIBELLE": f"{record['LIBELLE']} ({version_tag})"}
        for record in RECORDS
    ]


@pytest.fixture
def published(zoning_layer, tmp_path) -> Published:
    """Version 1 in force from 2021-01-10, version 2 from 2023-06-01."""
    versions = []
    for tag, start in (("v1", V1_FROM), ("v2", V2_FROM)):
        features = list(zip(zoning_cells(), records(tag), strict=True))
        path = geojson_file(tmp_path / f"zonage-{tag}.geojson", features)
        version = layer_import(layer=zoning_layer, path=path)
        versions.append(layer_version_publish(version=version, at=start))
    return Published(zoning_layer, *versions)


def download(client: Client, layer: Layer, target: Path, **params) -> Path:
    """GET the download of ``layer`` with ``params``; the file, saved in
    ``target`` under the name the portal offers."""
    response = client.get(f"/api/v1/layers/{layer.pk}/download", params)
    assert response.status_code == 200, response.content
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    path = target / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def same_shape(a, b, tolerance: float) -> bool:
    """Whether two geometries lie within ``tolerance`` (their units) of each
    other everywhere, with the same number of vertices."""
    return shapely.hausdorff_distance(a, b) <= tolerance and (
        shapely.get_num_coordinates(a) == shapely.get_num_coordinates(b)
    )
