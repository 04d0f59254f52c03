"""OGC exceptions: each class carries its OGC exception code and HTTP status.

They are ``GeoportalError``s (``core.errors``) whose ``ogc_code`` is the
exception code of the OGC standards. Handlers raise them; the services write
any GeoportalError — these, or one raised by code the services share with the
JSON API — back in the dialect of the service and version asked for (WMS
ServiceExceptionReport 1.3.0/1.1.1, OWS 1.1/2.0 ExceptionReport), with
``NoApplicableCode`` for an error that has no OGC code.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from core.errors import GeoportalError

NO_APPLICABLE_CODE = "NoApplicableCode"


class OwsError(GeoportalError):
    """An error of the OGC services' own parsing and operations."""

    code = "ows_error"
    ogc_code = NO_APPLICABLE_CODE


class MissingParameterValue(OwsError):
    code = "missing_parameter_value"
    ogc_code = "MissingParameterValue"


class InvalidParameterValue(OwsError):
    code = "invalid_parameter_value"
    ogc_code = "InvalidParameterValue"


class OperationNotSupported(OwsError):
    code = "operation_not_supported"
    ogc_code = "OperationNotSupported"
    http_status = 501


class VersionNegotiationFailed(OwsError):
    code = "version_negotiation_failed"
    ogc_code = "VersionNegotiationFailed"


class OperationParsingFailed(OwsError):
    code = "operation_parsing_failed"
    ogc_code = "OperationParsingFailed"


class OperationProcessingFailed(OwsError):
    """A well-formed request the service cannot carry out (WFS 2.0 Table 3)."""

    code = "operation_processing_failed"
    ogc_code = "OperationProcessingFailed"


class NotFound(OwsError):
    code = "not_found"
    ogc_code = "NotFound"
    http_status = 404


class InvalidFormat(OwsError):
    code = "invalid_format"
    ogc_code = "InvalidFormat"


class InvalidCRS(OwsError):
    """WMS 1.3.0 ``InvalidCRS``; written as ``InvalidSRS`` for WMS 1.1.1."""

    code = "invalid_crs"
    ogc_code = "InvalidCRS"


class LayerNotDefined(OwsError):
    code = "layer_not_defined"
    ogc_code = "LayerNotDefined"


class StyleNotDefined(OwsError):
    code = "style_not_defined"
    ogc_code = "StyleNotDefined"


class LayerNotQueryable(OwsError):
    code = "layer_not_queryable"
    ogc_code = "LayerNotQueryable"


class InvalidPoint(OwsError):
    code = "invalid_point"
    ogc_code = "InvalidPoint"


class InvalidDimensionValue(OwsError):
    code = "invalid_dimension_value"
    ogc_code = "InvalidDimensionValue"


WMS_111_CODES = {"InvalidCRS": "InvalidSRS"}


def _ogc_code(error: GeoportalError) -> str:
    return error.ogc_code or NO_APPLICABLE_CODE


def _report(body: str, error: GeoportalError, content_type: str) -> HttpResponse:
    return HttpResponse(
        body,
        status=error.http_status,
        content_type=content_type,
        headers=error.headers(),
    )


def wms_exception_report(error: GeoportalError, version: str) -> HttpResponse:
    """A WMS ServiceExceptionReport (1.3.0, or 1.1.1 with its DTD).

    WMS answers exceptions with HTTP 200 in the specifications, but clients
    and proxies handle an error status better; the status follows the error.
    """
    code = _ogc_code(error)
    message = escape(str(error.message))
    attrs = f" code={quoteattr(code)}"
    if version == "1.1.1":
        code = WMS_111_CODES.get(code, code)
        attrs = f" code={quoteattr(code)}"  # the 1.1.1 DTD has no locator
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            "<!DOCTYPE ServiceExceptionReport SYSTEM "
            '"http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd">\n'
            '<ServiceExceptionReport version="1.1.1">'
            f"<ServiceException{attrs}>{message}</ServiceException>"
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
            f"<ServiceException{attrs}>{message}</ServiceException>"
            "</ServiceExceptionReport>"
        )
        content_type = "text/xml; charset=UTF-8"
    return _report(body, error, content_type)


def ows_exception_report(error: GeoportalError, version: str) -> HttpResponse:
    """An OWS ExceptionReport: OWS 2.0 for WFS 2.0.0, OWS 1.0 for WFS 1.1.0."""
    if version.startswith("1."):
        namespace, report_version = "http://www.opengis.net/ows", "1.0.0"
        schema = "http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd"
    else:
        namespace, report_version = "http://www.opengis.net/ows/1.1", "2.0.0"
        schema = "http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd"
    attrs = f" exceptionCode={quoteattr(_ogc_code(error))}"
    if error.locator:
        attrs += f" locator={quoteattr(error.locator)}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ows:ExceptionReport xmlns:ows="{namespace}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{namespace} {schema}" '
        f'version="{report_version}">'
        f"<ows:Exception{attrs}>"
        f"<ows:ExceptionText>{escape(str(error.message))}</ows:ExceptionText>"
        "</ows:Exception></ows:ExceptionReport>"
    )
    return _report(body, error, "application/xml; charset=UTF-8")
