"""The map's search box finds the law library's texts, by number however it is
written and by title words, and opens their page."""

from __future__ import annotations

import pytest
from django.urls import reverse


def search(client, q: str, language: str = "fr") -> list[dict]:
    response = client.get(
        reverse("parcels:search"), {"q": q}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.json()["results"]


def texts(results: list[dict]) -> list[dict]:
    return [result for result in results if result["kind"] == "text"]


@pytest.mark.parametrize("typed", ["12-90", "loi 12 90", "١٢-٩٠", "القانون رقم 12.90"])
def test_law_12_90_is_found_by_its_number_however_typed(client, demo, db, typed):
    found = texts(search(client, typed))
    assert [result["reference"] for result in found] == ["loi-12-90"]
    assert found[0]["url"] == "/library/loi-12-90/"
    assert found[0]["label"] == "Loi 12-90"
    assert found[0]["detail"] == "Loi n° 12-90 relative à l'urbanisme (extraits)"
    assert found[0]["bbox"] is None


def test_a_text_is_found_by_a_title_word_in_either_language(client, demo, db):
    # Other texts may hold the word too (procedure guides): the law comes first.
    french = texts(search(client, "lotissements"))
    assert french[0]["reference"] == "loi-25-90"
    arabic = texts(search(client, "التجزئات", language="ar"))
    assert arabic[0]["reference"] == "loi-25-90"
    assert arabic[0]["label"] == "قانون 25-90"
    assert arabic[0]["detail"].startswith("القانون رقم 25.90")


def test_a_street_search_finds_no_text(client, demo, db):
    results = search(client, "Avenue")
    assert results
    assert not texts(results)
