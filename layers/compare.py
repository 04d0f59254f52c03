"""What publishing (or rolling back to) a version would change: its features
against the current version's, and its zone rules against the document's.

Features are matched by zone code (else their source id), several features of
a code counting as one. PostgreSQL compares them in one statement: a key only
in the version is *added*, only in the current one *removed*; in both, it is
*changed* when the geometries differ (``ST_Equals``: the same points, however
the rings are ordered) or the labels, category or attributes do. The map shows
what changed: the added and removed features, and the symmetric difference
of a changed geometry.
"""

from __future__ import annotations

import dataclasses
import json

from django.db import connection

from importing.mapping import RULE_FIELDS
from layers.models import LayerVersion, ZoneRule

MAP_LIMIT = 5000  # differences drawn on the map

COMPARE_SQL = """
WITH new AS (
    SELECT COALESCE(NULLIF(code, ''), NULLIF(source_id, ''), id::text) AS key,
           ST_Union(geom) AS geom,
           array_agg(DISTINCT label_fr ORDER BY label_fr) AS label_fr,
           array_agg(DISTINCT label_ar ORDER BY label_ar) AS label_ar,
           array_agg(DISTINCT category ORDER BY category) AS category,
           array_agg(attributes::text ORDER BY attributes::text) AS attributes
    FROM layers_feature WHERE version_id = %(new)s GROUP BY 1
), old AS (
    SELECT COALESCE(NULLIF(code, ''), NULLIF(source_id, ''), id::text) AS key,
           ST_Union(geom) AS geom,
           array_agg(DISTINCT label_fr ORDER BY label_fr) AS label_fr,
           array_agg(DISTINCT label_ar ORDER BY label_ar) AS label_ar,
           array_agg(DISTINCT category ORDER BY category) AS category,
           array_agg(attributes::text ORDER BY attributes::text) AS attributes
    FROM layers_feature WHERE version_id = %(old)s GROUP BY 1
), pairs AS (
    SELECT COALESCE(new.key, old.key) AS key,
           new.geom AS new_geom, old.geom AS old_geom,
           new.key IS NOT NULL AND old.key IS NOT NULL
               AND NOT ST_Equals(new.geom, old.geom) AS geometry_changed,
           new.key IS NOT NULL AND old.key IS NOT NULL AND (
               new.label_fr IS DISTINCT FROM old.label_fr
               OR new.label_ar IS DISTINCT FROM old.label_ar
               OR new.category IS DISTINCT FROM old.category
               OR new.attributes IS DISTINCT FROM old.attributes
           ) AS attributes_changed
    FROM new FULL JOIN old ON new.key = old.key
)
SELECT key,
       CASE WHEN old_geom IS NULL THEN 'added'
            WHEN new_geom IS NULL THEN 'removed'
            ELSE 'changed' END AS change,
       geometry_changed,
       attributes_changed,
       ST_Area(new_geom::geography) AS new_area,
       ST_Area(old_geom::geography) AS old_area,
       ST_AsGeoJSON(CASE WHEN old_geom IS NULL THEN new_geom
                         WHEN new_geom IS NULL THEN old_geom
                         WHEN geometry_changed
                             THEN ST_SymDifference(new_geom, old_geom)
                         ELSE new_geom END, 7) AS geojson
FROM pairs
WHERE new_geom IS NULL OR old_geom IS NULL OR geometry_changed OR attributes_changed
ORDER BY change, key
"""


@dataclasses.dataclass(frozen=True)
class FeatureChange:
    """One zone code (or source id) added, removed or changed."""

    key: str
    change: str  # "added", "removed", "changed"
    geometry_changed: bool
    attributes_changed: bool
    new_area_m2: float | None
    old_area_m2: float | None
    geojson: str | None


@dataclasses.dataclass(frozen=True)
class RuleChange:
    """A value of a zone rule that publishing the version would set."""

    code: str
    field: str
    label: str
    before: object
    after: object


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What ``version`` changes against ``base`` (None: nothing published)."""

    version: LayerVersion
    base: LayerVersion | None
    features: list[FeatureChange]
    rules: list[RuleChange]

    def count(self, change: str) -> int:
        return sum(1 for item in self.features if item.change == change)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def unchanged(self) -> bool:
        return not self.features and not self.rules

    def feature_collection(self) -> dict:
        """The differences as GeoJSON for the map (the first ``MAP_LIMIT``)."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(item.geojson),
                    "properties": {"key": item.key, "change": item.change},
                }
                for item in self.features[:MAP_LIMIT]
                if item.geojson
            ],
        }


def version_compare(*, version: LayerVersion, base: LayerVersion | None) -> Comparison:
    """Compare ``version``'s features and rules with ``base``'s and the
    document's rules (``base`` None: everything is added)."""
    with connection.cursor() as cursor:
        cursor.execute(
            COMPARE_SQL, {"new": version.pk, "old": base.pk if base else None}
        )
        features = [FeatureChange(*row) for row in cursor.fetchall()]
    return Comparison(
        version=version,
        base=base,
        features=features,
        rules=rule_changes(version=version),
    )


def rule_changes(*, version: LayerVersion) -> list[RuleChange]:
    """The rule values of ``version``'s report that publishing it would write
    over the document's rules (``layers.services.zone_rules_apply``)."""
    found = (version.report or {}).get("rules") or {}
    if not found or version.layer.kind != version.layer.Kind.ZONING:
        return []
    existing = {rule.code: rule for rule in version.layer.document.rules.all()}
    changes = []
    for code, values in sorted(found.items()):
        rule = existing.get(code)
        for name in ("label_fr", "label_ar", "category", *RULE_FIELDS):
            after = values.get(name)
            if after in (None, ""):
                continue
            before = getattr(rule, name) if rule else None
            if before is not None and str(before) == str(after):
                continue
            if before is not None and _same_number(before, after):
                continue
            changes.append(
                RuleChange(
                    code=code,
                    field=name,
                    label=str(ZoneRule._meta.get_field(name).verbose_name),
                    before=before,
                    after=after,
                )
            )
    return changes


def _same_number(before, after) -> bool:
    try:
        return float(before) == float(after)
    except (TypeError, ValueError):
        return False
