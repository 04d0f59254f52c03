"""The staff pages: the agency's files, moves as POST forms, a session's
opinions and publication, the import — for the agency's planners only."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from permits.models import CommissionSession, Opinion
from tests.permits.test_import import HEADER, ROWS


def test_a_planner_moves_a_file_of_the_agency(client, make_file, planner):
    file, _code = make_file()
    client.force_login(planner)
    listing = client.get(reverse("permits_staff:files")).content.decode()
    assert "PC-2026-0001" in listing
    page = client.get(reverse("permits_staff:file", args=[file.pk]))
    assert "Samira Bennani" in page.content.decode()
    client.post(
        reverse("permits_staff:file", args=[file.pk]), {"action": "declare_complete"}
    )
    assert Case.objects.get(pk=file.pk).state == "complete"


def test_a_refused_move_is_said_and_changes_nothing(client, make_file, planner):
    file, _code = make_file()
    client.force_login(planner)
    answer = client.post(
        reverse("permits_staff:file", args=[file.pk]),
        {"action": "authorise"},
        follow=True,
    )
    assert 'role="alert"' in answer.content.decode()
    assert Case.objects.get(pk=file.pk).state == "filed"


def test_the_commissions_moves_are_not_taken_from_the_files_page(
    client, make_file, planner
):
    file, _code = make_file()
    client.force_login(planner)
    url = reverse("permits_staff:file", args=[file.pk])
    client.post(url, {"action": "declare_complete"})
    client.post(url, {"action": "schedule"})
    assert Case.objects.get(pk=file.pk).state == "complete"


def test_another_agencys_planner_does_not_see_the_file(
    client, make_file, other_planner
):
    file, _code = make_file()
    client.force_login(other_planner)
    assert client.get(reverse("permits_staff:file", args=[file.pk])).status_code == 404
    assert (
        "PC-2026-0001"
        not in client.get(reverse("permits_staff:files")).content.decode()
    )


def test_a_citizen_is_sent_to_log_in(client):
    answer = client.get(reverse("permits_staff:files"))
    assert answer.status_code == 302


def test_a_session_records_an_opinion_and_publishes(
    client, make_file, planner, session
):
    file, _code = make_file()
    client.force_login(planner)
    client.post(
        reverse("permits_staff:file", args=[file.pk]), {"action": "declare_complete"}
    )
    url = reverse("permits_staff:session", args=[session.pk])
    client.post(url, {"action": "schedule", "file": file.pk})
    item = session.agenda.get()
    client.post(
        url,
        {
            "action": "opinion",
            "item": item.pk,
            "kind": "conditional",
            "conditions": "Planter deux arbres\n",
        },
    )
    assert Opinion.objects.get(item=item).conditions.get().text == "Planter deux arbres"
    client.post(url, {"action": "publish"})
    assert CommissionSession.objects.get(pk=session.pk).published_at is not None
    minutes = client.get(url, {"minutes": "pdf"})
    assert minutes.content.startswith(b"%PDF")


def test_the_import_page_reports(client, planner, procedure):
    client.force_login(planner)
    upload = SimpleUploadedFile("files.csv", (HEADER + ROWS).encode())
    page = client.post(reverse("permits_staff:import"), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-report"' in html
    assert "R-2" in html


def _filing(procedure, **extra) -> dict:
    return {
        "external_reference": "PC-2026-0100",
        "procedure": procedure.pk,
        "filed_on": "2026-02-02",
        "parcels": "TF 12345/07\nTF 12346/07",
        "use": "housing",
        "applicant": "Karim Idrissi",
        **extra,
    }


def test_a_recorded_files_receipt_shows_the_code_that_finds_it(
    client, planner, procedure
):
    client.force_login(planner)
    receipt = client.post(reverse("permits_staff:file_new"), _filing(procedure))
    assert receipt.status_code == 201
    html = receipt.content.decode()
    code = html.split('id="short-code">', 1)[1].split("<", 1)[0]
    client.logout()
    found = client.post(
        reverse("permits:lookup"), {"number": "PC-2026-0100", "code": code}
    )
    assert 'data-state="filed"' in found.content.decode()
    assert "Karim Idrissi" not in found.content.decode()


def test_a_number_the_agency_has_is_refused_on_its_field(
    client, planner, procedure, make_file
):
    make_file("PC-2026-0100")
    client.force_login(planner)
    page = client.post(reverse("permits_staff:file_new"), _filing(procedure))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="id_external_reference-error"' in html
    assert 'role="alert"' in html
