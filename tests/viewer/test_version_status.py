"""The document page's version status: the current version of a document
that no longer applies does not read "Published" alone, but says why and
since when — in French and Arabic."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from layers.models import PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square

pytestmark = pytest.mark.django_db

Status = PlanningDocument.Status


def version_status_cell(client, document, language: str) -> str:
    page = client.get(
        f"/documents/{document.agency.code}/{document.reference}/",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('class="version-status">') + len('class="version-status">')
    return html[start : html.index("</td>", start)]


def publish_zoning(document, zoning_layer) -> None:
    version = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.9, 33.9, 0.05), code="UA")],
    )
    layer_version_publish(version=version)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Publiée ; le document a expiré le 30 juin 2021"),
        ("ar", "منشورة؛ انتهت صلاحية الوثيقة بتاريخ 30 يونيو، 2021"),
    ],
)
def test_an_expired_plans_version_says_the_plan_expired_and_when(
    client, document, zoning_layer, language, expected
):
    document.expiry_date = datetime.date(2021, 6, 30)
    document.status = Status.EXPIRED
    document.effective_date = datetime.date(2009, 1, 1)
    document.save()
    publish_zoning(document, zoning_layer)
    cell = version_status_cell(client, document, language)
    assert cell == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Publiée ; le document a été remplacé"),
        ("ar", "منشورة؛ الوثيقة مستبدلة"),
    ],
)
def test_a_superseded_plans_version_says_so(
    client, document, zoning_layer, language, expected
):
    document.status = Status.SUPERSEDED
    document.expiry_date = None
    document.save()
    publish_zoning(document, zoning_layer)
    assert version_status_cell(client, document, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Publiée, en vigueur"), ("ar", "منشورة، سارية")],
)
def test_the_version_of_a_plan_in_force_says_it_is_in_force(
    client, document, zoning_layer, language, expected
):
    publish_zoning(document, zoning_layer)
    assert version_status_cell(client, document, language) == expected


def test_a_versions_dates_read_day_first_in_arabic(client, document, zoning_layer):
    """Django's Arabic formats have no date and time: not the American m/d/Y."""
    version = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.9, 33.9, 0.05), code="UA")],
    )
    at = datetime.datetime(2024, 1, 31, 9, 30, tzinfo=datetime.UTC)
    layer_version_publish(version=version, at=at)
    page = client.get(
        f"/documents/{document.agency.code}/{document.reference}/",
        HTTP_ACCEPT_LANGUAGE="ar",
    ).content.decode()
    shown = timezone.localtime(at).strftime("%d\u200f/%m\u200f/%Y %H:%M")
    assert shown in page  # "31‏/01‏/2024 10:30" in Casablanca
    assert "01/31/2024" not in page
