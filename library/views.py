"""The library's pages (search, a text, an article as of a day, the
procedures) and its JSON API. Views are adapters: parse, call one selector, render."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.api import api_view
from core.errors import GeoportalError
from library import serializers
from library.citations import citing_documents
from library.models import TextKind, TextStatus, article_reference
from library.params import day_param, library_query_parse
from library.selectors import (
    article_as_of,
    article_history,
    articles_as_of,
    library_search,
    procedure_get,
    procedures_citing,
    procedures_list,
    text_get,
)


def search_page(request: HttpRequest) -> HttpResponse:
    """``/library/``: the search form and its results (no script needed)."""
    results, error = None, None
    try:
        query = library_query_parse(request.GET)
        results = library_search(query)
    except GeoportalError as exc:
        query, error = None, exc
    return render(
        request,
        "library/search.html",
        {
            "query": query,
            "results": results,
            "error": error,
            "kinds": TextKind.choices,
            "statuses": TextStatus.choices,
        },
        status=error.http_status if error else 200,
    )


def _page(view):
    """Render a GeoportalError of a page view as a page with its status, in
    the reader's language (the API answers JSON instead)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except GeoportalError as error:
            return render(
                request,
                "library/error.html",
                {"error": error},
                status=error.http_status,
            )

    return wrapper


@_page
def text_page(request: HttpRequest, key: str) -> HttpResponse:
    """``/library/<key>/``: a text and its articles as of ``at`` (today)."""
    text = text_get(key=key)
    day = day_param(request.GET, "at") or timezone.localdate()
    return render(
        request,
        "library/text.html",
        {"text": text, "day": day, "articles": articles_as_of(text=text, day=day)},
    )


@_page
def article_page(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """``/library/<key>/art-<number>/``: the article as it read on ``at``
    (today), all its wordings, and the documents and zones citing it."""
    text = text_get(key=key)
    day = day_param(request.GET, "at") or timezone.localdate()
    return render(
        request,
        "library/article.html",
        {
            "text": text,
            "number": number,
            "day": day,
            "article": article_as_of(text=text, number=number, day=day),
            "history": article_history(text=text, number=number),
            "procedures": procedures_citing(text=text, number=number),
            "citing": citing_documents(
                reference=article_reference(text.key, number), day=day
            ),
        },
    )


def procedures_page(request: HttpRequest) -> HttpResponse:
    """``/library/procedures/``: the step-by-step guides."""
    return render(request, "library/procedures.html", {"procedures": procedures_list()})


@_page
def procedure_page(request: HttpRequest, key: str) -> HttpResponse:
    """``/library/procedures/<key>/``: a guide's steps, documents, delay,
    fees and the texts it is based on."""
    return render(
        request, "library/procedure.html", {"procedure": procedure_get(key=key)}
    )


@api_view("GET")
def api_procedures(request: HttpRequest) -> dict:
    """``GET /api/v1/library/procedures``."""
    return serializers.procedures_data(procedures_list())


@api_view("GET")
def api_procedure(request: HttpRequest, key: str) -> dict:
    """``GET /api/v1/library/procedures/<key>``."""
    return serializers.procedure_data(procedure_get(key=key))


@api_view("GET")
def api_search(request: HttpRequest) -> dict:
    """``GET /api/v1/library/search``."""
    return serializers.results_data(library_search(library_query_parse(request.GET)))


@api_view("GET")
def api_text(request: HttpRequest, key: str) -> dict:
    """``GET /api/v1/library/texts/<key>?at=``."""
    text = text_get(key=key)
    day = day_param(request.GET, "at") or timezone.localdate()
    return serializers.text_data(
        text, day=day, articles=articles_as_of(text=text, day=day)
    )


@api_view("GET")
def api_article(request: HttpRequest, key: str, number: str) -> dict:
    """``GET /api/v1/library/texts/<key>/articles/<number>?at=``."""
    text = text_get(key=key)
    day = day_param(request.GET, "at") or timezone.localdate()
    article = article_as_of(text=text, number=number, day=day)
    return serializers.article_data(
        text,
        number,
        day=day,
        article=article,
        history=article_history(text=text, number=number),
        citing=citing_documents(reference=article_reference(text.key, number), day=day),
    )
