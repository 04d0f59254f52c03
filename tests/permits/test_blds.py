"""The BLDS open data, read back as a CSV by csv and as GeoJSON by GDAL:
public files only, fields mapped, no personal data."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.gis.gdal import DataSource
from django.urls import reverse

from permits.blds import FIELDS


@pytest.fixture
def published(registered_parcel, reviewed, make_file):
    make_file("PC-2026-0002", do_not_publish=True)
    return reviewed[0]


def _download(client, name: str, agency) -> bytes:
    answer = client.get(reverse(f"permits:{name}"), {"agency": agency.code})
    assert answer.status_code == 200
    return b"".join(answer.streaming_content)


def test_the_csv_has_the_blds_fields_of_public_files(client, published, agency):
    text = _download(client, "blds_csv", agency).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == FIELDS
    assert [row["PermitNum"] for row in rows] == ["PC-2026-0001"]
    row = rows[0]
    assert row["AppliedDate"] == published.filed_on.isoformat()
    assert row["StatusCurrent"] == "opinion_given"
    assert row["StatusCurrentMapped"] == "In Review"
    assert row["PermitTypeMapped"] == "Building"
    assert row["PermitClassMapped"] == "Residential"
    assert row["PIN"] == "TF 12345/07"
    assert row["OriginalAddress1"] == "12 rue des Orangers, Rabat"
    assert "Bennani" not in text
    assert "Alaoui" not in text


def test_the_geojson_is_read_back_by_gdal(client, published, agency, tmp_path):
    path = tmp_path / "permits.geojson"
    path.write_bytes(_download(client, "blds_geojson", agency))
    layer = DataSource(str(path))[0]
    assert len(layer) == 1
    feature = layer[0]
    assert feature.get("PermitNum") == "PC-2026-0001"
    assert feature.get("StatusCurrentMapped") == "In Review"
    point = feature.geom
    assert point.geom_type == "Point"
    assert -6.85 < point.x < -6.849
    assert 33.95 < point.y < 33.951
    assert "Bennani" not in path.read_text()


def test_a_file_without_a_registered_parcel_has_no_geometry(
    client, make_file, agency, tmp_path
):
    make_file("PC-2026-0009", parcels=("Lot 7 du lotissement Al Amal",))
    path = tmp_path / "permits.geojson"
    path.write_bytes(_download(client, "blds_geojson", agency))
    feature = DataSource(str(path))[0][0]
    assert feature.get("PermitNum") == "PC-2026-0009"
    assert feature.geom_type.name in {"None", "Unknown"}
