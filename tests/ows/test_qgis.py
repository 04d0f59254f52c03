"""QGIS (headless PyQGIS from Debian's python3-qgis) reads our WFS and WMS."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

from layers.models import Feature

SCRIPT = pathlib.Path(__file__).with_name("qgis_client.py")


def _has_qgis() -> bool:
    try:
        result = subprocess.run(
            ["/usr/bin/python3", "-c", "import qgis.core"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _has_qgis(), reason="Debian's python3-qgis is missing"),
]


def test_qgis_wfs_and_wms_providers(transactional_db, live_server, ows_data):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    result = subprocess.run(
        ["/usr/bin/python3", str(SCRIPT), live_server.url, ows_data.zoning_name],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = sorted(
        Feature.objects.filter(version=ows_data.zoning_v2).values_list(
            "source_id", flat=True
        )
    )
    for version in ("2.0.0", "1.1.0"):
        assert report[version]["valid"]
        assert report[version]["count"] == len(expected)
        assert report[version]["codes"] == expected
        assert {"code", "label_fr", "height_m"} <= set(report[version]["fields"])
    assert report["wms"]["valid"]
    assert report["wms"]["painted"] > report["wms"]["samples"] / 2
