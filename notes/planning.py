"""What an agency's documents and zone rules say, kept per process.

Every note about an agency's land quotes its documents (titles, acts, dates,
regulation files), the rules of the zones met and the articles of the law they
cite (every wording: a note picks the one of its day). They change only when a
planner edits them, yet building them as JSON in the composition statement
and decoding them again took a fifth of a composition (benchmarks/README.md).
So each web worker keeps them per agency, with the agency itself (its names
and CRS: a note about a clicked parcel reads it from here), against the
catalogue revision that PostgreSQL bumps on any change to agencies,
documents, regulation files, layers, versions, zone rules (``layers/0003``,
``layers/0009``) and the library's texts and articles (``library/0004``).

The composition statement reads that revision in the same snapshot as the
features it measures; ``planning_at`` answers only with what was loaded at
exactly that revision, so a note never mixes the zones of one moment with the
rules of another — the caller composes again instead (``None``). What is kept
is shared between requests: read it, never change it.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading

import orjson

from layers.models import Agency, PlanningDocument, RegulationFile, ZoneRule
from library.models import Article, Text
from notes import sql

_DATE_FIELDS = ("approval_date", "effective_date", "expiry_date")


@dataclasses.dataclass(frozen=True)
class Planning:
    """An agency (its territory deferred), its documents (but drafts and
    annulled ones, latest in force first) with their regulation files, its
    zone rules by (document id, code), and the wordings of the articles they
    cite by reference, oldest first, as of catalogue ``revision``."""

    revision: int
    agency: Agency
    documents: tuple[tuple[PlanningDocument, tuple[RegulationFile, ...]], ...]
    rules: dict[tuple[int, str], ZoneRule]
    articles: dict[str, tuple[Article, ...]]


_kept: dict[int, Planning] = {}
_loading = threading.Lock()


def planning_at(*, agency_id: int, revision: int) -> Planning | None:
    """The agency's planning as of catalogue ``revision``, or None when the
    catalogue has already moved past it (compose again)."""
    kept = _kept.get(agency_id)
    if kept is not None and kept.revision == revision:
        return kept
    with _loading:  # one load per worker, not one per waiting request
        kept = _kept.get(agency_id)
        if kept is None or kept.revision != revision:
            kept = _kept[agency_id] = _load(agency_id)
    return kept if kept.revision == revision else None


def _load(agency_id: int) -> Planning:
    revision, documents, rules, articles, agency = sql.agency_planning(
        agency_id=agency_id
    )
    return Planning(
        revision=revision,
        agency=agency,
        documents=tuple(_document(item) for item in orjson.loads(documents)),
        rules={
            (rule.document_id, rule.code): rule
            for rule in map(_rule, orjson.loads(rules))
        },
        articles=_articles(orjson.loads(articles)),
    )


def _articles(items: list[dict]) -> dict[str, tuple[Article, ...]]:
    """The wordings by reference (in the statement's order: oldest first),
    each with its text, one Text per key."""
    texts: dict[str, Text] = {}
    wordings: dict[str, list[Article]] = {}
    for item in items:
        key = item["key"]
        text = texts.get(key)
        if text is None:
            text = texts[key] = Text(
                key=key,
                kind=item["kind"],
                number=item["text_number"],
                title_fr=item["title_fr"],
                title_ar=item["title_ar"],
                is_excerpt=item["is_excerpt"],
            )
        valid_to = item["valid_to"]
        wordings.setdefault(item["reference"], []).append(
            Article(
                text=text,
                number=item["number"],
                body_fr=item["body_fr"],
                body_ar=item["body_ar"],
                valid_from=datetime.date.fromisoformat(item["valid_from"]),
                valid_to=datetime.date.fromisoformat(valid_to) if valid_to else None,
                repealed=item["repealed"],
            )
        )
    return {reference: tuple(found) for reference, found in wordings.items()}


def _document(item: dict) -> tuple[PlanningDocument, tuple[RegulationFile, ...]]:
    fields = dict(item)
    files = tuple(RegulationFile(**file) for file in fields.pop("regulation_files"))
    for name in _DATE_FIELDS:
        if fields[name]:
            fields[name] = datetime.date.fromisoformat(fields[name])
    return PlanningDocument(**fields), files


def _rule(item: dict) -> ZoneRule:
    fields = dict(item)
    path = fields.pop("regulation_file")
    return ZoneRule(
        **fields, regulation_file=RegulationFile(file=path) if path else None
    )
