"""The demo ships excerpts of real Moroccan planning texts, marked as such."""

from __future__ import annotations

import datetime

from django.urls import reverse

from library.models import Text
from library.selectors import article_as_of


def test_the_demo_texts_are_loaded_as_excerpts(demo, db, client):
    keys = set(Text.objects.filter(from_demo_data=True).values_list("key", flat=True))
    assert {"loi-12-90", "loi-25-90", "decret-2-13-424", "loi-66-12"} <= keys
    assert not Text.objects.filter(from_demo_data=True, is_excerpt=False).exists()
    law = Text.objects.get(key="loi-12-90")
    before = article_as_of(text=law, number="40", day=datetime.date(2010, 1, 1))
    after = article_as_of(text=law, number="40", day=datetime.date(2020, 1, 1))
    assert before.enacted_by == law
    assert after.enacted_by.key == "loi-66-12"
    page = client.get(
        reverse("library:text", args=["loi-12-90"]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Extraits seulement" in page.content.decode()


def test_loading_the_demo_again_leaves_the_texts_untouched(demo, db):
    from geoportal.demo import demo_load
    from library.models import Article

    before = list(Article.objects.filter(text__from_demo_data=True).values())
    demo_load()
    assert list(Article.objects.filter(text__from_demo_data=True).values()) == before
