"""The library's pages in French, Arabic (right to left) and English, and its
JSON API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.library.conftest import article, law


@pytest.fixture
def texts(import_texts):
    import_texts(
        law(
            "9904-1",
            articles=[article("7", "Hauteur de douze mètres.", "علو اثني عشر مترا")],
            excerpt=True,
        ),
        law(
            "9904-2",
            articles=[],
            published_on="2012-01-01",
            in_force_on="2012-01-01",
            amendments=[
                {
                    "text": "loi-9904-1",
                    "article": "7",
                    "body": {"fr": "Hauteur de quinze mètres.", "ar": "علو خمسة عشر"},
                }
            ],
        ),
    )


def page(client, url, language, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [
        ("fr", "ltr", "Bibliothèque du droit de l’urbanisme"),
        ("ar", "rtl", "مكتبة قانون التعمير"),
        ("en", "ltr", "Planning law library"),
    ],
)
def test_the_search_page_speaks_the_readers_language(
    client, texts, language, direction, heading
):
    response = page(client, reverse("library:search"), language, q="hauteur")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'dir="{direction}"' in body
    assert heading in body
    assert "<mark>Hauteur</mark> de quinze" in body
    assert reverse("library:article", args=["loi-9904-1", "7"]) in body


def test_an_arabic_search_finds_the_arabic_wording(client, texts):
    response = page(client, reverse("library:search"), "ar", q="عُلُوّ")
    assert "<mark>علو</mark> خمسة عشر" in response.content.decode()


def test_the_article_page_shows_the_wording_of_the_day_and_its_history(client, texts):
    url = reverse("library:article", args=["loi-9904-1", "7"])
    before = page(client, url, "fr", at="2005-01-01").content.decode()
    after = page(client, url, "ar", at="2013-01-01").content.decode()
    assert "douze" in before
    assert "quinze" not in before
    assert "Extraits seulement" in before
    assert "quinze" in after
    assert "كما عُدّلت بموجب" in after
    assert "جميع الصيغ" in after


def test_the_text_page_lists_its_articles_of_the_day(client, texts):
    url = reverse("library:text", args=["loi-9904-1"])
    body = page(client, url, "fr", at="2005-01-01").content.decode()
    assert "Article 7" in body
    assert "douze" in body
    empty = page(client, url, "fr", at="1999-01-01").content.decode()
    assert "Aucun article de ce texte n’était en vigueur ce jour-là." in empty


def test_unknown_texts_and_bad_days_are_answered_in_the_readers_language(client, texts):
    missing = page(client, reverse("library:text", args=["loi-0-0"]), "ar")
    assert missing.status_code == 404
    assert "لا يوجد نص مرجعه «loi-0-0»." in missing.content.decode()
    bad = page(client, reverse("library:search"), "fr", q="x", at="2024-02-31")
    assert bad.status_code == 400
    assert "« at » doit être une date" in bad.content.decode()


def test_the_api_search_answers_texts_and_articles(client, texts):
    response = client.get(reverse("library:api-search"), {"q": "loi 9904-1"})
    assert [hit["key"] for hit in response.json()["texts"]] == ["loi-9904-1"]
    data = client.get(
        reverse("library:api-search"), {"q": "hauteur", "at": "2005-01-01"}
    ).json()
    assert [(hit["reference"], hit["valid_from"]) for hit in data["articles"]] == [
        ("loi-9904-1:art-7", "2001-03-01")
    ]
    assert data["articles"][0]["snippet_html"].startswith("<mark>Hauteur</mark>")


def test_the_api_filters_by_kind_status_and_publication_day(client, texts):
    def keys(**params):
        response = client.get(reverse("library:api-search"), {"q": "loi", **params})
        return sorted(
            hit["key"] for hit in response.json()["texts"] if "9904" in hit["key"]
        )

    assert keys() == ["loi-9904-1", "loi-9904-2"]
    assert keys(kind="decree") == []
    assert keys(status="repealed") == []
    assert keys(**{"from": "2010-01-01"}) == ["loi-9904-2"]
    assert keys(to="2010-01-01") == ["loi-9904-1"]


def test_the_api_article_answers_the_wording_of_the_day(client, texts):
    url = reverse("library:api-article", args=["loi-9904-1", "7"])
    data = client.get(url, {"at": "2013-01-01"}).json()
    assert data["reference"] == "loi-9904-1:art-7"
    assert data["wording"]["enacted_by"] == "loi-9904-2"
    assert [w["valid_to"] for w in data["history"]] == ["2012-01-01", None]
    assert client.get(url, {"at": "1990-01-01"}).json()["wording"] is None


def test_api_errors_have_the_shared_shape(client, texts):
    response = client.get(
        reverse("library:api-search"),
        {"q": "x", "kind": "statute"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert "«kind»" in response.json()["error"]["message"]
    missing = client.get(reverse("library:api-text", args=["loi-0-0"]))
    assert missing.json()["error"]["code"] == "text_not_found"
