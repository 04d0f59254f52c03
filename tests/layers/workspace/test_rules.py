"""Zone rules in a table per document and from a CSV file: units and ranges
checked, every refused value attached to its cell, in the user's language."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from layers.models import ZoneRule
from layers.zone_rules import number_text


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


@pytest.fixture
def rule(document):
    return ZoneRule.objects.create(
        document=document, code="R+4", label_fr="Immeubles", cos="2.5", ces="60"
    )


def management(total: int, initial: int) -> dict:
    return {
        "form-TOTAL_FORMS": str(total),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }


def row(index: int, **values) -> dict:
    defaults = {"code": "", "label_fr": "", "label_ar": "", "category": "other"}
    defaults.update(values)
    return {f"form-{index}-{name}": value for name, value in defaults.items()}


def test_the_table_changes_a_rule_and_adds_one(planner_client, planner, rule):
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {
        **management(2, 1),
        **row(0, id=rule.pk, code="R+4", label_fr="Immeubles", cos="3", ces="55"),
        **row(1, code="V1", label_fr="Villas", category="villa", floors_above_ground=1),
    }
    page = planner_client.post(url, data)
    assert page.status_code == 302
    rule.refresh_from_db()
    assert (rule.cos, rule.ces) == (Decimal("3.00"), Decimal("55.00"))
    villa = ZoneRule.objects.get(document=rule.document, code="V1")
    assert villa.height_label == "R+1"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED)
    assert event.details["changes"]["rules"] == ["R+4", "V1"]
    assert event.actor == planner


@pytest.mark.parametrize(
    ("field", "value", "language", "message"),
    [
        (
            "ces",
            "160",
            "fr",
            "au sol (CES) est un pourcentage de la parcelle, de 0 à 100.",
        ),
        ("cos", "25", "ar", "معامل استغلال الأرض نسبة"),
        ("max_height_m", "1200", "en", "A height is in metres, from 0 to 300."),
        ("setback_road_m", "-2", "fr", "Un recul est en mètres, de 0 à 100."),
    ],
)
def test_a_value_out_of_range_is_refused_in_its_cell(
    planner_client, rule, field, value, language, message
):
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {
        **management(1, 1),
        **row(0, id=rule.pk, code="R+4", label_fr="Immeubles", **{field: value}),
    }
    page = planner_client.post(url, data, headers={"accept-language": language})
    assert page.status_code == 400
    cell = page.text.split(f'class="cell-{field} invalid"')[1].split("</td>")[0]
    assert message in cell
    rule.refresh_from_db()
    assert rule.cos == Decimal("2.50")


def test_a_use_both_allowed_and_forbidden_is_refused(planner_client, rule):
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {
        **management(1, 1),
        **row(0, id=rule.pk, code="R+4", label_fr="Immeubles"),
        "form-0-allowed_uses": ["housing", "industry"],
        "form-0-forbidden_uses": ["industry"],
    }
    page = planner_client.post(url, data, headers={"accept-language": "en"})
    assert page.status_code == 400
    assert "both allowed and forbidden: Industry" in page.text


def test_a_code_twice_in_the_table_is_refused(planner_client, rule):
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {
        **management(2, 1),
        **row(0, id=rule.pk, code="R+4", label_fr="Immeubles"),
        **row(1, code="R+4", label_fr="Encore"),
    }
    assert planner_client.post(url, data).status_code == 400
    assert ZoneRule.objects.filter(document=rule.document).count() == 1


def test_a_rule_is_deleted_from_the_table(planner_client, rule):
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {
        **management(1, 1),
        **row(0, id=rule.pk, code="R+4", label_fr="Immeubles", DELETE="on"),
    }
    assert planner_client.post(url, data).status_code == 302
    assert not ZoneRule.objects.filter(pk=rule.pk).exists()


def test_another_agency_cannot_change_the_rules(client, other_planner, rule):
    client.force_login(other_planner)
    url = reverse("layers:document-rules", args=[rule.document_id])
    data = {**management(1, 1), **row(0, id=rule.pk, code="R+4", cos="9")}
    assert client.post(url, data).status_code == 403
    rule.refresh_from_db()
    assert rule.cos == Decimal("2.50")


CSV = (
    "code;libelle;hauteur;niveaux;cos;ces;recul_voie;usages_autorises\n"
    "R+4;Immeubles R+4;15 m;R+4;2,5;60 %;5;housing|retail\n"
    "V1;Villas;٨;1;0,6;40;4;Habitation\n"
)


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("regles.csv", text.encode(), "text/csv")


def test_rules_are_imported_from_a_csv_file(planner_client, planner, rule):
    url = reverse("layers:document-rules-import", args=[rule.document_id])
    page = planner_client.post(url, {"file": csv_upload(CSV)})
    assert page.status_code == 302
    rule.refresh_from_db()
    assert rule.max_height_m == Decimal("15.00")
    assert rule.floors_above_ground == 4
    assert rule.ces == Decimal("60.00")
    villa = ZoneRule.objects.get(document=rule.document, code="V1")
    assert villa.max_height_m == Decimal("8.00")  # Arabic-Indic digits
    assert villa.cos == Decimal("0.60")
    assert villa.allowed_uses == ["housing"]  # by its French label
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, details__changes__rules_imported=["R+4", "V1"]
    ).exists()


def test_a_csv_file_with_a_bad_cell_writes_nothing_and_says_where(planner_client, rule):
    text = "code,cos,ces,hauteur\nR+4,3,60,12\nV1,0.6,140,abc\n"
    url = reverse("layers:document-rules-import", args=[rule.document_id])
    page = planner_client.post(
        url, {"file": csv_upload(text)}, headers={"accept-language": "fr"}
    )
    assert page.status_code == 400
    assert "<td>3</td><td>coefficient d&#x27;emprise au sol (CES, %)</td>" in page.text
    assert "au sol (CES) est un pourcentage de la parcelle, de 0 à 100." in page.text
    assert "<td>3</td><td>hauteur maximale (m)</td>" in page.text
    rule.refresh_from_db()
    assert rule.cos == Decimal("2.50")
    assert not ZoneRule.objects.filter(code="V1").exists()


def test_a_csv_file_without_a_code_column_is_refused(planner_client, rule):
    url = reverse("layers:document-rules-import", args=[rule.document_id])
    page = planner_client.post(
        url,
        {"file": csv_upload("zone_name,cos\nA,1\n")},
        headers={"accept-language": "en"},
    )
    assert page.status_code == 400
    assert "The file has no “code” column." in page.text


@pytest.mark.parametrize(
    ("typed", "unit", "read"),
    [
        ("2,5", "", "2.5"),
        ("60 %", "%", "60"),
        ("R+4", "", "4"),
        ("R", "", "0"),
        ("١٢٫٥ m", "m", "12.5"),
        ("1 200", "m²", "1200"),
    ],
)
def test_numbers_are_read_as_planners_write_them(typed, unit, read):
    assert number_text(typed, unit=unit) == read
