"""The raw SQL of note composition: fixed statements with parameters.

Raw SQL is the right tool here: each statement is one round trip that GeoDjango
would split into several (point → parcel → zones with ellipsoidal areas), and
being fixed text, psycopg prepares it once per connection when
``DATABASE_PREPARED=true``. Geometries are EPSG:4326; ``ST_Intersects`` uses the
GiST indexes on ``geom``; areas are on the ellipsoid (``geography``).

Every statement keeps the layer versions public and in force on a day and at an
instant with the one SQL form of the rule, ``layers.in_force.in_force_sql``,
inlined (so each statement stays one prepared round trip).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Model

from core.db import statement_compact
from core.replicas import read_connection
from layers.in_force import in_force_sql
from layers.models import Agency
from parcels.models import Parcel

# The layer versions in force at %(at)s of the documents of agency %(agency)s
# in force on %(day)s.
# Only module constants are interpolated into these statements, never input.
_VERSIONS_IN_FORCE = f"""
  SELECT v.id AS version_id, v.number, v.valid_from, l.id AS layer_id,
         l.name AS layer, l.title_fr, l.title_ar, l.kind, l.overlay_type,
         l.geometry_type, l.position, l.document_id,
         -- What a planner accepted when publishing despite errors, or NULL.
         nullif(v.errors_accepted, '{{}}'::jsonb)::json AS errors_accepted
  FROM layers_layerversion v
  JOIN layers_layer l ON l.id = v.layer_id
  JOIN layers_planningdocument d ON d.id = l.document_id
  WHERE d.agency_id = %(agency)s
    AND {in_force_sql(document="d", version="v")}
"""  # noqa: S608

# The agencies with a parcel in the cell of 0.01° of the point ``pt``
# (``ParcelCell``, a B-tree look-up): a click's parcels are looked for in
# those agencies' partitions only (parcels are partitioned by agency, parcels
# migration 0007) — mostly one, the agency whose territory holds the point,
# and also the one whose parcel sticks out of its territory there. The cell
# comes from sub-selects, unknown when planning: joined to ``pt`` the
# planner scanned every cell, and computed from the parameters it made each
# point's plan look so much cheaper than the generic one that a prepared
# statement was planned again at every click (1.2 ms). MATERIALIZED: planned
# on its own, by the B-tree; inside identify's and compose's plans, the
# planner scanned every cell instead (0.25 ms of a 0.95 ms identify at the
# national database's 6,802 cells).
_REACH = """reach AS MATERIALIZED (
  SELECT c.agency_id AS id FROM parcels_parcelcell c
  WHERE c.x = (SELECT parcels_cell(ST_X(g)) FROM pt)
    AND c.y = (SELECT parcels_cell(ST_Y(g)) FROM pt)
)"""

# The current parcels of agency ``t.id`` holding the point ``pt``, for a
# LATERAL join: a nested loop that probes one partition per agency (pruned
# when it runs). OFFSET 0 keeps it a subquery: pulled up into the join, the
# planner could scan every partition and join afterwards.
_PARCELS_OF_AGENCY_AT_POINT = """
    SELECT p.* FROM parcels_parcel p, pt
    WHERE p.agency_id = t.id AND ST_Intersects(p.geom, pt.g)
      AND p.retired_at IS NULL
    OFFSET 0
  """


IDENTIFY = f"""
WITH pt AS (
  SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g
), {_REACH}, parcel AS (
  SELECT p.id, p.agency_id, p.reference, p.official_area_m2, p.geom,
         ST_Area(p.geom::geography) AS area,
         -- How many parcels overlap here (counted before the LIMIT).
         count(*) OVER () AS hits
  FROM reach t
  CROSS JOIN LATERAL ({_PARCELS_OF_AGENCY_AT_POINT}) p
  ORDER BY p.id + 0  -- "+ 0": never walk the primary key to find the point
  LIMIT 1
), agency AS (
  SELECT a.id, a.code, a.name_fr, a.name_ar
  FROM layers_agency a
  WHERE a.id = coalesce(
    (SELECT agency_id FROM parcel),
    -- On no parcel: the agency whose territory holds the point.
    (SELECT t.id FROM layers_agency t, pt
     WHERE ST_Intersects(t.territory, pt.g) ORDER BY t.id LIMIT 1))
), subject AS (
  SELECT coalesce((SELECT geom FROM parcel), (SELECT g FROM pt)) AS g
), versions AS (
  {_VERSIONS_IN_FORCE.replace("%(agency)s", "(SELECT id FROM agency)")}
    AND l.kind = 'zoning'
), zones AS (
  SELECT versions.layer, versions.position, f.code, f.label_fr, f.label_ar,
         -- Most parcels lie in one zone: then the piece is the parcel itself.
         CASE WHEN ST_Covers(f.geom, subject.g)
              THEN (SELECT area FROM parcel)
              ELSE ST_Area(ST_Intersection(f.geom, subject.g)::geography) END
           AS area
  FROM subject
  JOIN layers_feature f ON ST_Intersects(f.geom, subject.g)
  JOIN versions ON versions.version_id = f.version_id
)
SELECT agency.code, agency.name_fr, agency.name_ar,
       parcel.reference, parcel.area, parcel.official_area_m2, parcel.hits,
       zones.layer, zones.code, zones.label_fr, zones.label_ar, zones.area
FROM (SELECT 1) AS one
LEFT JOIN agency ON true
LEFT JOIN parcel ON true
LEFT JOIN zones ON true
ORDER BY zones.position, zones.layer, zones.area DESC NULLS LAST
"""  # noqa: S608


def _compose(*, subject: str, agency: str, columns: str = "", joins: str = "") -> str:
    """The composition statement about the subject that the CTEs ``subject``
    (one row: ``g``, ``area``) ends, of the agency whose id is the SQL
    expression ``agency``; ``columns`` and ``joins`` add to each row.

    Only module constants make its text, never input.
    """
    return f"""
WITH {subject}, versions AS (
  -- Reference data (streets, neighbourhoods) gives bearings, prescribes nothing.
  {_VERSIONS_IN_FORCE.replace("%(agency)s", agency)}
    AND l.kind <> 'reference'
), hits AS (
  SELECT versions.version_id, f.id AS feature_id, f.code, f.label_fr, f.label_ar,
         f.category,
         CASE WHEN ST_Dimension(f.geom) <> 2 THEN NULL
              -- A subject inside one feature: the piece is the subject itself.
              WHEN ST_Covers(f.geom, subject.g) THEN subject.area
              ELSE ST_Area(ST_Intersection(f.geom, subject.g)::geography) END
           AS area,
         CASE WHEN ST_Dimension(f.geom) = 1
              THEN ST_Length(ST_Intersection(f.geom, subject.g)::geography) END
           AS length,
         f.geom
  FROM subject
  JOIN layers_feature f ON ST_Intersects(f.geom, subject.g)
  JOIN versions ON versions.version_id = f.version_id
), coverage AS MATERIALIZED (
  -- What no zone of a zoning version covers (zones may overlap: a union). The
  -- union is made only when no zone covers the whole subject: an aggregate
  -- beside bool_or would be made for every version, needed or not.
  -- MATERIALIZED: inlined, it sat inside the join below and made its union
  -- and difference again for every layer version of the note.
  SELECT met.version_id,
         CASE WHEN met.covered THEN 0.0
              ELSE (SELECT ST_Area(ST_Difference(subject.g, ST_Union(h.geom))
                                   ::geography)
                    FROM hits AS h WHERE h.version_id = met.version_id)
         END AS outside
  FROM (
    SELECT hits.version_id, bool_or(hits.area = subject.area) AS covered
    FROM hits JOIN versions USING (version_id), subject
    WHERE versions.kind = 'zoning'
    GROUP BY hits.version_id
  ) AS met, subject
), others AS (
  -- The part of the subject in other agencies' territories (usually none:
  -- the index answers without computing any intersection).
  SELECT coalesce(sum(ST_Area(ST_Intersection(a.territory, subject.g)::geography)),
                  0) AS area
  FROM layers_agency a, subject
  WHERE a.id <> {agency} AND ST_Intersects(a.territory, subject.g)
), documents AS (
  -- The agency's documents concerning the subject, whatever their status but
  -- drafts and annulled ones (in force or not is decided on the day asked);
  -- reference data (streets, neighbourhoods) is no planning document. Their
  -- ids: what they say comes from notes.planning, kept per process.
  SELECT coalesce(array_agg(d.id), '{{}}') AS ids
  FROM layers_planningdocument d, subject
  WHERE d.agency_id = {agency}
    AND d.status NOT IN ('draft', 'annulled')
    AND d.kind <> 'reference'
    AND (d.perimeter IS NULL OR ST_Intersects(d.perimeter, subject.g))
)
SELECT subject.area AS subject_area, others.area AS others_area,
       documents.ids AS documents,
       -- The revision of what the documents and rules say, read in the same
       -- snapshot as the rest (see notes.planning).
       (SELECT revision FROM layers_catalogue_revision) AS revision,
       versions.version_id, versions.number, versions.valid_from,
       versions.layer_id, versions.layer, versions.title_fr, versions.title_ar,
       versions.kind, versions.overlay_type, versions.geometry_type,
       versions.position, versions.document_id,
       hits.feature_id, hits.code, hits.label_fr, hits.label_ar, hits.category,
       hits.area, hits.length, coverage.outside, versions.errors_accepted{columns}
FROM subject
CROSS JOIN others
CROSS JOIN documents{joins}
LEFT JOIN versions ON true
LEFT JOIN hits ON hits.version_id = versions.version_id
LEFT JOIN coverage ON coverage.version_id = versions.version_id
ORDER BY versions.position, versions.layer, hits.area DESC NULLS LAST,
         hits.length DESC NULLS LAST, hits.code
"""  # noqa: S608


COMPOSE = statement_compact(
    _compose(
        subject="""subject AS (
  SELECT g, ST_Area(g::geography) AS area
  FROM (SELECT ST_SetSRID(ST_GeomFromWKB(%(wkb)s), 4326) AS g) AS given
)""",
        agency="%(agency)s",
    )
)

# An agency as a note reads it: its territory, a large geometry, is left
# deferred (it loads on access).
_AGENCY_FIELDS = tuple(
    f for f in Agency._meta.concrete_fields if f.attname != "territory"
)

# What an agency's documents and zone rules say, and the articles of the law
# the rules cite, with the agency itself and the catalogue revision of the
# same snapshot: loaded by notes.planning when the revision moves on.
AGENCY_PLANNING = f"""
SELECT (SELECT revision FROM layers_catalogue_revision),
  (SELECT coalesce(json_agg(json_build_object(
           'id', d.id, 'reference', d.reference, 'kind', d.kind,
           'title_fr', d.title_fr, 'title_ar', d.title_ar, 'status', d.status,
           'approval_act', d.approval_act, 'approval_date', d.approval_date,
           'bulletin_reference', d.bulletin_reference,
           'effective_date', d.effective_date, 'expiry_date', d.expiry_date,
           'regulation_files', (
             SELECT coalesce(json_agg(json_build_object(
                      'title_fr', r.title_fr, 'title_ar', r.title_ar,
                      'language', r.language, 'file', r.file)
                    ORDER BY r.title_fr), '[]'::json)
             FROM layers_regulationfile r WHERE r.document_id = d.id))
         ORDER BY d.effective_date DESC NULLS LAST, d.reference), '[]'::json)
   FROM layers_planningdocument d
   WHERE d.agency_id = %(agency)s AND d.status NOT IN ('draft', 'annulled'))::text,
  (SELECT coalesce(json_agg(json_build_object(
           'document_id', z.document_id, 'code', z.code,
           'label_fr', z.label_fr, 'label_ar', z.label_ar,
           'category', z.category, 'allowed_uses', z.allowed_uses,
           'forbidden_uses', z.forbidden_uses, 'max_height_m', z.max_height_m,
           'floors_above_ground', z.floors_above_ground, 'cos', z.cos,
           'ces', z.ces, 'min_plot_area_m2', z.min_plot_area_m2,
           'min_frontage_m', z.min_frontage_m,
           'setback_road_m', z.setback_road_m,
           'setback_side_m', z.setback_side_m,
           'setback_rear_m', z.setback_rear_m, 'parking_fr', z.parking_fr,
           'parking_ar', z.parking_ar, 'articles', z.articles,
           'citations', z.citations,
           'excerpt_fr', z.excerpt_fr, 'excerpt_ar', z.excerpt_ar,
           'regulation_file', f.file)), '[]'::json)
   FROM layers_zonerule z
   JOIN layers_planningdocument d ON d.id = z.document_id
   LEFT JOIN layers_regulationfile f ON f.id = z.regulation_file_id
   WHERE d.agency_id = %(agency)s AND d.status NOT IN ('draft', 'annulled'))::text,
  (SELECT coalesce(json_agg(json_build_object(
           'reference', c.reference, 'key', t.key, 'kind', t.kind,
           'text_number', t.number, 'title_fr', t.title_fr,
           'title_ar', t.title_ar, 'is_excerpt', t.is_excerpt,
           'number', a.number, 'body_fr', a.body_fr, 'body_ar', a.body_ar,
           'valid_from', a.valid_from, 'valid_to', a.valid_to,
           'repealed', a.repealed)
         ORDER BY c.reference, a.valid_from), '[]'::json)
   FROM (SELECT DISTINCT unnest(z.citations) AS reference
         FROM layers_zonerule z
         JOIN layers_planningdocument d ON d.id = z.document_id
         WHERE d.agency_id = %(agency)s
           AND d.status NOT IN ('draft', 'annulled')) c
   JOIN library_text t ON t.key = split_part(c.reference, ':art-', 1)
   JOIN library_article a
     ON a.text_id = t.id AND a.number = split_part(c.reference, ':art-', 2))::text,
  {", ".join(f"agency.{field.column}" for field in _AGENCY_FIELDS)}
FROM layers_agency agency
WHERE agency.id = %(agency)s
"""  # noqa: S608


def agency_planning(*, agency_id: int) -> tuple[int, str, str, str, Agency]:
    """(catalogue revision, documents JSON, zone rules JSON, JSON of every
    wording of the library's articles the rules cite, the agency) of the
    agency's documents but drafts and annulled ones, from one snapshot."""
    with read_connection().cursor() as cursor:
        cursor.execute(AGENCY_PLANNING, {"agency": agency_id})
        row = cursor.fetchone()
    return (*row[:4], _instance(Agency, _AGENCY_FIELDS, row[4:]))


AGENCIES_UNDER = """
WITH subject AS (SELECT ST_SetSRID(ST_GeomFromWKB(%(wkb)s), 4326) AS g)
SELECT a.id,
       ST_Area(ST_Intersection(a.territory, subject.g)::geography) AS area
FROM layers_agency a, subject
WHERE ST_Intersects(a.territory, subject.g)
ORDER BY area DESC, a.id
"""


@dataclasses.dataclass(frozen=True)
class IdentifyRow:
    agency_code: str | None
    agency_name_fr: str | None
    agency_name_ar: str | None
    parcel_reference: str | None
    parcel_area: float | None
    parcel_official_area: Decimal | None
    parcel_hits: int | None  # how many parcels overlap at the point
    layer: str | None
    code: str | None
    label_fr: str | None
    label_ar: str | None
    area: float | None


class ComposeRow(NamedTuple):
    """A row of a composition statement. A named tuple, not a frozen
    dataclass: a note reads a handful to dozens of rows, and a frozen
    dataclass sets each of its 25 fields through ``object.__setattr__``
    (4 µs a row against 0.5)."""

    subject_area: float
    others_area: float  # m² of the subject inside other agencies' territories
    documents: list[int]  # ids of the agency's documents concerning the subject
    revision: int  # the catalogue revision the statement saw
    version_id: int | None
    version_number: int | None
    valid_from: datetime.datetime | None
    layer_id: int | None
    layer: str | None
    layer_title_fr: str | None
    layer_title_ar: str | None
    layer_kind: str | None
    overlay_type: str | None
    geometry_type: str | None
    position: int | None
    document_id: int | None
    feature_id: int | None
    code: str | None
    label_fr: str | None
    label_ar: str | None
    category: str | None
    area: float | None
    length: float | None
    outside: float | None  # zoning versions: subject area no zone covers
    errors_accepted: dict | None  # published despite errors: what was accepted


def identify_rows(
    *, lon: float, lat: float, day: datetime.date, at: datetime.datetime
) -> list[IdentifyRow]:
    """Point → parcel → zones in one round trip; at least one row (maybe empty)."""
    with read_connection().cursor() as cursor:
        cursor.execute(IDENTIFY, {"lon": lon, "lat": lat, "day": day, "at": at})
        return [IdentifyRow(*row) for row in cursor.fetchall()]


def compose_rows(
    *, wkb: bytes, agency_id: int, day: datetime.date, at: datetime.datetime
) -> list[ComposeRow]:
    """Every layer version in force and each of its features meeting the subject.

    One row per (version, feature); a version with no feature there gives one row
    with empty feature columns; no version at all gives one row with the area.
    """
    with read_connection().cursor() as cursor:
        cursor.execute(COMPOSE, {"wkb": wkb, "agency": agency_id, "day": day, "at": at})
        return _compose_rows(cursor.fetchall())


_COMPOSE_WIDTH = len(ComposeRow._fields)


def _compose_rows(rows: list[tuple]) -> list[ComposeRow]:
    """The statement's rows as ComposeRow."""
    return [ComposeRow._make(row[:_COMPOSE_WIDTH]) for row in rows]


def agencies_under(*, wkb: bytes) -> list[tuple[int, float]]:
    """(agency id, area of the subject inside its territory in m²), largest first."""
    with read_connection().cursor() as cursor:
        cursor.execute(AGENCIES_UNDER, {"wkb": wkb})
        return list(cursor.fetchall())


# Point → parcels with their agency, as ``Parcel.objects.select_related("agency")
# .filter(geom__intersects=point)`` reads them, but fixed text: prepared once per
# connection and not compiled by the ORM on every request (≈ 0.3 ms of compose).
# The parcel's Web Mercator copy and the agency's territory are left deferred
# (the note reads neither; they load on access). No ORDER BY … LIMIT: the
# planner would walk the primary key instead of the spatial index.
_PARCEL_FIELDS = tuple(
    f for f in Parcel._meta.concrete_fields if f.attname != "geom_3857"
)
PARCELS_AT_POINT = f"""
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g),
{_REACH}
SELECT {", ".join(f"p.{field.column}" for field in _PARCEL_FIELDS)},
       {", ".join(f"a.{field.column}" for field in _AGENCY_FIELDS)}
FROM reach t
CROSS JOIN LATERAL ({_PARCELS_OF_AGENCY_AT_POINT}) p
JOIN layers_agency a ON a.id = p.agency_id
"""  # noqa: S608


# The parcel at a point and the composition about it in one round trip: what
# ``parcels_at_point`` then ``compose_rows`` return, the parcel (the first by id)
# appended to one of the rows, NULL in the others (sent and decoded in every
# row, they cost a sixth of the statement), after how many parcels overlap at
# the point (a note is refused when several do). No parcel there: no row.
# Only the parcel's columns a note reads (the others are deferred: they load on
# access); its agency comes from notes.planning, kept at the same revision.
# Compacted: psycopg keeps the conversion of statements up to 4 KB only.
_NOTE_PARCEL_FIELDS = tuple(
    Parcel._meta.get_field(name)
    for name in ("id", "agency", "reference", "official_area_m2", "geom")
)
COMPOSE_AT_POINT = statement_compact(
    _compose(
        # The point as a materialised CTE, not a constant: else the plan of
        # each point's parameters would look so much cheaper than the generic
        # one that PostgreSQL would plan this long statement again on every
        # execution.
        subject=f"""pt AS MATERIALIZED (
  SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g
), {_REACH}, parcel AS (
  SELECT {", ".join(f"p.{f.column} AS p_{f.column}" for f in _NOTE_PARCEL_FIELDS)},
         count(*) OVER () AS hits
  FROM reach t
  CROSS JOIN LATERAL ({_PARCELS_OF_AGENCY_AT_POINT}) p
  ORDER BY p.id + 0  -- "+ 0": never walk the primary key to find the point
  LIMIT 1
), subject AS (
  SELECT p_geom AS g, ST_Area(p_geom::geography) AS area FROM parcel
)""",  # noqa: S608
        agency="(SELECT p_agency_id FROM parcel)",
        columns=", parcel.hits"
        + "".join(
            f", CASE WHEN row_number() OVER () = 1 THEN parcel.p_{f.column} END"
            for f in _NOTE_PARCEL_FIELDS
        ),
        joins="\nCROSS JOIN parcel",
    )
)


@functools.cache
def _reading(model: type[Model], fields: tuple) -> tuple[list, list[str]]:
    """(column, converters) of each of ``fields`` as the ORM reads them, and
    their attribute names: the same for every row, so built once."""
    columns = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        )
        columns.append((column, converters))
    return columns, [field.attname for field in fields]


def _instance(model: type[Model], fields: tuple, values) -> Model:
    """A model instance from raw column values, converted as the ORM would."""
    columns, names = _reading(model, fields)
    converted = []
    for (column, converters), value in zip(columns, values, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


def _parcel(values) -> Parcel:
    """A parcel with its agency from the columns of both, in that order."""
    split = len(_PARCEL_FIELDS)
    parcel = _instance(Parcel, _PARCEL_FIELDS, values[:split])
    parcel.agency = _instance(Agency, _AGENCY_FIELDS, values[split:])
    return parcel


def parcels_at_point(*, lon: float, lat: float) -> list[Parcel]:
    """The parcels containing the point (EPSG:4326), their agency loaded."""
    with read_connection().cursor() as cursor:
        cursor.execute(PARCELS_AT_POINT, {"lon": lon, "lat": lat})
        return [_parcel(row) for row in cursor.fetchall()]


@dataclasses.dataclass(frozen=True)
class PointComposition:
    """``compose_at_point``'s answer: the first parcel (by id) at the point
    (its agency not loaded), how many parcels overlap there, and the rows."""

    parcel: Parcel | None
    hits: int
    rows: list[ComposeRow]


def compose_at_point(
    *, lon: float, lat: float, day: datetime.date, at: datetime.datetime
) -> PointComposition:
    """The first parcel (by id) containing the point (EPSG:4326), with only
    the fields a note reads, and ``compose_rows`` about it, in one round
    trip; no parcel and no rows when no parcel contains the point."""
    with read_connection().cursor() as cursor:
        cursor.execute(COMPOSE_AT_POINT, {"lon": lon, "lat": lat, "day": day, "at": at})
        rows = cursor.fetchall()
    if not rows:
        return PointComposition(parcel=None, hits=0, rows=[])
    # The row that carries the parcel: its id is never NULL.
    carrier = next(row for row in rows if row[_COMPOSE_WIDTH + 1] is not None)
    return PointComposition(
        parcel=_instance(Parcel, _NOTE_PARCEL_FIELDS, carrier[_COMPOSE_WIDTH + 1 :]),
        hits=carrier[_COMPOSE_WIDTH],
        rows=_compose_rows(rows),
    )


NEXT_NOTE_NUMBER = """
INSERT INTO notes_notesequence (agency_id, year, last)
VALUES (%(agency)s, %(year)s, 1)
ON CONFLICT (agency_id, year)
DO UPDATE SET last = notes_notesequence.last + 1
RETURNING last
"""


def next_note_number(*, agency_id: int, year: int) -> int:
    """The next number of the agency's notes in ``year``, safe under concurrency.

    The upsert takes a row lock until the transaction ends, so two issuers never
    get the same number, and a rolled-back issue gives its number back.
    """
    with read_connection().cursor() as cursor:
        cursor.execute(NEXT_NOTE_NUMBER, {"agency": agency_id, "year": year})
        return cursor.fetchone()[0]
