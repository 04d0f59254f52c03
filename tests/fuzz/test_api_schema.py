"""Schema-driven fuzzing of the JSON API (schemathesis over
``/api/v1/openapi.json``): no request, however odd, gets a server error, and
every answer has the status, content type and shape the document promises.

The schema is loaded from the project's WSGI application (machine path and
lanes included) over a small site — an agency, a published zoning, parcels,
an issued note — so that real paths exist: half of the cases of an
operation with path parameters use real ones. Operations that need a
planner (an administrator for agencies) get a token: POSTs always, reads
in that half only, so that the other half meets the 401.
Reproducible and bounded: derandomized, a few dozen examples per operation.
"""

from __future__ import annotations

import datetime
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import api_token_create
from geoportal.wsgi import application
from layers.models import Layer
from library.services import library_import
from notes.services import note_issue
from notes.subjects import SubjectQuery
from tenders.models import CallForTenders
from tests.fuzz import fuzz_settings
from tests.library.conftest import article, law, text_file
from tests.notes.conftest import site  # noqa: F401 - a fixture

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def known(site, planner, administrator, tmp_path):  # noqa: F811 - site is a fixture
    """Real values of the API's path parameters, and the tokens of a planner
    and of an administrator (who alone creates agencies)."""
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07"}),
    )
    text_file(
        tmp_path / "library",
        "law.json",
        **law("9990-1", articles=[article("1", "Le règlement s'applique.")]),
    )
    (key,) = library_import(path=tmp_path / "library").created
    layer = Layer.objects.get(document=site.document, kind=Layer.Kind.ZONING)
    call = CallForTenders.objects.create(
        agency=site.agency,
        reference="AO n° 1/2026",
        object_fr="Étude",
        published_on=datetime.date(2026, 1, 5),
        deadline=timezone.now() + datetime.timedelta(days=20),
    )
    _token, planner_key = api_token_create(user=planner)
    _token, admin_key = api_token_create(user=administrator)
    return {
        "code": site.agency.code,
        "reference": note.reference,
        "key": key,
        "number": "1",
        "token": planner_key,
        "admin_token": admin_key,
        "pk": {
            "/api/v1/documents/{pk}/layers": site.document.pk,
            "/api/v1/layers/{pk}/download": layer.pk,
            "/api/v1/layers/{pk}/inspect": layer.pk,
            "/api/v1/layers/{pk}/versions": layer.pk,
            "/api/v1/versions/{pk}": site.v2.pk,
            "/api/v1/versions/{pk}/publish": site.v1.pk,
            "/api/v1/versions/{pk}/restore": site.v1.pk,
            "/api/v1/imports/{pk}": 1,
            "/api/v1/imports/{pk}/retry": 1,
            "/api/v1/tenders/{pk}": call.pk,
        },
    }


@pytest.fixture
def keep_connection():
    """As tests/wsgi.py: the WSGI requests must not close the test's
    database connection (its transaction holds the site)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The document needs no database: it is read once, when the tests are built.
# (schemathesis.pytest.from_fixture does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@fuzz_settings(25)
def test_api_never_answers_a_server_error(case, known, keep_connection):
    operation = case.operation
    # Half of the cases, chosen by their content (so, reproducibly): real
    # path parameters, and a token where the API wants a planner.
    real = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2
    if real and case.path_parameters:
        for name in case.path_parameters:
            if name == "pk":
                case.path_parameters[name] = known["pk"][operation.path]
            else:
                case.path_parameters[name] = known[name]
    headers = {"Accept-Language": "fr"}
    if operation.definition.raw.get("security") and (real or case.method == "POST"):
        key = known["admin_token" if operation.path == "/api/v1/agencies" else "token"]
        headers["Authorization"] = f"Token {key}"
    case.call_and_validate(headers=headers, checks=CHECKS)
