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
