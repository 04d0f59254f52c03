"""Mapping source attributes onto zone codes, labels, categories and rules.

A ``Schema`` recognises a family of files by its field names (the French CNIG PLU
standard, the usual Moroccan zoning tables) and proposes a mapping; names are
compared by ``field_key``, so "Libellé", "libelle" and "LIBELLE" are one. The
mapping a layer used last time (``remembered``) comes before the guess. The
planner confirms it or overrides single targets (``target=SOURCE_FIELD``), and
maps the values of the category field onto the domain's vocabulary (``values``;
``category_suggest`` proposes one per value). Values of rule fields are parsed
here ("R+4", "60 %", "1,5"), and the rules found for each zone code are gathered
by ``RuleCollector``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.utils.translation import gettext as _

from importing.errors import InvalidMapping
from importing.vocabulary import Kind, OverlayType, ZoneCategory, all_values


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    text = str(value).strip().replace(",", ".").replace("%", "").replace("m", "")
    if not text:
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _percent(value) -> Decimal | None:
    number = _decimal(value)
    if number is not None and number <= 1 and "%" not in str(value):
        number *= 100  # a ratio written as a fraction: 0.6 means 60 %
    return number


def _integer(value) -> int | None:
    number = _decimal(value)
    return None if number is None else int(number)


_FLOORS = re.compile(r"^\s*R\s*(?:\+\s*(\d+))?", re.IGNORECASE)


def _floors(value) -> int | None:
    """Floors above the ground floor: "R+4" → 4, "R" → 0, 4 → 4."""
    if value is None:
        return None
    match = _FLOORS.match(str(value))
    if match:
        return int(match.group(1) or 0)
    return _integer(value)


def _levels(value) -> int | None:
    """A number of levels counts the ground floor: 5 levels is R+4."""
    if value is not None and _FLOORS.match(str(value)):
        return _floors(value)
    levels = _integer(value)
    return None if levels is None else max(levels - 1, 0)


# Rule fields of ZoneRule and how a source value is parsed into each.
RULE_FIELDS: dict[str, Callable] = {
    "cos": _decimal,
    "ces": _percent,
    "max_height_m": _decimal,
    "floors_above_ground": _floors,
    "min_plot_area_m2": _integer,
    "min_frontage_m": _decimal,
    "setback_road_m": _decimal,
    "setback_side_m": _decimal,
    "setback_rear_m": _decimal,
    "articles": lambda value: str(value).strip()[:100] if value else None,
}
TARGETS = ("source_id", "code", "label_fr", "label_ar", "category", *RULE_FIELDS)


def field_key(name) -> str:
    """A field name compared ignoring case, accents and punctuation:
    "Libellé", "LIBELLE" and "libelle" give "LIBELLE", "nom-ar" "NOM_AR";
    letters of other scripts stay (an Arabic name keeps its own key)."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "_", plain.upper()).strip("_")


class Schema:
    """A family of files recognised by its field names."""

    name: ClassVar[str] = ""
    signature: ClassVar[frozenset[str]] = frozenset()  # all must be present
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {}
    # Special parsers for some targets (e.g. "levels" counting the ground floor).
    parsers: ClassVar[dict[str, Callable]] = {}
    # Other fields ``category`` reads from the record besides the mapped one.
    record_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def matches(cls, fields: set[str]) -> bool:
        return cls.signature <= fields

    @classmethod
    def category(cls, value, *, kind: str, record: dict) -> str:
        """The portal's category for a feature; ``value`` is the mapped field."""
        return category_guess(value, kind=kind)


class CnigZoningSchema(Schema):
    """French CNIG PLU standard, ZONE_URBA table."""

    name = "cnig_plu_zone_urba"
    signature = frozenset({"LIBELLE", "TYPEZONE"})
    aliases = {
        "source_id": ("IDZONE",),
        "code": ("LIBELLE",),
        "label_fr": ("LIBELONG",),
        "category": ("TYPEZONE",),
    }
    # DESTDOMI, the dominant destination, tells what an urban (U) zone is for.
    record_fields = ("DESTDOMI",)
    _DESTINATIONS = {
        "02": ZoneCategory.INDUSTRIAL,
        "05": ZoneCategory.TOURISM,
        "06": ZoneCategory.EQUIPMENT,
    }
    _TYPES = {
        "AUC": ZoneCategory.TO_URBANISE,
        "AUS": ZoneCategory.TO_URBANISE,
        "A": ZoneCategory.AGRICULTURAL,
        "N": ZoneCategory.NATURAL,
        "NH": ZoneCategory.NATURAL,
    }

    @classmethod
    def category(cls, value, *, kind: str, record: dict) -> str:
        zone_type = str(value or "").strip().upper()
        if zone_type == "U":
            destination = str(record.get("DESTDOMI") or "").strip()
            return cls._DESTINATIONS.get(destination, ZoneCategory.MIXED)
        return cls._TYPES.get(zone_type, ZoneCategory.OTHER)


class CnigPrescriptionSchema(Schema):
    """French CNIG PLU standard, PRESCRIPTION_SURF/LIN/PCT tables."""

    name = "cnig_plu_prescription"
    signature = frozenset({"LIBELLE", "TYPEPSC"})
    aliases = {
        "source_id": ("IDPSC",),
        "code": ("TYPEPSC",),
        "label_fr": ("LIBELLE", "TXT"),
        "category": ("TYPEPSC",),
    }
    _OVERLAYS = {
        "01": OverlayType.GREEN_SPACE,
        "03": OverlayType.RISK,
        "05": OverlayType.RESERVED_SITE,
        "07": OverlayType.HERITAGE,
        "15": OverlayType.ROAD_ALIGNMENT,
    }

    @classmethod
    def category(cls, value, *, kind: str, record: dict) -> str:
        return cls._OVERLAYS.get(str(value or "").strip(), OverlayType.OTHER)


class MoroccanZoningSchema(Schema):
    """Zoning tables of Moroccan development plans (plans d'aménagement)."""

    name = "moroccan_zoning"
    signature = frozenset({"ZONE"})
    aliases = {
        "source_id": ("ID", "IDENT", "OBJECTID"),
        "code": ("ZONE", "CODE_ZONE", "ZONAGE"),
        "label_fr": (
            "LIBELLE",
            "LIBELONG",
            "DESIGNATION",
            "DESIGNATIO",
            "NOM",
            "NOM_FR",
            "LIB_FR",
        ),
        "label_ar": ("LIBELLE_AR", "LIB_AR", "NOM_AR", "DESIGN_AR"),
        "category": ("CATEGORIE", "TYPE", "TYPEZONE", "VOCATION", "AFFECTATION"),
        "cos": ("COS",),
        "ces": ("CES",),
        "max_height_m": ("HAUTEUR", "HAUT_MAX", "HAUTEUR_M", "H_MAX"),
        "floors_above_ground": ("NB_NIVEAUX", "NIVEAUX", "NB_NIV", "GABARIT"),
        "min_plot_area_m2": ("SUP_MIN", "SURF_MIN", "SUPERFICIE_MIN", "PARC_MIN"),
        "min_frontage_m": ("FACADE_MIN", "FACADE"),
        "setback_road_m": ("RECUL_VOIE", "RECUL"),
        "setback_side_m": ("RECUL_LAT",),
        "setback_rear_m": ("RECUL_FOND",),
        "articles": ("ARTICLES", "ARTICLE"),
    }
    parsers = {"floors_above_ground": _levels}


class ReferenceSchema(Schema):
    """Reference data (streets, neighbourhoods, landmarks): names in French and
    Arabic, as street registers and OpenStreetMap extracts spell them. Chosen
    by the layer's kind, not by the file's fields."""

    name = "reference"
    aliases = {
        "source_id": ("ID", "FID", "OBJECTID", "IDENT", "OSM_ID"),
        "code": ("CODE", "CODE_VOIE", "CODE_QUART", "REF"),
        "label_fr": (
            "NOM_FR",
            "NOM",
            "NOM_VOIE",
            "NOM_RUE",
            "NOM_QUARTIER",
            "NAME_FR",
            "NAME",
            "LIBELLE",
            "LABEL_FR",
            "LABEL",
        ),
        "label_ar": ("NOM_AR", "NAME_AR", "LIBELLE_AR", "LABEL_AR", "LIB_AR"),
        "category": ("TYPE", "TYPE_VOIE", "CATEGORIE", "CATEGORY", "HIGHWAY"),
    }


class GenericSchema(Schema):
    """Anything else: the usual names in French, English and Arabic transliteration."""

    name = "generic"
    aliases = {
        "source_id": ("ID", "FID", "OBJECTID", "IDENT"),
        "code": (
            "CODE",
            "ZONAGE",
            "ZONE",
            "ZONE_CODE",
            "CODE_ZONE",
            "LIBELLE",
            "NAME",
            "NOM",
        ),
        "label_fr": (
            "LABEL",
            "LABEL_FR",
            "LIBELLE_FR",
            "LIBELONG",
            "NOM_FR",
            "DESIGNATION",
            "DESCRIPTION",
            "LIBELLE",
            "NOM",
        ),
        "label_ar": ("LABEL_AR", "LIBELLE_AR", "LIB_AR", "NOM_AR"),
        "category": (
            "CATEGORY",
            "CATEGORIE",
            "TYPE",
            "TYPEZONE",
            "VOCATION",
            "AFFECTATION",
        ),
        **{
            target: names
            for target, names in MoroccanZoningSchema.aliases.items()
            if target in RULE_FIELDS
        },
    }
    parsers = MoroccanZoningSchema.parsers


SCHEMAS: dict[str, type[Schema]] = {
    schema.name: schema
    for schema in (
        CnigZoningSchema,
        CnigPrescriptionSchema,
        MoroccanZoningSchema,
        ReferenceSchema,
        GenericSchema,
    )
}

# Telling words of a category value or label, compared without accents.
_CATEGORY_WORDS = (
    ("villa", ZoneCategory.VILLA),
    ("immeuble", ZoneCategory.COLLECTIVE_HOUSING),
    ("collecti", ZoneCategory.COLLECTIVE_HOUSING),
    ("economique", ZoneCategory.ECONOMIC_HOUSING),
    ("individuel", ZoneCategory.INDIVIDUAL_HOUSING),
    ("industri", ZoneCategory.INDUSTRIAL),
    ("activit", ZoneCategory.INDUSTRIAL),
    ("touris", ZoneCategory.TOURISM),
    ("equipement", ZoneCategory.EQUIPMENT),
    ("vert", ZoneCategory.GREEN_SPACE),
    ("agricole", ZoneCategory.AGRICULTURAL),
    ("naturel", ZoneCategory.NATURAL),
    ("urbanis", ZoneCategory.TO_URBANISE),
    ("mixte", ZoneCategory.MIXED),
)
# Zone types written as the letters of French plans: U urban, AU to urbanise
# (1AU, 2AU, AUc, AUs), A agricultural, N natural.
_CATEGORY_LETTERS = re.compile(r"^(?:(U)|[12]?(AU)[CS]?|(A)|(N))$")
_LETTER_CATEGORIES = (
    ZoneCategory.MIXED,
    ZoneCategory.TO_URBANISE,
    ZoneCategory.AGRICULTURAL,
    ZoneCategory.NATURAL,
)


_ZONE_CATEGORIES = all_values(ZoneCategory)
_OVERLAY_TYPES = all_values(OverlayType)


def _plain_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def category_guess(value, *, kind: str) -> str:
    """A category from a free value: a known category name, a French plan's
    zone type letters or a telling word; ZoneCategory.OTHER when none."""
    text = str(value or "").strip()
    if not text:
        return ""
    if kind != Kind.ZONING:
        return text[:32]
    if text in _ZONE_CATEGORIES:
        return text
    letters = _CATEGORY_LETTERS.match(text.upper())
    if letters:
        pairs = zip(letters.groups(), _LETTER_CATEGORIES, strict=True)
        return next(category for group, category in pairs if group)
    lowered = _plain_lower(text)
    for word, category in _CATEGORY_WORDS:
        if word in lowered:
            return category
    return ZoneCategory.OTHER


def category_vocabulary(kind: str) -> frozenset[str]:
    """The values a feature's category takes in a layer of ``kind``."""
    return _OVERLAY_TYPES if kind == Kind.OVERLAY else _ZONE_CATEGORIES


def value_key(value) -> str:
    """A category field's value as the value mapping names it."""
    return "" if value is None else str(value).strip()


@dataclasses.dataclass(frozen=True)
class ValueChoice:
    """One distinct value of the category field, and what it becomes."""

    value: str
    count: int
    suggestion: str  # "" when nothing in the value tells the category
    mapped: str  # the planner's (or the remembered) choice, else ""

    @property
    def category(self) -> str:
        return self.mapped or self.suggestion

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "count": self.count,
            "suggestion": self.suggestion,
            "mapped": self.mapped,
            "recognised": bool(self.suggestion),
            "category": self.category,
        }


def category_suggest(
    records: Iterable[dict], *, field: str, kind: str, mapping: FieldMapping
) -> list[ValueChoice]:
    """The distinct values of ``field`` in ``records``, most frequent first,
    each with the category the schema would give it (its first record's, for
    schemas that read other fields too) and the one ``mapping`` maps it to.

    A suggestion is "" when the value is not recognised: the schema's answer
    would be the catch-all ``other`` (zoning) or a free text outside the
    overlay types, which the planner must then confirm.
    """
    counts: dict[str, int] = {}
    firsts: dict[str, dict] = {}
    for record in records:
        key = value_key(record.get(field))
        if not key:
            continue
        counts[key] = counts.get(key, 0) + 1
        firsts.setdefault(key, record)
    vocabulary = category_vocabulary(kind)
    choices = []
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        guess = mapping.schema_class.category(key, kind=kind, record=firsts[key])
        # "other" is a suggestion only when the file says so itself.
        fallback = guess == ZoneCategory.OTHER != key and kind == Kind.ZONING
        recognised = guess in vocabulary and not fallback
        choices.append(
            ValueChoice(
                value=key,
                count=count,
                suggestion=guess if recognised else "",
                mapped=mapping.values.get(key, ""),
            )
        )
    return choices


@dataclasses.dataclass(frozen=True)
class FieldMapping:
    """Which source field feeds each target; the schema that proposed it; the
    category each value of the category field is mapped to (where the planner
    chose one); where each target's field came from ("remembered", "detected",
    "chosen")."""

    fields: dict[str, str]
    schema: str = GenericSchema.name
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    origins: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def schema_class(self) -> type[Schema]:
        return SCHEMAS[self.schema]

    def parser(self, target: str) -> Callable:
        return self.schema_class.parsers.get(target, RULE_FIELDS[target])

    @property
    def rule_targets(self) -> list[str]:
        return [target for target in RULE_FIELDS if target in self.fields]

    def as_dict(self) -> dict:
        return {
            "schema": self.schema,
            "fields": dict(self.fields),
            "values": dict(self.values),
            "origins": dict(self.origins),
        }

    def remembered(self) -> dict:
        """What a layer keeps for its next upload: fields and value choices."""
        return {"fields": dict(self.fields), "values": dict(self.values)}


def mapping_guess(
    fields: Iterable[str],
    *,
    kind: str = "",
    hints: dict[str, str] | None = None,
    remembered: dict | None = None,
) -> FieldMapping:
    """The mapping proposed for a file with ``fields`` for a layer of ``kind``
    (reference data has its own names): the ``remembered`` one (a layer's last
    upload) where this file has its fields, then the names of the schema the
    fields match, anyone's usual names, then the reader's ``hints`` — names
    compared by ``field_key``.
    """
    by_key = {field_key(name): name for name in fields}
    if kind == Kind.REFERENCE:
        schema = ReferenceSchema
    else:
        schema = next(
            (s for s in SCHEMAS.values() if s.signature and s.matches(set(by_key))),
            GenericSchema,
        )
    mapping: dict[str, str] = {}
    origins: dict[str, str] = {}
    remembered = remembered or {}
    for target, name in (remembered.get("fields") or {}).items():
        if target in TARGETS and field_key(name) in by_key:
            mapping[target] = by_key[field_key(name)]
            origins[target] = "remembered"
    # A known family's names first, then anyone's usual ones for the rest;
    # reference data keeps to its own names (a street has no zone code).
    known = (GenericSchema, ReferenceSchema)
    usual = [] if schema in known else list(GenericSchema.aliases.items())
    for target, names in [*schema.aliases.items(), *usual, *(hints or {}).items()]:
        names = (names,) if isinstance(names, str) else names
        keys = (field_key(name) for name in names)
        found = next((by_key[key] for key in keys if key in by_key), None)
        # A label is not the field already read as the code.
        is_code = target.startswith("label_") and found == mapping.get("code")
        if target not in mapping and found and not is_code:
            mapping[target] = found
            origins[target] = "detected"
    values = {
        str(value): str(category)
        for value, category in (remembered.get("values") or {}).items()
    }
    return FieldMapping(
        fields=mapping, schema=schema.name, values=values, origins=origins
    )


def mapping_parse(items: Iterable[str]) -> dict[str, str]:
    """Parse ``target=SOURCE`` overrides (``target=`` unmaps a target).

    Raises InvalidMapping for a malformed item or an unknown target.
    """
    overrides: dict[str, str] = {}
    for item in items:
        target, sep, source = item.partition("=")
        target = target.strip()
        if not sep or target not in TARGETS:
            raise InvalidMapping(
                _(
                    "“%(item)s” is not a mapping; write target=FIELD with a target "
                    "among %(targets)s."
                )
                % {"item": item, "targets": ", ".join(TARGETS)}
            )
        overrides[target] = source.strip()
    return overrides


def mapping_override(
    mapping: FieldMapping,
    overrides: dict[str, str],
    fields: Iterable[str],
    *,
    values: dict[str, str] | None = None,
    kind: str = Kind.ZONING,
) -> FieldMapping:
    """``mapping`` with ``overrides`` applied and, when given, ``values`` as the
    whole value mapping (replacing the remembered one).

    Raises InvalidMapping for an unknown target or field, or a value mapped to
    a category outside the layer kind's vocabulary.
    """
    by_key = {field_key(name): name for name in fields}
    result = dict(mapping.fields)
    origins = dict(mapping.origins)
    for target, source in overrides.items():
        if target not in TARGETS:
            raise InvalidMapping(
                _("“%(target)s” is not a mapping target.") % {"target": target}
            )
        if not source:
            result.pop(target, None)
            origins.pop(target, None)
            continue
        if field_key(source) not in by_key:
            raise InvalidMapping(
                _("The file has no field “%(field)s” (it has: %(fields)s).")
                % {"field": source, "fields": ", ".join(by_key.values())}
            )
        found = by_key[field_key(source)]
        if result.get(target) != found:
            origins[target] = "chosen"
        result[target] = found
    if values is None:
        values = mapping.values
    vocabulary = category_vocabulary(kind)
    for value, category in values.items():
        if category not in vocabulary:
            raise InvalidMapping(
                _(
                    "“%(category)s” (for the value “%(value)s”) is not a category; "
                    "choose among %(categories)s."
                )
                % {
                    "category": category,
                    "value": value,
                    "categories": ", ".join(sorted(vocabulary)),
                }
            )
    return FieldMapping(
        fields=result,
        schema=mapping.schema,
        values={value_key(value): category for value, category in values.items()},
        origins=origins,
    )


@dataclasses.dataclass
class RuleCollector:
    """Gathers, per zone code, the labels and rule values found in attributes."""

    rules: dict[str, dict] = dataclasses.field(default_factory=dict)
    conflicts: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    labels: dict[str, set[str]] = dataclasses.field(default_factory=dict)

    def add(self, code: str, values: dict) -> None:
        """Record the values of one feature of zone ``code``."""
        if not code:
            return
        known = self.rules.setdefault(code, {})
        if values.get("label_fr"):
            self.labels.setdefault(code, set()).add(values["label_fr"])
        for name, value in values.items():
            if value is None or value == "":
                continue
            if name not in known:
                known[name] = value
            elif known[name] != value and name in RULE_FIELDS:
                self.conflicts.setdefault(code, set()).add(name)

    def rule_values(self, code: str) -> dict:
        """Only the rule fields found for ``code`` (no labels)."""
        return {
            name: value
            for name, value in self.rules.get(code, {}).items()
            if name in RULE_FIELDS
        }
