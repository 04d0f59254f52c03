"""The admin: kinds of request scoped to the planner's agency with their
schema checked; cases read only, scoped, without personal data."""

from __future__ import annotations

import html
import json

from requete.models import AnswerTemplate, RequestKind
from requete.states import State


def kind_form(agency, **changes) -> dict:
    data = {
        "agency": agency.pk,
        "code": "note-error",
        "family": "complaint",
        "label_fr": "Erreur dans une note",
        "label_ar": "خطأ في مذكرة",
        "label_en": "",
        "acknowledge_days": 15,
        "answer_days": 60,
        "extra_schema": "{}",
        "active": "on",
    }
    data.update(changes)
    return data


def test_planners_manage_their_agencys_kinds_only(
    client, planner, kind, other_kind, agency, other_agency
):
    client.force_login(planner)
    listing = client.get("/admin/requete/requestkind/").content.decode()
    assert f"/admin/requete/requestkind/{kind.pk}/change/" in listing
    assert f"/admin/requete/requestkind/{other_kind.pk}/change/" not in listing
    assert client.get(
        f"/admin/requete/requestkind/{other_kind.pk}/change/"
    ).status_code in (302, 403, 404)
    response = client.post("/admin/requete/requestkind/add/", kind_form(other_agency))
    assert response.status_code == 200  # the foreign agency is not offered
    assert not RequestKind.objects.filter(code="note-error").exists()
    response = client.post("/admin/requete/requestkind/add/", kind_form(agency))
    assert response.status_code == 302
    created = RequestKind.objects.get(code="note-error")
    assert (created.acknowledge_days, created.answer_days) == (15, 60)


def test_a_wrong_schema_is_refused_in_the_form(client, planner, agency):
    client.force_login(planner)
    response = client.post(
        "/admin/requete/requestkind/add/",
        kind_form(agency, extra_schema=json.dumps({"type": "array"})),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Le schéma doit être un objet" in response.content.decode()
    assert not RequestKind.objects.filter(code="note-error").exists()


def test_cases_are_read_only_scoped_and_without_personal_data(
    client, planner, request_in, other_planner
):
    mine = request_in(State.SUBMITTED)
    unconfirmed = request_in(State.UNCONFIRMED)
    client.force_login(planner)
    listing = client.get("/admin/cases/case/").content.decode()
    assert mine.request.case.reference in listing
    assert unconfirmed.request.case.reference not in listing
    page = client.get(f"/admin/cases/case/{mine.request.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.request.case.reference in text
    assert "@example.ma" not in text
    assert 'name="_save"' not in text
    client.force_login(other_planner)
    assert client.get(f"/admin/cases/case/{mine.request.pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_answer_templates_are_the_agencys_and_for_its_kinds(
    client, administrator, planner, kind, other_kind, agency
):
    template = {
        "agency": agency.pk,
        "title": "Zone confirmée",
        "text_fr": "La zone est confirmée.",
        "text_ar": "تم تأكيد المنطقة.",
        "active": "on",
    }
    client.force_login(planner)
    response = client.post(
        "/admin/requete/answertemplate/add/", {**template, "kind": kind.pk}
    )
    assert response.status_code == 302
    # An administrator may choose any agency's kind, not one of another
    # agency than the template's.
    client.force_login(administrator)
    response = client.post(
        "/admin/requete/answertemplate/add/", {**template, "kind": other_kind.pk}
    )
    assert response.status_code == 200
    assert "celui d'une autre agence" in html.unescape(response.content.decode())
    assert AnswerTemplate.objects.count() == 1
