"""The API answers in JSON, as its document says, even where no endpoint
matches; the document lists every status an endpoint answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/versions/null,null", "/api/v1/nothing-here", "/api/v2/search"]
)
def test_an_api_address_matching_no_endpoint_is_a_json_404(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "Il n'y a rien à cette adresse."


def test_pages_keep_their_html_404(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة")]
)
def test_a_page_address_matching_nothing_is_a_404_in_the_readers_language(
    client, language, title
):
    # Found by tests/fuzz/test_parcel_page.py: /parcels/aurs// matches no
    # address, and Django's own 404 page is in English.
    response = client.get("/parcels/aurs//", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert f'lang="{language}"' in body
    assert title in body


def test_the_document_lists_the_statuses_the_api_answers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    # q=%00 is refused (geoportal.middleware); large uploads are queued.
    assert "400" in paths["/api/v1/search"]["get"]["responses"]
    assert "202" in paths["/api/v1/layers/{pk}/versions"]["post"]["responses"]
    # A file past GEOPORTAIL_MAX_UPLOAD_BYTES is refused (UploadTooLarge).
    for path in ("/api/v1/layers/{pk}/versions", "/api/v1/layers/{pk}/inspect"):
        assert "413" in paths[path]["post"]["responses"]


def test_a_body_django_cannot_read_is_a_json_400(client, planner, zoning_layer):
    # Found by schemathesis: a broken multipart body got Django's HTML page.
    client.force_login(planner)
    response = client.generic(
        "POST",
        f"/api/v1/layers/{zoning_layer.pk}/versions",
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"] == "La requête n'a pas pu être lue."
