"""The small JSON schema of a kind's extra fields: the schema is checked in
the admin, the values at filing, with messages in three languages."""

from __future__ import annotations

import pytest
from django.utils import translation

from requete.errors import FilingRefused
from requete.schema import extra_validate, schema_check

SCHEMA = {
    "type": "object",
    "properties": {
        "permit": {
            "type": "string",
            "maxLength": 5,
            "title_fr": "Numéro de permis",
            "title_ar": "رقم الرخصة",
            "title_en": "Permit number",
        },
        "floors": {"type": "integer", "minimum": 0, "maximum": 10},
        "share": {"type": "number", "maximum": 100},
        "use": {"type": "string", "enum": ["housing", "retail"]},
        "built": {"type": "boolean"},
    },
    "required": ["permit"],
}


def refused(data: dict, language: str = "fr") -> dict:
    with translation.override(language), pytest.raises(FilingRefused) as caught:
        extra_validate(SCHEMA, data)
    return caught.value.details["fields"]


def test_good_values_pass_and_empty_ones_are_dropped():
    data = {"permit": "12/20", "floors": 3, "share": 12.5, "use": "retail"}
    assert extra_validate(SCHEMA, {**data, "built": None}) == data
    assert extra_validate({}, None) == {}


def test_each_wrong_value_is_named_in_the_readers_language():
    data = {
        "permit": "123456",
        "floors": 2.5,
        "share": float("nan"),
        "use": "industry",
        "built": "yes",
    }
    assert refused(data, "en") == {
        "permit": "Permit number: At most 5 characters.",
        "floors": "floors: Write a whole number.",
        "share": "share: Write a number.",
        "use": "use: Choose one of: housing, retail.",
        "built": "built: Answer yes or no.",
    }
    french = refused(data, "fr")
    assert french["permit"] == "Numéro de permis\u00a0: 5 caractères au plus."
    arabic = refused({"floors": 11}, "ar")
    assert arabic["permit"] == "رقم الرخصة إلزامي."
    assert arabic["floors"].startswith("floors: ")


def test_unknown_fields_are_refused():
    assert set(refused({"permit": "1", "colour": "red"})) == {"colour"}


def test_a_bad_schema_is_reported():
    assert schema_check({}) == []
    assert schema_check(SCHEMA) == []
    assert schema_check({"type": "array"})
    assert schema_check({"type": "object", "properties": {"x": {"type": "date"}}})
    assert schema_check(
        {"type": "object", "properties": {"x": {"type": "string", "pattern": "a"}}}
    )
    assert schema_check({"type": "object", "properties": {}, "required": ["missing"]})
