"""Counts read right in French and Arabic: one form per count, through
ngettext, with Arabic's six forms (zero, one, two, a few, many, other)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from importing.issues import ISSUE_KINDS
from importing.report import issue_message, report_counts, report_text
from notes.warnings import warning, warning_message
from parcels.services import ParcelImport
from tests.geoportal.catalogues import catalogue_paths

ONE_IN_THE_PLURAL = re.compile(
    r"1 (tiny |invalid |garbled |zone )?(features|geometries|zones|codes|overlaps"
    r"|gaps|texts|parcels|labels)\b"
)
ARABIC_PLURALS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 && n%100<=99 ? 4 : 5;"
)


def plural_forms_header(path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms: ') + len('"Plural-Forms: ')
    header = text[start : text.index("\\n", start)]
    return header.replace('"\n"', "")


@pytest.mark.parametrize("path", catalogue_paths("ar"), ids=str)
def test_arabic_catalogues_have_the_six_plural_forms(path):
    assert plural_forms_header(path) == ARABIC_PLURALS


@pytest.mark.parametrize(
    ("language", "counts", "expected"),
    [
        ("fr", (1, 1), "1 erreur, 1 avertissement"),
        ("fr", (2, 0), "2 erreurs, 0 avertissement"),
        ("en", (1, 2), "1 error, 2 warnings"),
        ("ar", (1, 2), "خطأ واحد، تنبيهان"),
        ("ar", (2, 3), "خطآن، 3 تنبيهات"),
        ("ar", (11, 100), "11 خطأً، 100 تنبيه"),
        ("ar", (0, 0), "لا أخطاء، لا تنبيهات"),
    ],
)
def test_a_reports_counts_take_the_plural_of_their_number(language, counts, expected):
    with translation.override(language):
        assert report_counts({"errors": counts[0], "warnings": counts[1]}) == expected


@pytest.mark.parametrize(
    ("language", "errors", "expected"),
    [
        ("fr", "1", "malgré 1 erreur dans ses données"),
        ("fr", "3", "malgré 3 erreurs dans ses données"),
        ("ar", "1", "رغم وجود خطأ واحد في معطياتها"),
        ("ar", "2", "رغم وجود خطأين في معطياتها"),
        ("ar", "3", "رغم وجود 3 أخطاء في معطياتها"),
        ("ar", "12", "رغم وجود 12 خطأً في معطياتها"),
    ],
)
def test_a_notes_data_quality_warning_counts_its_errors(language, errors, expected):
    item = warning(
        "published_despite_errors",
        reference="PA-1",
        layer="zonage",
        version="3",
        errors=errors,
        zones="UA",
        reason="—",
    )
    assert expected in warning_message(item, language)


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 feature lies outside the agency territory."),
        ("fr", 1, "1 objet est hors du territoire de l'agence."),
        ("fr", 4, "4 objets sont hors du territoire de l'agence."),
        ("ar", 1, "عنصر واحد خارج نفوذ الوكالة."),
        ("ar", 2, "عنصران خارج نفوذ الوكالة."),
        ("ar", 7, "7 عناصر خارج نفوذ الوكالة."),
        ("ar", 40, "40 عنصرًا خارج نفوذ الوكالة."),
        ("ar", 300, "300 عنصر خارج نفوذ الوكالة."),
    ],
)
def test_an_import_issue_counts_its_features(language, count, expected):
    issue = {"code": "outside_territory", "params": {"count": count}}
    with translation.override(language):
        assert issue_message(issue) == expected


def test_no_import_issue_says_one_in_the_plural():
    names = ("found", "expected", "codes", "area", "value", "name", "declared")
    params = dict.fromkeys(names, "x") | {"srid": 26191, "count": 1}
    for kind in ISSUE_KINDS.values():
        with translation.override("en"):
            text = issue_message({"code": kind.code, "params": params})
        assert text, kind.code
        assert not ONE_IN_THE_PLURAL.match(text), text


@pytest.mark.parametrize(
    ("language", "created", "updated", "expected"),
    [
        ("fr", 1, 0, "1 parcelle créée, 0 mise à jour."),
        ("fr", 3, 2, "3 parcelles créées, 2 mises à jour."),
        ("ar", 1, 2, "أُنشئت قطعة واحدة، حُدِّثت قطعتان."),
        ("ar", 5, 0, "أُنشئت 5 قطع، لم تُحدَّث أي قطعة."),
    ],
)
def test_a_parcel_import_counts_what_it_did(language, created, updated, expected):
    result = ParcelImport(created=created, updated=updated, report={})
    with translation.override(language):
        assert result.summary == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "1 objet lu dans plan.shp (EPSG:26191)."),
        ("ar", "تمت قراءة عنصر واحد من plan.shp (EPSG:26191)."),
    ],
)
def test_a_report_counts_the_features_read(language, expected):
    report = {"summary": {"features": 1, "source": "plan.shp", "srid": 26191}}
    with translation.override(language):
        assert report_text(report).splitlines()[0] == expected
