"""The demo agency's territory is written through ``agency_save`` like any
other: over a real agency's land, ``load_demo`` (run by ``scripts/run`` at
every start) leaves the demo out and says why, and the portal still starts."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.management import call_command

from geoportal.demo import (
    DemoTerritoryOverlap,
    demo_directory,
    demo_load,
    read_features,
)
from layers.models import Agency, PlanningDocument

pytestmark = pytest.mark.django_db

CODE = "demo-essai"  # a copy of the demo under another code, so the session's
# demo agency (committed by the ``demo`` fixture, or not) stays as it is


@pytest.fixture
def demo_copy(tmp_path):
    directory = tmp_path / "demo"
    shutil.copytree(demo_directory(), directory)
    manifest = json.loads((directory / "demo.json").read_text(encoding="utf-8"))
    manifest["agency"]["code"] = CODE
    (directory / "demo.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    territory = read_features(directory / manifest["agency"]["territory"])[0][0]
    return directory, territory


@pytest.fixture
def real_agency(make_agency, demo_copy):
    """A real agency whose territory is the demo's."""
    _directory, territory = demo_copy
    return make_agency("aureel", territory=MultiPolygon(*territory, srid=4326))


def test_a_demo_over_a_real_agency_is_left_out_naming_the_agency(
    demo_copy, real_agency
):
    directory, _territory = demo_copy
    with pytest.raises(DemoTerritoryOverlap, match="aureel"):
        demo_load(directory=directory)
    assert not Agency.objects.filter(code=CODE).exists()


def test_load_demo_reports_the_overlap_and_lets_the_portal_start(
    demo_copy, real_agency
):
    directory, _territory = demo_copy
    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", directory=directory, stdout=out, stderr=err)
    assert f"The demo agency {CODE} was not loaded" in err.getvalue()
    assert "aureel" in err.getvalue()
    assert "The portal serves without it" in err.getvalue()
    assert out.getvalue() == ""  # no claim of a load, no accounts created
    assert not PlanningDocument.objects.filter(agency__code=CODE).exists()
