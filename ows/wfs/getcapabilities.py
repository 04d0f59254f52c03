"""WFS GetCapabilities, 2.0.0 (OWS 1.1, FES 2.0) and 1.1.0 (OWS 1.0, Filter 1.1)."""

from __future__ import annotations

from urllib.parse import urljoin

from django.http import HttpResponse
from django.urls import reverse
from lxml import etree
from lxml.builder import ElementMaker

from ows.catalog import layer_extents
from ows.crs import COMMON_SRIDS
from ows.filters.fes import COMPARISONS, SPATIAL
from ows.metadata import service_metadata
from ows.params import OwsRequest
from ows.wfs.dialects import FES20, OGC, OWS10, OWS11, XLINK, XSI, Dialect, dialect
from ows.wfs.featuretypes import FeatureType, feature_types
from ows.wfs.query import COUNT_DEFAULT, COUNT_MAX
from ows.wms.common import MOROCCO

OPERATIONS = (
    "GetCapabilities",
    "DescribeFeatureType",
    "GetFeature",
    "GetPropertyValue",
    "ListStoredQueries",
    "DescribeStoredQueries",
)
WFS_CONSTRAINTS = {
    "ImplementsBasicWFS": "TRUE",
    "ImplementsTransactionalWFS": "FALSE",
    "ImplementsLockingWFS": "FALSE",
    "KVPEncoding": "TRUE",
    "XMLEncoding": "TRUE",
    "SOAPEncoding": "FALSE",
    "ImplementsInheritance": "FALSE",
    "ImplementsRemoteResolve": "FALSE",
    "ImplementsResultPaging": "TRUE",
    "ImplementsStandardJoins": "FALSE",
    "ImplementsSpatialJoins": "FALSE",
    "ImplementsTemporalJoins": "FALSE",
    "ImplementsFeatureVersioning": "FALSE",
    "ManageStoredQueries": "FALSE",
    "PagingIsTransactionSafe": "FALSE",
}
FES_CONSTRAINTS = {
    "ImplementsQuery": "TRUE",
    "ImplementsAdHocQuery": "TRUE",
    "ImplementsFunctions": "FALSE",
    "ImplementsResourceId": "TRUE",
    "ImplementsMinStandardFilter": "TRUE",
    "ImplementsStandardFilter": "TRUE",
    "ImplementsMinSpatialFilter": "TRUE",
    "ImplementsSpatialFilter": "TRUE",
    "ImplementsMinTemporalFilter": "FALSE",
    "ImplementsTemporalFilter": "FALSE",
    "ImplementsVersionNav": "FALSE",
    "ImplementsSorting": "TRUE",
    "ImplementsExtendedOperators": "FALSE",
    "ImplementsMinimumXPath": "TRUE",
    "ImplementsSchemaElementFunc": "FALSE",
}
SCALAR_20 = (
    *COMPARISONS,
    "PropertyIsLike",
    "PropertyIsNull",
    "PropertyIsNil",
    "PropertyIsBetween",
)
SPATIAL_OPERATORS = ("BBOX", *SPATIAL, "DWithin", "Beyond")
GEOMETRY_OPERANDS = (
    "gml:Envelope",
    "gml:Point",
    "gml:LineString",
    "gml:Polygon",
    "gml:MultiPoint",
    "gml:MultiCurve",
    "gml:MultiSurface",
)


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The capabilities document of the negotiated version."""
    dia = dialect(ows_request.version)
    types = feature_types(context)
    builder = Capabilities11 if dia.version == "1.1.0" else Capabilities20
    body = builder(dia, context.url, types).document()
    return HttpResponse(body, content_type="application/xml; charset=UTF-8")


def _corner(x: float, y: float) -> str:
    return f"{round(x, 8)!r} {round(y, 8)!r}"


class Capabilities20:
    ows = OWS11
    schema = "http://schemas.opengis.net/wfs/2.0/wfs.xsd"
    # WFS 1.1 names the same elements DefaultSRS / OtherSRS.
    default_crs_element = "DefaultCRS"
    other_crs_element = "OtherCRS"

    def __init__(self, dia: Dialect, url: str, types: list[FeatureType]) -> None:
        self.dia = dia
        self.url = url
        self.types = types
        nsmap = {
            "wfs": dia.wfs,
            "ows": self.ows,
            "xlink": XLINK,
            "xsi": XSI,
            "gml": dia.gml,
        }
        nsmap.update(self.filter_nsmap())
        for ftype in types:
            nsmap[ftype.prefix] = ftype.namespace
        self.nsmap = nsmap
        self.Wfs = ElementMaker(namespace=dia.wfs, nsmap=nsmap)
        self.Ows = ElementMaker(namespace=self.ows, nsmap=nsmap)

    def filter_nsmap(self) -> dict[str, str]:
        return {"fes": FES20}

    def document(self) -> bytes:
        root = self.Wfs.WFS_Capabilities(
            self.service_identification(),
            self.service_provider(),
            self.operations_metadata(),
            self.feature_type_list(),
            self.filter_capabilities(),
            version=self.dia.version,
        )
        root.set(f"{{{XSI}}}schemaLocation", f"{self.dia.wfs} {self.schema}")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def service_identification(self):
        Ows, meta = self.Ows, service_metadata()
        return Ows.ServiceIdentification(
            Ows.Title(meta.title),
            Ows.Abstract(meta.abstract),
            Ows.Keywords(*[Ows.Keyword(word) for word in meta.keywords]),
            Ows.ServiceType("WFS"),
            *[Ows.ServiceTypeVersion(v) for v in self.type_versions()],
            Ows.Fees(meta.fees),
            Ows.AccessConstraints(meta.access_constraints),
        )

    def type_versions(self) -> list[str]:
        return ["2.0.0", "1.1.0"]

    def service_provider(self):
        Ows, meta = self.Ows, service_metadata()
        address = [Ows.ElectronicMailAddress(meta.email)] if meta.email else []
        return Ows.ServiceProvider(
            Ows.ProviderName(meta.organisation),
            Ows.ServiceContact(
                Ows.IndividualName(meta.contact_person),
                Ows.ContactInfo(Ows.Address(*address)),
            ),
        )

    def href(self, name: str, url: str):
        element = self.Ows(name)
        element.set(f"{{{XLINK}}}href", url)
        return element

    def dcp(self):
        Ows = self.Ows
        return Ows.DCP(
            Ows.HTTP(self.href("Get", self.url + "?"), self.href("Post", self.url))
        )

    def values(self, values) -> list:
        Ows = self.Ows
        return [Ows.AllowedValues(*[Ows.Value(v) for v in values])]

    def parameter(self, name: str, values):
        return self.Ows.Parameter(*self.values(values), name=name)

    def constraint(self, name: str, value: str, ns: str | None = None):
        Ows = self.Ows
        maker = ElementMaker(namespace=ns, nsmap=self.nsmap) if ns else Ows
        return maker.Constraint(Ows.NoValues(), Ows.DefaultValue(value), name=name)

    def resolve_parameters(self) -> list:
        """GetFeature's and GetPropertyValue's ``resolve`` (WFS 2.0 Table 12):
        there are no references to resolve, so none and local do the same."""
        return [self.parameter("resolve", ["none", "local"])]

    def operation(self, name: str):
        Ows = self.Ows
        parameters = []
        if name in ("GetFeature", "GetPropertyValue"):
            parameters += self.resolve_parameters()
        if name == "GetCapabilities":
            parameters.append(self.parameter("AcceptVersions", self.type_versions()))
            parameters.append(
                self.parameter("AcceptFormats", ["text/xml", "application/xml"])
            )
        if name == "GetFeature":
            parameters.append(self.parameter("outputFormat", self.dia.output_formats))
            parameters.append(self.parameter("resultType", ["results", "hits"]))
        if name == "DescribeFeatureType":
            parameters.append(
                self.parameter("outputFormat", [self.dia.output_formats[0]])
            )
        return Ows.Operation(self.dcp(), *parameters, name=name)

    def operations(self) -> tuple[str, ...]:
        return OPERATIONS

    def operations_metadata(self):
        Ows = self.Ows
        return Ows.OperationsMetadata(
            *[self.operation(name) for name in self.operations()],
            self.parameter("version", self.type_versions()),
            *self.constraints(),
        )

    def constraints(self) -> list:
        items = [self.constraint(k, v) for k, v in WFS_CONSTRAINTS.items()]
        items.append(self.constraint("CountDefault", str(COUNT_DEFAULT)))
        items.append(self.constraint("ResolveLocalScope", "*"))
        query_expressions = self.Ows.Constraint(
            *self.values(["wfs:Query", "wfs:StoredQuery"]), name="QueryExpressions"
        )
        items.append(query_expressions)
        return items

    def crs_names(self, ftype: FeatureType) -> list[str]:
        srids = list(COMMON_SRIDS)
        if ftype.entry.source_srid not in srids:
            srids.append(ftype.entry.source_srid)
        return [f"urn:ogc:def:crs:EPSG::{srid}" for srid in srids]

    def feature_type(self, ftype: FeatureType, box):
        Wfs, Ows = self.Wfs, self.Ows
        default, *others = self.crs_names(ftype)
        return Wfs.FeatureType(
            Wfs.Name(ftype.name),
            Wfs.Title(ftype.entry.title),
            Wfs.Abstract(ftype.entry.abstract),
            Ows.Keywords(*[Ows.Keyword(word) for word in ftype.entry.keywords]),
            getattr(Wfs, self.default_crs_element)(default),
            *[getattr(Wfs, self.other_crs_element)(name) for name in others],
            Wfs.OutputFormats(*[Wfs.Format(f) for f in self.dia.output_formats]),
            Ows.WGS84BoundingBox(
                Ows.LowerCorner(_corner(box[0], box[1])),
                Ows.UpperCorner(_corner(box[2], box[3])),
            ),
            self.metadata_url(self.metadata_href(ftype)),
        )

    def metadata_href(self, ftype: FeatureType) -> str:
        """The layer's ISO 19139 metadata (the viewer's metadata.xml)."""
        path = reverse("viewer:layer-metadata-xml", args=[ftype.entry.layer.pk])
        return urljoin(self.url, path)

    def metadata_url(self, href: str):
        """WFS 2.0's MetadataURL: a link (ows:MetadataType) to the document."""
        element = self.Wfs.MetadataURL()
        element.set(f"{{{XLINK}}}href", href)
        return element

    def feature_type_list(self):
        extents = layer_extents([ftype.entry for ftype in self.types])
        return self.Wfs.FeatureTypeList(
            *[
                self.feature_type(ftype, extents.get(ftype.version_id, MOROCCO))
                for ftype in self.types
            ]
        )

    def filter_capabilities(self):
        F = ElementMaker(namespace=FES20, nsmap=self.nsmap)
        return F.Filter_Capabilities(
            F.Conformance(
                *[self.constraint(k, v, FES20) for k, v in FES_CONSTRAINTS.items()]
            ),
            F.Id_Capabilities(F.ResourceIdentifier(name="fes:ResourceId")),
            F.Scalar_Capabilities(
                F.LogicalOperators(),
                F.ComparisonOperators(
                    *[F.ComparisonOperator(name=name) for name in SCALAR_20]
                ),
            ),
            F.Spatial_Capabilities(
                F.GeometryOperands(
                    *[F.GeometryOperand(name=name) for name in GEOMETRY_OPERANDS]
                ),
                F.SpatialOperators(
                    *[F.SpatialOperator(name=name) for name in SPATIAL_OPERATORS]
                ),
            ),
        )


class Capabilities11(Capabilities20):
    ows = OWS10
    schema = "http://schemas.opengis.net/wfs/1.1.0/wfs.xsd"
    default_crs_element = "DefaultSRS"
    other_crs_element = "OtherSRS"

    def filter_nsmap(self) -> dict[str, str]:
        return {"ogc": OGC}

    def type_versions(self) -> list[str]:
        return ["1.1.0"]

    def values(self, values) -> list:
        return [self.Ows.Value(v) for v in values]

    def constraint(self, name: str, value: str, ns: str | None = None):
        return self.Ows.Constraint(self.Ows.Value(value), name=name)

    def operations(self) -> tuple[str, ...]:
        return ("GetCapabilities", "DescribeFeatureType", "GetFeature")

    def resolve_parameters(self) -> list:
        return []

    def metadata_url(self, href: str):
        """WFS 1.1's MetadataURL: the address as text, its standard in type."""
        return self.Wfs.MetadataURL(href, type="19139", format="text/xml")

    def operations_metadata(self):
        Ows = self.Ows
        return Ows.OperationsMetadata(
            *[self.operation(name) for name in self.operations()],
            self.constraint("DefaultMaxFeatures", str(COUNT_MAX)),
        )

    def filter_capabilities(self):
        F = ElementMaker(namespace=OGC, nsmap=self.nsmap)
        comparison = (
            "LessThan",
            "GreaterThan",
            "LessThanEqualTo",
            "GreaterThanEqualTo",
            "EqualTo",
            "NotEqualTo",
            "Like",
            "Between",
            "NullCheck",
        )
        return F.Filter_Capabilities(
            F.Spatial_Capabilities(
                F.GeometryOperands(
                    *[F.GeometryOperand(n) for n in GEOMETRY_OPERANDS[:4]]
                ),
                F.SpatialOperators(
                    *[F.SpatialOperator(name=n) for n in SPATIAL_OPERATORS]
                ),
            ),
            F.Scalar_Capabilities(
                F.LogicalOperators(),
                F.ComparisonOperators(*[F.ComparisonOperator(n) for n in comparison]),
            ),
            F.Id_Capabilities(F.EID(), F.FID()),
        )
