"""The raw SQL of vector tiles: one fixed, parameterised ``ST_AsMVT`` query per
kind of tile set, so PostgreSQL can prepare each once per connection.

GeoDjango cannot express ``ST_AsMVT`` over a subquery; this module is the only
place where tile SQL lives. Features are selected on the indexed, generated
``geom_3857`` column with the tile envelope (``&&``), clipped by
``ST_AsMVTGeom`` with a 64-unit buffer (of 4,096) so outlines do not show the
tile seams. (No ``WHERE geom IS NOT NULL`` outside: PostgreSQL would push it
down and clip every feature twice; ``ST_AsMVT`` skips empty geometries itself.)
"""

from __future__ import annotations

from core import db
from core.replicas import read_connection
from layers.in_force import in_force_params, in_force_sql

# Tiles are 4,096 units wide with a 64-unit buffer (literals in the SQL).
# Zones of one layer version; the category (which drives colours) is the
# feature's own, else the one of the document's rule for the zone code. Labels
# stay out: the map asks identify for them, and they weigh ~10 % of a tile.
ZONING_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS geom),
tile AS (
  SELECT f.id,
         f.code,
         COALESCE(NULLIF(f.category, ''), r.category, 'other') AS category,
         ST_AsMVTGeom(f.geom_3857, bounds.geom, 4096, 64, true) AS geom
  FROM layers_feature f
  CROSS JOIN bounds
  LEFT JOIN layers_zonerule r
    ON r.document_id = %(document)s AND r.code = f.code
  WHERE f.version_id = %(version)s AND f.geom_3857 && bounds.geom
)
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM tile
"""

# Overlays of one layer version: the overlay type is the layer's.
OVERLAY_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS geom),
tile AS (
  SELECT f.id,
         f.code,
         f.label_fr,
         f.label_ar,
         %(overlay_type)s::text AS overlay_type,
         ST_AsMVTGeom(f.geom_3857, bounds.geom, 4096, 64, true) AS geom
  FROM layers_feature f
  CROSS JOIN bounds
  WHERE f.version_id = %(version)s AND f.geom_3857 && bounds.geom
)
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM tile
"""

# Reference data (streets, neighbourhoods, landmarks) of one layer version,
# with their names: the map labels them. An area's label point (inside it, in
# Web Mercator metres) lets the map name it once, in the tile holding that
# point, rather than in every tile it covers.
REFERENCE_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS geom),
tile AS (
  SELECT f.id,
         f.code,
         f.label_fr,
         f.label_ar,
         %(reference_type)s::text AS reference_type,
         CASE WHEN ST_Dimension(f.geom_3857) = 2
              THEN round(ST_X(ST_PointOnSurface(f.geom_3857))::numeric, 1)::float8
         END AS anchor_x,
         CASE WHEN ST_Dimension(f.geom_3857) = 2
              THEN round(ST_Y(ST_PointOnSurface(f.geom_3857))::numeric, 1)::float8
         END AS anchor_y,
         ST_AsMVTGeom(f.geom_3857, bounds.geom, 4096, 64, true) AS geom
  FROM layers_feature f
  CROSS JOIN bounds
  WHERE f.version_id = %(version)s AND f.geom_3857 && bounds.geom
)
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM tile
"""

# Parcels of one agency.
PARCELS_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS geom),
tile AS (
  SELECT p.id,
         p.reference,
         ST_AsMVTGeom(p.geom_3857, bounds.geom, 4096, 64, true) AS geom
  FROM parcels_parcel p
  CROSS JOIN bounds
  WHERE p.agency_id = %(agency)s AND p.geom_3857 && bounds.geom
    AND p.retired_at IS NULL
)
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM tile
"""


# What a cached tile set of a published version depends on, read in one round
# trip by primary keys (see tiles.catalog), with whether the version is public
# and in force now (the rule's SQL form, ``layers.in_force``).
VERSION_STATE_SQL = f"""
SELECT v.status, d.status, a.code, d.reference, l.name, l.kind, l.overlay_type,
       l.reference_type, v.layer_id, l.document_id, d.agency_id,
       coalesce({in_force_sql(document="d", version="v")}, false)
FROM layers_layerversion v
JOIN layers_layer l ON l.id = v.layer_id
JOIN layers_planningdocument d ON d.id = l.document_id
JOIN layers_agency a ON a.id = d.agency_id
WHERE v.id = %(version)s
"""  # noqa: S608


def version_state(version_id: int) -> tuple | None:
    """(version status, document status, agency code, document reference, layer
    name, layer kind, overlay type, reference type, layer id, document id,
    agency id, public and in force now) of a version, or None if it is gone."""
    with read_connection().cursor() as cursor:
        cursor.execute(VERSION_STATE_SQL, {"version": version_id, **in_force_params()})
        return cursor.fetchone()


def _layer_query(
    *,
    kind: str,
    version_id: int,
    document_id: int,
    overlay_type: str,
    reference_type: str,
    layer: str,
    z: int,
    x: int,
    y: int,
) -> tuple[str, dict]:
    """The tile query of a zoning, overlay or reference version, and its
    parameters."""
    if kind == "zoning":
        query, params = ZONING_SQL, {"document": document_id}
    elif kind == "reference":
        query, params = REFERENCE_SQL, {"reference_type": reference_type}
    else:
        query, params = OVERLAY_SQL, {"overlay_type": overlay_type}
    return query, params | {
        "version": version_id,
        "layer": layer,
        "z": z,
        "x": x,
        "y": y,
    }


def layer_tile(**tile) -> bytes:
    """The MVT bytes of a zoning or overlay version's tile (maybe b""); the
    arguments of ``_layer_query``."""
    return _fetch_tile(*_layer_query(**tile))


def layer_tile_checked(**tile) -> tuple[tuple | None, bytes]:
    """The version's state (as ``version_state``) and ``layer_tile``, in one
    round trip (a psycopg pipeline)."""
    query, params = _layer_query(**tile)
    with db.server_cursor() as state, db.server_cursor() as cursor:
        with state.connection.pipeline():
            state.execute(
                VERSION_STATE_SQL,
                {"version": params["version"], **in_force_params()},
                prepare=db.prepare(),
            )
            cursor.execute(query, params, prepare=db.prepare(), binary=True)
        return state.fetchone(), _tile_of(cursor.fetchone())


def _fetch_tile(sql: str, params: dict) -> bytes:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return _tile_of(cursor.fetchone())


def _tile_of(row) -> bytes:
    return bytes(row[0]) if row and row[0] is not None else b""


def parcels_tile(*, agency_id: int, layer: str, z: int, x: int, y: int) -> bytes:
    """Return the MVT bytes of the agency's parcels in tile z/x/y (maybe b"")."""
    return _fetch_tile(
        PARCELS_SQL, {"agency": agency_id, "layer": layer, "z": z, "x": x, "y": y}
    )
