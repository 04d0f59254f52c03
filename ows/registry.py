"""Which handler answers which service, version and operation.

A handler takes the parsed request and the service context and returns an
HttpResponse; it raises ``OwsError`` subclasses for the client's mistakes (any
``GeoportalError`` from shared code is reported the same way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.errors import GeoportalError
from ows.exceptions import (
    InvalidParameterValue,
    MissingParameterValue,
    OperationNotSupported,
    OwsError,
    VersionNegotiationFailed,
    ows_exception_report,
    wms_exception_report,
)
from ows.params import OwsRequest, negotiate_version
from ows.wfs import (
    describefeaturetype,
    getfeature,
    getpropertyvalue,
    storedqueries,
)
from ows.wfs import getcapabilities as wfs_getcapabilities
from ows.wms import getcapabilities as wms_getcapabilities
from ows.wms import getfeatureinfo, getlegendgraphic, getmap


@dataclasses.dataclass(frozen=True)
class ServiceContext:
    """Who asks, through which endpoint: the user, the agency scope, the URL;
    and the request's If-None-Match (a cache's validator, for GetMap)."""

    user: object
    agency_code: str | None
    url: str
    if_none_match: str = ""


Handler = Callable[[OwsRequest, ServiceContext], HttpResponse]


@dataclasses.dataclass(frozen=True)
class Service:
    name: str
    versions: list[str]  # ascending
    operations: dict[str, Handler]
    report: Callable[[GeoportalError, str], HttpResponse]
    # OWS Common (WFS): every request but GetCapabilities names its VERSION.
    version_required: bool = False


SERVICES = {
    "WMS": Service(
        "WMS",
        ["1.1.1", "1.3.0"],
        {
            "GETCAPABILITIES": wms_getcapabilities.handle,
            "GETMAP": getmap.handle,
            "GETFEATUREINFO": getfeatureinfo.handle,
            "GETLEGENDGRAPHIC": getlegendgraphic.handle,
        },
        wms_exception_report,
    ),
    "WFS": Service(
        "WFS",
        ["1.1.0", "2.0.0"],
        {
            "GETCAPABILITIES": wfs_getcapabilities.handle,
            "DESCRIBEFEATURETYPE": describefeaturetype.handle,
            "GETFEATURE": getfeature.handle,
            "GETPROPERTYVALUE": getpropertyvalue.handle,
            "LISTSTOREDQUERIES": storedqueries.handle_list,
            "DESCRIBESTOREDQUERIES": storedqueries.handle_describe,
        },
        ows_exception_report,
        version_required=True,
    ),
}

# Old WMS clients call GetCapabilities "capabilities" and GetMap "map".
ALIASES = {"CAPABILITIES": "GETCAPABILITIES", "MAP": "GETMAP"}


def resolve(
    service_name: str,
    operation: str,
    requested_versions: list[str],
    accepted_versions: list[str] | None = None,
) -> tuple[Service, str, Handler]:
    """The service, negotiated version and handler for a request.

    ``accepted_versions`` is GetCapabilities' AcceptVersions (OWS Common): the
    first supported one listed wins, over a VERSION, and none supported is a
    failure, where a VERSION alone is negotiated. Raises
    MissingParameterValue (no SERVICE or REQUEST, or no VERSION where the
    service requires one), InvalidParameterValue (unknown service, or an
    unsupported VERSION on an operation other than GetCapabilities),
    VersionNegotiationFailed and OperationNotSupported. Locators are the
    parameters' names as OWS Common writes them (lower case), which the OGC
    test suites compare.
    """
    if not service_name:
        raise MissingParameterValue(
            _("The parameter SERVICE is required."), locator="service"
        )
    service = SERVICES.get(service_name.upper())
    if service is None:
        raise InvalidParameterValue(
            _("Unknown service: %(name)s.") % {"name": service_name},
            locator="service",
        )
    if not operation:
        raise MissingParameterValue(
            _("The parameter REQUEST is required."), locator="request"
        )
    key = operation.upper()
    key = ALIASES.get(key, key)
    handler = service.operations.get(key)
    if key == "GETCAPABILITIES":
        try:
            version = negotiate_version(requested_versions, service.versions)
            if accepted_versions:
                version = accept_version(accepted_versions, service.versions)
        except OwsError as error:
            # Reported as the version named, if there is one (WFS 1.1's
            # clients send VERSION with AcceptVersions), else the highest.
            named = [v for v in requested_versions if v in service.versions]
            report_version = named[0] if named else service.versions[-1]
            raise ServiceError(error, service, report_version) from error
    else:
        version = requested_versions[0] if requested_versions else ""
        if not version and service.version_required:
            error = MissingParameterValue(
                _("The parameter %(name)s is required.") % {"name": "VERSION"},
                locator="version",
            )
            raise ServiceError(error, service, service.versions[-1])
        if not version:
            version = service.versions[-1]
        elif version not in service.versions:
            error = InvalidParameterValue(
                _("Version %(version)s is not supported.") % {"version": version},
                locator="version",
            )
            raise ServiceError(error, service, service.versions[-1])
    if handler is None:
        error = OperationNotSupported(
            _("Operation %(name)s is not supported.") % {"name": operation},
            locator=operation,  # OWS Common: the operation's name
        )
        raise ServiceError(error, service, version)
    return service, version, handler


class ServiceError(Exception):
    """An OwsError raised once the service (hence the report dialect) is known."""

    def __init__(self, error: GeoportalError, service: Service, version: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.service = service
        self.version = version

    def response(self) -> HttpResponse:
        return self.service.report(self.error, self.version)


def accept_version(accepted: list[str], supported: list[str]) -> str:
    """The first of ``accepted`` that is ``supported``; raises
    VersionNegotiationFailed when there is none."""
    for version in accepted:
        if version.strip() in supported:
            return version.strip()
    raise VersionNegotiationFailed(
        _("Version %(version)s is not supported.") % {"version": ", ".join(accepted)},
        locator="AcceptVersions",
    )


def requested_versions(ows_request: OwsRequest) -> list[str]:
    """VERSION, else old WMS's WMTVER."""
    if ows_request.version:
        return [ows_request.version]
    return [ows_request.get("WMTVER")] if ows_request.get("WMTVER").strip() else []


def accepted_versions(ows_request: OwsRequest) -> list[str]:
    """GetCapabilities' ACCEPTVERSIONS list."""
    accepted = ows_request.get("ACCEPTVERSIONS")
    return [version for version in accepted.split(",") if version.strip()]


def dispatch(ows_request: OwsRequest, context: ServiceContext) -> HttpResponse:
    """Answer ``ows_request``; every client error becomes an exception report."""
    try:
        service, version, handler = resolve(
            ows_request.service,
            ows_request.request,
            requested_versions(ows_request),
            accepted_versions(ows_request),
        )
    except ServiceError as error:
        return error.response()
    except GeoportalError as error:
        # No service yet: a WFS 1.1.0 request's report is OWS 1.0, as its
        # clients (and test suite) read.
        report_version = "1.1.0" if ows_request.version == "1.1.0" else "2.0.0"
        return ows_exception_report(error, report_version)
    ows_request = dataclasses.replace(ows_request, version=version)
    try:
        return handler(ows_request, context)
    except GeoportalError as error:
        return service.report(error, version)
