"""The demo agency takes requests (decree 2-17-265's three kinds), so that a
newcomer can file one on ``scripts/run``; reloading the demo keeps them and
what a planner changed in them."""

from __future__ import annotations

from geoportal.demo import demo_load
from requete.models import RequestKind


def test_the_demo_agency_takes_the_decrees_three_kinds(db, demo):
    kinds = RequestKind.objects.filter(agency=demo, active=True)
    assert sorted(kinds.values_list("family", flat=True)) == [
        "complaint",
        "observation",
        "suggestion",
    ]
    for kind in kinds:
        assert (kind.acknowledge_days, kind.answer_days) == (15, 60)
        assert all((kind.label_fr, kind.label_ar, kind.label_en))


def test_a_second_load_keeps_the_kinds_and_a_planners_changes(db, demo):
    kind = RequestKind.objects.get(agency=demo, code="complaint")
    kind.label_fr = "Réclamation sur le plan"
    kind.answer_days = 30
    kind.save()
    before = RequestKind.objects.filter(agency=demo).count()
    demo_load()
    kind.refresh_from_db()
    assert (kind.label_fr, kind.answer_days) == ("Réclamation sur le plan", 30)
    assert RequestKind.objects.filter(agency=demo).count() == before == 3


def test_open311_lists_the_demo_services_without_a_jurisdiction(db, client, demo):
    answer = client.get("/open311/v2/services.json")
    assert answer.status_code == 200
    assert sorted(service["service_code"] for service in answer.json()) == [
        "complaint",
        "observation",
        "suggestion",
    ]


def test_a_newcomer_files_a_request_to_the_demo_agency(db, client, demo):
    """The form of ``scripts/run``'s portal, narrowed to the demo agency,
    offers its kinds in the reader's language and files a request."""
    form = client.get("/requests/new?agency=demo-rabat", HTTP_ACCEPT_LANGUAGE="ar")
    assert form.status_code == 200
    for label in ("شكاية", "ملاحظة", "اقتراح"):
        assert label in form.content.decode()
    kind = RequestKind.objects.get(agency=demo, code="suggestion")
    filed = client.post(
        "/requests/new",
        {
            "agency": "demo-rabat",
            "kind": kind.pk,
            "requester_type": "citizen",
            "subject": "Un jardin public",
            "description": "Un jardin public près de l'école.",
            "email": "newcomer@example.ma",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert filed.status_code == 201
    assert RequestKind.objects.get(pk=kind.pk).requests.count() == 1
