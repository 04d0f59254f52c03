"""The note page, the PDF link and the verification page, in the reader's language."""

from __future__ import annotations

import json

import pytest

from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.notes.conftest import box

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(client, site):
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
    )
    return response.json()


def test_note_page_in_french_and_arabic(client, issued):
    french = client.get(issued["note_url"], HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    html = french.content.decode()
    assert issued["reference"] in html
    assert "Zone d&#x27;immeubles" in html or "Zone d'immeubles" in html
    assert "Note de renseignements urbanistiques" in html
    assert "?lang=ar" in html  # link to the Arabic PDF
    arabic = client.get(issued["note_url"], HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic
    assert "مذكرة المعلومات التعميرية" in arabic
    assert "منطقة العمارات" in arabic


def test_pages_have_no_inline_script(client, issued):
    token = issued["token"]
    for url in (issued["note_url"], f"/verify/{token}"):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert "onclick=" not in html


def test_verification_says_authentic_and_unchanged(client, issued):
    page = client.get(f"/verify/{issued['token']}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This note is authentic" in html
    assert "No. What the planning in force today" in html
    assert issued["reference"] in html


def test_verification_says_what_changed_since_issue(client, issued, site):
    zoning = site.v2.layer
    v3 = layer_version_create(
        layer=zoning,
        features=[
            FeatureData(geom=box(-6.9, 33.9, -6.8485, 34.0), code="UA"),
            FeatureData(geom=box(-6.8485, 33.9, -6.82, 34.0), code="VE"),
        ],
    )
    layer_version_publish(version=v3)
    html = client.get(
        f"/verify/{issued['token']}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "This note is authentic" in html
    assert "Zone VE no longer applies to this land." in html
    assert "Zone UA now covers" in html
    french = client.get(
        f"/verify/{issued['token']}", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "La zone VE ne s&#x27;applique plus" in french


def test_unknown_token_is_a_plain_404(client, site):
    page = client.get("/verify/not-a-real-token", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 404
    assert "ne correspond à aucune note" in page.content.decode()
    assert client.get("/notes/not-a-real-token/").status_code == 404
    assert client.get("/notes/not-a-real-token/pdf").status_code == 404


def test_note_page_shows_the_map_excerpt(client, issued):
    html = client.get(issued["note_url"]).content.decode()
    assert f"/notes/{issued['token']}/map.png" in html
    response = client.get(f"/notes/{issued['token']}/map.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
