"""The OpenAPI document is whole: what Swagger UI shows needs nothing it lacks.

openapi-spec-validator is not among the test dependencies, so the rules of
OpenAPI 3.1 that the page relies on are checked here: every reference
resolves, every operation has a summary and typed answers, every request body
and JSON answer has a schema, path parameters are declared, and every schema
is a valid JSON Schema 2020-12 whose examples it accepts.
"""

from __future__ import annotations

import re

import jsonschema_rs
import pytest

from geoportal.openapi import openapi_document

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Answers that are not JSON: the HTML page and the document itself.
NOT_JSON = {("/api/v1/docs", "get")}


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def references(node, where="#"):
    """Every ``$ref`` in ``node``, with where it was found."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield where, value
            else:
                yield from references(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from references(value, f"{where}/{index}")


def resolve(document: dict, reference: str):
    node = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method in METHODS, f"{path}: {method} is not an HTTP method"
            yield path, method, operation


def test_the_frame_is_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_every_reference_resolves_inside_the_document(document):
    unresolved = []
    for where, reference in references(document):
        try:
            assert reference.startswith("#/")
            resolve(document, reference)
        except (AssertionError, KeyError):
            unresolved.append(f"{where}: {reference}")
    assert unresolved == []


def test_every_operation_says_what_it_answers(document):
    problems = []
    for path, method, operation in operations(document):
        name = f"{method.upper()} {path}"
        if not operation.get("summary"):
            problems.append(f"{name}: no summary")
        responses = operation.get("responses", {})
        if not any(status.startswith("2") for status in responses):
            problems.append(f"{name}: no success answer")
        for status, response in responses.items():
            if "$ref" in response:
                response = resolve(document, response["$ref"])
            if not response.get("description"):
                problems.append(f"{name} {status}: no description")
            if status.startswith("2") and status != "204":
                content = response.get("content", {})
                json_schema = content.get("application/json", {}).get("schema")
                # A file (a layer's download) names a schema for each of its
                # media types instead.
                typed = json_schema is not None or (
                    content and all("schema" in spec for spec in content.values())
                )
                if (path, method) not in NOT_JSON and not typed:
                    problems.append(f"{name} {status}: no JSON schema")
        body = operation.get("requestBody")
        if body is not None:
            if not body.get("content"):
                problems.append(f"{name}: request body without content")
            for media, spec in body.get("content", {}).items():
                if "schema" not in spec:
                    problems.append(f"{name}: {media} body without schema")
    assert problems == []


def test_path_parameters_are_declared_and_required(document):
    problems = []
    for path, method, operation in operations(document):
        declared = {
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "path" and parameter.get("required") is True
        }
        templated = set(re.findall(r"\{(\w+)\}", path))
        if templated != declared:
            problems.append(f"{method.upper()} {path}: {templated} ≠ {declared}")
    assert problems == []


def schema_in(document: dict, schema: dict) -> dict:
    """``schema`` as a JSON Schema 2020-12 whose ``#/components/…`` resolve."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        **schema,
    }


def every_schema(document: dict):
    """(where, schema) of each named schema, request body and JSON answer."""
    for name, schema in document["components"]["schemas"].items():
        yield f"schemas/{name}", schema
    for path, method, operation in operations(document):
        body = operation.get("requestBody", {}).get("content", {})
        answers = [
            response.get("content", {})
            for response in operation.get("responses", {}).values()
        ]
        for content in [body, *answers]:
            for media, spec in content.items():
                if "schema" in spec:
                    yield f"{method.upper()} {path} {media}", spec["schema"]


def test_every_schema_is_json_schema_2020_12(document):
    invalid = [
        where
        for where, schema in every_schema(document)
        if not jsonschema_rs.meta.is_valid(schema_in(document, schema))
    ]
    assert invalid == []


def test_every_example_matches_its_schema(document):
    checked, problems = 0, []
    for where, schema in every_schema(document):
        validator = jsonschema_rs.validator_for(schema_in(document, schema))
        for example in schema.get("examples", []):
            checked += 1
            for error in validator.iter_errors(example):
                problems.append(f"{where}: {error.message}")
    assert problems == []
    # The request bodies a reader tries first carry examples.
    assert checked >= 8


def test_an_example_that_breaks_its_schema_is_caught(document):
    """The check above can fail: a parcel given as a number is refused."""
    validator = jsonschema_rs.validator_for(
        schema_in(document, {"$ref": "#/components/schemas/NoteRequest"})
    )
    assert not validator.is_valid({"parcel": 12345})


def test_request_bodies_of_the_citizens_endpoints_have_examples(document):
    for path in ("/api/v1/notes/compose", "/api/v1/notes"):
        body = document["paths"][path]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        assert resolve(document, schema["$ref"])["examples"]
