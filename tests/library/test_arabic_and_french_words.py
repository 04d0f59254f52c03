"""Words are found whatever their spelling variant: Arabic normalised the same
way in the index and the query (each form), French accents and stems."""

from __future__ import annotations

import datetime

import pytest

from library.search import LibraryQuery
from library.selectors import library_search
from tests.library.conftest import article, law

DAY = datetime.date(2020, 1, 1)


def found(query: str, **options) -> list[str]:
    results = library_search(LibraryQuery(text=query, at=DAY, **options))
    return [hit.reference for hit in results.articles if hit.text_key == "loi-9901-1"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("المُخَطَّطُ", "المخطط"),  # short vowels and shadda in the text
        ("المخطط", "المُخَطَّط"),  # … or in the query
        ("المخـــطط", "المخطط"),  # tatweel
        ("أحكام", "احكام"),  # hamza above alef
        ("إنشاء", "انشاء"),  # hamza below alef
        ("آثار", "اثار"),  # madda
        ("ٱلمخطط", "المخطط"),  # wasla
        ("مبنى", "مبني"),  # alef maqsura
        ("المدينة", "المدينه"),  # taa marbuta
        ("هيئة", "هييه"),  # hamza on yaa typed as yaa
        ("مسؤول", "مسوول"),  # hamza on waw typed without it
        ("البند ١٢", "البند 12"),  # Arabic-Indic digits
        ("البند ۱۲", "البند ١٢"),  # Persian digits
    ],
)
def test_arabic_spelling_variants_find_each_other(import_texts, stored, typed):
    import_texts(
        law("9901-1", articles=[article("1", "Texte français.", f"نص {stored} هنا")])
    )
    assert found(typed) == ["loi-9901-1:art-1"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Le règlement général", "reglement"),  # accents
        ("LES RÈGLEMENTS", "règlement"),  # case and plural
        ("Les constructions autorisées", "construction autorisée"),  # stems
        ("Le permis est délivré", "délivrance"),  # participle and noun
        ("Les autorisations", "AUTORISATION"),
        ("Un lotissement", "lotissements"),
    ],
)
def test_french_accents_and_stems_find_each_other(import_texts, stored, typed):
    import_texts(law("9901-1", articles=[article("1", f"{stored}.")]))
    assert found(typed) == ["loi-9901-1:art-1"]


def test_an_unrelated_word_finds_nothing(import_texts):
    import_texts(law("9901-1", articles=[article("1", "Le règlement.", "المدينة")]))
    assert found("piscine") == []
    assert found("البحر") == []


def test_exact_phrase_needs_the_words_side_by_side(import_texts):
    import_texts(
        law(
            "9901-1",
            articles=[
                article("1", "Le permis de construire est délivré."),
                article("2", "Construire sans permis est interdit."),
            ],
        )
    )
    assert sorted(found("permis construire")) == [
        "loi-9901-1:art-1",
        "loi-9901-1:art-2",
    ]
    assert found("permis de construire", phrase=True) == ["loi-9901-1:art-1"]


def test_snippets_mark_the_words_and_escape_the_text(import_texts):
    import_texts(
        law(
            "9901-1",
            articles=[
                article(
                    "1",
                    "<script>alert(1)</script> Le règlement & ses annexes : "
                    "recul < 5 m.",
                    "<b>تسلم</b> رخصة البناء",
                )
            ],
        )
    )

    # Only this test's text: the demo's texts may be in the database too.
    def ours(text):
        found = library_search(LibraryQuery(text=text, at=DAY)).articles
        (hit,) = [hit for hit in found if hit.text_number == "9901-1"]
        return hit

    hit = ours("règlements")
    assert "<mark>règlement</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&amp; ses annexes : recul &lt; 5 m" in hit.snippet
    hit = ours("رخصة")
    assert "<mark>رخصة</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
