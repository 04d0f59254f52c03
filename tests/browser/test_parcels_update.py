"""A planner uploads an update of the agency's cadastre and reads what it did:
parcels created, changed, unchanged and retired, in French and Arabic."""

from __future__ import annotations

import pytest
import shapely
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from layers.models import Agency
from parcels.models import Parcel
from parcels.services import parcels_import
from tests.importing.conftest import geojson_file, to_srid

SUMMARIES = {
    "fr": "1 parcelle créée, 1 mise à jour. 1 parcelle inchangée. "
    "1 parcelle retirée (absente du fichier).",
    "ar": "أُنشئت قطعة واحدة، حُدِّثت قطعة واحدة. قطعة واحدة دون تغيير. "
    "سُحبت قطعة واحدة لم تعد في الملف.",
}


def cadastre(path, rows):
    """Squares in a row, one per (slot, reference, address), in EPSG:26191."""
    squares = [
        shapely.box(-6.85 + 0.002 * slot, 33.95, -6.849 + 0.002 * slot, 33.951)
        for slot, _reference, _address in rows
    ]
    geojson_file(
        path,
        [
            (square, {"TITRE": reference, "ADRESSE": address})
            for square, (_slot, reference, address) in zip(
                to_srid(squares, 26191), rows, strict=True
            )
        ],
    )
    return path


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_reads_what_an_update_of_the_cadastre_did(
    session_factory, live_server, transactional_db, tmp_path, language
):
    agency = Agency.objects.create(
        code="au-cadastre",
        name_fr="Agence urbaine (cadastre)",
        name_ar="الوكالة الحضرية (المسح)",
        srid=26191,
        territory=MultiPolygon(
            Polygon.from_bbox((-6.86, 33.94, -6.83, 33.96)), srid=4326
        ),
    )
    first = [(0, "TF 1/07", "Rue Oued Ziz"), (1, "TF 2/07", "Hay Riad")]
    first += [(2, "TF 3/07", "Bd Al Massira")]
    parcels_import(
        agency=agency, path=cadastre(tmp_path / "a.geojson", first), srid=26191
    )
    update = [(0, "TF 1/07", "Rue Oued Ziz"), (1, "TF 2/07", "Hay Riad, bis")]
    update += [(3, "TF 4/07", "Avenue Hassan II")]
    path = cadastre(tmp_path / "cadastre.geojson", update)

    planner = User.objects.create_user("urbaniste", agency=agency, is_staff=True)
    client = Client()
    client.force_login(planner)
    session = session_factory(locale=language, viewport={"width": 1280, "height": 800})
    session.context.set_extra_http_headers({"Accept-Language": language})
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open("/planner/parcels/")
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("input[name=srs]").fill("EPSG:26191")
    page.locator("form:has(input[name=file]) button[type=submit]").click()
    expect(page.get_by_role("status").get_by_role("heading")).to_have_text(
        SUMMARIES[language]
    )
    retired = Parcel.objects.get(agency=agency, reference_key="TF3/7")
    assert retired.retired_at is not None
