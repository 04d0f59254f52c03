"""Writes to agencies, documents, layers and versions. Each is one transaction."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_change
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import BadRequest, Conflict
from importing.errors import ImportRefused, UploadTooLarge
from importing.issues import Report, Severity
from importing.load import rules_found
from importing.mapping import RULE_FIELDS
from importing.perimeter import perimeter_read
from importing.plan import ImportOptions, import_plan
from importing.report import report_has_errors
from layers import territories
from layers.imports.draft import features_load
from layers.imports.loader import features_copy_version
from layers.models import (
    Agency,
    Feature,
    Layer,
    LayerVersion,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)


class VersionStateError(Conflict):
    """The version is not in a state that allows this change."""

    code = "version_state"


class ReasonRequired(BadRequest):
    """Publishing despite errors needs a written reason; none was given."""

    code = "reason_required"


@dataclasses.dataclass(frozen=True)
class FeatureData:
    """One feature to store: geometry in EPSG:4326 and its attributes."""

    geom: GEOSGeometry
    code: str = ""
    label_fr: str = ""
    label_ar: str = ""
    category: str = ""
    source_id: str = ""
    attributes: dict = dataclasses.field(default_factory=dict)


@transaction.atomic
def layer_version_create(
    *,
    layer: Layer,
    features: Iterable[FeatureData],
    created_by=None,
    source_name: str = "",
    source_sha256: str = "",
    source_srid: int | None = None,
    report: dict | None = None,
    comment: str = "",
    batch_size: int = 2000,
) -> LayerVersion:
    """Store ``features`` as a new draft version of ``layer`` and return it.

    The draft is invisible to the public until published; if anything fails,
    nothing of it remains.
    """
    # Lock the layer so two uploads never take the same version number.
    Layer.objects.select_for_update().filter(pk=layer.pk).first()
    last = layer.versions.aggregate(last=Max("number"))["last"] or 0
    version = LayerVersion.objects.create(
        layer=layer,
        number=last + 1,
        created_by=created_by,
        source_name=source_name,
        source_sha256=source_sha256,
        source_srid=source_srid,
        report=report or {},
        comment=comment,
    )
    count = 0
    batch: list[Feature] = []
    for data in features:
        batch.append(Feature(version=version, **dataclasses.asdict(data)))
        if len(batch) >= batch_size:
            Feature.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        Feature.objects.bulk_create(batch)
        count += len(batch)
    version.feature_count = count
    version.save(update_fields=["feature_count"])
    return version


@transaction.atomic
def layer_version_publish(
    *,
    version: LayerVersion,
    published_by=None,
    at: datetime.datetime | None = None,
    despite_errors_reason: str | None = None,
) -> LayerVersion:
    """Make the draft ``version`` current; the current one becomes superseded.

    Both changes happen in one transaction, so readers see either the old or the
    new version, never both or neither; the audit log records who did it.

    A version whose report has errors is published only when a user gives
    ``despite_errors_reason`` (an approved plan is published as approved,
    defects included): who, when, why and the errors of that moment are kept
    in ``errors_accepted``, shown with the version and carried into the notes
    about the zones concerned. Raises VersionStateError when the version is not
    a draft, has errors and no reason was given, or ``at`` is not after the
    current version's start; ReasonRequired when the reason is blank.
    """
    version = _publish(
        version=version,
        published_by=published_by,
        at=at,
        despite_errors_reason=despite_errors_reason,
    )
    if version.errors_accepted:
        _audit_publication(
            version,
            action=AuditEvent.Action.VERSION_PUBLISHED_DESPITE_ERRORS,
            reason=version.errors_accepted["reason"],
            errors=version.errors_accepted["errors"],
            kinds=version.errors_accepted["kinds"],
        )
    else:
        _audit_publication(version, action=AuditEvent.Action.VERSION_PUBLISHED)
    return version


def _audit_publication(version: LayerVersion, *, action: str, **details) -> None:
    audit_record(
        action=action,
        actor=version.published_by,
        obj=version,
        details={
            "layer": version.layer_id,
            "number": version.number,
            "valid_from": version.valid_from,
            **details,
        },
    )


def _errors_accepted(
    version: LayerVersion, *, reason: str | None, published_by
) -> dict:
    """What publishing ``version`` despite its errors records (empty: no errors).

    Raises VersionStateError without a reason or a user, ReasonRequired when
    the reason is blank.
    """
    if not report_has_errors(version.report):
        return {}
    if reason is None:
        raise VersionStateError(
            _(
                "This version cannot be published: its validation report has "
                "errors. Correct the file and upload it again."
            )
        )
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(_("Say why this version is published despite its errors."))
    if published_by is None:
        raise VersionStateError(
            _("Only a user can publish a version despite its errors.")
        )
    errors = [
        issue
        for issue in version.report.get("issues", [])
        if issue.get("severity") == Severity.ERROR
    ]
    kinds: dict[str, int] = {}
    sources: list[str] = []
    for issue in errors:
        kinds[issue["code"]] = kinds.get(issue["code"], 0) + 1
        sources.extend(str(source) for source in issue.get("features", []))
    sources = sorted(set(sources))
    affected = Feature.objects.filter(version=version, source_id__in=sources)
    return {
        "reason": reason,
        "by": published_by.get_username(),
        "by_id": published_by.pk,
        "at": timezone.now(),
        "errors": int(version.report.get("errors", len(errors))),
        "kinds": kinds,
        "features": sources,
        "feature_ids": sorted(affected.values_list("pk", flat=True)),
        "zones": sorted(set(affected.exclude(code="").values_list("code", flat=True))),
    }


def _publish(
    *,
    version: LayerVersion,
    published_by,
    at: datetime.datetime | None,
    despite_errors_reason: str | None = None,
) -> LayerVersion:
    at = at or timezone.now()
    # Lock the layer: two publications of one layer run one after the other.
    Layer.objects.select_for_update().filter(pk=version.layer_id).first()
    version.refresh_from_db()
    if version.status != LayerVersion.Status.DRAFT:
        raise VersionStateError(_("Only a draft version can be published."))
    territories.territory_require(version.layer.document.agency)
    version.errors_accepted = _errors_accepted(
        version, reason=despite_errors_reason, published_by=published_by
    )
    current = (
        LayerVersion.objects.select_for_update()
        .filter(layer_id=version.layer_id, status=LayerVersion.Status.PUBLISHED)
        .first()
    )
    if current is not None:
        if at <= current.valid_from:
            raise VersionStateError(
                _("A version cannot take effect before the current one did.")
            )
        current.status = LayerVersion.Status.SUPERSEDED
        current.valid_to = at
        current.save(update_fields=["status", "valid_to"])
    version.status = LayerVersion.Status.PUBLISHED
    version.valid_from = at
    version.published_by = published_by
    version.save(
        update_fields=["status", "valid_from", "published_by", "errors_accepted"]
    )
    rules = (version.report or {}).get("rules")
    if rules and version.layer.kind == Layer.Kind.ZONING:
        zone_rules_apply(document=version.layer.document, rules=rules)
    return version


@transaction.atomic
def layer_version_restore(
    *, version: LayerVersion, published_by=None, at: datetime.datetime | None = None
) -> LayerVersion:
    """Roll back to ``version``: publish a copy of its features as a new version.

    History stays linear — every version keeps its single validity interval — so
    an as-of-date question about any moment still has exactly one answer.
    """
    version.refresh_from_db()
    if version.status == LayerVersion.Status.PUBLISHED:
        raise VersionStateError(_("This version is already the current one."))
    copy = layer_version_create(
        layer=version.layer,
        features=(),
        created_by=published_by,
        source_name=version.source_name,
        source_sha256=version.source_sha256,
        source_srid=version.source_srid,
        report=version.report,
        comment=_("Restored from version %(number)s") % {"number": version.number},
    )
    copy.restored_from = version
    copy.source_file = version.source_file
    copy.feature_count = features_copy_version(source_id=version.pk, target_id=copy.pk)
    copy.save(update_fields=["restored_from", "source_file", "feature_count"])
    # A version published despite its errors comes back with the same reason.
    reason = version.errors_accepted.get("reason")
    copy = _publish(
        version=copy,
        published_by=published_by,
        at=at,
        despite_errors_reason=(
            _("Restored from version %(number)s: %(reason)s")
            % {"number": version.number, "reason": reason}
            if reason
            else None
        ),
    )
    _audit_publication(
        copy,
        action=AuditEvent.Action.VERSION_RESTORED,
        restored_from=version.pk,
        restored_number=version.number,
    )
    return copy


def zone_rules_apply(*, document: PlanningDocument, rules: dict[str, dict]) -> int:
    """Create or update the ZoneRule of each code with the values found.

    Only the values present are written: a rule typed in by a planner keeps its
    other fields. Returns the number of rules created or changed.
    """
    changed = 0
    existing = {rule.code: rule for rule in document.rules.all()}
    for code, values in rules.items():
        rule = existing.get(code) or ZoneRule(document=document, code=code)
        fields = []
        for name in ("label_fr", "label_ar", "category", *RULE_FIELDS):
            value = values.get(name)
            if value in (None, ""):
                continue
            if getattr(rule, name) != value:
                setattr(rule, name, value)
                fields.append(name)
        if not rule.label_fr:
            rule.label_fr = code
            fields.append("label_fr")
        if rule.pk is None:
            rule.full_clean(exclude=["document", "regulation_file"])
            rule.save()
            changed += 1
        elif fields:
            rule.full_clean(exclude=["document", "regulation_file"])
            rule.save(update_fields=fields)
            changed += 1
    return changed


def upload_size_check(size: int) -> None:
    """Raise UploadTooLarge when ``size`` bytes exceed the upload limit."""
    limit = settings.GEOPORTAIL_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            _("The file is %(size)s; at most %(limit)s can be uploaded.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def upload_store(upload, *, workdir: Path) -> Path:
    """``upload`` written into ``workdir`` under its own base name (never a
    folder of the sender's), for the readers to open."""
    path = workdir / Path(upload.name).name
    with path.open("wb") as stream:
        for chunk in upload.chunks():
            stream.write(chunk)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def layer_import(
    *,
    layer: Layer,
    path: Path,
    user=None,
    options: ImportOptions | None = None,
    source_name: str = "",
    progress: Callable[[int, int | None], None] | None = None,
) -> LayerVersion:
    """Import the file at ``path`` as a new draft version of ``layer``.

    The attribute mapping starts from the one the layer's last upload used
    (``Layer.import_mapping``), which this import's then replaces.
    The draft, its features and its report are written in one transaction, so
    a failure at any point leaves nothing behind and the published version
    untouched. The report (``version.report``) lists errors, which block
    publishing, and warnings. ``user`` None means a trusted operator (a
    management command without ``--user``); otherwise the permission policy
    decides. Raises PermissionDenied, ImportRefused (and subclasses) when the
    upload cannot be read at all.
    """
    if user is not None:
        require_change(user, layer)
    options = options or ImportOptions()
    path = Path(path)
    upload_size_check(path.stat().st_size)
    source_name = source_name or path.name
    with tempfile.TemporaryDirectory(prefix="geoportail-import-") as workdir:
        plan = import_plan(
            path,
            workdir=Path(workdir),
            kind=layer.kind,
            agency_srid=layer.document.agency.srid,
            options=options,
            remembered=layer.import_mapping,
        )
        report = Report()
        stored: LayerVersion | None = None
        try:
            with transaction.atomic():
                version = layer_version_create(
                    layer=layer,
                    features=(),
                    created_by=user,
                    source_name=source_name,
                    source_sha256=_sha256(path),
                    source_srid=plan.srid,
                    comment=options.comment,
                )
                loader = features_load(
                    version_id=version.pk,
                    layer=layer,
                    plan=plan,
                    report=report,
                    progress=progress,
                )
                if (
                    layer.kind != Layer.Kind.ZONING
                    and loader.expected
                    and layer.geometry_type != loader.expected
                    and not layer.versions.exclude(pk=version.pk).exists()
                ):
                    layer.geometry_type = loader.expected
                    layer.save(update_fields=["geometry_type"])
                rules = rules_found(loader) if layer.kind == Layer.Kind.ZONING else {}
                _codes_without_rule(layer, loader.codes, rules, report)
                report.summary.update(
                    {
                        "features": loader.count,
                        "codes": dict(sorted(loader.codes.items())),
                        "area_m2": round(loader.area_m2, 1),
                        "bounds": loader.bounds,
                        **plan.as_dict(),
                    }
                )
                # The planner's preview of the file, not what was imported.
                report.summary.pop("preview", None)
                report.summary.pop("field_samples", None)
                version.feature_count = loader.count
                version.report = {**report.as_dict(), "rules": rules}
                with path.open("rb") as stream:
                    version.source_file.save(source_name, File(stream), save=False)
                stored = version
                version.save(update_fields=["feature_count", "report", "source_file"])
                layer.import_mapping = plan.mapping.remembered()
                layer.save(update_fields=["import_mapping"])
        except BaseException:
            if stored is not None and stored.source_file:
                stored.source_file.delete(save=False)
            raise
    return version


def _codes_without_rule(
    layer: Layer, codes: dict[str, int], rules: dict, report: Report
) -> None:
    if layer.kind != Layer.Kind.ZONING or not codes:
        return
    known = set(layer.document.rules.values_list("code", flat=True))
    with_values = {
        code
        for code, values in rules.items()
        if any(name in RULE_FIELDS for name in values)
    }
    missing = sorted(set(codes) - known - with_values)
    if missing:
        report.add(
            "code_without_rule",
            count=len(missing),
            codes=", ".join(missing[:50]) + (" …" if len(missing) > 50 else ""),
        )


@transaction.atomic
def agency_create(
    *,
    user=None,
    code: str,
    name_fr: str,
    name_ar: str = "",
    srid: int = 26191,
    territory: GEOSGeometry | None = None,
    overlap_reason: str = "",
) -> Agency:
    """Create an agency (national administrators only) and return it.

    ``territory`` is any polygonal geometry with an SRID; it is stored as a
    multipolygon in EPSG:4326. Raises PermissionDenied, ValidationError for
    invalid values (a non-polygonal territory, a code already taken…), and
    ``agency_save``'s territory errors.
    """
    agency = Agency(code=code, name_fr=name_fr, name_ar=name_ar, srid=srid)
    if user is not None:
        require_change(user, agency)
    if territory is not None:
        agency.territory = _multipolygon(territory)
    return agency_save(user=user, agency=agency, overlap_reason=overlap_reason)


@transaction.atomic
def agency_save(*, user=None, agency: Agency, overlap_reason: str = "") -> Agency:
    """Write a new or changed ``agency`` (national administrators only).

    Its territory is required and may not overlap another agency's beyond a
    shared border's sliver (``layers.territories``), unless ``overlap_reason``
    says why — a national administrator's, or an operator's at the terminal
    (``user`` None) —, which the audit log keeps with the agencies and the
    area concerned. Agencies' writes take one lock, so two cannot each pass
    the check against the other's old territory. Raises PermissionDenied,
    ValidationError, TerritoryRequired, TerritoryOverlap.
    """
    if user is not None:
        require_change(user, agency)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('layers.territories'))")
    overlaps = territories.territory_check(agency=agency, overlap_reason=overlap_reason)
    agency.full_clean()
    agency.save()
    if overlaps:
        territories.overlap_record(
            agency=agency, overlaps=overlaps, reason=overlap_reason, user=user
        )
    return agency


def _multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    geometry = geometry.transform(4326, clone=True) if geometry.srid else geometry
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=4326)
    if not isinstance(geometry, MultiPolygon):
        raise ValidationError(_("A territory must be made of polygons."))
    geometry.srid = 4326
    return geometry


@transaction.atomic
def document_create(
    *,
    user=None,
    agency: Agency,
    reference: str,
    kind: str,
    title_fr: str,
    title_ar: str = "",
    approval_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    perimeter: GEOSGeometry | None = None,
) -> PlanningDocument:
    """Create a planning document of ``agency`` and return it.

    With an approval date the document is approved and in effect from that day.
    Raises PermissionDenied, django ValidationError for invalid values.
    """
    document = PlanningDocument(
        agency=agency,
        reference=reference,
        kind=kind,
        title_fr=title_fr,
        title_ar=title_ar,
        approval_date=approval_date,
        effective_date=approval_date,
        expiry_date=expiry_date,
        status=(
            PlanningDocument.Status.APPROVED
            if approval_date
            else PlanningDocument.Status.DRAFT
        ),
    )
    if user is not None:
        require_change(user, document)
    if perimeter is not None:
        document.perimeter = _multipolygon(perimeter)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def layer_ensure(
    *,
    user=None,
    document: PlanningDocument,
    name: str,
    kind: str,
    title_fr: str = "",
    reference_type: str = "",
) -> Layer:
    """The layer ``name`` of ``document``, created when missing; a reference
    layer names its ``reference_type`` (street, neighbourhood, landmark).

    Raises PermissionDenied, VersionStateError when it exists with another kind,
    django ValidationError for invalid values.
    """
    layer = Layer.objects.filter(document=document, name=name).first()
    if layer is not None:
        if user is not None:
            require_change(user, layer)
        if layer.kind != kind:
            raise VersionStateError(
                _("The layer “%(name)s” exists and is a %(kind)s layer.")
                % {"name": name, "kind": layer.get_kind_display()}
            )
        return layer
    layer = Layer(
        document=document,
        name=name,
        kind=kind,
        title_fr=title_fr or name,
        reference_type=reference_type,
    )
    if user is not None:
        require_change(user, layer)
    layer.full_clean()
    layer.save()
    return layer


class RegulationFileRefused(BadRequest):
    """A regulation file that is not a PDF, or is too large."""

    code = "regulation_file_refused"


def _changes(instance, fields: Iterable[str]) -> dict[str, list[str]]:
    """``{field: [before, after]}`` of ``fields`` against the stored row."""
    if instance.pk is None:
        return {}
    stored = type(instance).objects.get(pk=instance.pk)
    return {
        name: [str(getattr(stored, name)), str(getattr(instance, name))]
        for name in fields
        if getattr(stored, name) != getattr(instance, name)
    }


def _audit_saved(*, user, obj, created: bool, changes: dict) -> None:
    audit_record(
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
        actor=user,
        obj=obj,
        details={"changes": changes} if changes else {},
    )


def perimeter_from_upload(*, upload, default_srid: int) -> GEOSGeometry:
    """The polygons of an uploaded file (``importing.perimeter``) as one
    multipolygon in its CRS (else ``default_srid``). Writes nothing.

    Raises UploadTooLarge, ImportRefused (and subclasses).
    """
    upload_size_check(upload.size)
    with tempfile.TemporaryDirectory(prefix="geoportail-perimeter-") as workdir:
        path = upload_store(upload, workdir=Path(workdir))
        perimeter = perimeter_read(
            path, workdir=Path(workdir), default_srid=default_srid
        )
    return GEOSGeometry(memoryview(perimeter.wkb), srid=perimeter.srid)


@transaction.atomic
def document_save(
    *,
    user,
    document: PlanningDocument,
    perimeter: GEOSGeometry | None = None,
) -> PlanningDocument:
    """Create or change ``document`` (as filled by the planner pages) and
    return it; ``perimeter``, any polygonal geometry with an SRID, replaces
    the stored one. The audit log records who did it and what changed.

    Raises PermissionDenied for another agency's document, ValidationError for
    invalid values (a reference taken, an expiry before the effective date…).
    """
    require_change(user, document)
    stored = (
        PlanningDocument.objects.get(pk=document.pk)
        if document.pk is not None
        else None
    )
    if stored is not None:
        require_change(user, stored)
    if perimeter is not None:
        document.perimeter = _multipolygon(perimeter)
    document.full_clean()
    fields = [
        field.name
        for field in PlanningDocument._meta.concrete_fields
        if field.editable and field.name not in {"id", "perimeter"}
    ]
    changes = _changes(document, fields)
    # The form sends the stored perimeter back; its round trip through GeoJSON
    # and PROJ may move a vertex by a rounding, which is no redrawing.
    if (
        stored is not None
        and perimeter is not None
        and not (
            stored.perimeter
            and stored.perimeter.equals_exact(document.perimeter, tolerance=1e-9)
        )
    ):
        changes["perimeter"] = ["", _("redrawn")]
    document.save()
    _audit_saved(user=user, obj=document, created=stored is None, changes=changes)
    return document


def regulation_file_check(upload) -> None:
    """Raise RegulationFileRefused unless ``upload`` is a PDF within the limit
    (``GEOPORTAIL_MAX_REGULATION_BYTES``); a PDF is known by its content."""
    limit = settings.GEOPORTAIL_MAX_REGULATION_BYTES
    if upload.size > limit:
        raise RegulationFileRefused(
            _("The file is %(size)s; a regulation file may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in head:
        raise RegulationFileRefused(
            _("“%(name)s” is not a PDF file.") % {"name": upload.name}
        )


@transaction.atomic
def regulation_file_add(
    *,
    user,
    document: PlanningDocument,
    upload,
    title_fr: str,
    title_ar: str = "",
    language: str = "fr",
) -> RegulationFile:
    """Attach the PDF ``upload`` to ``document`` and return the file's record.

    Raises PermissionDenied, RegulationFileRefused (not a PDF, too large).
    """
    require_change(user, document)
    regulation_file_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    regulation = RegulationFile(
        document=document,
        title_fr=title_fr,
        title_ar=title_ar,
        language=language,
        sha256=digest.hexdigest(),
    )
    regulation.file.save(Path(upload.name).name, upload, save=False)
    regulation.full_clean()
    regulation.save()
    _audit_saved(
        user=user,
        obj=regulation,
        created=True,
        changes={"sha256": ["", regulation.sha256]},
    )
    return regulation


@transaction.atomic
def layer_save(*, user, layer: Layer) -> Layer:
    """Create or change ``layer`` (as filled by the planner pages), return it.

    A zoning layer is always of polygons, with no overlay type. Raises
    PermissionDenied, ValidationError (a name taken in the document…).
    """
    require_change(user, layer)
    if layer.pk is not None:
        require_change(user, Layer.objects.get(pk=layer.pk))
    if layer.kind == Layer.Kind.ZONING:
        layer.overlay_type = ""
        layer.geometry_type = Layer.GeometryType.POLYGON
    layer.full_clean()
    created = layer.pk is None
    changes = _changes(
        layer,
        ["name", "title_fr", "title_ar", "kind", "overlay_type", "geometry_type"],
    )
    layer.save()
    _audit_saved(user=user, obj=layer, created=created, changes=changes)
    return layer


@transaction.atomic
def zone_rules_save(
    *,
    user,
    document: PlanningDocument,
    rules: Iterable[ZoneRule],
    deleted: Iterable[ZoneRule] = (),
) -> int:
    """Store the new and changed ``rules`` of ``document`` and delete
    ``deleted``, as one change in the audit log. Returns how many changed.

    Raises PermissionDenied, ValidationError (a code twice in the document…).
    """
    require_change(user, document)
    changed, removed = [], []
    for rule in deleted:
        if rule.pk is not None and rule.document_id == document.pk:
            removed.append(rule.code)
            rule.delete()
    for rule in rules:
        rule.document = document
        rule.full_clean()
        rule.save()
        changed.append(rule.code)
    if changed or removed:
        _audit_saved(
            user=user,
            obj=document,
            created=False,
            changes={"rules": sorted(changed), "rules_deleted": sorted(removed)},
        )
    return len(changed) + len(removed)


@transaction.atomic
def zone_rules_import(
    *, user, document: PlanningDocument, rules: dict[str, dict]
) -> int:
    """Create or update ``document``'s rules from checked rows (a CSV file's),
    keyed by zone code; only the values given are written. Returns how many
    rules were created or changed. Raises PermissionDenied, ValidationError.
    """
    require_change(user, document)
    existing = {rule.code: rule for rule in document.rules.all()}
    changed = []
    for code, values in rules.items():
        rule = existing.get(code) or ZoneRule(document=document, code=code)
        fields = [
            name for name, value in values.items() if getattr(rule, name) != value
        ]
        if rule.pk is not None and not fields:
            continue
        for name in fields:
            setattr(rule, name, values[name])
        rule.full_clean(exclude=["document", "regulation_file"])
        rule.save()
        changed.append(code)
    if changed:
        _audit_saved(
            user=user,
            obj=document,
            created=False,
            changes={"rules_imported": sorted(changed)},
        )
    return len(changed)


__all__ = [
    "FeatureData",
    "ImportOptions",
    "ImportRefused",
    "ReasonRequired",
    "RegulationFileRefused",
    "VersionStateError",
    "agency_create",
    "agency_save",
    "document_create",
    "document_save",
    "layer_ensure",
    "layer_import",
    "layer_save",
    "layer_version_create",
    "layer_version_publish",
    "layer_version_restore",
    "regulation_file_add",
    "zone_rules_apply",
    "zone_rules_import",
    "zone_rules_save",
]
