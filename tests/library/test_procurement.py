"""Procurement texts are in the library (the demo carries marked excerpts of
decree 2-22-431 on public procurement), and the kind filter shows them."""

from __future__ import annotations

from django.urls import reverse

from library.models import Text, TextKind


def test_the_procurement_decree_is_a_procurement_text_marked_as_excerpts(demo, db):
    decree = Text.objects.get(key="marches-2-22-431")
    assert decree.kind == TextKind.PROCUREMENT
    assert decree.is_excerpt
    assert decree.articles.exists()


def test_the_kind_filter_alone_lists_the_procurement_texts(demo, db, client):
    found = client.get(reverse("library:api-search"), {"kind": "procurement"}).json()
    kinds = {text["kind"] for text in found["texts"]}
    assert kinds == {"procurement"}
    assert "marches-2-22-431" in [text["key"] for text in found["texts"]]
    page = client.get(
        reverse("library:search"), {"kind": "procurement"}, HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert reverse("library:text", args=["marches-2-22-431"]) in page
    assert "الصفقات العمومية" in page


def test_words_with_the_kind_filter_find_the_procurement_articles(demo, db, client):
    found = client.get(
        reverse("library:api-search"),
        {"q": "appel d'offres ouvert", "kind": "procurement"},
    ).json()
    assert [a["reference"] for a in found["articles"]][:1] == ["marches-2-22-431:art-2"]
    other = client.get(
        reverse("library:api-search"), {"q": "appel d'offres ouvert", "kind": "law"}
    ).json()
    assert "marches-2-22-431" not in {a["text"] for a in other["articles"]}


def test_without_words_nor_filters_the_search_finds_nothing(demo, db, client):
    found = client.get(reverse("library:api-search"), {"q": ""}).json()
    assert found["texts"] == []
    assert found["articles"] == []
