"""OGC exceptions: each class carries its exception code and HTTP status.

Handlers raise them; the view writes them back in the dialect of the service
and version asked for (WMS ServiceExceptionReport 1.3.0/1.1.1, OWS 1.1/2.0
ExceptionReport). Messages are translated by the raiser.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse


class OwsError(Exception):
    """An error reported to an OGC client as an exception report."""

    code = "NoApplicableCode"
    http_status = 400

    def __init__(
        self, message: str, *, locator: str = "", code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.locator = locator
        if code is not None:
            self.code = code


class MissingParameterValue(OwsError):
    code = "MissingParameterValue"


class InvalidParameterValue(OwsError):
    code = "InvalidParameterValue"


class OperationNotSupported(OwsError):
    code = "OperationNotSupported"
    http_status = 501


class VersionNegotiationFailed(OwsError):
    code = "VersionNegotiationFailed"


class OperationParsingFailed(OwsError):
    code = "OperationParsingFailed"


class NotFound(OwsError):
    code = "NotFound"
    http_status = 404


class InvalidFormat(OwsError):
    code = "InvalidFormat"


class InvalidCRS(OwsError):
    """WMS 1.3.0 ``InvalidCRS``; written as ``InvalidSRS`` for WMS 1.1.1."""

    code = "InvalidCRS"


class LayerNotDefined(OwsError):
    code = "LayerNotDefined"


class StyleNotDefined(OwsError):
    code = "StyleNotDefined"


class LayerNotQueryable(OwsError):
    code = "LayerNotQueryable"


class InvalidPoint(OwsError):
    code = "InvalidPoint"


class InvalidDimensionValue(OwsError):
    code = "InvalidDimensionValue"


WMS_111_CODES = {"InvalidCRS": "InvalidSRS"}


def wms_exception_report(error: OwsError, version: str) -> HttpResponse:
    """A WMS ServiceExceptionReport (1.3.0, or 1.1.1 with its DTD).

    WMS answers exceptions with HTTP 200 in the specifications, but clients
    and proxies handle an error status better; the status follows the error.
    """
    code = error.code
    attrs = f" code={quoteattr(code)}"
    if version == "1.1.1":
        code = WMS_111_CODES.get(code, code)
        attrs = f" code={quoteattr(code)}"  # the 1.1.1 DTD has no locator
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            "<!DOCTYPE ServiceExceptionReport SYSTEM "
            '"http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd">\n'
            '<ServiceExceptionReport version="1.1.1">'
            f"<ServiceException{attrs}>{escape(error.message)}</ServiceException>"
            "</ServiceExceptionReport>"
        )
        content_type = "application/vnd.ogc.se_xml"
    else:
        if error.locator:
            attrs += f" locator={quoteattr(error.locator)}"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ServiceExceptionReport version="1.3.0" '
            'xmlns="http://www.opengis.net/ogc" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.opengis.net/ogc '
            'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">'
            f"<ServiceException{attrs}>{escape(error.message)}</ServiceException>"
            "</ServiceExceptionReport>"
        )
        content_type = "text/xml; charset=UTF-8"
    return HttpResponse(body, status=error.http_status, content_type=content_type)


def ows_exception_report(error: OwsError, version: str) -> HttpResponse:
    """An OWS ExceptionReport: OWS 2.0 for WFS 2.0.0, OWS 1.0 for WFS 1.1.0."""
    if version.startswith("1."):
        namespace, report_version = "http://www.opengis.net/ows", "1.0.0"
        schema = "http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd"
    else:
        namespace, report_version = "http://www.opengis.net/ows/1.1", "2.0.0"
        schema = "http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd"
    attrs = f" exceptionCode={quoteattr(error.code)}"
    if error.locator:
        attrs += f" locator={quoteattr(error.locator)}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ows:ExceptionReport xmlns:ows="{namespace}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{namespace} {schema}" '
        f'version="{report_version}">'
        f"<ows:Exception{attrs}>"
        f"<ows:ExceptionText>{escape(error.message)}</ows:ExceptionText>"
        "</ows:Exception></ows:ExceptionReport>"
    )
    return HttpResponse(
        body, status=error.http_status, content_type="application/xml; charset=UTF-8"
    )
