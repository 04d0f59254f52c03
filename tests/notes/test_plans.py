"""The note statements' plans: a point's features found through one index
probe, a note's uncovered part measured once, a long statement converted once.

``layers_feature (version_id, geom)`` (GiST with btree_gist, migration
layers/0008) serves the version join and the box together; without it, on a
portal of many agencies, PostgreSQL ANDed a bitmap of every feature of a
version with the spatial index (benchmarks/README.md, ``notes_identify.py``).
"""

from __future__ import annotations

import datetime

from django.db import connection

from core.db import statement_compact
from notes.sql import COMPOSE, COMPOSE_AT_POINT, IDENTIFY


def test_the_version_and_geometry_index_exists(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'layers_feature'"
            " AND indexname = 'feature_version_geom'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gist (version_id, geom)" in definition


def test_identify_probes_features_by_version_and_box(site):
    at = datetime.datetime.now(datetime.UTC)
    params = {"lon": -6.87, "lat": 33.95, "day": at.date(), "at": at}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE layers_feature")
        # The site is tiny: without this PostgreSQL would read whole tables.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + IDENTIFY, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "using feature_version_geom on layers_feature" in plan.lower(), plan


def test_a_click_finds_its_cell_through_the_index_alone(site):
    # Inside identify's and compose's plans, on a national database, the
    # probe of a parcel partition is estimated so dear that scanning every
    # cell or probing the B-tree cost the same within the planner's 1 %, and
    # the scan, cheaper to start, won (0.25 ms a click at 6,802 cells): the
    # look-up is planned on its own (notes.sql._REACH), where the B-tree wins.
    # Test data cannot make a partition look that dear, so the test asserts
    # both: the B-tree, in a plan of its own.
    from parcels.models import ParcelCell

    agency_id = ParcelCell.objects.values_list("agency_id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO parcels_parcelcell (x, y, agency_id)"
            " SELECT x, y, %s FROM generate_series(1000, 1099) AS x,"
            " generate_series(2000, 2069) AS y",
            [agency_id],
        )
        cursor.execute("ANALYZE parcels_parcelcell")
    at = datetime.datetime.now(datetime.UTC)
    params = {"lon": -6.8495, "lat": 33.9502, "day": at.date(), "at": at}
    for statement in (IDENTIFY, COMPOSE_AT_POINT):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement, params)
            (plan,) = cursor.fetchone()[0]
        [reach] = [
            node
            for node in _nodes(plan["Plan"])
            if node.get("Subplan Name") == "CTE reach"
        ]
        cells = [
            node
            for node in _nodes(reach)
            if node.get("Relation Name") == "parcels_parcelcell"
        ]
        assert [node.get("Index Name") for node in cells] == ["parcel_cell_unique"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def test_a_clicks_uncovered_part_is_computed_once(site):
    # TF 100/07 lies across two zones: the note measures what neither covers
    # (a union and a difference of the zones), once, however many layer
    # versions the note lists. Inlined in the final join, it ran once per
    # version (benchmarks/README.md).
    at = datetime.datetime.now(datetime.UTC)
    params = {"lon": -6.8495, "lat": 33.9502, "day": at.date(), "at": at}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + COMPOSE_AT_POINT, params)
        (plan,) = cursor.fetchone()[0]
    nodes = list(_nodes(plan["Plan"]))
    versions = [node for node in nodes if node.get("CTE Name") == "versions"]
    assert max(node["Actual Rows"] for node in versions) > 1  # several versions
    subplans = [
        node for node in nodes if node.get("Subplan Name", "").startswith("SubPlan")
    ]
    assert subplans, plan
    assert [node["Actual Loops"] for node in subplans] == [1] * len(subplans)


def test_the_composition_statements_keep_their_conversion(db):
    # psycopg converts a statement's placeholders on every execution and keeps
    # the conversion only up to its cache's limit: the commented statement
    # (6.7 KB) was converted again at every click (benchmarks/README.md).
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

    for statement in (COMPOSE, COMPOSE_AT_POINT):
        assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH
        assert "--" not in statement


def test_a_compacted_statement_answers_as_written(db):
    # Comments and indentation go; literals, even holding "--" or two spaces,
    # stay as written.
    written = """
    SELECT 'a  -- b' AS "two  words",  -- a comment
           n + 1
    FROM (VALUES (1)) AS one (n)  -- another
    """
    compact = statement_compact(written)
    assert compact == (
        """SELECT 'a  -- b' AS "two  words", n + 1 FROM (VALUES (1)) AS one (n)"""
    )
    with connection.cursor() as cursor:
        cursor.execute(written)
        expected = cursor.fetchall()
        cursor.execute(compact)
        assert cursor.fetchall() == expected == [("a  -- b", 2)]
