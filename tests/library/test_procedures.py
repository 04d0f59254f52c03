"""Procedures: step-by-step guides imported with the texts they rest on,
their pages in French, Arabic and English, their API, and the search."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from library.bundle import BundleRefused
from library.models import Procedure, Text
from library.services import library_import
from tests.library.conftest import article, law, text_file


def guide(key: str = "permis-d-essai", **values) -> dict:
    """A procedure of the import format resting on law 9905-1's article 3."""
    return {
        "procedure": key,
        "title": {
            "fr": "Obtenir un permis expérimental",
            "ar": "الحصول على رخصة تجريبية",
            "en": "Obtain a trial permit",
        },
        "summary": {"fr": "Un guide d'essai.", "ar": "دليل تجريبي."},
        "delay_days": 2,
        "fees": {"fr": "Gratuit", "ar": "مجانا"},
        "documents": [{"label": {"fr": "Le titre foncier", "ar": "الرسم العقاري"}}],
        "steps": [
            {
                "title": {"fr": "Trouver la parcelle", "ar": "العثور على القطعة"},
                "page": "note",
            },
            {
                "title": {"fr": "Déposer la demande", "ar": "إيداع الطلب"},
                "body": {"fr": "Au guichet unique.", "ar": "بالشباك الوحيد."},
                "page": "request",
            },
            {"title": {"fr": "Payer", "ar": "الأداء"}, "page": "payment"},
        ],
        "based_on": [{"text": "loi-9905-1", "article": "3"}, {"text": "loi-9905-1"}],
        **values,
    }


@pytest.fixture
def bundle(tmp_path):
    folder = tmp_path / "bundle"
    text_file(
        folder,
        "loi.json",
        **law("9905-1", articles=[article("3", "Le permis est exigé.", "الرخصة")]),
    )
    text_file(folder, "guide.json", **guide())
    return folder


def test_a_procedure_is_imported_with_its_steps_in_order_and_its_bases(db, bundle):
    summary = library_import(path=bundle)
    assert summary.procedures == ("permis-d-essai",)
    procedure = Procedure.objects.get(key="permis-d-essai")
    assert [step.title_fr for step in procedure.steps.all()] == [
        "Trouver la parcelle",
        "Déposer la demande",
        "Payer",
    ]
    assert [str(basis) for basis in procedure.bases.all()] == [
        "loi-9905-1:art-3",
        "loi-9905-1",
    ]
    # The same bundle again changes nothing.
    assert library_import(path=bundle).procedures == ()


def test_a_changed_step_is_brought_up_to_date(db, bundle):
    library_import(path=bundle)
    text_file(
        bundle,
        "guide.json",
        **guide(steps=[{"title": {"fr": "Une seule étape"}}], based_on=[]),
    )
    assert library_import(path=bundle).procedures == ("permis-d-essai",)
    procedure = Procedure.objects.get(key="permis-d-essai")
    assert [step.title_fr for step in procedure.steps.all()] == ["Une seule étape"]
    assert not procedure.bases.exists()


def test_a_malformed_procedure_is_refused_with_every_problem_and_nothing_written(
    db, bundle
):
    text_file(
        bundle,
        "guide.json",
        **guide(
            procedure="Permis Essai!",
            title={"fr": "", "de": "Genehmigung"},
            delay_days="trois",
            steps=[{"title": {"fr": "Étape"}, "page": "elsewhere"}],
        ),
    )
    with translation.override("fr"), pytest.raises(BundleRefused) as refused:
        library_import(path=bundle)
    issues = refused.value.details["issues"]
    assert {(i["file"], i["where"]) for i in issues} == {
        ("guide.json", "procedure"),
        ("guide.json", "title"),
        ("guide.json", "delay_days"),
        ("guide.json", "steps[0].page"),
    }
    assert "Doit être un objet avec « fr », « ar » et « en »." in [
        i["message"] for i in issues
    ]
    # The good text beside it is not written either.
    assert not Procedure.objects.filter(title_fr__contains="expérimental").exists()
    assert not Text.objects.filter(number="9905-1").exists()


def test_a_basis_neither_in_the_bundle_nor_in_the_library_is_refused(db, bundle):
    text_file(
        bundle,
        "guide.json",
        **guide(
            based_on=[{"text": "loi-0000-0"}, {"text": "loi-9905-1", "article": "99"}]
        ),
    )
    with translation.override("fr"), pytest.raises(BundleRefused) as refused:
        library_import(path=bundle)
    messages = {i["where"]: i["message"] for i in refused.value.details["issues"]}
    assert messages == {
        "based_on[0]": "loi-0000-0 n’est ni dans le lot ni dans la bibliothèque.",
        "based_on[1]": (
            "loi-9905-1:art-99 n’est ni dans le lot ni dans la bibliothèque."
        ),
    }
    assert not Text.objects.filter(number="9905-1").exists()


def test_a_procedure_may_rest_on_texts_already_in_the_library(db, bundle, tmp_path):
    library_import(path=bundle)
    later = tmp_path / "later"
    text_file(later, "guide.json", **guide("autre-guide"))
    assert library_import(path=later).procedures == ("autre-guide",)


def test_a_procedure_without_steps_is_refused(db, bundle):
    text_file(bundle, "guide.json", **guide(steps=[]))
    with pytest.raises(BundleRefused) as refused:
        library_import(path=bundle)
    assert [i["where"] for i in refused.value.details["issues"]] == ["steps"]


@pytest.mark.parametrize(
    ("language", "direction", "title", "delay", "basis"),
    [
        ("fr", "ltr", "Obtenir un permis expérimental", "2 jours", "Article 3"),
        ("ar", "rtl", "الحصول على رخصة تجريبية", "يومان", "المادة 3"),
        ("en", "ltr", "Obtain a trial permit", "2 days", "Article 3"),
    ],
)
def test_the_procedure_page_speaks_the_readers_language_and_links_its_texts(
    client, db, bundle, language, direction, title, delay, basis
):
    library_import(path=bundle)
    response = client.get(
        reverse("library:procedure", args=["permis-d-essai"]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'dir="{direction}"' in body
    assert title in body
    assert delay in body
    assert basis in body
    assert reverse("library:article", args=["loi-9905-1", "3"]) in body
    assert f'href="{reverse("library:text", args=["loi-9905-1"])}"' in body
    for page in ("viewer:map", "requete_citizen:new", "payments:order_new"):
        assert f'href="{reverse(page)}"' in body
    listing = client.get(reverse("library:procedures"), HTTP_ACCEPT_LANGUAGE=language)
    assert title in listing.content.decode()


def test_an_unknown_procedure_is_a_404_page(client, db):
    response = client.get(
        reverse("library:procedure", args=["nulle-part"]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 404
    assert "Aucune procédure" in response.content.decode()


@pytest.mark.parametrize(
    "words",
    ["permis expérimentaux", "permis experimental", "رخصة تجريبية", "رخصه تجريبيه"],
)
def test_the_library_search_finds_procedures_by_title(client, db, bundle, words):
    library_import(path=bundle)
    found = client.get(reverse("library:api-search"), {"q": words}).json()
    assert [hit["key"] for hit in found["procedures"]] == ["permis-d-essai"]
    page = client.get(reverse("library:search"), {"q": words}).content.decode()
    assert reverse("library:procedure", args=["permis-d-essai"]) in page


def test_the_api_gives_the_procedures_and_one_with_its_steps(client, db, bundle):
    library_import(path=bundle)
    listing = client.get(reverse("library:api-procedures")).json()
    assert "permis-d-essai" in [p["key"] for p in listing["procedures"]]
    one = client.get(reverse("library:api-procedure", args=["permis-d-essai"])).json()
    assert [step["page"] for step in one["steps"]] == [
        reverse("viewer:map"),
        reverse("requete_citizen:new"),
        reverse("payments:order_new"),
    ]
    assert one["based_on"][0]["reference"] == "loi-9905-1:art-3"
    assert one["documents"] == [{"fr": "Le titre foncier", "ar": "الرسم العقاري"}]
    missing = client.get(reverse("library:api-procedure", args=["nulle-part"]))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "procedure_not_found"


def test_administrators_edit_procedures_and_planners_only_read_them(
    client, db, bundle, administrator, planner
):
    library_import(path=bundle)
    procedure = Procedure.objects.get(key="permis-d-essai")
    change = reverse("admin:library_procedure_change", args=[procedure.pk])
    client.force_login(planner)
    assert client.get(change).status_code == 200
    client.post(change, {"title_fr": "Détourné"})
    procedure.refresh_from_db()
    assert procedure.title_fr == "Obtenir un permis expérimental"
    client.force_login(administrator)
    page = client.get(change, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Déposer la demande" in page  # the steps, inline


def test_a_basis_naming_an_article_the_text_lacks_is_refused(db, bundle):
    from django.core.exceptions import ValidationError

    from library.models import ProcedureBasis

    library_import(path=bundle)
    basis = ProcedureBasis(
        procedure=Procedure.objects.get(key="permis-d-essai"),
        text=Text.objects.get(number="9905-1"),
        article="99",
    )
    with pytest.raises(ValidationError):
        basis.full_clean()


def test_the_article_page_lists_the_procedures_based_on_it(client, db, bundle):
    library_import(path=bundle)
    page = client.get(
        reverse("library:article", args=["loi-9905-1", "3"]),
        HTTP_ACCEPT_LANGUAGE="ar",
    ).content.decode()
    assert "المساطر المستندة إليها" in page
    assert page.count(reverse("library:procedure", args=["permis-d-essai"])) == 1
