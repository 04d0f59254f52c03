"""What an agency's documents and zone rules say, kept per process.

Every note about an agency's land quotes its documents (titles, acts, dates,
regulation files) and the rules of the zones met. They change only when a
planner edits them, yet building them as JSON in the composition statement
and decoding them again took a fifth of a composition (benchmarks/README.md).
So each web worker keeps them per agency, against the catalogue revision that
PostgreSQL bumps on any change to agencies, documents, regulation files,
layers, versions and zone rules (``layers/0003``, ``layers/0009``).

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

from layers.models import PlanningDocument, RegulationFile, ZoneRule
from notes import sql

_DATE_FIELDS = ("approval_date", "effective_date", "expiry_date")


@dataclasses.dataclass(frozen=True)
class Planning:
    """An agency's documents (but drafts and annulled ones, latest in force
    first) with their regulation files, and its zone rules by (document id,
    code), as of catalogue ``revision``."""

    revision: int
    documents: tuple[tuple[PlanningDocument, tuple[RegulationFile, ...]], ...]
    rules: dict[tuple[int, str], ZoneRule]


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
    revision, documents, rules = sql.agency_planning(agency_id=agency_id)
    return Planning(
        revision=revision,
        documents=tuple(_document(item) for item in orjson.loads(documents)),
        rules={
            (rule.document_id, rule.code): rule
            for rule in map(_rule, orjson.loads(rules))
        },
    )


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
