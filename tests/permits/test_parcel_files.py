"""``files_for_parcel``, for the parcel page: each reader sees what their
rights allow."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from permits.models import PermitFile
from permits.selectors import files_for_parcel


def test_a_citizen_sees_the_public_facts_of_published_files(
    reviewed, make_file, agency
):
    make_file("PC-2026-0002", do_not_publish=True)
    files = files_for_parcel(
        agency=agency, reference="tf 12345 / 7", user=AnonymousUser()
    )
    assert [entry.file.number for entry in files] == ["PC-2026-0001"]
    entry = files[0]
    assert entry.file.opinion.kind == "conditional"
    assert entry.file.opinion.conditions[0].text == "Planter deux arbres sur rue"
    assert entry.substate is None
    assert entry.do_not_publish is None
    assert not hasattr(entry.file, "architect")


def test_a_planner_of_the_agency_sees_every_file_and_its_substate(
    reviewed, make_file, agency, planner
):
    make_file("PC-2026-0002", do_not_publish=True)
    PermitFile.objects.filter(external_reference="PC-2026-0001").update(
        substate="drafting"
    )
    files = files_for_parcel(agency=agency, reference="TF 12345/07", user=planner)
    by_number = {entry.file.number: entry for entry in files}
    assert set(by_number) == {"PC-2026-0001", "PC-2026-0002"}
    assert by_number["PC-2026-0001"].substate == "drafting"
    assert by_number["PC-2026-0002"].do_not_publish is True


def test_a_planner_of_another_agency_sees_what_a_citizen_sees(
    reviewed, make_file, agency, other_planner
):
    make_file("PC-2026-0002", do_not_publish=True)
    files = files_for_parcel(agency=agency, reference="TF 12345/07", user=other_planner)
    assert [entry.file.number for entry in files] == ["PC-2026-0001"]
    assert files[0].substate is None


def test_another_parcel_has_none_of_these_files(reviewed, agency, planner):
    assert files_for_parcel(agency=agency, reference="TF 999/1", user=planner) == []
