"""The PDF in French and Arabic: text extracted in logical order, QR decoded."""

from __future__ import annotations

import json
import subprocess

import cv2
import numpy
import pytest

from documents import signing
from documents.offline import payload_verify
from notes.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(client, site):
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    return response.json()


# pdftotext wraps right-to-left runs in bidi embedding marks; they are not text.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.translate(BIDI_CONTROLS).replace("\u202f", " ").replace("\xa0", " ")


def words(text: str) -> set[str]:
    return set(text.split())


def first_page_png(pdf: bytes, tmp_path, dpi: int = 150) -> numpy.ndarray:
    source = tmp_path / "note.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return cv2.imread(str(tmp_path / "page.png"), cv2.IMREAD_GRAYSCALE)


def test_french_pdf_states_the_note(client, issued):
    response = client.get(issued["pdf_url"] + "?lang=fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    found = words(text)
    assert {issued["reference"], "UA", "VE", "PA-1"} <= found
    assert {"Zone", "d'immeubles", "villas"} <= found
    assert issued["sha256"] in text.replace("\n", "").replace(" ", "")
    # French number formatting of the subject's area.
    area = issued["content"]["subject"]["area_m2"]
    assert f"{area:,.2f}".replace(",", " ").replace(".", ",") in text
    # A4 portrait.
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
        595,
        842,
    )


def test_arabic_pdf_is_extractable_in_logical_order(client, issued):
    pdf = client.get(issued["pdf_url"] + "?lang=ar").content
    text = pdf_text(pdf)
    found = words(text)
    # Arabic words come out as typed (logical order, not presentation forms).
    assert {"منطقة", "العمارات", "الفيلات"} <= found
    assert "ﻣ" not in text  # no presentation-form glyphs
    assert {issued["reference"], "UA", "VE"} <= found
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "NotoNaskhArabic" in fonts
    assert "yes" in fonts  # embedded


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_qr_code_decodes_to_the_verification_url(client, issued, language, tmp_path):
    pdf = client.get(issued["pdf_url"] + f"?lang={language}").content
    # 200 dpi and OpenCV's ArUco-based detector: the classic detector misses
    # about one page in a hundred at 150 dpi (seen over 160 pages), ArUco none.
    image = first_page_png(pdf, tmp_path, dpi=200)
    decoded, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    # The verification URL, then (a fragment) document-e's signed payload,
    # which the public key alone verifies: the registered PDF (its language)
    # and a rendering in another language carry the same.
    url, _hash, payload = decoded.partition("#")
    assert url == issued["verify_url"]
    key_data = payload_verify(payload, public_key=signing.public_key())
    assert key_data.kind == "note"
    assert key_data.content_sha256 == issued["sha256"]


def test_rerendering_from_the_snapshot_gives_the_same_content(client, issued, site):
    first = pdf_text(client.get(issued["pdf_url"] + "?lang=fr").content)
    # The planning changes after the note was issued …
    from layers.services import FeatureData, layer_version_create, layer_version_publish
    from tests.notes.conftest import box

    zoning = site.v2.layer
    v3 = layer_version_create(
        layer=zoning,
        features=[FeatureData(geom=box(-6.9, 33.9, -6.8, 34.0), code="ZI")],
    )
    layer_version_publish(version=v3)
    # … the PDF of the issued note still says what it said.
    again = pdf_text(client.get(issued["pdf_url"] + "?lang=fr").content)
    assert again == first
    assert Note.objects.get(reference=issued["reference"]).content == issued["content"]


def test_pdf_of_a_note_with_nothing_in_force(client, site):
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07", "as_of": "2019-07-01"}),
        content_type="application/json",
    )
    data = response.json()
    assert data["content"]["zones"] == []
    text = pdf_text(client.get(data["pdf_url"] + "?lang=fr").content)
    assert "Aucun document d'urbanisme n'est en vigueur" in text
    arabic = pdf_text(client.get(data["pdf_url"] + "?lang=ar").content)
    assert {"التعمير", "وثيقة"} <= words(arabic)
