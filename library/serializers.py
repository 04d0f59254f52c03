"""The library's JSON shapes (``library/openapi.py`` describes them)."""

from __future__ import annotations

import datetime

from library.citations import CitingDocument
from library.models import Article, Procedure, Text, article_reference
from library.selectors import LibraryResults


def _text_summary(text: Text) -> dict:
    return {
        "key": text.key,
        "kind": text.kind,
        "number": text.number,
        "title_fr": text.title_fr,
        "title_ar": text.title_ar,
        "status": text.status,
        "published_on": text.published_on,
        "is_excerpt": text.is_excerpt,
    }


def _wording(article: Article) -> dict:
    return {
        "reference": article.reference,
        "number": article.number,
        "body_fr": article.body_fr,
        "body_ar": article.body_ar,
        "valid_from": article.valid_from,
        "valid_to": article.valid_to,
        "repealed": article.repealed,
        "enacted_by": article.enacted_by.key,
    }


def results_data(results: LibraryResults) -> dict:
    query = results.query
    return {
        "query": query.text,
        "at": query.at,
        "texts": [
            {
                "key": hit.key,
                "kind": hit.kind,
                "number": hit.number,
                "title_fr": hit.title_fr,
                "title_ar": hit.title_ar,
                "status": hit.status,
                "published_on": hit.published_on,
                "is_excerpt": hit.is_excerpt,
            }
            for hit in results.texts
        ],
        "articles": [
            {
                "reference": hit.reference,
                "text": hit.text_key,
                "number": hit.number,
                "valid_from": hit.valid_from,
                "valid_to": hit.valid_to,
                "snippet_html": str(hit.snippet),
            }
            for hit in results.articles
        ],
        "procedures": [
            {
                "key": hit.key,
                "title_fr": hit.title_fr,
                "title_ar": hit.title_ar,
                "title_en": hit.title_en,
            }
            for hit in results.procedures
        ],
    }


def text_data(text: Text, *, day: datetime.date, articles) -> dict:
    return {
        **_text_summary(text),
        "signed_on": text.signed_on,
        "in_force_on": text.in_force_on,
        "repealed_on": text.repealed_on,
        "bulletin": text.bulletin,
        "authority_fr": text.authority_fr,
        "authority_ar": text.authority_ar,
        "pdf_fr": text.pdf_fr.url if text.pdf_fr else None,
        "pdf_ar": text.pdf_ar.url if text.pdf_ar else None,
        "at": day,
        "articles": [_wording(article) for article in articles],
    }


def _citing(citing: CitingDocument) -> dict:
    document = citing.document
    return {
        "agency": document.agency.code,
        "document": document.reference,
        "title_fr": document.title_fr,
        "title_ar": document.title_ar,
        "status": document.status,
        "in_force": citing.in_force,
        "url": citing.url,
        "zones": [
            {"code": zone.code, "label": zone.label, "map_url": zone.map_url or None}
            for zone in citing.zones
        ],
    }


def article_data(
    text: Text,
    number: str,
    *,
    day: datetime.date,
    article,
    history,
    citing: list[CitingDocument],
) -> dict:
    return {
        "reference": article_reference(text.key, number),
        "text": _text_summary(text),
        "at": day,
        "wording": _wording(article) if article else None,
        "history": [_wording(wording) for wording in history],
        "cited_by": [_citing(item) for item in citing],
    }


def _procedure_summary(procedure: Procedure) -> dict:
    return {
        "key": procedure.key,
        "title_fr": procedure.title_fr,
        "title_ar": procedure.title_ar,
        "title_en": procedure.title_en,
    }


def procedures_data(procedures) -> dict:
    return {"procedures": [_procedure_summary(p) for p in procedures]}


def procedure_data(procedure: Procedure) -> dict:
    languages = ("fr", "ar", "en")
    return {
        **_procedure_summary(procedure),
        **{
            f"summary_{lang}": getattr(procedure, f"summary_{lang}")
            for lang in languages
        },
        **{f"fees_{lang}": getattr(procedure, f"fees_{lang}") for lang in languages},
        "delay_days": procedure.delay_days,
        "documents": procedure.documents,
        "steps": [
            {
                "position": step.position,
                **{
                    f"title_{lang}": getattr(step, f"title_{lang}")
                    for lang in languages
                },
                **{f"body_{lang}": getattr(step, f"body_{lang}") for lang in languages},
                "page": step.page_url or None,
            }
            for step in procedure.steps.all()
        ],
        "based_on": [
            {
                "text": basis.text.key,
                "article": basis.article or None,
                "reference": str(basis),
                "url": basis.url,
            }
            for basis in procedure.bases.all()
        ],
    }
