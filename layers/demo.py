"""Load the fictional demo agency of ``data/demo/`` (Oued Zahra, near Rabat).

The files are written by ``data/demo/generate.py`` in EPSG:26191; ``demo.json``
lists the agency, its documents, rules, layers and versions. Loading goes through
the layer services (versions are created as drafts, then published at their
historical dates) in one transaction. It is idempotent: the SHA-256 of the whole
data set is kept in each version's report, and a load whose data set is already
in the database changes nothing.
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
from django.db.models import ProtectedError
from django.db.utils import DatabaseError, ProgrammingError
from shapely.geometry import shape

from accounts.models import User
from layers.models import (
    STORAGE_SRID,
    Agency,
    Layer,
    LayerVersion,
    PlanningDocument,
    ZoneRule,
)
from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference

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


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    """What a load did and what the demo agency now holds."""

    agency: Agency
    loaded: bool  # False when the data set was already in the database
    documents: int
    versions: int
    features: int
    parcels: int


def demo_directory() -> Path:
    """The folder of the committed demo data (``data/demo`` of the checkout)."""
    return Path(settings.BASE_DIR) / "data" / "demo"


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
    """Whether the agency holds exactly this data set (same digest, all of it)."""
    expected_versions = sum(
        len(layer["versions"])
        for document in manifest["documents"]
        for layer in document["layers"]
    )
    versions = LayerVersion.objects.filter(layer__document__agency=agency)
    current = versions.filter(report__dataset_sha256=digest).count()
    return (
        current == expected_versions
        and versions.count() == expected_versions
        and Parcel.objects.filter(agency=agency).count() == manifest["parcel_count"]
    )


@transaction.atomic
def demo_load(*, directory: Path | None = None, force: bool = False) -> DemoSummary:
    """Load the demo agency, its documents, layers, rules and parcels.

    Returns a summary; ``loaded`` is False when the same data set was already
    loaded (nothing changes then) unless ``force`` is set. A different data set
    replaces the agency's documents and parcels (the agency row and its users
    stay). Raises DemoDataError when files are missing or when other data (an
    issued note, for instance) prevents replacing the old demo data.
    """
    directory = directory or demo_directory()
    manifest = demo_manifest(directory)
    digest = demo_digest(directory, manifest)
    values = manifest["agency"]
    agency = Agency.objects.filter(code=values["code"]).first()
    if agency is not None and not force and demo_is_loaded(agency, manifest, digest):
        return demo_summary(agency, loaded=False)
    territory = as_multipolygon(read_features(directory / values["territory"])[0][0])
    fields = {k: v for k, v in values.items() if k not in ("code", "territory")}
    agency, _created = Agency.objects.update_or_create(
        code=values["code"], defaults={**fields, "territory": territory}
    )
    demo_data_delete(agency)
    for document in manifest["documents"]:
        document_load(agency, document, directory, digest)
    parcels_load(agency, directory / manifest["parcels"])
    return demo_summary(agency, loaded=True)


def demo_summary(agency: Agency, *, loaded: bool) -> DemoSummary:
    """Counts of what the demo agency holds."""
    versions = LayerVersion.objects.filter(layer__document__agency=agency)
    return DemoSummary(
        agency=agency,
        loaded=loaded,
        documents=agency.documents.count(),
        versions=versions.count(),
        features=sum(versions.values_list("feature_count", flat=True)),
        parcels=Parcel.objects.filter(agency=agency).count(),
    )


def demo_data_delete(agency: Agency) -> None:
    """Remove the agency's documents (with layers, versions, rules) and parcels."""
    try:
        Layer.objects.filter(document__agency=agency).delete()
        PlanningDocument.objects.filter(agency=agency).delete()
        Parcel.objects.filter(agency=agency).delete()
    except ProgrammingError as error:
        raise DemoDataError(
            f"The database is not fully migrated (run manage.py migrate): {error}"
        ) from error
    except (ProtectedError, DatabaseError) as error:
        raise DemoDataError(
            "The old demo data cannot be replaced: other records (issued notes?) "
            f"depend on it. {error}"
        ) from error


def document_load(agency: Agency, values: dict, directory: Path, digest: str) -> None:
    """Create one planning document with its rules and its layers' versions."""
    perimeter = as_multipolygon(read_features(directory / values["perimeter"])[0][0])
    document = PlanningDocument.objects.create(
        agency=agency,
        perimeter=perimeter,
        **{
            key: parse_date(key, value)
            for key, value in values.items()
            if key not in ("perimeter", "rules", "layers")
        },
    )
    ZoneRule.objects.bulk_create(
        ZoneRule(document=document, **rule_values(rule)) for rule in values["rules"]
    )
    for position, layer_values in enumerate(values["layers"]):
        layer = Layer.objects.create(
            document=document,
            position=position,
            **{k: v for k, v in layer_values.items() if k != "versions"},
        )
        for version in layer_values["versions"]:
            path = directory / version["file"]
            draft = layer_version_create(
                layer=layer,
                features=[feature_data(g, p) for g, p in read_features(path)],
                source_name=version["file"],
                source_sha256=file_sha256(path),
                source_srid=agency.srid,
                report={"dataset_sha256": digest, "source": "data/demo"},
                comment=version["comment"],
            )
            layer_version_publish(
                version=draft,
                at=datetime.datetime.fromisoformat(version["published_at"]),
            )


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


def parcels_load(agency: Agency, path: Path) -> int:
    """Create the agency's parcels from the registry file; return their number."""
    parcels = []
    # Geometries keep their EPSG:26191 here: PostGIS reprojects them on insert
    # (ST_Transform), which is faster than one GDAL call per parcel.
    _srid, features = read_geojson(path)
    for geom, properties in features:
        reference = ParcelReference.parse(properties["reference"])
        area = properties.get("official_area_m2")
        parcels.append(
            Parcel(
                agency=agency,
                kind=reference.kind,
                reference=properties["reference"],
                reference_key=reference.key,
                official_area_m2=None if area is None else Decimal(area),
                address=properties.get("address", ""),
                geom=as_multipolygon(geom),
            )
        )
    Parcel.objects.bulk_create(parcels, batch_size=2000)
    return len(parcels)


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
