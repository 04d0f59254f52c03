"""Load the fictional demo agency of ``data/demo/`` (Oued Zahra, near Rabat).

The files are written by ``data/demo/generate.py`` in EPSG:26191; ``demo.json``
lists the agency, its documents, rules, layers and versions. Loading goes through
the layer services (versions are created as drafts, then published at their
historical dates) in one transaction.

Every row the loader makes is marked ``from_demo_data``; a reload creates,
updates or removes those rows only, so whatever planners make in the demo agency
(documents, layers, versions, rules, parcels) and the notes citizens are issued
are never touched. A demo row that an issued note or a person's work depends on
is left as it is rather than replaced. It is idempotent: the SHA-256 of the data
set is kept in ``DemoDataset``, and a load whose data set is already in the
database changes nothing. The law library's demo texts (``data/demo-library/``,
excerpts) are imported at every load; unchanged texts are left untouched.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import secrets
from decimal import Decimal
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.db.utils import IntegrityError, InternalError, ProgrammingError
from django.utils import timezone
from shapely.geometry import shape

from accounts.models import User
from geoportal.demo_orthophoto import demo_orthophoto_ensure
from layers.history import history_purge
from layers.models import (
    STORAGE_SRID,
    Agency,
    DemoDataset,
    Feature,
    Layer,
    LayerVersion,
    PlanningDocument,
    ZoneRule,
)
from layers.services import (
    FeatureData,
    agency_save,
    layer_version_create,
    layer_version_publish,
)
from layers.territories import TerritoryOverlap
from library.services import library_import
from parcels.models import Parcel
from parcels.references import ParcelReference
from payments.models import Tariff
from requete.models import RequestKind
from tenders.models import CallForTenders, TenderProcedure, TenderStatus

MANIFEST_NAME = "demo.json"
PASSWORD_VARIABLE = "GEOPORTAIL_DEMO_PASSWORD"  # noqa: S105 (a variable name)
ADMIN_USERNAME = "admin"
PLANNER_USERNAME = "planner"
# Feature properties stored in model fields; every other property is an attribute.
FEATURE_FIELDS = ("code", "label_fr", "label_ar", "category")
RULE_DECIMALS = (
    "max_height_m",
    "cos",
    "ces",
    "min_frontage_m",
    "setback_road_m",
    "setback_side_m",
    "setback_rear_m",
)


class DemoDataError(RuntimeError):
    """The demo data cannot be loaded (files missing or inconsistent, or data in
    the database that depends on the old demo data)."""


class DemoTerritoryOverlap(DemoDataError):
    """The demo agency's territory overlaps a (real) agency's: the demo is
    left out, and the portal serves without it."""


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    """What a load did and what the demo agency now holds."""

    agency: Agency
    loaded: bool  # False when the data set was already in the database
    documents: int
    versions: int
    features: int
    parcels: int
    # What the load left as it is because people made it or depend on it.
    kept: tuple[str, ...] = ()


def demo_directory() -> Path:
    """The folder of the committed demo data (``data/demo`` of the checkout)."""
    return Path(settings.BASE_DIR) / "data" / "demo"


def library_demo_directory() -> Path:
    """The law library's demo texts (excerpts), beside the generated town."""
    return Path(settings.BASE_DIR) / "data" / "demo-library"


def demo_password_file() -> Path:
    """Where a generated demo password is written (never inside the repository's
    tracked files: ``.local/`` is ignored by git)."""
    return Path(settings.BASE_DIR) / ".local" / "demo-accounts.txt"


def demo_manifest(directory: Path) -> dict:
    """The parsed ``demo.json`` of ``directory``; raises DemoDataError if absent."""
    path = directory / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DemoDataError(
            f"{path} is missing: run data/demo/generate.py first."
        ) from error


def demo_files(manifest: dict) -> list[str]:
    """Every data file the manifest refers to, relative to its folder, sorted."""
    names = {manifest["agency"]["territory"], manifest["parcels"]}
    for document in manifest["documents"]:
        names.add(document["perimeter"])
        for layer in document["layers"]:
            names.update(version["file"] for version in layer["versions"])
    return sorted(names)


def demo_digest(directory: Path, manifest: dict) -> str:
    """SHA-256 of the manifest and every file it names: the data set's identity."""
    digest = hashlib.sha256((directory / MANIFEST_NAME).read_bytes())
    for name in demo_files(manifest):
        digest.update(name.encode())
        digest.update(file_sha256(directory / name).encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes; raises DemoDataError when it is missing."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError as error:
        raise DemoDataError(f"{path} is missing: run data/demo/generate.py.") from error


def read_geojson(path: Path) -> tuple[int, list[tuple[GEOSGeometry, dict]]]:
    """The SRID named by a GeoJSON file's ``crs`` and its features as they are
    written (geometries carry that SRID, not reprojected yet)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    crs = collection.get("crs", {}).get("properties", {}).get("name", "")
    srid = int(crs.rsplit(":", 1)[-1]) if crs else STORAGE_SRID
    features = []
    for feature in collection["features"]:
        wkb = shapely.to_wkb(shape(feature["geometry"]))
        features.append(
            (GEOSGeometry(memoryview(wkb), srid=srid), feature["properties"])
        )
    return srid, features


def read_features(path: Path) -> list[tuple[GEOSGeometry, dict]]:
    """The features of a GeoJSON file, reprojected to the storage CRS.

    Reprojection uses GDAL, which shares PostGIS's PROJ and its choice of datum
    shift, so both reproject a vertex the same way.
    """
    srid, features = read_geojson(path)
    if srid != STORAGE_SRID:
        transform = CoordTransform(
            SpatialReference(srid), SpatialReference(STORAGE_SRID)
        )
        for geom, _properties in features:
            geom.transform(transform)
    return features


def demo_is_loaded(agency: Agency, manifest: dict, digest: str) -> bool:
    """Whether the agency holds exactly this data set: the same digest was
    loaded and the demo's own versions and parcels are all there. What people
    added to the agency does not count."""
    dataset = DemoDataset.objects.filter(agency=agency).first()
    if dataset is None or dataset.sha256 != digest:
        return False
    expected_versions = sum(
        len(layer["versions"])
        for document in manifest["documents"]
        for layer in document["layers"]
    )
    versions = LayerVersion.objects.filter(
        layer__document__agency=agency, from_demo_data=True
    )
    parcels = Parcel.objects.filter(agency=agency, from_demo_data=True)
    return (
        versions.count() == expected_versions
        and parcels.count() == manifest["parcel_count"]
    )


@transaction.atomic
def demo_load(*, directory: Path | None = None, force: bool = False) -> DemoSummary:
    """Load the demo agency, its documents, layers, rules and parcels.

    Returns a summary; ``loaded`` is False when the same data set was already
    loaded (nothing changes then) unless ``force`` is set. Otherwise the rows
    the loader made before (``from_demo_data``) are brought up to date with
    the files, and only those: what people made in the agency is never changed
    or removed, and a demo row that an issued note or a person's work depends
    on is left as it is (the summary's ``kept`` says which). Raises
    DemoDataError when files are missing or the database is not migrated.
    """
    directory = directory or demo_directory()
    manifest = demo_manifest(directory)
    digest = demo_digest(directory, manifest)
    values = manifest["agency"]
    try:
        # National texts, no agency's: imported (unchanged texts untouched).
        library_import(path=library_demo_directory(), from_demo_data=True)
        agency = Agency.objects.filter(code=values["code"]).first()
        if (
            agency is not None
            and not force
            and demo_is_loaded(agency, manifest, digest)
        ):
            demo_orthophoto_ensure(agency)
            demo_tariff_ensure(agency)
            demo_tenders_ensure(agency)
            demo_request_kinds_ensure(agency)
            return demo_summary(agency, loaded=False)
        summary = demo_refresh(
            directory=directory, manifest=manifest, digest=digest, force=force
        )
        agency = Agency.objects.get(code=values["code"])
        demo_orthophoto_ensure(agency)
        demo_tariff_ensure(agency)
        demo_tenders_ensure(agency)
        demo_request_kinds_ensure(agency)
        return summary
    except ProgrammingError as error:
        raise DemoDataError(
            f"The database is not fully migrated (run manage.py migrate): {error}"
        ) from error


def demo_tenders_ensure(agency: Agency) -> None:
    """Three calls for tenders of the demo agency (one open three weeks from
    the first load, one awarded, one unsuccessful); left alone once it has
    any call, so that a planner's changes stay."""
    if CallForTenders.objects.filter(agency=agency).exists():
        return
    today = timezone.localdate()
    ten = datetime.time(10, 0, tzinfo=timezone.get_current_timezone())
    open_deadline = datetime.datetime.combine(today + datetime.timedelta(days=21), ten)
    common = {"agency": agency, "procedure": TenderProcedure.OPEN}
    CallForTenders.objects.create(
        reference=f"AO n° 1/{today.year}",
        object_fr="Étude de restructuration du quartier de l'oued (démonstration)",
        object_ar="دراسة إعادة هيكلة حي الوادي (للعرض)",
        published_on=today,
        deadline=open_deadline,
        opening_at=open_deadline + datetime.timedelta(hours=1),
        opening_place_fr="Siège de l'agence urbaine, salle des réunions",
        opening_place_ar="مقر الوكالة الحضرية، قاعة الاجتماعات",
        estimate=Decimal("850000.00"),
        deposit=Decimal("10000.00"),
        **common,
    )
    CallForTenders.objects.create(
        reference="AO n° 7/2025",
        object_fr="Levés topographiques du centre (démonstration)",
        object_ar="أعمال طبوغرافية للمركز (للعرض)",
        published_on=datetime.date(2025, 3, 3),
        deadline=datetime.datetime(2025, 4, 2, 10, 0, tzinfo=datetime.UTC),
        status=TenderStatus.AWARDED,
        awardee="Cabinet Atlas Topographie (fictif)",
        award_amount=Decimal("412500.00"),
        awarded_on=datetime.date(2025, 5, 12),
        **common,
    )
    CallForTenders.objects.create(
        reference="AO n° 9/2025",
        object_fr="Signalétique des équipements publics (démonstration)",
        object_ar="تشوير المرافق العمومية (للعرض)",
        published_on=datetime.date(2025, 6, 2),
        deadline=datetime.datetime(2025, 7, 1, 10, 0, tzinfo=datetime.UTC),
        status=TenderStatus.UNSUCCESSFUL,
        **common,
    )


def demo_tariff_ensure(agency: Agency) -> None:
    """The demo agency's fee for an official note, so that the demo can be
    paid through the gateway simulator; left alone once it has any tariff."""
    if Tariff.objects.filter(agency=agency).exists():
        return
    Tariff.objects.create(
        agency=agency,
        service="official-note",
        label_fr="Note de renseignements urbanistiques officielle",
        label_ar="مذكرة المعلومات التعميرية الرسمية",
        label_en="Official urban information note",
        amount_centimes=15_000,
        legal_basis="Tarif fictif de démonstration",
        valid_from=datetime.date(2024, 1, 1),
    )


# The three kinds of decree 2-17-265, with its deadlines (15 days to
# acknowledge, 60 to answer: the model's defaults).
DEMO_REQUEST_KINDS = (
    (RequestKind.Family.COMPLAINT, "Réclamation", "شكاية", "Complaint"),
    (RequestKind.Family.OBSERVATION, "Observation", "ملاحظة", "Observation"),
    (RequestKind.Family.SUGGESTION, "Suggestion", "اقتراح", "Suggestion"),
)


def demo_request_kinds_ensure(agency: Agency) -> None:
    """The demo agency's kinds of request, one per family of decree
    2-17-265 (code: the family), so that a request can be filed on the demo.
    A kind already there — a planner may have changed its labels or
    deadlines, or retired it — is left as it is."""
    for family, label_fr, label_ar, label_en in DEMO_REQUEST_KINDS:
        RequestKind.objects.get_or_create(
            agency=agency,
            code=family.value,
            defaults={
                "family": family,
                "label_fr": label_fr,
                "label_ar": label_ar,
                "label_en": label_en,
            },
        )


def demo_refresh(
    *, directory: Path, manifest: dict, digest: str, force: bool
) -> DemoSummary:
    """Create or update the demo rows from the files; returns the summary."""
    agency = demo_agency_save(manifest["agency"], directory)
    kept: list[str] = []
    for document in manifest["documents"]:
        kept += document_load(agency, document, directory, digest)
    references = [document["reference"] for document in manifest["documents"]]
    for document in PlanningDocument.objects.filter(
        agency=agency, from_demo_data=True
    ).exclude(reference__in=references):
        kept += document_remove_if_unused(document)
    dataset = DemoDataset.objects.filter(agency=agency).first()
    parcels_path = directory / manifest["parcels"]
    parcels_sha256 = file_sha256(parcels_path)
    demo_parcels = Parcel.objects.filter(agency=agency, from_demo_data=True)
    if (
        force
        or dataset is None
        or dataset.parcels_sha256 != parcels_sha256
        or demo_parcels.count() != manifest["parcel_count"]
    ):
        kept += parcels_load(agency, parcels_path)
    DemoDataset.objects.update_or_create(
        agency=agency,
        defaults={
            "sha256": digest,
            "parcels_sha256": parcels_sha256,
            "loaded_at": timezone.now(),
        },
    )
    return demo_summary(agency, loaded=True, kept=tuple(kept))


def demo_agency_save(values: dict, directory: Path) -> Agency:
    """Create or update the demo agency through ``agency_save``, as an operator
    at the terminal: its territory is checked against the others' like any.

    Raises DemoTerritoryOverlap when it overlaps another agency's: the real
    agency's land is not claimed by a fictional one.
    """
    agency = Agency.objects.filter(code=values["code"]).first() or Agency(
        code=values["code"]
    )
    for name, value in values.items():
        if name not in ("code", "territory"):
            setattr(agency, name, value)
    agency.territory = as_multipolygon(
        read_features(directory / values["territory"])[0][0]
    )
    try:
        return agency_save(agency=agency)
    except TerritoryOverlap as error:
        others = ", ".join(
            f"{overlap['agency']} ({overlap['area_m2']:,.0f} m²)"
            for overlap in error.details["overlaps"]
        )
        raise DemoTerritoryOverlap(
            f"The demo agency {agency.code} was not loaded: its territory "
            f"overlaps that of {others}. The portal serves without it; remove "
            "that agency, or the demo's, to have both."
        ) from error


def demo_summary(agency: Agency, *, loaded: bool, kept: tuple = ()) -> DemoSummary:
    """Counts of what the demo agency holds."""
    versions = LayerVersion.objects.filter(layer__document__agency=agency)
    return DemoSummary(
        agency=agency,
        loaded=loaded,
        documents=agency.documents.count(),
        versions=versions.count(),
        features=sum(versions.values_list("feature_count", flat=True)),
        parcels=Parcel.objects.filter(agency=agency).count(),
        kept=kept,
    )


def document_load(
    agency: Agency, values: dict, directory: Path, digest: str
) -> list[str]:
    """Create or update one demo document with its rules and layers.

    Returns what was left as it is, and why (a document of that reference
    made by a person, rules and layers people made or depend on).
    """
    reference = values["reference"]
    fields = {
        key: parse_date(key, value)
        for key, value in values.items()
        if key not in ("reference", "perimeter", "rules", "layers")
    }
    fields["perimeter"] = as_multipolygon(
        read_features(directory / values["perimeter"])[0][0]
    )
    document = PlanningDocument.objects.filter(
        agency=agency, reference=reference
    ).first()
    if document is None:
        document = PlanningDocument.objects.create(
            agency=agency, reference=reference, from_demo_data=True, **fields
        )
    elif not document.from_demo_data:
        return [
            f"document {reference}: made by a person, left as it is "
            "(the demo's version of it is not loaded)"
        ]
    else:
        fields_update(document, fields)
    kept = rules_load(document, values["rules"])
    names = []
    for position, layer_values in enumerate(values["layers"]):
        names.append(layer_values["name"])
        kept += layer_load(document, position, layer_values, directory, digest)
    for layer in document.layers.filter(from_demo_data=True).exclude(name__in=names):
        kept += layer_remove_if_unused(layer)
    return kept


def fields_update(instance, fields: dict) -> None:
    """Set the fields whose value differs and save those only."""
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    if changed:
        instance.save(update_fields=changed)


def rules_load(document: PlanningDocument, rules: list[dict]) -> list[str]:
    """Create or update the demo rules of a document; remove those the files no
    longer have. A rule a person made for a code is left as it is."""
    existing = {rule.code: rule for rule in document.rules.all()}
    kept = []
    for values in rules:
        values = rule_values(values)
        rule = existing.get(values["code"])
        if rule is None:
            ZoneRule.objects.create(document=document, from_demo_data=True, **values)
        elif rule.from_demo_data:
            fields_update(rule, values)
        else:
            kept.append(
                f"rule {values['code']} of {document.reference}: made by a person, "
                "left as it is"
            )
    codes = [values["code"] for values in rules]
    document.rules.filter(from_demo_data=True).exclude(code__in=codes).delete()
    return kept


def layer_load(
    document: PlanningDocument,
    position: int,
    values: dict,
    directory: Path,
    digest: str,
) -> list[str]:
    """Create or update one demo layer and its versions; returns what was kept."""
    fields = {k: v for k, v in values.items() if k not in ("name", "versions")}
    fields["position"] = position
    layer = Layer.objects.filter(document=document, name=values["name"]).first()
    if layer is None:
        layer = Layer.objects.create(
            document=document, name=values["name"], from_demo_data=True, **fields
        )
    elif not layer.from_demo_data:
        return [f"layer {layer}: made by a person, left as it is"]
    else:
        fields_update(layer, fields)
    return versions_load(layer, values["versions"], directory, digest)


def versions_load(
    layer: Layer, versions: list[dict], directory: Path, digest: str
) -> list[str]:
    """Make the demo versions of ``layer`` those of the files.

    Demo versions that already match the files (same file, bytes, instant and
    comment, in order) stay. Otherwise they are replaced as a whole — history
    stays linear — unless an issued note used one of them, or people published
    versions of the layer after them: then they are left as they are.
    """
    wanted = [
        (
            version["file"],
            file_sha256(directory / version["file"]),
            datetime.datetime.fromisoformat(version["published_at"]),
            version["comment"],
        )
        for version in versions
    ]
    existing = layer.versions.filter(from_demo_data=True).order_by("number")
    present = [
        (v.source_name, v.source_sha256, v.valid_from, v.comment) for v in existing
    ]
    if present == wanted:
        return []
    if existing.filter(notes__isnull=False).exists():
        return [
            f"layer {layer}: its demo versions are cited by issued notes, left as "
            "they are"
        ]
    if layer.versions.filter(from_demo_data=False, valid_from__isnull=False).exists():
        return [
            f"layer {layer}: people published versions after the demo ones, which "
            "are left as they are"
        ]
    try:
        demo_versions_delete(existing)
    except (IntegrityError, InternalError) as error:
        # A database that protects published history refuses the delete: the
        # old demo versions stay, and the operator is told why.
        return [f"layer {layer}: the database keeps its demo versions ({error})"]
    srid = layer.document.agency.srid
    for name, sha256, published_at, comment in wanted:
        draft = layer_version_create(
            layer=layer,
            features=[feature_data(g, p) for g, p in read_features(directory / name)],
            source_name=name,
            source_sha256=sha256,
            source_srid=srid,
            report={"dataset_sha256": digest, "source": "data/demo"},
            comment=comment,
        )
        LayerVersion.objects.filter(pk=draft.pk).update(from_demo_data=True)
        layer_version_publish(version=draft, at=published_at)
    return []


def layer_remove_if_unused(layer: Layer) -> list[str]:
    """Delete a demo layer the files no longer have, unless people added
    versions or imports to it or an issued note used one of its versions."""
    if (
        layer.versions.filter(from_demo_data=False).exists()
        or layer.imports.exists()
        or layer.versions.filter(notes__isnull=False).exists()
    ):
        return [f"layer {layer}: no longer in the demo data but in use, left"]
    with transaction.atomic():
        demo_versions_delete(layer.versions.all())
        layer.delete()
    return []


def demo_versions_delete(versions) -> None:
    """Delete versions the demo loader made (published ones included).

    Callers have checked that no note cites them and that people built
    nothing on them; the database protects every other version's history.
    """
    versions = versions.filter(from_demo_data=True)
    with history_purge():
        Feature.objects.filter(version__in=versions).delete()
        versions.update(restored_from=None)
        versions.delete()


def document_remove_if_unused(document: PlanningDocument) -> list[str]:
    """Delete a demo document the files no longer have, unless it holds
    anything people made or issued notes used."""
    kept = []
    for layer in document.layers.all():
        if layer.from_demo_data:
            kept += layer_remove_if_unused(layer)
    if (
        document.layers.exists()
        or document.rules.filter(from_demo_data=False).exists()
        or document.regulation_files.exists()
    ):
        return [
            *kept,
            f"document {document.reference}: no longer in the demo data but in "
            "use, left",
        ]
    document.delete()
    return kept


def parse_date(key: str, value):
    """Dates of the manifest (``*_date`` keys) as ``datetime.date``."""
    if key.endswith("_date") and value:
        return datetime.date.fromisoformat(value)
    return value


def rule_values(rule: dict) -> dict:
    """A manifest rule as ZoneRule field values (decimals as Decimal)."""
    values = dict(rule)
    for name in RULE_DECIMALS:
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    return values


def feature_data(geom: GEOSGeometry, properties: dict) -> FeatureData:
    """A GeoJSON feature as FeatureData: known fields, the rest as attributes."""
    return FeatureData(
        geom=geom,
        source_id=str(properties.get("id", "")),
        attributes={
            k: v for k, v in properties.items() if k not in (*FEATURE_FIELDS, "id")
        },
        **{name: properties.get(name, "") for name in FEATURE_FIELDS},
    )


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """A polygon or multipolygon as MultiPolygon (the model fields' type)."""
    if geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def parcels_load(agency: Agency, path: Path) -> list[str]:
    """Make the agency's demo parcels those of the registry file.

    Demo parcels an issued note refers to are updated in place (a note keeps
    its parcel); the other demo parcels are replaced. A reference held by a
    parcel people made keeps that parcel. Returns what was left as it is.
    """
    demo = Parcel.objects.filter(agency=agency, from_demo_data=True)
    cited = {
        parcel.reference_key: parcel
        for parcel in demo.filter(notes__isnull=False).distinct()
    }
    demo.exclude(pk__in=[parcel.pk for parcel in cited.values()]).delete()
    taken = set(
        Parcel.objects.filter(agency=agency)
        .exclude(pk__in=[parcel.pk for parcel in cited.values()])
        .values_list("reference_key", flat=True)
    )
    parcels = []
    skipped = 0
    # Geometries keep their EPSG:26191 here: PostGIS reprojects them on insert
    # (ST_Transform), which is faster than one GDAL call per parcel.
    _srid, features = read_geojson(path)
    for geom, properties in features:
        reference = ParcelReference.parse(properties["reference"])
        area = properties.get("official_area_m2")
        values = {
            "kind": reference.kind,
            "reference": properties["reference"],
            "official_area_m2": None if area is None else Decimal(area),
            "address": properties.get("address", ""),
            "geom": as_multipolygon(geom),
        }
        if reference.key in cited:
            Parcel.objects.filter(pk=cited[reference.key].pk).update(**values)
        elif reference.key in taken:
            skipped += 1
        else:
            parcels.append(
                Parcel(
                    agency=agency,
                    reference_key=reference.key,
                    from_demo_data=True,
                    **values,
                )
            )
    Parcel.objects.bulk_create(parcels, batch_size=2000)
    if skipped:
        return [
            f"{skipped} demo parcels: their reference belongs to a parcel people "
            "made, which is left as it is"
        ]
    return []


def demo_accounts_ensure(
    *, agency: Agency, password_file: Path | None = None
) -> tuple[tuple[str, ...], Path | None]:
    """Create the ``admin`` and ``planner`` demo accounts when they are missing.

    The password comes from GEOPORTAIL_DEMO_PASSWORD, else from the password
    file of an earlier run, else it is generated and written to that file (mode
    0600). Existing accounts are never changed. Returns the usernames created
    and the password file written or read (None when the variable was used).
    """
    wanted = [
        (
            ADMIN_USERNAME,
            {
                "role": User.Role.ADMINISTRATOR,
                "is_staff": True,
                "is_superuser": True,
            },
        ),
        (
            PLANNER_USERNAME,
            {"role": User.Role.PLANNER, "agency": agency, "is_staff": True},
        ),
    ]
    missing = [
        (name, extra)
        for name, extra in wanted
        if not User.objects.filter(username=name).exists()
    ]
    if not missing:
        return (), None
    password_file = password_file or demo_password_file()
    password = os.environ.get(PASSWORD_VARIABLE)
    used_file = None
    if not password:
        password = stored_password(password_file)
        if password is None:
            password = secrets.token_urlsafe(12)
            write_password(password_file, password)
        used_file = password_file
    for name, extra in missing:
        User.objects.create_user(name, password=password, **extra)
    return tuple(name for name, _extra in missing), used_file


def stored_password(path: Path) -> str | None:
    """The password of an earlier run's password file, if there is one."""
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("password:"):
            return line.split(":", 1)[1].strip()
    return None


def write_password(path: Path, password: str) -> None:
    """Write the generated password where only this user can read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(
            "# Demo accounts of this checkout (generated by manage.py load_demo).\n"
            f"users: {ADMIN_USERNAME}, {PLANNER_USERNAME}\n"
            f"password: {password}\n"
        )
    path.chmod(0o600)
