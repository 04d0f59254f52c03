"""The note's words in French and Arabic: on its page, its PDF and the
verification page, numbers are written as the language writes them, units and
lists are Arabic in Arabic, no French (or English) of the templates is left in
the Arabic documents, and a zone covering all the land is not "a part" of it."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.utils import translation

from core.i18n import number_text
from documents.models import IssuedDocument
from layers.models import LandUse
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.notes.conftest import box
from tests.notes.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
# Names every language writes the same way.
TECHNICAL_WORDS = {"QR", "SHA"}


@pytest.fixture
def issued(client, site):
    """A note on TF 300/07: two zones' worth of warnings (official area far
    from the computed one, half outside the zoning)."""
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 300/07"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    return response.json()


def data_words(value) -> set[str]:
    """The Latin words of the note's data (codes, references, layer names, the
    approval act…): those may stay in an Arabic document. Not its French
    labels (where there is an Arabic one, the Arabic document shows that) nor
    the warnings' messages in the language the note was issued in."""
    if isinstance(value, dict):
        return set().union(
            set(),
            *(
                data_words(item)
                for key, item in value.items()
                if not key.endswith(("_fr", "_en")) and key != "message"
            ),
        )
    if isinstance(value, list):
        return set().union(set(), *(data_words(item) for item in value))
    return set(LATIN_WORD.findall(str(value)))


def template_words_left(text: str, note: dict) -> set[str]:
    text = text.replace(note["sha256"], " ")
    allowed = data_words(note["content"]) | data_words(note["reference"])
    # The registry's code (document-e) is data, printed as is in every language.
    for document in IssuedDocument.objects.filter(subject_reference=note["reference"]):
        allowed |= set(LATIN_WORD.findall(document.code_printed))
    return set(LATIN_WORD.findall(text)) - allowed - TECHNICAL_WORDS


def verification_text(client, note: dict, language: str) -> str:
    page = client.get(f"/verify/{note['token']}", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    article = re.search(r"<article.*?</article>", page.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", article.group(0)))


def test_the_arabic_pdf_keeps_no_word_of_the_french_template(client, issued):
    text = pdf_text(client.get(issued["pdf_url"] + "?lang=ar").content)
    assert template_words_left(text, issued) == set()
    assert "م²" in text


def test_the_arabic_verification_page_keeps_no_word_of_the_template(client, issued):
    text = verification_text(client, issued, "ar")
    assert template_words_left(text, issued) == set()
    assert "م²" in text


def test_the_checks_see_a_french_unit_left_in_arabic(issued):
    assert template_words_left("المساحة 12 m²", issued) == {"m"}


@pytest.mark.parametrize(
    ("language", "area", "unit"),
    [("fr", "4 102,32", "m²"), ("ar", "4.102,32", "م²")],
)
def test_numbers_are_written_alike_on_the_pdf_and_the_pages(
    client, issued, language, area, unit
):
    computed = issued["content"]["subject"]["area_m2"]
    assert number_text(computed, language).replace("\u202f", " ") == area
    pdf = pdf_text(client.get(issued["pdf_url"] + f"?lang={language}").content)
    verify = verification_text(client, issued, language).replace("\u202f", " ")
    page = client.get(issued["note_url"], HTTP_ACCEPT_LANGUAGE=language)
    page_text = html.unescape(page.content.decode()).replace("\u202f", " ")
    for text in (pdf, verify, page_text):
        assert area in text
        assert unit in text
    # The warnings' numbers too: "9 000,00" / "9.000,00", never "9000.00".
    official = number_text(9000, language).replace("\u202f", " ")
    assert official in verify
    assert "9000.00" not in verify
    assert "9000.00" not in pdf


def test_the_arabic_note_lists_with_the_arabic_comma(client, site):
    """The allowed uses of zone UA and the layer versions used."""
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 200/07"}),
        content_type="application/json",
    )
    note = response.json()
    text = verification_text(client, note, "ar")
    with translation.override("ar"):
        uses = f"{LandUse.HOUSING.label}، {LandUse.RETAIL.label}"
    assert uses in text
    assert re.search(r"[\u0600-\u06ff]\s*,", text) is None
    pdf = pdf_text(client.get(note["pdf_url"] + "?lang=ar").content)
    assert "،" in pdf
    assert template_words_left(pdf, note) == set()


def _zone_everywhere(site, code: str) -> None:
    version = layer_version_create(
        layer=site.v2.layer,
        features=[FeatureData(geom=box(-6.9, 33.9, -6.82, 34.0), code=code)],
    )
    layer_version_publish(version=version)


@pytest.mark.parametrize(
    ("language", "whole"),
    [
        ("en", "Zone ZZ now applies to the whole of this land."),
        ("fr", "La zone ZZ s'applique désormais à la totalité de ce terrain."),
        ("ar", "أصبحت المنطقة ZZ تسري على كامل هذه الأرض."),
    ],
)
def test_a_zone_covering_all_the_land_is_not_a_part_of_it(
    client, site, language, whole
):
    note = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 200/07"}),
        content_type="application/json",
    ).json()
    _zone_everywhere(site, "ZZ")
    text = verification_text(client, note, language)
    assert whole in " ".join(text.split())
    assert "part of" not in text
    assert "une partie" not in text
    assert "جزء" not in text


def test_a_zone_covering_some_of_the_land_is_a_part_of_it(client, site):
    note = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 300/07"}),  # half of it outside the zoning
        content_type="application/json",
    ).json()
    _zone_everywhere(site, "ZZ")
    french = verification_text(client, note, "fr")
    area = number_text(note["content"]["zones"][0]["area_m2"], "fr")
    assert f"La zone ZZ s'applique désormais à une partie de ce terrain ({area}" in (
        french
    )
    arabic = verification_text(client, note, "ar")
    assert "أصبحت المنطقة ZZ تسري على جزء من هذه الأرض" in arabic


def test_french_puts_a_space_before_the_colon_arabic_does_not(client, issued):
    french = verification_text(client, issued, "fr")
    assert "Hors de tout zonage\u00a0:" in french
    assert "SHA-256 du contenu\u00a0:" in french
    pdf = pdf_text(client.get(issued["pdf_url"] + "?lang=fr").content)
    assert "Hors de tout zonage : " in pdf
    assert "Échelle : " in pdf
    arabic = verification_text(client, issued, "ar")
    assert "خارج أي تنطيق: " in arabic
