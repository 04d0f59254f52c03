"""National administrators import a bundle and attach PDFs in the admin;
a refused bundle shows every problem and writes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Text
from tests.library.test_import import pdf_bytes


def zipped(files: dict[str, str | bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("textes.zip", buffer.getvalue())


GOOD = (
    '{"kind": "circular", "number": "9905/1", "title": {"fr": "Circulaire"},'
    ' "authority": {"fr": "Ministère"}, "in_force_on": "2005-01-01",'
    ' "articles": [{"number": "1", "body": {"fr": "Un."}}]}'
)


def test_an_administrator_imports_a_zip(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:library_text_import"), {"bundle": zipped({"c.json": GOOD})}
    )
    assert response.status_code == 302
    assert Text.objects.get(key="circulaire-9905-1").articles.count() == 1


def test_a_refused_zip_shows_its_problems_in_the_readers_language(
    client, administrator
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:library_text_import"),
        {"bundle": zipped({"c.json": GOOD, "d.json": '{"kind": "law"}'})},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "لم يُستورد أي شيء" in body
    assert "d.json · number" in body
    assert not Text.objects.filter(number="9905/1").exists()


def test_planners_may_not_import(client, planner):
    client.force_login(planner)
    response = client.post(
        reverse("admin:library_text_import"), {"bundle": zipped({"c.json": GOOD})}
    )
    assert response.status_code == 403
    assert not Text.objects.filter(number="9905/1").exists()


@pytest.mark.usefixtures("db")
def test_an_administrator_attaches_a_pdf_whose_words_are_indexed(
    client, administrator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(administrator)
    client.post(
        reverse("admin:library_text_import"), {"bundle": zipped({"c.json": GOOD})}
    )
    text = Text.objects.get(key="circulaire-9905-1")
    response = client.post(
        reverse("admin:library_text_pdf", args=[text.pk]),
        {
            "language": "fr",
            "pdf": SimpleUploadedFile("c.pdf", pdf_bytes("Stationnement souterrain")),
        },
    )
    assert response.status_code == 302
    found = client.get(reverse("library:api-search"), {"q": "stationnements"}).json()
    assert [hit["key"] for hit in found["texts"]] == ["circulaire-9905-1"]
