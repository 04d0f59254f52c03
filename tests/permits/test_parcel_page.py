"""The permit files on the parcel's page (``/parcels/<agency>/<key>/``):
``files_for_parcel`` as each reader may see it."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from permits.models import PermitFile


def permits_section(response) -> str:
    body = response.content.decode()
    match = re.search(r'<section class="parcel-permits".*?</section>', body, re.S)
    assert match
    return html.unescape(match.group(0))


@pytest.fixture
def page(reviewed, make_file, registered_parcel):
    make_file("PC-2026-0002", do_not_publish=True)
    PermitFile.objects.filter(external_reference="PC-2026-0001").update(
        substate="drafting"
    )
    agency = registered_parcel.agency.code
    return reverse("parcel", args=[agency, registered_parcel.reference_key])


def test_a_citizen_sees_the_published_file_its_opinion_and_conditions(client, page):
    response = client.get(page, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    permits = permits_section(response)
    assert "PC-2026-0001" in permits
    assert "Planter deux arbres sur rue" in permits
    assert "PC-2026-0002" not in response.content.decode()  # do not publish
    assert "sous-état" not in permits.lower()
    assert "Samira Bennani" not in response.content.decode()
    assert "Cabinet Alaoui" not in response.content.decode()


def test_a_planner_of_the_agency_sees_every_file_and_its_sub_state(
    client, page, planner
):
    client.force_login(planner)
    permits = permits_section(client.get(page, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "PC-2026-0001" in permits
    assert "PC-2026-0002" in permits
    assert "Sous-état interne" in permits
    assert "Ne pas publier" in permits


def test_a_planner_of_another_agency_sees_what_a_citizen_sees(
    client, page, other_planner
):
    client.force_login(other_planner)
    response = client.get(page, HTTP_ACCEPT_LANGUAGE="fr")
    permits = permits_section(response)
    assert "PC-2026-0001" in permits
    assert "PC-2026-0002" not in response.content.decode()
    assert "Sous-état interne" not in permits


def test_the_permits_section_is_in_arabic_too(client, page):
    permits = permits_section(client.get(page, HTTP_ACCEPT_LANGUAGE="ar"))
    assert "PC-2026-0001" in permits
    assert "Planter deux arbres sur rue" in permits
