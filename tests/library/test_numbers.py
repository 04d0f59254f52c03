"""A text is found by its number however it is written."""

from __future__ import annotations

import datetime

import pytest

from library.search import LibraryQuery
from library.selectors import library_search
from tests.library.conftest import article, law


@pytest.mark.parametrize(
    "typed",
    [
        "loi 77 19",
        "77-19",
        "77.19",
        "Loi n° 77-19",
        "١٢-٩٠".replace("١٢", "٧٧").replace("٩٠", "١٩"),
        "القانون رقم ٧٧.١٩",
        "قانون 77/19",
    ],
)
def test_number_forms_find_the_text(import_texts, typed):
    import_texts(
        law("77-19", articles=[article("1", "Un article.")]),
        law("77-20", articles=[article("1", "Un autre.")]),
    )
    results = library_search(LibraryQuery(text=typed, at=datetime.date(2020, 1, 1)))
    assert [hit.key for hit in results.texts][:1] == ["loi-77-19"]
    assert "loi-77-20" not in [hit.key for hit in results.texts]


def test_a_title_is_found_by_close_words(import_texts):
    import_texts(
        law(
            "77-19",
            articles=[],
            title={"fr": "Loi relative aux lotissements côtiers"},
        )
    )
    results = library_search(
        LibraryQuery(text="lotissement cotier", at=datetime.date(2020, 1, 1))
    )
    assert [hit.key for hit in results.texts][:1] == ["loi-77-19"]
