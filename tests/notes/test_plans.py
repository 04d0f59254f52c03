"""The note statements find a point's features through one index probe.

``layers_feature (version_id, geom)`` (GiST with btree_gist, migration
layers/0008) serves the version join and the box together; without it, on a
portal of many agencies, PostgreSQL ANDed a bitmap of every feature of a
version with the spatial index (benchmarks/README.md, ``notes_identify.py``).
"""

from __future__ import annotations

import datetime

from django.db import connection

from notes.sql import IDENTIFY


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
