"""The ways into the filing form: the note's verification page and the map's
panel link, each prefilled with what the citizen was looking at."""

from __future__ import annotations

import html
import json
import re

from cases.models import Case
from requete.models import CitizenRequest
from tests.notes.conftest import site  # noqa: F401 - the planning site fixture
from tests.requete.test_citizen_pages import form_data
from viewer.selectors import map_config


def test_the_verification_page_links_to_a_form_about_the_note(
    client,
    site,  # noqa: F811 - site is the fixture imported above
    kind,
):
    issued = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
    ).json()
    page = client.get(f"/verify/{issued['token']}", HTTP_ACCEPT_LANGUAGE="fr")
    link = re.search(r'id="file-request" href="([^"]+)"', page.content.decode())
    form = client.get(html.unescape(link.group(1)), HTTP_ACCEPT_LANGUAGE="fr")
    assert f'value="{issued["reference"]}"' in form.content.decode()
    filed = client.post(
        "/requests/new", form_data(kind, note=issued["reference"], parcel="TF 100/07")
    )
    assert filed.status_code == 201
    request = CitizenRequest.objects.get()
    assert request.note_reference == issued["reference"]
    assert request.parcel.reference == "TF 100/07"
    assert Case.objects.get().agency == site.agency


def test_the_map_knows_the_forms_address(db):
    assert map_config(user=None, day=None)["requestUrl"] == "/requests/new"
