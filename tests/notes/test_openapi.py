"""The OpenAPI document describes every /api/v1/ URL and is served with a page."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver


def api_paths() -> set[str]:
    """Every URL pattern under /api/v1/, in OpenAPI form ("{reference}")."""

    def walk(resolver: URLResolver, prefix: str = ""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route in walk(get_resolver())
        if route.startswith("api/v1/")
    }


def test_every_api_url_is_documented(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    missing = api_paths() - set(document["paths"])
    assert not missing, f"document these in your app's openapi.py: {missing}"


def test_references_resolve(client, db):
    document = client.get("/api/v1/openapi.json").json()
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_docs_page_lists_the_endpoints_and_loads_only_local_scripts(
    client, db, language
):
    page = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    # Listed for a browser without scripts; Swagger UI shows them otherwise.
    assert "POST /api/v1/notes/compose" in html
    assert "GET /api/v1/identify" in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    sources = [re.search(r'src="([^"]+)"', attributes) for attributes, _ in scripts]
    # The site's app script, Swagger UI and its initialiser, from this site's
    # static files; no inline code.
    assert [source.group(1).split("/")[-1] for source in sources if source] == [
        "app.js",
        "swagger-ui-bundle.js",
        "api-docs.js",
    ]
    assert all(source and source.group(1).startswith("/static/") for source in sources)
    assert all(body.strip() == "" for _, body in scripts)
