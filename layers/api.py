"""The JSON API for scripts and the planner pages: /api/v1/…

Views are adapters: authenticate (token or session), parse, call one service or
selector, answer JSON. Errors are ``core.errors.GeoportalError``s, whichever
layer raised them (an import refusal, a version's state…), answered by
``core.api`` with their code and status.
"""

from __future__ import annotations

import datetime
import json
import math
import tempfile
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.permissions import can_view_report, require_change, viewable
from accounts.tokens import token_or_session
from core.api import api_view, error_response, json_response, read_json
from core.errors import BadRequest, NotAuthenticated
from importing.mapping import mapping_parse
from importing.plan import ImportOptions, import_plan
from importing.report import encoding_text, report_render
from layers import selectors
from layers.downloads.files import version_download
from layers.downloads.params import DownloadQuery
from layers.downloads.selection import version_for_download
from layers.imports.preview import import_dry_run
from layers.mapping import mapping_categories, mapping_targets
from layers.models import Agency, ImportJob, Layer, LayerVersion, PlanningDocument
from layers.services import (
    agency_create,
    document_create,
    layer_ensure,
    layer_version_publish,
    layer_version_restore,
    upload_size_check,
    upload_store,
)
from layers.tasks import (
    import_in_background,
    import_job_retry,
    import_start,
)


def api(*methods: str):
    """``api_view`` with token-or-session authentication; login required."""

    def decorate(view):
        @token_or_session(error_response)
        @api_view(*methods)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                raise NotAuthenticated(_("Log in, or send an API token."))
            return view(request, *args, **kwargs)

        wrapper.__name__ = view.__name__
        return wrapper

    return decorate


# --- serialisation -------------------------------------------------------------


def version_json(version: LayerVersion, *, user, with_report: bool = True) -> dict:
    """A version as JSON; its validation report (and its error and warning
    counts) only for those who may read it (accounts.permissions)."""
    data = {
        "id": version.pk,
        "layer": version.layer_id,
        "number": version.number,
        "status": version.status,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "feature_count": version.feature_count,
        "source_name": version.source_name,
        "source_sha256": version.source_sha256,
        "source_srid": version.source_srid,
        "restored_from": version.restored_from_id,
        "comment": version.comment,
        "created_at": version.created_at,
        "published_despite_errors": _errors_accepted_json(version),
    }
    if not can_view_report(user, version):
        return data
    data["errors"] = (version.report or {}).get("errors", 0)
    data["warnings"] = (version.report or {}).get("warnings", 0)
    if with_report:
        report = report_render(version.report or {})
        report.pop("rules", None)
        data["report"] = report
    return data


def _errors_accepted_json(version: LayerVersion) -> dict | None:
    accepted = version.errors_accepted
    if not accepted:
        return None
    return {
        key: accepted.get(key)
        for key in ("reason", "by", "at", "errors", "kinds", "features", "zones")
    }


def layer_json(layer: Layer) -> dict:
    return {
        "id": layer.pk,
        "document": layer.document_id,
        "name": layer.name,
        "title": layer.title,
        "kind": layer.kind,
        "reference_type": layer.reference_type,
        "geometry_type": layer.geometry_type,
    }


def job_json(job: ImportJob, *, user) -> dict:
    return {
        "id": job.pk,
        "layer": job.layer_id,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "upload_name": job.upload_name,
        "version": version_json(job.version, user=user) if job.version_id else None,
        "error": job.error_message(),
        "error_code": job.error_code,
        "retryable": job.retryable,
    }


# --- parsing ---------------------------------------------------------------------


def _geometry(value) -> GEOSGeometry | None:
    if value in (None, ""):
        return None
    try:
        geometry = GEOSGeometry(json.dumps(value) if isinstance(value, dict) else value)
    except (GDALException, GEOSException, ValueError, TypeError) as exc:
        # GDAL reads GeoJSON, and refuses {} or a Point without coordinates.
        raise BadRequest(
            _("The geometry is not valid GeoJSON."), code="invalid"
        ) from exc
    if not geometry.srid:
        geometry.srid = 4326
    return geometry


def _srid(value) -> int:
    text = str(value).upper().removeprefix("EPSG:")
    # ASCII digits ("²" is a digit int() refuses), as many as EPSG codes have.
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise BadRequest(
            _("“%(srs)s” is not an EPSG code (write EPSG:26191).") % {"srs": value},
            code="invalid",
        )
    return int(text)


def _date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadRequest(
            _("“%(date)s” is not a date (YYYY-MM-DD).") % {"date": value},
            code="invalid",
        ) from exc


def _mapping(value) -> tuple[dict, dict | None]:
    """The field overrides and value mapping of a ``mapping`` parameter.

    Either flat, ``{"code": "ZONE"}``, or structured, ``{"fields": {target:
    field or ""}, "values": {value: category}}`` (what the inspect endpoint
    answers); a structured one's ``values`` replace the layer's remembered ones.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError as exc:
            raise BadRequest(
                _("The mapping must be a JSON object."), code="invalid"
            ) from exc
    if not isinstance(value, dict):
        raise BadRequest(_("The mapping must be a JSON object."), code="invalid")
    if not isinstance(value.get("fields"), dict):
        return value, None
    fields, values = value["fields"], value.get("values")
    if values is not None and not isinstance(values, dict):
        raise BadRequest(
            _("The mapping's “values” must be a JSON object."), code="invalid"
        )
    plain = all(
        isinstance(item, str)
        for pair in [*fields.items(), *(values or {}).items()]
        for item in pair
    )
    if not plain:
        raise BadRequest(
            _("The mapping names fields and categories as text."), code="invalid"
        )
    return fields, values


def import_options(data) -> ImportOptions:
    """ImportOptions from form fields (multipart) or a dict."""

    def get(name):
        value = data.get(name)
        return value if value not in (None, "") else None

    fields, values = _mapping(data.get("mapping") or {})
    items = [f"{target}={source}" for target, source in fields.items()]
    if hasattr(data, "getlist"):
        items += data.getlist("map")
    srs = get("srs") or get("srid")
    srid = _srid(srs) if srs else None
    try:
        tolerance = float(get("tolerance")) if get("tolerance") else None
    except ValueError as exc:
        raise BadRequest(
            _("The CRS or tolerance is not a number."), code="invalid"
        ) from exc
    # float() takes "nan" and "inf", which would make every comparison false.
    if tolerance is not None and not (math.isfinite(tolerance) and tolerance >= 0):
        raise BadRequest(
            _("The tolerance must be a number of square metres, 0 or more."),
            code="invalid",
        )
    return ImportOptions(
        source_layer=get("source_layer"),
        srid=srid,
        encoding=get("encoding"),
        mapping=mapping_parse(items),
        values=values,
        comment=get("comment") or "",
        tolerance_m2=tolerance,
    )


def _upload(request: HttpRequest):
    upload = request.FILES.get("file")
    if upload is None:
        raise BadRequest(_("Send the file in the field “file”."), code="no_file")
    upload_size_check(upload.size)
    return upload


# --- endpoints -----------------------------------------------------------------


@api("POST")
def agencies(request: HttpRequest):
    """POST /api/v1/agencies — create an agency (national administrators)."""
    data = read_json(request)
    agency = agency_create(
        user=request.user,
        code=str(data.get("code", "")),
        name_fr=str(data.get("name_fr", "")),
        name_ar=str(data.get("name_ar", "")),
        srid=_srid(data.get("srid", 26191)),
        territory=_geometry(data.get("territory")),
        overlap_reason=str(data.get("overlap_reason") or ""),
    )
    return {"id": agency.pk, "code": agency.code, "srid": agency.srid}


@api("GET", "POST")
def agency_documents(request: HttpRequest, code: str):
    """GET/POST /api/v1/agencies/<code>/documents — list or create documents."""
    agency = get_object_or_404(viewable(request.user, Agency.objects), code=code)
    if request.method == "POST":
        data = read_json(request)
        document = document_create(
            user=request.user,
            agency=agency,
            reference=str(data.get("reference", "")),
            kind=str(data.get("kind", PlanningDocument.Kind.OTHER)),
            title_fr=str(data.get("title_fr", "")),
            title_ar=str(data.get("title_ar", "")),
            approval_date=_date(data.get("approval_date")),
            expiry_date=_date(data.get("expiry_date")),
            perimeter=_geometry(data.get("perimeter")),
        )
        return {"id": document.pk, "reference": document.reference}
    documents = viewable(request.user, agency.documents.all()).prefetch_related(
        "layers"
    )
    return [
        {
            "id": document.pk,
            "reference": document.reference,
            "title": document.title,
            "status": document.status,
            "layers": [layer_json(layer) for layer in document.layers.all()],
        }
        for document in documents
    ]


@api("POST")
def document_layers(request: HttpRequest, pk: int):
    """POST /api/v1/documents/<id>/layers — create (or find) a layer."""
    document = get_object_or_404(
        viewable(request.user, PlanningDocument.objects), pk=pk
    )
    data = read_json(request)
    layer = layer_ensure(
        user=request.user,
        document=document,
        name=str(data.get("name", "")),
        kind=str(data.get("kind", Layer.Kind.ZONING)),
        title_fr=str(data.get("title_fr", "")),
        reference_type=str(data.get("reference_type", "")),
    )
    return layer_json(layer)


@api("GET", "POST")
def layer_versions(request: HttpRequest, pk: int):
    """GET /api/v1/layers/<id>/versions — history; POST — upload a new draft.

    The upload (multipart field ``file``) is imported at once when small, and
    answered 201 with the draft and its report; a large one is queued and
    answered 202 with the import job to poll.
    """
    layer = get_object_or_404(
        viewable(request.user, Layer.objects.select_related("document")), pk=pk
    )
    if request.method == "GET":
        return [
            version_json(version, user=request.user, with_report=False)
            for version in viewable(request.user, selectors.layer_versions(layer=layer))
        ]
    require_change(request.user, layer)
    upload = _upload(request)
    options = import_options(request.POST)
    background = import_in_background(
        size=upload.size, asked=request.POST.get("background")
    )
    job = import_start(
        layer=layer,
        upload=upload,
        user=request.user,
        options=options,
        background=background,
    )
    if background:
        return json_response(job_json(job, user=request.user), status=202)
    if job.status == ImportJob.Status.DONE:
        return json_response(version_json(job.version, user=request.user), status=201)
    if job.status == ImportJob.Status.FAILED:
        raise BadRequest(job.error, code=job.error_code or "import_failed")
    return json_response(job_json(job, user=request.user), status=202)


@api("POST")
def layer_inspect(request: HttpRequest, pk: int):
    """POST /api/v1/layers/<id>/inspect — how an upload would be read.

    Answers the layers found, CRS, encoding (with samples), the fields with
    sample values, the proposed mapping (remembered from the layer's last
    upload, else detected) with the targets and categories to choose from, the
    category field's distinct values and their suggested categories, the first
    rows, and — for an upload small enough to import at once — the import's
    outcome: features, rows as stored, their shapes and the validation report
    (for a larger one, the shapes of its first features). Keeps nothing (the
    import is rolled back).
    """
    layer = get_object_or_404(
        viewable(request.user, Layer.objects.select_related("document__agency")),
        pk=pk,
    )
    require_change(request.user, layer)
    upload = _upload(request)
    options = import_options(request.POST)
    with tempfile.TemporaryDirectory(prefix="geoportail-inspect-") as workdir:
        path = upload_store(upload, workdir=Path(workdir))
        plan = import_plan(
            path,
            workdir=Path(workdir),
            kind=layer.kind,
            agency_srid=layer.document.agency.srid,
            options=options,
            remembered=layer.import_mapping,
        )
        described = plan.as_dict()
        answer = {
            **described,
            "encoding_text": encoding_text(described["encoding"]),
            "targets": mapping_targets(kind=layer.kind),
            "categories": mapping_categories(kind=layer.kind),
            "category_values": [
                choice.as_dict() for choice in plan.category_values(kind=layer.kind)
            ],
            "remembered": bool(layer.import_mapping),
            "outcome": None,
            "first_shapes": None,
        }
        if import_in_background(size=upload.size):
            answer["first_shapes"] = plan.first_shapes()
        else:
            preview = import_dry_run(
                layer=layer, path=path, user=request.user, options=options
            )
            answer["outcome"] = {
                "feature_count": preview.feature_count,
                "rows": preview.rows,
                "features": preview.features,
                "report": report_render(preview.report),
                "rules": preview.rules,
            }
        return answer


@api("GET")
def version_detail(request: HttpRequest, pk: int):
    """GET /api/v1/versions/<id> — status, interval and report."""
    version = get_object_or_404(viewable(request.user, LayerVersion.objects), pk=pk)
    return version_json(version, user=request.user)


@api("POST")
def version_publish(request: HttpRequest, pk: int):
    """POST /api/v1/versions/<id>/publish — make this draft current.

    A draft with errors is published only with the JSON body
    ``{"despite_errors": true, "reason": "…"}`` (the reason is required).
    """
    version = get_object_or_404(viewable(request.user, LayerVersion.objects), pk=pk)
    require_change(request.user, version)
    is_json = request.content_type == "application/json" and request.body
    data = read_json(request) if is_json else {}
    reason = None
    if data.get("despite_errors") is True:
        reason = data.get("reason")
        reason = reason if isinstance(reason, str) else ""
    with transaction.atomic():
        version = layer_version_publish(
            version=version, published_by=request.user, despite_errors_reason=reason
        )
    return version_json(version, user=request.user, with_report=False)


@api("POST")
def version_restore(request: HttpRequest, pk: int):
    """POST /api/v1/versions/<id>/restore — roll back to this version."""
    version = get_object_or_404(viewable(request.user, LayerVersion.objects), pk=pk)
    require_change(request.user, version)
    restored = layer_version_restore(version=version, published_by=request.user)
    return version_json(restored, user=request.user, with_report=False)


@api("GET")
def import_detail(request: HttpRequest, pk: int):
    """GET /api/v1/imports/<id> — progress of a background import."""
    job = get_object_or_404(
        viewable(request.user, ImportJob.objects.select_related("version")), pk=pk
    )
    return job_json(job, user=request.user)


@api("POST")
def import_retry(request: HttpRequest, pk: int):
    """POST /api/v1/imports/<id>/retry — queue an interrupted import again.

    Answers 202 with the job, queued again from its stored upload; 409 when
    the job did not fail for a reason running it again could fix.
    """
    job = get_object_or_404(viewable(request.user, ImportJob.objects), pk=pk)
    require_change(request.user, job)
    job = import_job_retry(job=job)
    return json_response(job_json(job, user=request.user), status=202)


@token_or_session(error_response)
@api_view("GET")
def layer_download(request: HttpRequest, pk: int):
    """GET /api/v1/layers/<id>/download — a version of the layer as a file.

    Public: anyone downloads published versions (the current one, the one in
    force on ``?at=``, or ``?version=N``); a draft only its agency's planners
    and administrators. ``?format=`` gpkg (default), geojson, shp (zipped) or
    csv; ``?crs=`` EPSG:4326 (default) or the agency's CRS.
    """
    layer = get_object_or_404(
        viewable(request.user, Layer.objects.select_related("document__agency")),
        pk=pk,
    )
    query = DownloadQuery.parse(request.GET, agency_srid=layer.document.agency.srid)
    version = version_for_download(layer=layer, query=query, user=request.user)
    download = version_download(version=version, query=query)
    return FileResponse(
        download.file,
        as_attachment=True,
        filename=download.filename,
        content_type=download.media_type,
    )
