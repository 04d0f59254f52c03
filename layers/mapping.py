"""The attribute mapping as the planner reads it: targets and categories named
in the planner's language.

``importing.mapping`` knows the targets and the vocabulary as plain values;
their names are the models' own (a feature's and a zone rule's fields, the
categories' and overlay types' choices), so the mapping step, the forms and
the admin say one thing.
"""

from __future__ import annotations

from importing.mapping import RULE_FIELDS, TARGETS
from layers.models import Feature, Layer, ZoneCategory, ZoneRule


def mapping_targets(*, kind: str) -> list[dict]:
    """Each target a field may feed, with its name; rule fields for zoning."""
    targets = []
    for target in TARGETS:
        if target in RULE_FIELDS and kind != Layer.Kind.ZONING:
            continue
        model = ZoneRule if target in RULE_FIELDS else Feature
        label = model._meta.get_field(target).verbose_name
        targets.append({"name": target, "label": str(label), "rule": model is ZoneRule})
    return targets


def mapping_categories(*, kind: str) -> list[dict]:
    """The categories a value may be mapped to, with their names."""
    choices = Layer.OverlayType if kind == Layer.Kind.OVERLAY else ZoneCategory
    return [{"value": value, "label": str(label)} for value, label in choices.choices]
