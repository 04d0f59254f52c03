"""A note lists the articles of the law its zones' rules cite, as they read on
the note's day (page, JSON and PDF), each linked to its page."""

from __future__ import annotations

import json

import pytest

from layers.models import ZoneRule
from notes.models import Note
from tests.library.conftest import article, import_texts, law  # noqa: F401 (fixture)
from tests.notes.test_pdf import pdf_text

REFERENCE = "loi-9970-1:art-3"


@pytest.fixture
def cited(site, import_texts):  # noqa: F811 (the fixture imported above)
    """Zone UA of the site cites article 3 of law 9970-1, reworded from
    2022-01-01 by law 9970-2."""
    import_texts(
        law(
            "9970-1",
            articles=[article("3", "Hauteur de douze mètres.", "علو اثني عشر مترا")],
        ),
        law(
            "9970-2",
            articles=[],
            published_on="2022-01-01",
            in_force_on="2022-01-01",
            amendments=[
                {
                    "text": "loi-9970-1",
                    "article": "3",
                    "body": {"fr": "Hauteur de quinze mètres.", "ar": "علو خمسة عشر"},
                }
            ],
        ),
    )
    ZoneRule.objects.filter(document=site.document, code="UA").update(
        citations=[REFERENCE]
    )
    return site


def post(client, path: str, body: dict, language: str = "fr"):
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_note_states_each_cited_article_as_it_read_on_its_day(client, cited):
    before = post(
        client, "/api/v1/notes", {"parcel": "TF 100/07", "as_of": "2021-06-01"}
    )
    after = post(
        client, "/api/v1/notes", {"parcel": "TF 100/07", "as_of": "2023-06-01"}
    )
    assert before.status_code == after.status_code == 201, before.content
    old, new = before.json()["content"], after.json()["content"]
    zone = next(zone for zone in old["zones"] if zone["code"] == "UA")
    assert zone["rules"]["citations"] == [REFERENCE]
    assert [(item["reference"], item["body_fr"]) for item in old["articles"]] == [
        (REFERENCE, "Hauteur de douze mètres.")
    ]
    assert old["articles"][0]["url"] == "/library/loi-9970-1/art-3/?at=2021-06-01"
    assert old["articles"][0]["label"] == "Loi 9970-1, article 3"
    assert [item["body_fr"] for item in new["articles"]] == [
        "Hauteur de quinze mètres."
    ]
    # The signed snapshot holds the wording of the day.
    snapshot = json.loads(
        Note.objects.get(reference=after.json()["reference"]).snapshot
    )
    assert snapshot["articles"][0]["body_ar"] == "علو خمسة عشر"


def test_the_compose_answer_the_map_reads_carries_the_links(client, cited):
    content = post(
        client, "/api/v1/notes/compose", {"parcel": "TF 100/07"}, language="ar"
    ).json()
    assert [item["label"] for item in content["articles"]] == ["قانون 9970-1، المادة 3"]
    assert content["articles"][0]["url"].startswith("/library/loi-9970-1/art-3/?at=")


@pytest.mark.parametrize(
    ("language", "heading", "body"),
    [
        (
            "fr",
            "Articles de loi sur lesquels elle se fonde",
            "Hauteur de douze mètres.",
        ),
        ("ar", "مواد القانون المستند إليها", "علو اثني عشر مترا"),
    ],
)
def test_the_note_page_and_pdf_list_the_articles(
    client, cited, language, heading, body
):
    issued = post(
        client,
        "/api/v1/notes",
        {"parcel": "TF 100/07", "as_of": "2021-06-01", "language": language},
        language=language,
    ).json()
    page = client.get(
        issued["pdf_url"].removesuffix("pdf"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert heading in page
    assert body in page
    assert 'href="/library/loi-9970-1/art-3/?at=2021-06-01"' in page
    pdf = pdf_text(client.get(issued["pdf_url"]).content)
    assert set(heading.split()) <= set(pdf.split())
    assert REFERENCE in pdf


def test_a_note_of_rules_citing_nothing_has_no_articles(client, site):
    content = post(client, "/api/v1/notes/compose", {"parcel": "TF 100/07"}).json()
    assert content["articles"] == []


def test_a_note_issued_before_citations_existed_is_not_said_changed(client, site):
    from notes.verification import content_changes

    new = post(client, "/api/v1/notes/compose", {"parcel": "TF 100/07"}).json()
    old = json.loads(json.dumps(new))
    for zone in old["zones"]:
        if zone["rules"]:
            del zone["rules"]["citations"]
    del old["articles"]
    assert content_changes(old, new) == []


def test_a_rule_citing_a_new_article_is_a_change_of_its_rules(client, cited):
    from notes.verification import content_changes

    new = post(client, "/api/v1/notes/compose", {"parcel": "TF 100/07"}).json()
    old = json.loads(json.dumps(new))
    for zone in old["zones"]:
        if zone["rules"]:
            zone["rules"]["citations"] = []
    assert content_changes(old, new) == ["Les règles de la zone UA ont changé."]


def test_cited_articles_are_kept_with_the_rules_and_an_amendment_reaches_the_next_note(
    client,
    cited,
    import_texts,  # noqa: F811 (the fixture imported above)
    django_assert_num_queries,
):
    compose = "/api/v1/notes/compose"
    post(client, compose, {"parcel": "TF 100/07"})  # loads what the agency says
    with django_assert_num_queries(2):  # the parcel, then the composition
        first = post(client, compose, {"parcel": "TF 100/07"}).json()
    assert first["articles"][0]["body_fr"] == "Hauteur de quinze mètres."
    import_texts(
        law(
            "9970-3",
            articles=[],
            published_on="2024-03-01",
            in_force_on="2024-03-01",
            amendments=[
                {
                    "text": "loi-9970-1",
                    "article": "3",
                    "body": {"fr": "Hauteur de vingt mètres.", "ar": "علو عشرين"},
                }
            ],
        )
    )
    after = post(client, compose, {"parcel": "TF 100/07"}).json()
    assert after["articles"][0]["body_fr"] == "Hauteur de vingt mètres."


def test_verification_says_when_a_quoted_article_reads_differently_now(client, cited):
    from django.utils import translation

    from notes.verification import content_changes

    notes, compose = "/api/v1/notes", "/api/v1/notes/compose"
    before = post(client, notes, {"parcel": "TF 100/07", "as_of": "2021-06-01"})
    since = post(client, notes, {"parcel": "TF 100/07", "as_of": "2023-06-01"})
    today = post(client, compose, {"parcel": "TF 100/07"}).json()
    message = "Loi 9970-1, article 3 se lit autrement aujourd’hui."
    with translation.override("fr"):
        assert message in content_changes(before.json()["content"], today)
        assert message not in content_changes(since.json()["content"], today)
