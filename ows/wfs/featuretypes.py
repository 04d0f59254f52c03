"""WFS feature types: a catalogue layer, its properties and their SQL.

Every type has the fixed properties of ``layers.Feature`` and, after them,
one property per attribute key found in the version (typed from the JSON
values), then the geometry ``geom``. Versions never change once created, so
the attribute schema of a version is computed once per process.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from django.conf import settings
from django.utils.translation import gettext as _

from core.replicas import read_connection
from layers.models import Layer
from ows.catalog import CatalogLayer, catalog_layers, find_layers
from ows.exceptions import InvalidParameterValue
from ows.limits import check_layer_count

GEOMETRY = "geom"
FIXED = ("source_id", "code", "label_fr", "label_ar", "category")
# The properties every GML feature may have (gml:AbstractFeatureType's), which
# the portal's features leave out.
GML_PROPERTIES = (
    "name",
    "description",
    "descriptionReference",
    "identifier",
    "boundedBy",
    "location",
    "metaDataProperty",
)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_XMLNS = re.compile(r"xmlns\(([^)]*)\)")
_PREFIXED = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*)?[,=](.*)$", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Property:
    """One property: its element name, XSD type and SQL expression."""

    name: str
    xsd_type: str  # string, integer, double, boolean
    sql: str
    key: str = ""  # the attribute key, for attributes

    @property
    def is_attribute(self) -> bool:
        return bool(self.key)


def namespace_uri(prefix: str) -> str:
    """The XML namespace of an agency's types (stable, host-independent)."""
    base = getattr(settings, "OWS_NAMESPACE_BASE", "urn:geoportail:agency:")
    return f"{base}{prefix}"


@dataclasses.dataclass(frozen=True)
class FeatureType:
    """A catalogue layer as a WFS feature type (names computed once)."""

    entry: CatalogLayer
    properties: tuple[Property, ...]
    with_geometry: bool = True  # False when a projection leaves ``geom`` out

    @functools.cached_property
    def name(self) -> str:
        return self.entry.name

    @functools.cached_property
    def prefix(self) -> str:
        return self.entry.prefix

    @functools.cached_property
    def local_name(self) -> str:
        return self.entry.local_name

    @functools.cached_property
    def namespace(self) -> str:
        return namespace_uri(self.prefix)

    @property
    def version_id(self) -> int:
        return self.entry.version.pk

    @property
    def gml_geometry_type(self) -> str:
        kind = self.entry.layer.geometry_type
        return {
            Layer.GeometryType.POLYGON: "MultiSurfacePropertyType",
            Layer.GeometryType.LINE: "MultiCurvePropertyType",
        }.get(kind, "GeometryPropertyType")

    @property
    def multi(self) -> bool:
        return self.entry.layer.geometry_type != Layer.GeometryType.POINT

    def property(self, reference: str, locator: str) -> Property:
        """The property a ValueReference/PropertyName names (prefix optional).

        Raises InvalidParameterValue for a property the type does not have.
        """
        name = reference.strip().split("/")[-1].removeprefix("@")
        # Filter 1.1's XPath subset allows a position; every property is
        # single-valued, so [1] is the property itself.
        name = name.split(":", 1)[-1].removesuffix("[1]")
        if name == GEOMETRY:
            return Property(GEOMETRY, "geometry", "f.geom")
        if name in ("id", "gml:id"):
            return Property("id", "integer", "f.id")
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise InvalidParameterValue(
            _("%(type)s has no property %(name)s.")
            % {"type": self.name, "name": reference},
            locator=locator,
        )

    def feature_id(self, pk: int) -> str:
        return f"{self.local_name}.{pk}"

    def projected(self, references: list[str], locator: str) -> FeatureType:
        """The type with only the properties named (PROPERTYNAME), in the
        schema's order; every property is optional, and the gml:id always
        written (gml:name and the like, named, are still never written).
        Raises InvalidParameterValue for a property it does not have.
        """
        names = {
            self.property(reference, locator).name
            for reference in references
            if not is_gml_property(reference)
        }
        return dataclasses.replace(
            self,
            properties=tuple(p for p in self.properties if p.name in names),
            with_geometry=GEOMETRY in names,
        )


def is_gml_property(reference: str) -> bool:
    """Whether ``reference`` names a GML property (``gml:name``…), its prefix
    taken as GML's."""
    prefix, _colon, name = reference.strip().split("/")[-1].rpartition(":")
    return prefix == "gml" and name in GML_PROPERTIES


@functools.lru_cache(maxsize=2048)
def attribute_schema(version_id: int) -> tuple[tuple[str, str], ...]:
    """(key, XSD type) of the attribute keys of a version, sorted by key."""
    sql = """
        SELECT e.key,
               bool_and(jsonb_typeof(e.value) = 'number'),
               bool_and(jsonb_typeof(e.value) = 'number'
                        AND e.value::text ~ '^-?[0-9]{1,18}$'),
               bool_and(jsonb_typeof(e.value) = 'boolean')
        FROM layers_feature f, jsonb_each(f.attributes) e
        WHERE f.version_id = %s AND jsonb_typeof(e.value) <> 'null'
        GROUP BY e.key ORDER BY e.key
    """
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [version_id])
        rows = cursor.fetchall()
    schema = []
    for key, numeric, integral, boolean in rows:
        xsd = "integer" if integral else "double" if numeric else "string"
        schema.append((key, "boolean" if boolean else xsd))
    return tuple(schema)


def feature_type(entry: CatalogLayer) -> FeatureType:
    """The feature type of a catalogue entry, with its attribute properties."""
    properties = [Property(name, "string", f"f.{name}") for name in FIXED]
    taken = {*FIXED, GEOMETRY, "id"}
    for key, xsd in attribute_schema(entry.version.pk):
        if not _NCNAME.match(key) or key in taken or ":" in key:
            continue  # not expressible as an element name
        taken.add(key)
        accessor = "f.attributes->>%s::text"
        properties.append(Property(key, xsd, accessor, key=key))
    return FeatureType(entry, tuple(properties))


def feature_types(context, *, at=None) -> list[FeatureType]:
    """Every feature type the request may see."""
    return [
        feature_type(entry)
        for entry in catalog_layers(
            user=context.user, agency_code=context.agency_code, at=at
        )
    ]


def parse_namespaces(text: str) -> dict[str, str]:
    """KVP NAMESPACES: prefix → namespace URI, "" for the default namespace.

    WFS 2.0 writes ``xmlns(prefix,uri)``, WFS 1.1 ``xmlns(prefix=uri)``, and
    ``xmlns(uri)`` declares the default namespace; a prefix, an NCName, holds
    neither separator, so the first one ends it.
    """
    namespaces = {}
    for declaration in _XMLNS.findall(text):
        match = _PREFIXED.match(declaration)
        prefix, uri = match.groups() if match else ("", declaration)
        namespaces[prefix or ""] = uri.strip()
    return namespaces


def qualified_names(
    names: list[str], namespaces: dict[str, str], catalog: list[CatalogLayer]
) -> list[str]:
    """``names`` with the client's prefixes (bound by ``namespaces``) replaced
    by the portal's; a name in a namespace the portal does not have becomes
    one that names no type."""
    if not namespaces:
        return names
    by_uri = {namespace_uri(entry.prefix): entry.prefix for entry in catalog}
    qualified = []
    for name in names:
        prefix, _colon, local = name.rpartition(":")
        uri = namespaces.get(prefix)
        # An unprefixed name in a default namespace of another kind (the
        # WFS one, as many clients write it) keeps the portal's reading.
        if uri is None or (not prefix and uri not in by_uri):
            qualified.append(name)
        else:
            qualified.append(f"{by_uri.get(uri, '{' + uri + '}')}:{local}")
    return qualified


def lookup_types(
    names: list[str],
    context,
    *,
    at=None,
    locator: str = "typeNames",
    namespaces: dict[str, str] | None = None,
) -> list[FeatureType]:
    """The types named, their prefixes bound by ``namespaces`` (else the
    portal's own); raises InvalidParameterValue for an unknown name or more
    names than ``OWS_MAX_LAYERS``."""
    check_layer_count(names, locator)
    catalog = catalog_layers(user=context.user, agency_code=context.agency_code, at=at)
    entries = find_layers(qualified_names(names, namespaces or {}, catalog), catalog)
    types = []
    for name, entry in zip(names, entries, strict=True):
        if entry is None:
            raise InvalidParameterValue(
                _("Unknown feature type: %(name)s.") % {"name": name}, locator=locator
            )
        types.append(feature_type(entry))
    return types
