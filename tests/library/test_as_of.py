"""An article as it read on a day, across an amendment and a repeal; the
older wording is kept."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import NotFound
from library.models import Article, Text
from library.search import LibraryQuery
from library.selectors import article_as_of, articles_as_of, library_search
from tests.library.conftest import article, law

D = datetime.date


@pytest.fixture
def amended(import_texts):
    """Law 9902-1 (2001-03-01) amended by 9902-2 from 2010-06-01 (article 2
    reworded) and 9902-3 from 2015-01-01 (article 3 repealed)."""
    import_texts(
        law(
            "9902-1",
            articles=[
                article("1", "Objet de la loi."),
                article("2", "Hauteur maximale de douze mètres.", "الارتفاع الأقصى"),
                article("3", "Clôtures en maçonnerie."),
            ],
        ),
        law(
            "9902-2",
            articles=[article("1", "Modification de la loi 9902-1.")],
            published_on="2010-06-01",
            in_force_on="2010-06-01",
            amendments=[
                {
                    "text": "loi-9902-1",
                    "article": "2",
                    "body": {"fr": "Hauteur maximale de quinze mètres."},
                }
            ],
        ),
        law(
            "9902-3",
            articles=[article("1", "Abrogation.")],
            published_on="2014-12-01",
            in_force_on="2014-12-01",
            amendments=[
                {
                    "text": "loi-9902-1",
                    "article": "3",
                    "on": "2015-01-01",
                    "repealed": True,
                }
            ],
        ),
    )
    return Text.objects.get(key="loi-9902-1")


def test_the_wording_of_the_day_before_and_after_an_amendment(amended):
    before = article_as_of(text=amended, number="2", day=D(2010, 5, 31))
    after = article_as_of(text=amended, number="2", day=D(2010, 6, 1))
    assert "douze" in before.body_fr
    assert before.valid_to == D(2010, 6, 1)
    assert "quinze" in after.body_fr
    assert after.enacted_by.key == "loi-9902-2"
    assert Article.objects.filter(text=amended, number="2").count() == 2


def test_before_the_text_the_article_did_not_exist(amended):
    assert article_as_of(text=amended, number="2", day=D(2000, 1, 1)) is None


def test_a_repealed_article_says_so_from_its_repeal(amended):
    assert not article_as_of(text=amended, number="3", day=D(2014, 12, 31)).repealed
    repealed = article_as_of(text=amended, number="3", day=D(2015, 1, 1))
    assert repealed.repealed
    assert repealed.enacted_by.key == "loi-9902-3"


def test_an_unknown_article_is_not_found(amended):
    with pytest.raises(NotFound):
        article_as_of(text=amended, number="99", day=D(2020, 1, 1))


def test_the_articles_of_a_day_are_one_wording_each(amended):
    wordings = list(articles_as_of(text=amended, day=D(2012, 1, 1)))
    assert [(a.number, a.enacted_by.key) for a in wordings] == [
        ("1", "loi-9902-1"),
        ("2", "loi-9902-2"),
        ("3", "loi-9902-1"),
    ]


def test_search_finds_the_wording_valid_on_the_day_asked(amended):
    def references(words, day):
        results = library_search(LibraryQuery(text=words, at=day))
        return [(hit.reference, hit.valid_from) for hit in results.articles]

    assert references("douze", D(2005, 1, 1)) == [("loi-9902-1:art-2", D(2001, 3, 1))]
    assert references("douze", D(2011, 1, 1)) == []
    assert references("quinze", D(2011, 1, 1)) == [("loi-9902-1:art-2", D(2010, 6, 1))]
    assert references("maçonnerie", D(2016, 1, 1)) == []


def test_importing_the_same_texts_again_changes_nothing(amended, import_texts):
    wordings = list(Article.objects.filter(text=amended).values().order_by("pk"))
    summary = import_texts(
        law(
            "9902-1",
            articles=[
                article("1", "Objet de la loi."),
                article("2", "Hauteur maximale de douze mètres.", "الارتفاع الأقصى"),
                article("3", "Clôtures en maçonnerie."),
            ],
        )
    )
    assert summary.created == summary.updated == ()
    assert summary.unchanged == ("loi-9902-1",)
    after = list(Article.objects.filter(text=amended).values().order_by("pk"))
    assert after == wordings


def save_checked(wording: Article) -> None:
    """Save ``wording`` and check the deferred constraints at once."""
    with transaction.atomic():
        wording.save()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_database_refuses_overlapping_wordings(amended):
    original = Article.objects.get(text=amended, number="2", enacted_by=amended)
    original.valid_to = None  # would overlap the amended wording
    with pytest.raises(IntegrityError):
        save_checked(original)
