"""XML request bodies (POST): parsed safely, never fetching anything."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from ows.exceptions import OperationParsingFailed

# Entities are left unexpanded, nothing is fetched, no DTD is loaded: every
# parse of client XML goes through this parser.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
)


def parse_xml(body: bytes | str, locator: str = "request") -> etree._Element:
    """The root element of ``body``; raises OperationParsingFailed if malformed."""
    if isinstance(body, str):
        body = body.encode()
    try:
        root = etree.fromstring(body, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise OperationParsingFailed(
            _("The XML is not well-formed: %(error)s") % {"error": error},
            locator=locator,
        ) from error
    if root is None:
        raise OperationParsingFailed(_("The XML is empty."), locator=locator)
    return root


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def in_scope(element: etree._Element) -> dict[str, str]:
    """The namespaces declared around ``element``, "" for the default one."""
    return {prefix or "": uri for prefix, uri in element.nsmap.items()}


# The WFS namespaces and the version each stands for: a request's service and
# version default to its root's (WFS 1.1.0's version and service attributes
# are optional, with these defaults); a GetCapabilities' AcceptVersions, if
# any, chooses instead.
WFS_NAMESPACES = {
    "http://www.opengis.net/wfs": "1.1.0",
    "http://www.opengis.net/wfs/2.0": "2.0.0",
}


def xml_request_head(body: bytes) -> dict[str, str]:
    """SERVICE, VERSION and REQUEST of an XML request (its root element), and a
    GetCapabilities' ACCEPTVERSIONS."""
    root = parse_xml(body)
    head = {"REQUEST": local_name(root)}
    accepted = [
        (version.text or "").strip()
        for versions in root.iterchildren("{*}AcceptVersions")
        for version in versions.iterchildren("{*}Version")
    ]
    if accepted:
        head["ACCEPTVERSIONS"] = ",".join(accepted)
    namespace = etree.QName(root).namespace
    if namespace in WFS_NAMESPACES:
        head["SERVICE"] = "WFS"
        if not accepted:
            head["VERSION"] = WFS_NAMESPACES[namespace]
    for name in ("service", "version"):
        if root.get(name):
            head[name.upper()] = root.get(name)
    return head
