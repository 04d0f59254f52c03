"""Fixtures for import tests: the real CNIG PLU and an agency around it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from pyproj import Transformer

from layers.models import Agency, Layer, PlanningDocument

DATA = Path(__file__).resolve().parents[1] / "data"
PLU = DATA / "cnig-plu-41175" / "Donnees_geographiques"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj")


def plu_territory(margin: float = 2000) -> MultiPolygon:
    """A box around the PLU's zones, ``margin`` metres wide, in EPSG:4326."""
    xmin, ymin, xmax, ymax = pyogrio.read_info(PLU / "ZONE_URBA.shp")["total_bounds"]
    transformer = Transformer.from_crs(2154, 4326, always_xy=True)
    box = transformer.transform_bounds(
        xmin - margin, ymin - margin, xmax + margin, ymax + margin
    )
    polygon = GEOSGeometry(
        "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(*box), srid=4326
    )
    return MultiPolygon(polygon, srid=4326)


def zip_files(target: Path, files: list[Path], *, names: list[str] | None = None):
    """A zip archive of ``files`` (stored under ``names`` when given)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, path in enumerate(files):
            archive.write(path, names[index] if names else path.name)
    return target


def shapefile_zip(tmp_path: Path, stem: str = "ZONE_URBA") -> Path:
    """The PLU shapefile ``stem`` zipped as a GIS office would send it."""
    files = [PLU / f"{stem}{suffix}" for suffix in SHAPEFILE_PARTS]
    return zip_files(tmp_path / f"{stem}.zip", files)


@pytest.fixture
def plu_agency(db):
    return Agency.objects.create(
        code="plu-41175",
        name_fr="Commune 41175 (PLU de test)",
        srid=2154,
        note_prefix="PLU",
        territory=plu_territory(),
    )


@pytest.fixture
def plu_document(plu_agency):
    return PlanningDocument.objects.create(
        agency=plu_agency,
        reference="PLU-41175",
        kind=PlanningDocument.Kind.PLU,
        title_fr="Plan local d'urbanisme de la commune 41175",
        status=PlanningDocument.Status.APPROVED,
        effective_date="2014-06-03",
    )


@pytest.fixture
def plu_zoning(plu_document):
    return Layer.objects.create(
        document=plu_document, name="zonage", title_fr="Zonage", kind="zoning"
    )


@pytest.fixture
def plu_overlay(plu_document):
    def make(name: str) -> Layer:
        return Layer.objects.create(
            document=plu_document, name=name, title_fr=name, kind="overlay"
        )

    return make


# --- synthetic Moroccan zoning, written in any format with GDAL --------------

# The shared ``agency`` fixture's territory: a 0.1° square at (-6.9, 33.9).
WEST, SOUTH, SIZE = -6.9, 33.9, 0.1

ZONES = (
    # code, label, COS, CES, height, levels
    ("R+4", "Immeubles R+4", "2,5", "60%", "17", "5"),
    ("V1", "Villas", "0.4", "0.2", "8.5", "2"),
    ("ZI", "Zone d'activités économiques", "1", "70", "12", "3"),
    ("EV", "Espace vert", None, None, None, None),
)


def zoning_cells() -> list:
    """Four zones that exactly cover the territory square (EPSG:4326)."""
    half = SIZE / 2
    cells = []
    for row in range(2):
        for col in range(2):
            x, y = WEST + col * half, SOUTH + row * half
            cell = shapely.segmentize(shapely.box(x, y, x + half, y + half), 0.002)
            cells.append(cell)
    return cells


def zoning_records() -> tuple[list[str], list[np.ndarray]]:
    names = ["ZONE", "LIBELLE", "COS", "CES", "HAUTEUR", "NB_NIVEAUX"]
    columns = [
        np.array([zone[index] for zone in ZONES], dtype=object)
        for index in range(len(names))
    ]
    return names, columns


def to_srid(geometries: list, srid: int) -> list:
    if srid == 4326:
        return geometries
    transformer = Transformer.from_crs(4326, srid, always_xy=True)
    return [
        shapely.transform(g, lambda xy: np.column_stack(transformer.transform(*xy.T)))
        for g in geometries
    ]


def write_vector(
    path: Path,
    *,
    driver: str,
    geometries: list,
    names: list[str],
    columns: list[np.ndarray],
    srid: int | None = 4326,
    geometry_type: str = "Polygon",
    **options,
) -> Path:
    """Write features with GDAL (pyogrio) in ``driver``'s format."""
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(geometries), dtype=object),
        columns,
        names,
        driver=driver,
        geometry_type=geometry_type,
        crs=f"EPSG:{srid}" if srid else None,
        **options,
    )
    return path


def zoning_file(
    tmp_path: Path, *, driver: str, suffix: str, srid: int = 26191, **options
) -> Path:
    names, columns = zoning_records()
    return write_vector(
        tmp_path / f"zonage{suffix}",
        driver=driver,
        geometries=to_srid(zoning_cells(), srid),
        names=names,
        columns=columns,
        srid=srid,
        **options,
    )


def geojson_file(path: Path, features: list[tuple]) -> Path:
    """A GeoJSON file of (geometry, properties) pairs, written as text."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": index,
                "properties": properties,
                "geometry": json.loads(shapely.to_geojson(geometry)),
            }
            for index, (geometry, properties) in enumerate(features)
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def zoning_features(cells=None) -> list[tuple]:
    """The four synthetic zones as (geometry, properties) pairs."""
    cells = zoning_cells() if cells is None else cells
    return [
        (cell, {"ZONE": zone[0], "LIBELLE": zone[1]})
        for cell, zone in zip(cells, ZONES, strict=True)
    ]
