"""A layer's metadata as ISO 19115 in its ISO 19139 XML encoding (gmd:MD_Metadata).

Elements come in the order the ISO schemas require (tests validate every
document against them, offline). Text is French with the Arabic title as an
alternate title; code lists point to the ISO 19139 register. The document is
written from a ``layers.metadata.LayerMetadata`` and the absolute addresses of
the layer's page and downloads, which the caller knows.
"""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from lxml import etree

from layers.metadata import LayerMetadata

GMD = "http://www.isotc211.org/2005/gmd"
GCO = "http://www.isotc211.org/2005/gco"
GML = "http://www.opengis.net/gml/3.2"
XLINK = "http://www.w3.org/1999/xlink"
NSMAP = {"gmd": GMD, "gco": GCO, "gml": GML, "xlink": XLINK}
CODE_LISTS = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml"
LANGUAGES = "http://www.loc.gov/standards/iso639-2/"
DOWNLOAD_PROTOCOL = "WWW:DOWNLOAD-1.0-http--download"
FORMAT_VERSIONS = {
    "gpkg": "1.2",
    "geojson": "RFC 7946",
    "shp": "1.0",
    "csv": "RFC 4180",
}


def _el(parent, name: str, text: str | None = None, **attributes):
    prefix, local = name.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{local}", **attributes)
    if text is not None:
        element.text = text
    return element


def _text(parent, name: str, text: str) -> None:
    _el(_el(parent, name), "gco:CharacterString", text)


def _code(parent, name: str, code_list: str, value: str) -> None:
    _el(
        _el(parent, name),
        f"gmd:{code_list}",
        value,
        codeList=f"{CODE_LISTS}#{code_list}",
        codeListValue=value,
    )


def _language(parent, code: str) -> None:
    language = _el(parent, "gmd:language")
    _el(language, "gmd:LanguageCode", code, codeList=LANGUAGES, codeListValue=code)


def _party(parent, name: str, organisation: str, role: str) -> None:
    party = _el(_el(parent, name), "gmd:CI_ResponsibleParty")
    _text(party, "gmd:organisationName", organisation)
    _code(party, "gmd:role", "CI_RoleCode", role)


def _date(parent, day: datetime.date, kind: str) -> None:
    ci_date = _el(_el(parent, "gmd:date"), "gmd:CI_Date")
    _el(_el(ci_date, "gmd:date"), "gco:Date", day.isoformat())
    _code(ci_date, "gmd:dateType", "CI_DateTypeCode", kind)


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat()


def metadata_xml(
    metadata: LayerMetadata, *, page_url: str, download_urls: dict[str, str]
) -> bytes:
    """The ISO 19139 document of ``metadata`` as UTF-8 bytes; ``download_urls``
    maps each format's name to its absolute address. Its text is French
    whatever the request's language (the document declares it so)."""
    with translation.override("fr"):
        root = _metadata(metadata, page_url=page_url, download_urls=download_urls)
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _metadata(
    metadata: LayerMetadata, *, page_url: str, download_urls: dict[str, str]
) -> etree._Element:
    layer, document, agency = metadata.layer, metadata.document, metadata.agency
    root = etree.Element(f"{{{GMD}}}MD_Metadata", nsmap=NSMAP)
    _text(root, "gmd:fileIdentifier", page_url)
    _language(root, "fre")
    _code(root, "gmd:characterSet", "MD_CharacterSetCode", "utf8")
    _code(root, "gmd:hierarchyLevel", "MD_ScopeCode", "dataset")
    _party(root, "gmd:contact", agency.name_fr, "pointOfContact")
    stamp = metadata.updated or document.updated_at
    _el(_el(root, "gmd:dateStamp"), "gco:DateTime", _instant(stamp))
    _text(root, "gmd:metadataStandardName", "ISO 19115:2003/19139")
    _text(root, "gmd:metadataStandardVersion", "1.0")
    for srid in metadata.srids:
        system = _el(_el(root, "gmd:referenceSystemInfo"), "gmd:MD_ReferenceSystem")
        identifier = _el(
            _el(system, "gmd:referenceSystemIdentifier"), "gmd:RS_Identifier"
        )
        _text(identifier, "gmd:code", f"EPSG:{srid}")
        _text(identifier, "gmd:codeSpace", "EPSG")

    identification = _el(
        _el(root, "gmd:identificationInfo"), "gmd:MD_DataIdentification"
    )
    citation = _el(_el(identification, "gmd:citation"), "gmd:CI_Citation")
    _text(citation, "gmd:title", f"{document.title_fr} — {layer.title_fr}")
    if document.title_ar or layer.title_ar:
        arabic = (
            document.title_ar or document.title_fr,
            layer.title_ar or layer.title_fr,
        )
        _text(citation, "gmd:alternateTitle", " — ".join(arabic))
    if document.approval_date:
        _date(citation, document.approval_date, "publication")
    # A citation has a date at least: a document not yet in force has its
    # record's creation.
    created = document.effective_date or timezone.localdate(document.created_at)
    _date(citation, created, "creation")
    if metadata.current is not None:
        revised = timezone.localdate(metadata.current.valid_from)
        _date(citation, revised, "revision")
        _text(citation, "gmd:edition", str(metadata.current.number))
    identifier = _el(_el(citation, "gmd:identifier"), "gmd:MD_Identifier")
    _text(identifier, "gmd:code", f"{agency.code}:{document.reference}:{layer.name}")
    act = "; ".join(
        part for part in (document.approval_act, document.bulletin_reference) if part
    )
    if act:
        _text(citation, "gmd:otherCitationDetails", act)
    _text(
        identification,
        "gmd:abstract",
        f"{layer.get_kind_display()} — {document.get_kind_display()} "
        f"{document.reference} ({agency.name_fr}).",
    )
    _code(identification, "gmd:status", "MD_ProgressCode", _progress(document.status))
    _party(identification, "gmd:pointOfContact", agency.name_fr, "owner")
    constraints = _el(
        _el(identification, "gmd:resourceConstraints"), "gmd:MD_LegalConstraints"
    )
    _text(
        constraints, "gmd:useLimitation", f"{metadata.licence} ({metadata.licence_url})"
    )
    _code(constraints, "gmd:useConstraints", "MD_RestrictionCode", "license")
    _text(constraints, "gmd:otherConstraints", metadata.licence)
    _code(
        identification,
        "gmd:spatialRepresentationType",
        "MD_SpatialRepresentationTypeCode",
        "vector",
    )
    _language(identification, "fre")
    if document.title_ar:
        _language(identification, "ara")
    _code(identification, "gmd:characterSet", "MD_CharacterSetCode", "utf8")
    _el(
        _el(identification, "gmd:topicCategory"),
        "gmd:MD_TopicCategoryCode",
        "planningCadastre",
    )
    _extent(identification, metadata)

    distribution = _el(_el(root, "gmd:distributionInfo"), "gmd:MD_Distribution")
    for export in metadata.formats:
        format_ = _el(_el(distribution, "gmd:distributionFormat"), "gmd:MD_Format")
        _text(format_, "gmd:name", export.label)
        _text(format_, "gmd:version", FORMAT_VERSIONS.get(export.name, "-"))
    options = _el(
        _el(distribution, "gmd:transferOptions"), "gmd:MD_DigitalTransferOptions"
    )
    for export in metadata.formats:
        resource = _el(_el(options, "gmd:onLine"), "gmd:CI_OnlineResource")
        _el(_el(resource, "gmd:linkage"), "gmd:URL", download_urls[export.name])
        _text(resource, "gmd:protocol", DOWNLOAD_PROTOCOL)
        _text(resource, "gmd:name", export.label)
        _code(resource, "gmd:function", "CI_OnLineFunctionCode", "download")
    resource = _el(_el(options, "gmd:onLine"), "gmd:CI_OnlineResource")
    _el(_el(resource, "gmd:linkage"), "gmd:URL", page_url)
    _code(resource, "gmd:function", "CI_OnLineFunctionCode", "information")

    _lineage(root, metadata)
    return root


def _progress(status: str) -> str:
    return {
        "draft": "underDevelopment",
        "public_inquiry": "underDevelopment",
        "approved": "onGoing",
        "under_revision": "onGoing",
        "superseded": "obsolete",
        "expired": "historicalArchive",
        "annulled": "obsolete",
    }[status]


def _extent(identification, metadata: LayerMetadata) -> None:
    document = metadata.document
    if metadata.bbox is None and document.effective_date is None:
        return
    extent = _el(_el(identification, "gmd:extent"), "gmd:EX_Extent")
    if metadata.bbox is not None:
        box = _el(_el(extent, "gmd:geographicElement"), "gmd:EX_GeographicBoundingBox")
        west, south, east, north = metadata.bbox
        for name, value in (
            ("westBoundLongitude", west),
            ("eastBoundLongitude", east),
            ("southBoundLatitude", south),
            ("northBoundLatitude", north),
        ):
            _el(_el(box, f"gmd:{name}"), "gco:Decimal", f"{value:.7f}")
    if document.effective_date is not None:
        temporal = _el(_el(extent, "gmd:temporalElement"), "gmd:EX_TemporalExtent")
        period = _el(
            _el(temporal, "gmd:extent"),
            "gml:TimePeriod",
            **{f"{{{GML}}}id": "validity"},
        )
        _el(period, "gml:beginPosition", document.effective_date.isoformat())
        if document.expiry_date:
            _el(period, "gml:endPosition", document.expiry_date.isoformat())
        else:
            _el(period, "gml:endPosition", indeterminatePosition="now")


def _lineage(root, metadata: LayerMetadata) -> None:
    quality = _el(_el(root, "gmd:dataQualityInfo"), "gmd:DQ_DataQuality")
    scope = _el(_el(quality, "gmd:scope"), "gmd:DQ_Scope")
    _code(scope, "gmd:level", "MD_ScopeCode", "dataset")
    lineage = _el(_el(quality, "gmd:lineage"), "gmd:LI_Lineage")
    document = metadata.document
    _text(
        lineage,
        "gmd:statement",
        f"Numérisation de {document.get_kind_display()} {document.reference}, "
        f"importée et publiée par {metadata.agency.name_fr}.",
    )
    for version in metadata.versions:
        step = _el(_el(lineage, "gmd:processStep"), "gmd:LI_ProcessStep")
        _text(step, "gmd:description", _version_step(version))
        _el(
            _el(step, "gmd:dateTime"),
            "gco:DateTime",
            _instant(version.valid_from or version.created_at),
        )


def _version_step(version) -> str:
    parts = [f"Version {version.number} ({version.get_status_display()})"]
    if version.restored_from is not None:
        parts.append(f"copie de la version {version.restored_from.number}")
    if version.source_name:
        source = version.source_name
        if version.source_srid:
            source += f", EPSG:{version.source_srid}"
        parts.append(f"importée de {source}")
    parts.append(f"{version.feature_count} objets")
    if version.comment:
        parts.append(version.comment)
    return " — ".join(parts)
