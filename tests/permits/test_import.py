"""Importing files from CSV and JSON: new, changed and unchanged files, and
malformed rows reported by line with nothing written."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from cases.models import Case, CaseEvent
from permits.errors import ImportForbidden, ImportRefused
from permits.imports import JSON_FORMAT, permits_import
from permits.models import PermitFile
from permits.selectors import file_by_lookup

HEADER = (
    "external_reference;procedure;filed_on;state;parcels;description;floors;"
    "built_area_m2;decided_on;applicant;do_not_publish\n"
)
ROWS = (
    "R-1;building-permit;2026-01-10;filed;TF 100/01;Villa;2;240,5;;Ahmed Tazi;\n"
    "R-2;building-permit;2026-01-12;authorised;TF 200/02|TF 201/02;Immeuble;5;"
    "1200;2026-03-01;Société X;non\n"
)


def run(agency, content: str, fmt: str = "csv", **extra):
    return permits_import(agency=agency, content=content.encode(), fmt=fmt, **extra)


def test_new_files_are_created_with_their_state_and_dates(agency, procedure):
    report = run(agency, HEADER + ROWS)
    assert report.written
    assert report.new == ["R-1", "R-2"]
    second = PermitFile.objects.select_related("case").get(external_reference="R-2")
    assert second.case.state == "authorised"
    assert second.decided_on == datetime.date(2026, 3, 1)
    assert [p.reference for p in second.parcels.all()] == ["TF 200/02", "TF 201/02"]
    assert second.built_area_m2 == 1200
    first = PermitFile.objects.get(external_reference="R-1")
    assert first.built_area_m2 == pytest.approx(240.5)
    assert first.case.requester.name == "Ahmed Tazi"


def test_the_new_files_codes_find_them(agency, procedure):
    report = run(agency, HEADER + ROWS)
    found = file_by_lookup(number="R-2", code=report.codes["R-2"])
    assert found.state == "authorised"


def test_an_import_run_twice_changes_nothing(agency, procedure):
    run(agency, HEADER + ROWS)
    events = CaseEvent.objects.filter(case__agency=agency).count()
    report = run(agency, HEADER + ROWS)
    assert (report.new, report.changed) == ([], [])
    assert report.unchanged == ["R-1", "R-2"]
    assert CaseEvent.objects.filter(case__agency=agency).count() == events


def test_a_changed_file_is_reported_with_its_fields(agency, procedure):
    run(agency, HEADER + ROWS)
    changed = ROWS.replace(
        "R-1;building-permit;2026-01-10;filed;TF 100/01;Villa;2",
        "R-1;building-permit;2026-01-10;complete;TF 100/01;Villa;3",
    )
    report = run(agency, HEADER + changed)
    assert report.changed == [("R-1", ["floors", "state"])]
    assert report.unchanged == ["R-2"]
    file = PermitFile.objects.select_related("case").get(external_reference="R-1")
    assert (file.case.state, file.floors) == ("complete", 3)
    event = CaseEvent.objects.filter(case_id=file.pk).last()
    assert event.data == {"imported": True}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("R-3;building-permit;2026-13-01;filed;TF 1/1;;;;;;", "filed_on"),
        ("R-3;unknown;2026-01-01;filed;TF 1/1;;;;;;", "unknown"),
        ("R-3;building-permit;2026-01-01;approved;TF 1/1;;;;;;", "approved"),
        ("R-3;building-permit;2026-01-01;filed;;;;;;;", "parcels"),
        ("R-3;building-permit;2026-01-01;refused;TF 1/1;;;;;;", "decided_on"),
        ("R-3;building-permit;2026-01-01;filed;TF 1/1;;-2;;;;", "floors"),
        ("R-3;building-permit;2026-01-01;filed;TF 1/1;;;;;;peut-être", "publish"),
        ("R-3;building-permit;2026-01-01;filed;TF 1/1;;;;;;;extra", "cells"),
        ("R-1;building-permit;2026-01-01;filed;TF 1/1;;;;;;", "twice"),
    ],
)
def test_a_malformed_row_is_reported_and_nothing_is_written(
    agency, procedure, row, reason
):
    with translation.override("en"):
        report = run(agency, HEADER + ROWS + row + "\n")
    assert not report.written
    assert [line for line, _reason in report.malformed] == [4]
    assert reason in report.malformed[0][1]
    assert not PermitFile.objects.filter(agency=agency).exists()
    assert not Case.objects.filter(agency=agency).exists()


def test_json_in_the_documented_format(agency, procedure):
    content = json.dumps(
        {
            "format": JSON_FORMAT,
            "files": [
                {
                    "external_reference": "J-1",
                    "procedure": "building-permit",
                    "filed_on": "2026-02-01",
                    "state": "in_commission",
                    "parcels": ["TF 5/1", "TF 6/1"],
                    "do_not_publish": True,
                    "floors": 4,
                },
                {"external_reference": "J-2"},
            ],
        }
    )
    report = run(agency, content, "json")
    assert [line for line, _reason in report.malformed] == [2]
    assert "procedure" in report.malformed[0][1]
    assert not report.written
    content = content.replace(', {"external_reference": "J-2"}', "")
    report = run(agency, content, "json")
    assert report.new == ["J-1"]
    file = PermitFile.objects.get(external_reference="J-1")
    assert file.do_not_publish
    assert file.parcels.count() == 2


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("numéro;procédure\nR-1;pc\n", "csv"),
        ("[1, 2]", "json"),
        ("{not json", "json"),
        ('{"format": "other/1", "files": []}', "json"),
    ],
)
def test_an_unreadable_file_is_refused(agency, procedure, content, fmt):
    with pytest.raises(ImportRefused):
        run(agency, content, fmt)


def test_another_agencys_planner_may_not_import(agency, procedure, other_planner):
    with pytest.raises(ImportForbidden):
        run(agency, HEADER + ROWS, actor=other_planner)
    assert not PermitFile.objects.filter(agency=agency).exists()


def test_the_command_prints_the_report(agency, procedure, tmp_path, capsys):
    path = tmp_path / "files.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    call_command("permits_import", agency.code, str(path))
    out = capsys.readouterr().out
    assert "new: 2" in out
    assert "R-2" in out
    assert PermitFile.objects.filter(agency=agency).count() == 2
