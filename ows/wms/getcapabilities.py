"""WMS GetCapabilities, 1.3.0 (schema) and 1.1.1 (DTD).

The layer tree is agency → document → layer. CRSs are listed once at the
root (inherited), a layer adds its source CRS; each named layer has one
BoundingBox per CRS it offers, in that CRS's axis order.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from layers.models import LayerVersion
from ows.catalog import CatalogLayer, catalog_layers, layer_extents
from ows.crs import COMMON_SRIDS, axis_ordered, is_geographic, transform_bbox
from ows.limits import map_limits
from ows.metadata import service_metadata
from ows.params import OwsRequest
from ows.styles import DEFAULT_STYLE, style_for
from ows.wms.common import MOROCCO, crs_names
from ows.wms.getfeatureinfo import INFO_FORMATS
from ows.wms.getlegendgraphic import legend_size
from ows.wms.getmap import IMAGE_FORMATS
from ows.wms.rasters import RasterLayer, raster_layers

WMS = "http://www.opengis.net/wms"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SLD = "http://www.opengis.net/sld"


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The capabilities document of the negotiated version."""
    catalog = catalog_layers(user=context.user, agency_code=context.agency_code)
    extents = layer_extents(catalog)
    rasters = tuple(raster_layers(agency_code=context.agency_code).values())
    if ows_request.version == "1.1.1":
        body = Capabilities111(context.url, catalog, extents, rasters).document()
        content_type = "application/vnd.ogc.wms_xml; charset=UTF-8"
    else:
        body = Capabilities130(context.url, catalog, extents, rasters).document()
        content_type = "text/xml; charset=UTF-8"
    return HttpResponse(body, content_type=content_type)


def union(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes) or [MOROCCO]
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _fmt(number: float) -> str:
    return repr(round(number, 8))


class Capabilities130:
    """Builder of the 1.3.0 document; ``Capabilities111`` overrides the details."""

    version = "1.3.0"
    crs_tag = "CRS"
    metadata_type = "ISO19115:2003"

    def __init__(
        self,
        url: str,
        catalog: list[CatalogLayer],
        extents,
        rasters: tuple[RasterLayer, ...] = (),
    ) -> None:
        self.url = url
        self.catalog = catalog
        self.extents = extents
        self.rasters = rasters
        self.E = self.maker()

    def maker(self) -> ElementMaker:
        return ElementMaker(
            namespace=WMS, nsmap={None: WMS, "xlink": XLINK, "xsi": XSI, "sld": SLD}
        )

    def extent(self, entry: CatalogLayer) -> tuple[float, float, float, float]:
        box = self.extents.get(entry.version.pk)
        if box is None:
            territory = (
                entry.layer.document.perimeter or entry.layer.document.agency.territory
            )
            box = territory.extent if territory is not None else MOROCCO
        return box

    def document(self) -> bytes:
        E = self.E
        root = E.WMS_Capabilities(
            self.service(),
            self.capability(),
            version="1.3.0",
        )
        root.set(
            f"{{{XSI}}}schemaLocation",
            f"{WMS} http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd "
            f"{SLD} http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd",
        )
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def online(self, href: str):
        return self.E.OnlineResource(
            {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href}
        )

    def service(self):
        E, meta = self.E, service_metadata()
        children = [
            E.Name("WMS"),
            E.Title(meta.title),
            E.Abstract(meta.abstract),
            E.KeywordList(*[E.Keyword(word) for word in meta.keywords]),
            self.online(self.url),
            self.contact(meta),
            E.Fees(meta.fees),
            E.AccessConstraints(meta.access_constraints),
        ]
        limits = map_limits()
        children += [
            E.LayerLimit(str(limits.layers)),
            E.MaxWidth(str(limits.width)),
            E.MaxHeight(str(limits.height)),
        ]
        return E.Service(*children)

    def contact(self, meta):
        E = self.E
        children = [
            E.ContactPersonPrimary(
                E.ContactPerson(meta.contact_person),
                E.ContactOrganization(meta.organisation),
            )
        ]
        if meta.email:
            children.append(E.ContactElectronicMailAddress(meta.email))
        return E.ContactInformation(*children)

    def dcp(self, post: bool = False):
        E = self.E
        methods = [E.Get(self.online(self.url + "?"))]
        if post:
            methods.append(E.Post(self.online(self.url)))
        return E.DCPType(E.HTTP(*methods))

    def operation(self, name: str, formats: list[str], namespace: str | None = None):
        E = self.E
        tag = f"{{{namespace}}}{name}" if namespace else f"{{{WMS}}}{name}"
        element = etree.Element(tag)
        for fmt in formats:
            element.append(E.Format(fmt))
        element.append(self.dcp())
        return element

    def capabilities_format(self) -> str:
        return "text/xml"

    def exception_formats(self) -> list[str]:
        return ["XML", "INIMAGE", "BLANK"]

    def capability(self):
        E = self.E
        request = E.Request(
            self.operation("GetCapabilities", [self.capabilities_format()]),
            self.operation("GetMap", list(IMAGE_FORMATS)),
            self.operation("GetFeatureInfo", list(INFO_FORMATS[self.version])),
        )
        # 1.3.0 declares GetLegendGraphic as an SLD extended operation.
        request.append(self.operation("GetLegendGraphic", ["image/png"], SLD))
        return E.Capability(
            request,
            E.Exception(*[E.Format(name) for name in self.exception_formats()]),
            self.root_layer(),
        )

    def root_layer(self):
        E = self.E
        meta = service_metadata()
        box = union(self.extent(entry) for entry in self.catalog)
        groups = []
        agencies: dict[int, list[CatalogLayer]] = {}
        for entry in self.catalog:
            agencies.setdefault(entry.layer.document.agency_id, []).append(entry)
        for entries in agencies.values():
            groups.append(self.agency_layer(entries))
        if self.rasters:
            groups.append(self.rasters_layer())
        return E.Layer(
            E.Title(meta.title),
            E.Abstract(meta.abstract),
            *[E(self.crs_tag, name) for name in crs_names(None, self.version)],
            *self.geographic_box(box),
            *groups,
        )

    def rasters_layer(self):
        """The orthophotos (``ows.wms.rasters``): opaque, not queryable."""
        E = self.E
        return E.Layer(
            E.Title(_("Orthophotos")),
            *self.geographic_box(union(raster.extent for raster in self.rasters)),
            *[
                E.Layer(
                    E.Name(raster.name),
                    E.Title(raster.title),
                    E.KeywordList(E.Keyword(_("Orthophotos"))),
                    *self.geographic_box(raster.extent),
                    *self.bounding_boxes(None, raster.extent),
                    queryable="0",
                    opaque="1",
                )
                for raster in self.rasters
            ],
        )

    def agency_layer(self, entries: list[CatalogLayer]):
        E = self.E
        agency = entries[0].layer.document.agency
        documents: dict[int, list[CatalogLayer]] = {}
        for entry in entries:
            documents.setdefault(entry.layer.document_id, []).append(entry)
        box = union(self.extent(entry) for entry in entries)
        return E.Layer(
            E.Title(agency.name),
            *self.geographic_box(box),
            *[self.document_layer(group) for group in documents.values()],
        )

    def document_layer(self, entries: list[CatalogLayer]):
        E = self.E
        document = entries[0].layer.document
        box = union(self.extent(entry) for entry in entries)
        return E.Layer(
            E.Title(f"{document.title}"),
            E.Abstract(f"{document.get_kind_display()} {document.reference}"),
            *self.geographic_box(box),
            *[self.named_layer(entry) for entry in entries],
        )

    def named_layer(self, entry: CatalogLayer):
        E = self.E
        box = self.extent(entry)
        extra_crs = []
        if entry.source_srid not in COMMON_SRIDS:
            extra_crs = [E(self.crs_tag, f"EPSG:{entry.source_srid}")]
        element = E.Layer(
            E.Name(entry.name),
            E.Title(self.layer_title(entry)),
            E.Abstract(entry.abstract),
            self.keywords(entry),
            *extra_crs,
            *self.geographic_box(box),
            *self.bounding_boxes(entry, box),
            *self.time_dimension(entry),
            self.metadata_url(entry),
            self.style(entry),
            queryable="1",
            opaque="0",
        )
        return element

    def keywords(self, entry: CatalogLayer):
        """The layer's keywords: the words WFS gives (``CatalogLayer.keywords``)."""
        E = self.E
        return E.KeywordList(*[E.Keyword(str(word)) for word in entry.keywords])

    def metadata_url(self, entry: CatalogLayer):
        """The layer's ISO 19139 record (``layers/iso19139.py``)."""
        E = self.E
        href = urljoin(
            self.url, reverse("viewer:layer-metadata-xml", args=[entry.layer.pk])
        )
        return E.MetadataURL(
            E.Format("application/xml"), self.online(href), type=self.metadata_type
        )

    @staticmethod
    def layer_title(entry: CatalogLayer) -> str:
        if not entry.is_draft:
            return entry.title
        return _("%(title)s (draft)") % {"title": entry.title}

    def geographic_box(self, box):
        E = self.E
        return [
            E.EX_GeographicBoundingBox(
                E.westBoundLongitude(_fmt(box[0])),
                E.eastBoundLongitude(_fmt(box[2])),
                E.southBoundLatitude(_fmt(box[1])),
                E.northBoundLatitude(_fmt(box[3])),
            )
        ]

    def bounding_boxes(self, entry: CatalogLayer | None, box) -> list:
        E = self.E
        boxes = [E.BoundingBox(CRS="CRS:84", **self._box_attrs(box))]
        for name in crs_names(entry, self.version):
            if name == "CRS:84":
                continue
            srid = int(name.split(":")[1])
            projected = transform_bbox(box, srid)
            lat_first = self.version == "1.3.0" and is_geographic(srid)
            boxes.append(
                E.BoundingBox(
                    {self.crs_tag: name},
                    **self._box_attrs(axis_ordered(projected, lat_first)),
                )
            )
        return boxes

    @staticmethod
    def _box_attrs(box) -> dict[str, str]:
        return {
            "minx": _fmt(box[0]),
            "miny": _fmt(box[1]),
            "maxx": _fmt(box[2]),
            "maxy": _fmt(box[3]),
        }

    def time_values(self, entry: CatalogLayer) -> str:
        starts = (
            LayerVersion.objects.filter(layer=entry.layer, valid_from__isnull=False)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
        )
        return ",".join(start.strftime("%Y-%m-%dT%H:%M:%SZ") for start in starts)

    def time_dimension(self, entry: CatalogLayer) -> list:
        values = self.time_values(entry)
        if not values or entry.is_draft:
            return []
        return [
            self.E.Dimension(
                values,
                name="time",
                units="ISO8601",
                default="current",
                nearestValue="0",
                current="1",
            )
        ]

    def style(self, entry: CatalogLayer):
        E = self.E
        href = (
            f"{self.url}?SERVICE=WMS&VERSION={self.version}&REQUEST=GetLegendGraphic"
            f"&FORMAT=image/png&LAYER={entry.name}&STYLE={DEFAULT_STYLE}"
        )
        width, height = legend_size(style_for(entry.layer))
        return E.Style(
            E.Name(DEFAULT_STYLE),
            E.Title(_("Default style")),
            E.LegendURL(
                E.Format("image/png"),
                self.online(href),
                width=str(width),
                height=str(height),
            ),
        )


class Capabilities111(Capabilities130):
    version = "1.1.1"
    crs_tag = "SRS"
    metadata_type = "TC211"  # the 1.1.1 DTD's name for ISO 19115

    def maker(self) -> ElementMaker:
        return ElementMaker()

    def document(self) -> bytes:
        root = self.E.WMT_MS_Capabilities(
            self.service(), self.capability(), version="1.1.1"
        )
        doctype = (
            "<!DOCTYPE WMT_MS_Capabilities SYSTEM "
            '"http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">'
        )
        return etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", doctype=doctype
        )

    def service(self):
        element = super().service()
        element.find("Name").text = "OGC:WMS"
        for tag in ("LayerLimit", "MaxWidth", "MaxHeight"):
            element.remove(element.find(tag))
        return element

    def online(self, href: str):
        # The DTD declares xmlns:xlink on OnlineResource only.
        element = etree.Element("OnlineResource", nsmap={"xlink": XLINK})
        element.set(f"{{{XLINK}}}type", "simple")
        element.set(f"{{{XLINK}}}href", href)
        return element

    def operation(self, name: str, formats: list[str], namespace: str | None = None):
        E = self.E
        return E(name, *[E.Format(fmt) for fmt in formats], self.dcp())

    def capabilities_format(self) -> str:
        return "application/vnd.ogc.wms_xml"

    def exception_formats(self) -> list[str]:
        return [
            "application/vnd.ogc.se_xml",
            "application/vnd.ogc.se_inimage",
            "application/vnd.ogc.se_blank",
        ]

    def geographic_box(self, box):
        return [self.E.LatLonBoundingBox(**self._box_attrs(box))]

    def bounding_boxes(self, entry: CatalogLayer | None, box) -> list:
        boxes = super().bounding_boxes(entry, box)
        return boxes[1:]  # no CRS:84 in 1.1.1

    def time_dimension(self, entry: CatalogLayer) -> list:
        values = self.time_values(entry)
        if not values or entry.is_draft:
            return []
        E = self.E
        return [
            E.Dimension(name="time", units="ISO8601"),
            E.Extent(values, name="time", default="current", nearestValue="0"),
        ]
