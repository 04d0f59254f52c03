"""Backups of the portal and their restoration (``manage.py backup`` / ``restore``).

A backup is one tar file:

- ``manifest.json`` — what it holds: format, date, the SHA-256 of the dump, the
  applied migrations, the number of issued notes and the ids of the keys that
  signed them (public fingerprints only), the number of registered documents
  of each kind (document-e);
- ``database.dump`` — ``pg_dump --format=custom`` of the whole database, taken in
  one snapshot;
- ``media/…`` — every stored file (uploads, COGs, regulation and library
  PDFs, attachments), read and written back through Django's storage API:
  MEDIA_ROOT or the S3 bucket alike (``docs/scaling.md``, "Files"). A bucket
  of a national portal may be better kept by its own versioning; the backup
  still holds every file, so that one file restores the whole portal.

**The signing key is never in a backup.** Whoever holds it can issue notes that
verify as the authority's; backups are copied to more places, kept longer and
read by more people than the key should be. The key is kept and backed up on
its own (``docs/operations.md``); a restore re-verifies every note and every
document of the registry (receipts, credit notes, minutes… — their PDF bytes
against their SHA-256, their signature with the key each names, current or
retired) with the keys the restored server is configured with, so a missing
or wrong key, or a changed byte, shows at once.

The database is reached with the settings' connection parameters (embedded
cluster or ``DATABASE_URL``); a password goes to ``pg_dump`` and ``pg_restore``
through ``PGPASSWORD`` in their environment, never on their command line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import io
import json
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count

from documents.models import IssuedDocument
from documents.selectors import RegistryCheck, documents_verify_all
from geoportal.embedded_db import _pg_bin_dir
from notes.verification import NotesCheck, notes_verify_all

FORMAT = "geoportail-backup-1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"

# Tables of the database that are not part of an extension (PostGIS's
# spatial_ref_sys is): any of them means the database holds data already.
_USER_TABLES = """
SELECT n.nspname || '.' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%%'
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY 1
LIMIT 5
"""


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why."""


@dataclasses.dataclass(frozen=True)
class BackupResult:
    """A backup written: where, how large, what it holds."""

    path: Path
    size: int
    notes: int
    documents: dict[str, int]  # registered documents by kind
    media_files: int
    key_ids: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    """A backup restored, and what verifying its notes and its registry of
    issued documents found."""

    manifest: dict
    media_files: int
    notes: NotesCheck
    documents: RegistryCheck

    @property
    def documents_missing(self) -> dict[str, tuple[int, int]]:
        """Kinds of which the restored registry holds another number of
        documents than the backup's manifest says: kind → (backed up,
        restored). Empty for a backup made before the manifest counted them."""
        expected = self.manifest.get("documents")
        if expected is None:
            return {}
        found = self.documents.counts
        return {
            kind: (expected.get(kind, 0), found.get(kind, 0))
            for kind in sorted(expected.keys() | found.keys())
            if expected.get(kind, 0) != found.get(kind, 0)
        }


def postgres_environment() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore/psql and their environment.

    The password (if any) is in the environment (``PGPASSWORD``), never in the
    arguments, which other users of the machine can read in the process list.
    """
    database = settings.DATABASES["default"]
    arguments = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        arguments += ["--host", database["HOST"]]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", database["USER"]]
    environment = {**os.environ, "PGAPPNAME": "geoportail-backup"}
    environment.pop("PGPASSWORD", None)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    sslmode = database.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return arguments, environment


def postgres_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore), the
    newest installed, as the embedded cluster chooses its server."""
    path = _pg_bin_dir() / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client.")
    return found


def _run(argv: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed programs, our own arguments
        argv, capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(argv[0]).name} failed ({result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


def default_backup_path() -> Path:
    """``.local/backups/geoportail-<UTC time>.tar`` of the checkout."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / ".local" / "backups" / f"geoportail-{stamp}.tar"


def backup_create(*, output: Path | None = None) -> BackupResult:
    """Write a backup of the database and of the stored files to ``output``.

    The file is written beside its destination, readable by its owner only
    (it holds personal data), and renamed into place when complete. Returns a
    BackupResult; raises BackupError when pg_dump fails or ``output`` exists.
    """
    from notes.models import Note

    output = Path(output or default_backup_path()).absolute()
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    arguments, environment = postgres_environment()
    notes = Note.objects.count()
    documents = dict(
        IssuedDocument.objects.order_by("kind")
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    # Every key a restored server needs: those of notes and of the registry
    # (retired ones included).
    key_ids = tuple(
        sorted(
            {*Note.objects.values_list("key_id", flat=True).distinct()}
            | {*IssuedDocument.objects.values_list("key_id", flat=True).distinct()}
        )
    )
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        _run(
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                "--no-password",
                "--file",
                str(dump),
                *arguments,
            ],
            environment,
        )
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {
                "name": settings.DATABASES["default"]["NAME"],
                "server_version": connection.pg_version,
                "sha256": file_sha256(dump),
            },
            "migrations": migrations_applied(),
            "notes": notes,
            "documents": documents,
            "signing_key_ids": list(key_ids),
            "signing_key_included": False,
        }
        partial = Path(work) / "backup.tar"
        media_files = 0
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mode = 0o600
            info.mtime = int(time.time())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DUMP)
            for name in stored_names(default_storage):
                info = tarfile.TarInfo(f"{MEDIA}/{name}")
                info.size = default_storage.size(name)
                info.mode = 0o600
                info.mtime = int(time.time())
                with default_storage.open(name, "rb") as stored:
                    archive.addfile(info, stored)
                media_files += 1
        partial.chmod(0o600)
        os.link(partial, output)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        notes=notes,
        documents=documents,
        media_files=media_files,
        key_ids=key_ids,
    )


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """The name of every file of ``storage`` under ``folder``, in order (none
    when the folder does not exist yet)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name))


def stored_sha256(storage: Storage, name: str) -> str:
    """The SHA-256 of a stored file's bytes."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def migrations_applied() -> dict[str, str]:
    """The last applied migration of each app."""
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        last[app] = max(last.get(app, ""), name)
    return dict(sorted(last.items()))


def database_tables() -> list[str]:
    """Up to five tables of the database that are not an extension's."""
    with connection.cursor() as cursor:
        cursor.execute(_USER_TABLES)
        return [row[0] for row in cursor.fetchall()]


def backup_manifest(archive: tarfile.TarFile) -> dict:
    """The manifest of an open backup; raises BackupError if it is not one."""
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError) as error:
        raise BackupError("This file is not a Geoportail backup.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def media_members(archive: tarfile.TarFile) -> list[tuple[tarfile.TarInfo, str]]:
    """The media files of a backup with their stored names; raises
    BackupError for anything but plain files inside ``media/``."""
    members = []
    for member in archive.getmembers():
        name = PurePosixPath(member.name)
        if name.parts[:1] != (MEDIA,):
            continue
        relative = PurePosixPath(*name.parts[1:])
        if (
            not member.isfile()
            or name.is_absolute()
            or ".." in name.parts
            or not relative.parts
        ):
            raise BackupError(f"Refusing the archive member {member.name!r}.")
        members.append((member, relative.as_posix()))
    return members


def backup_restore(*, path: Path, force: bool = False) -> RestoreResult:
    """Restore a backup into the configured database and file storage.

    Refuses (BackupError) when the database already holds tables or a stored
    file would be replaced by different bytes, unless ``force``: then the
    backup's objects replace those of the same name. Then every issued note
    and every entry of the registry of issued documents is verified again
    (hash and signature) with this server's keys; the result lists those that
    fail.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    storage = default_storage
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115 - closed below
    except tarfile.TarError as error:
        raise BackupError("This file is not a Geoportail backup.") from error
    with archive:
        manifest = backup_manifest(archive)
        members = media_members(archive)
        tables = database_tables()
        if tables and not force:
            raise BackupError(
                "The database is not empty (it holds "
                f"{', '.join(tables)}…); restore into a fresh database, or give "
                "--force to replace what the backup holds."
            )
        replaced = [
            name
            for member, name in members
            if storage.exists(name)
            and stored_sha256(storage, name) != member_sha256(archive, member)
        ]
        if replaced and not force:
            raise BackupError(
                f"{len(replaced)} stored files differ from the backup's "
                f"(e.g. {replaced[0]}); give --force to replace them."
            )
        with tempfile.TemporaryDirectory(prefix="geoportail-restore-") as work:
            dump = Path(work) / DUMP
            with archive.extractfile(DUMP) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target)
            if file_sha256(dump) != manifest["database"]["sha256"]:
                raise BackupError("The database dump is damaged (SHA-256 differs).")
            database_restore(dump, clean=bool(tables))
        for member, name in members:
            media_restore(storage, archive, member, name)
    return RestoreResult(
        manifest=manifest,
        media_files=len(members),
        notes=notes_verify_all(),
        documents=documents_verify_all(),
    )


def media_restore(
    storage: Storage, archive: tarfile.TarFile, member: tarfile.TarInfo, name: str
) -> None:
    """Store the backup's ``member`` under ``name`` exactly, replacing the
    stored file of that name (a storage saves a taken name under another)."""
    if storage.exists(name):
        storage.delete(name)
    with archive.extractfile(member) as source:
        stored = storage.save(name, File(source, name=name))
    if stored != name:
        raise BackupError(f"The file {name} was stored as {stored}.")


def member_sha256(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    with archive.extractfile(member) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def database_restore(dump: Path, *, clean: bool) -> None:
    """pg_restore ``dump`` into the configured database in one transaction.

    Owners and privileges of the source are not restored: the objects belong
    to the role the portal connects as. ``clean`` drops the backup's objects
    first (``--force`` on a database that holds data).
    """
    arguments, environment = postgres_environment()
    # Django's connection knew the old database's types (PostGIS's OIDs): it
    # must not be reused once the dump has replaced them.
    connection.close()
    options = ["--no-owner", "--no-privileges", "--no-comments"]
    if not clean:
        _run(
            [
                postgres_tool("pg_restore"),
                "--no-password",
                *options,
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(dump),
            ],
            environment,
        )
        return
    _clean_restore(dump, options, arguments, environment)


def _partitions(dump: Path, environment: dict[str, str]) -> set[str]:
    """The tables of ``dump`` that are partitions (schema-qualified)."""
    listing = subprocess.run(  # noqa: S603 - fixed programs, our own arguments
        [postgres_tool("pg_restore"), "--list", str(dump)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    ).stdout
    partitions = set()
    for line in listing.splitlines():
        # "4763; 0 0 TABLE ATTACH public parcels_parcel_agency_1 owner"
        head, _, entry = line.partition(" TABLE ATTACH ")
        if entry and not head.startswith(";"):
            schema, name = entry.split()[:2]
            partitions.add(f"{schema}.{name}")
    return partitions


def _clean_restore(
    dump: Path, options: list[str], arguments: list[str], environment: dict
) -> None:
    """pg_restore --clean of ``dump``, its script run by psql in one
    transaction, less its statements dropping a partition's constraints:
    pg_restore (PostgreSQL 15) drops them before the parent's, which
    PostgreSQL refuses ("cannot drop inherited constraint"), and the
    partition's own DROP TABLE, later in the script, takes them along
    (parcels are partitioned by agency, parcels migration 0007)."""
    refused = tuple(
        f"ALTER TABLE IF EXISTS ONLY {table} DROP CONSTRAINT IF EXISTS ".encode()
        for table in _partitions(dump, environment)
    )
    with tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(  # noqa: S603 - fixed programs, our arguments
            [
                postgres_tool("pg_restore"),
                "--clean",
                "--if-exists",
                *options,
                "--file",
                "-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=environment,
        )
        psql = subprocess.Popen(  # noqa: S603 - fixed programs, our arguments
            [
                postgres_tool("psql"),
                "--no-password",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set",
                "ON_ERROR_STOP=1",
                *arguments,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=environment,
        )
        try:
            for line in script.stdout:
                if not (refused and line.startswith(refused)):
                    psql.stdin.write(line)
        except BrokenPipeError:
            pass  # psql stopped on an error: its status says so
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            script.stdout.close()
        failed = [
            (name, code)
            for name, code in (("pg_restore", script.wait()), ("psql", psql.wait()))
            if code != 0
        ]
        if failed:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            name, code = failed[0]
            raise BackupError(f"{name} failed ({code}): {message}")
