"""Zone rules cite the library's articles by reference: checked where a
planner writes them (table and CSV, in the planner's language), and the
article page (and API) lists the documents and zones citing it."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from layers.models import Layer, ZoneRule
from layers.services import FeatureData, layer_version_create, layer_version_publish
from layers.zone_rules import ZoneRuleForm, rules_csv_read
from tests.conftest import square
from tests.library.conftest import article, law


@pytest.fixture
def texts(import_texts):
    import_texts(
        law(
            "9960-1",
            articles=[
                article("4", "Hauteur maximale.", "الارتفاع الأقصى"),
                article("5", "Reculs."),
            ],
        )
    )


def form(citations: str) -> ZoneRuleForm:
    return ZoneRuleForm(
        data={"code": "UA", "label_fr": "Immeubles", "category": "other"}
        | {"citations": citations}
    )


def test_a_rule_cites_known_articles_written_any_way(texts):
    rule_form = form("LOI-9960-1:art-4 ; loi-9960-1:art-5، loi-9960-1:art-4")
    assert rule_form.is_valid(), rule_form.errors
    assert rule_form.cleaned_data["citations"] == [
        "loi-9960-1:art-4",
        "loi-9960-1:art-5",
    ]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Aucun article de la bibliothèque n’a la référence loi-9960-1:art-99."),
        ("ar", "لا توجد في المكتبة مادة مرجعها loi-9960-1:art-99."),
    ],
)
def test_an_unknown_article_is_refused_in_the_planners_language(
    texts, language, message
):
    with translation.override(language):
        rule_form = form("loi-9960-1:art-4, loi-9960-1:art-99")
        assert not rule_form.is_valid()
        assert rule_form.errors["citations"] == [message]


def test_a_piece_that_is_no_reference_is_named(texts):
    with translation.override("fr"):
        rule_form = form("loi-9960-1:art-4, Art. 12")
        assert not rule_form.is_valid()
        assert rule_form.errors["citations"][0].startswith(
            "« art., 12 » n’est pas une référence d’article"
        )


def test_the_csv_refuses_an_unknown_article_at_its_line_and_column(texts):
    content = (
        b"code;citations\nUA;loi-9960-1:art-4\nUB;loi-9960-1:art-4, loi-0-0:art-1\n"
    )
    with translation.override("fr"):
        found = rules_csv_read(content, existing={})
    assert found.errors == [
        (
            3,
            "articles de loi cités",
            "Aucun article de la bibliothèque n’a la référence loi-0-0:art-1.",
        )
    ]
    assert found.rules["UA"]["citations"] == ["loi-9960-1:art-4"]


def test_the_rules_page_refuses_a_csv_with_an_unknown_article_and_writes_nothing(
    client, planner, document, texts
):
    client.force_login(planner)
    ZoneRule.objects.create(document=document, code="UA", label_fr="Immeubles")
    url = reverse("layers:document-rules-import", args=[document.pk])
    upload = _csv("code,citations\nUA,loi-9960-1:art-4\nUB,loi-0-0:art-1\n")
    response = client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 400
    assert "لا توجد في المكتبة مادة مرجعها loi-0-0:art-1." in (
        response.content.decode()
    )
    assert ZoneRule.objects.get(document=document, code="UA").citations == []
    assert not ZoneRule.objects.filter(document=document, code="UB").exists()


def _csv(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rules.csv", text.encode(), content_type="text/csv")


def test_the_migration_moves_free_text_that_parses_and_leaves_the_rest(document):
    migration = importlib.import_module("layers.migrations.0016_zone_rule_citations")
    parsed = ZoneRule.objects.create(
        document=document, code="A", articles="loi-12-90:art-40; LOI-25-90:art-1"
    )
    free = ZoneRule.objects.create(document=document, code="B", articles="Art. 10–13")
    migration.articles_to_citations(apps, None)
    parsed.refresh_from_db()
    free.refresh_from_db()
    assert (parsed.articles, parsed.citations) == (
        "",
        ["loi-12-90:art-40", "loi-25-90:art-1"],
    )
    assert (free.articles, free.citations) == ("Art. 10–13", [])


@pytest.fixture
def citing(texts, agency, make_document, planner):
    """Two documents of the agency cite loi-9960-1:art-4: PA-IN (in force,
    zone UA published on the map) and PA-OLD (expired); a draft cites it too."""
    in_force = make_document(agency, reference="PA-IN")
    expired = make_document(
        agency,
        reference="PA-OLD",
        effective_date=datetime.date(2001, 1, 1),
        expiry_date=datetime.date(2011, 1, 1),
    )
    draft = make_document(agency, reference="PA-DRAFT", status="draft")
    reference = "loi-9960-1:art-4"
    for document in (in_force, expired, draft):
        ZoneRule.objects.create(
            document=document, code="UA", label_fr="Immeubles", citations=[reference]
        )
    ZoneRule.objects.create(document=in_force, code="UB", label_fr="Villas")
    layer = Layer.objects.create(
        document=in_force, name="zonage", title_fr="Zonage", kind=Layer.Kind.ZONING
    )
    version = layer_version_create(
        layer=layer,
        features=[FeatureData(geom=square(-6.85, 33.95, 0.002), code="UA")],
    )
    layer_version_publish(version=version, published_by=planner)
    return reference


def test_the_article_page_lists_the_documents_in_force_first_with_map_links(
    client, citing
):
    url = reverse("library:article", args=["loi-9960-1", "4"])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    section = body[body.index("Cité par les zones") :]
    assert section.index("PA-IN") < section.index("PA-OLD")
    assert "PA-DRAFT" not in section
    assert "(pas en vigueur à cette date)" in section
    assert '<a href="/#map=16/33.951000/-6.849000">Zone UA</a>' in section
    arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "تشير إليها مناطق وثائق التعمير" in arabic
    assert "غير ساري في ذلك التاريخ" in arabic


def test_an_article_nobody_cites_says_so(client, citing):
    url = reverse("library:article", args=["loi-9960-1", "5"])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aucune règle de zone ne cite cet article." in body


def test_the_api_lists_what_cites_an_article(client, citing, agency):
    url = reverse("library:api-article", args=["loi-9960-1", "4"])
    cited_by = client.get(url).json()["cited_by"]
    assert [(item["document"], item["in_force"]) for item in cited_by] == [
        ("PA-IN", True),
        ("PA-OLD", False),
    ]
    assert cited_by[0]["agency"] == agency.code
    assert cited_by[0]["zones"] == [
        {"code": "UA", "label": "Immeubles", "map_url": "/#map=16/33.951000/-6.849000"}
    ]
    assert cited_by[1]["zones"][0]["map_url"] is None


def test_the_admin_checks_the_citations_too(texts):
    from layers.admin import ZoneRuleAdminForm

    with translation.override("fr"):
        refused = ZoneRuleAdminForm(data={"citations": "loi-0-0:art-1"})
        assert refused.errors["citations"] == [
            "Aucun article de la bibliothèque n’a la référence loi-0-0:art-1."
        ]
    accepted = ZoneRuleAdminForm(data={"citations": "loi-9960-1:art-5"})
    assert accepted.is_valid(), accepted.errors
    assert accepted.cleaned_data["citations"] == ["loi-9960-1:art-5"]


def test_the_admin_page_of_a_rule_refuses_an_unknown_article(
    client, administrator, document, texts
):
    rule = ZoneRule.objects.create(document=document, code="UA", label_fr="Immeubles")
    client.force_login(administrator)
    url = reverse("admin:layers_zonerule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "document": document.pk,
            "code": "UA",
            "label_fr": "Immeubles",
            "category": "other",
            "citations": "loi-0-0:art-1",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "n’a la référence loi-0-0:art-1." in response.content.decode()
    rule.refresh_from_db()
    assert rule.citations == []


def test_the_empty_new_rows_of_the_table_stay_unchanged(client, planner, document):
    client.force_login(planner)
    url = reverse("layers:document-rules", args=[document.pk])
    row = {
        "category": "other",
        "code": "",
        "label_fr": "",
        "label_ar": "",
        "articles": "",
        "citations": "",
    }
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        **{f"form-0-{name}": value for name, value in row.items()},
        **{f"form-1-{name}": value for name, value in row.items()},
    }
    data |= {"form-0-code": "UA", "form-0-label_fr": "Immeubles"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(document.rules.values_list("code", "citations")) == [("UA", [])]
