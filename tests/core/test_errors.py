"""One error base class (``core.errors.GeoportalError``), one rendering per
surface: whichever app raises an error, the JSON API answers its code and
status, the OGC services an exception report with its OGC code, in the
reader's language."""

from __future__ import annotations

import json
import re
from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from lxml import etree

from core.api import error_response
from core.errors import GeoportalError, TooManyRequests
from core.nul import NulCharacter
from ows.registry import SERVICES

# Made when the module is imported, in no one's language: rendered in the
# reader's.
UNREADABLE = gettext_lazy("The request could not be read.")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
OWS = "{http://www.opengis.net/ows/1.1}"


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_error_class_names_its_own_code_and_status(settings):
    import_module(settings.ROOT_URLCONF)  # every app's views, hence errors
    classes = _all_subclasses(GeoportalError)
    names = {cls.__name__ for cls in classes}
    # The families once joined by hand are all ones now.
    assert {
        "ImportRefused",
        "UploadTooLarge",
        "OwsError",
        "InvalidParameterValue",
        "NoteNotFound",
        "InvalidToken",
        "TooManyTokenFailures",
        "VersionStateError",
        "ImportNotRetryable",
        "NulCharacter",
    } <= names
    for cls in classes:
        assert "code" in vars(cls), f"{cls.__qualname__} has no code of its own"
        assert re.fullmatch("[a-z][a-z_]*", cls.code), cls
        assert 400 <= cls.http_status < 600, cls
        assert cls.ogc_code is None or re.fullmatch("[A-Z][A-Za-z]+", cls.ogc_code)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_lazy_message_is_rendered_in_the_readers_language(language):
    with translation.override(language):
        response = error_response(GeoportalError(UNREADABLE, code="unreadable"))
        expected = gettext("The request could not be read.")
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == {
        "code": "unreadable",
        "message": expected,
    }
    assert bool(ARABIC_LETTER.search(expected)) == (language == "ar")


def test_an_import_refusal_under_the_api_is_its_json_error_in_arabic(
    client, planner, zoning_layer, settings
):
    settings.GEOPORTAIL_MAX_UPLOAD_BYTES = 10
    client.force_login(planner)
    content = b'{"type": "FeatureCollection", "features": []}'
    response = client.post(
        f"/api/v1/layers/{zoning_layer.pk}/inspect",
        {"file": SimpleUploadedFile("zonage.geojson", content)},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 413
    with translation.override("ar"):
        expected = gettext(
            "The file is %(size)s; at most %(limit)s can be uploaded."
        ) % {"size": filesizeformat(len(content)), "limit": filesizeformat(10)}
    assert ARABIC_LETTER.search(expected)
    assert response.json()["error"] == {"code": "upload_too_large", "message": expected}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_unreadable_upload_is_refused_by_the_api_in_the_request_language(
    client, planner, zoning_layer, language
):
    client.force_login(planner)
    response = client.post(
        f"/api/v1/layers/{zoning_layer.pk}/inspect",
        {"file": SimpleUploadedFile("zonage.geojson", b"no geography here")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unreadable_file"
    assert bool(ARABIC_LETTER.search(error["message"])) == (language == "ar")


def _raising(error: GeoportalError):
    def handler(ows_request, context):
        raise error

    return handler


@pytest.mark.django_db
def test_a_shared_parameter_error_is_an_invalid_parameter_value_report(
    client, monkeypatch
):
    monkeypatch.setitem(
        SERVICES["WFS"].operations, "GETFEATURE", _raising(NulCharacter())
    )
    response = client.get(
        "/wfs",
        {"SERVICE": "WFS", "REQUEST": "GetFeature", "VERSION": "2.0.0"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 400
    exception = etree.fromstring(response.content).find(f"{OWS}Exception")
    assert exception.get("exceptionCode") == "InvalidParameterValue"
    with translation.override("ar"):
        expected = str(NulCharacter().message)
    assert exception.findtext(f"{OWS}ExceptionText") == expected


@pytest.mark.django_db
def test_an_error_without_ogc_code_is_no_applicable_code_with_its_status(
    client, monkeypatch
):
    refusal = TooManyRequests(UNREADABLE, retry_after=30)
    monkeypatch.setitem(SERVICES["WMS"].operations, "GETMAP", _raising(refusal))
    response = client.get(
        "/wms",
        {"SERVICE": "WMS", "REQUEST": "GetMap", "VERSION": "1.1.1"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/vnd.ogc.se_xml"
    assert b'<ServiceException code="NoApplicableCode">' in response.content
    assert "La requête n'a pas pu être lue." in response.content.decode()
