"""Backup and restore: a backup restored into a fresh cluster holds every issued
note unchanged, each still verifies, and the signing key never leaves the server."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from documents import signing
from geoportal.embedded_db import EmbeddedCluster
from layers.models import PlanningDocument, RegulationFile
from notes import signing as note_signing
from notes.services import note_issue
from notes.subjects import SubjectQuery
from parcels.models import Parcel

REPO = Path(__file__).resolve().parents[2]
REGULATION = b"%PDF-1.4\n% Reglement d'amenagement de Oued Zahra (fictif)\n%%EOF\n"


@pytest.fixture
def fresh_cluster(tmp_path):
    """A throw-away embedded cluster, started, stopped and removed at the end."""
    cluster = EmbeddedCluster(tmp_path / "elsewhere")
    try:
        info, _started = cluster.ensure()
        password = (cluster.base / "credentials").read_text().strip()
        yield info, password
    finally:
        cluster.stop()
        shutil.rmtree(cluster.server_home, ignore_errors=True)  # may be in /var/tmp


def manage(
    *args: str, database_url: str, media_root: Path
) -> subprocess.CompletedProcess:
    """Run manage.py as an operator would, against another database."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    environment.pop("GEOPORTAIL_TEST_DATABASE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def restored_notes(info) -> dict[str, tuple]:
    with psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=info.database, user=info.user
    ) as connection:
        rows = connection.execute(
            "SELECT reference, language, snapshot, sha256, signature, key_id "
            "FROM notes_note"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


@pytest.mark.slow
def test_restore_into_a_fresh_cluster_reverifies_every_note(
    demo_reloaded, tmp_path, fresh_cluster
):
    parcels = list(
        Parcel.objects.filter(agency=demo_reloaded).order_by("reference_key")
    )
    issued = [
        note_issue(
            query=SubjectQuery.from_json({"parcel": parcel.reference}),
            language=language,
        )
        for parcel, language in zip(
            parcels[::1000], ["fr", "ar", "fr", "ar", "fr"], strict=False
        )
    ]
    assert {note.language for note in issued} == {"fr", "ar"}
    regulation = RegulationFile.objects.create(
        document=PlanningDocument.objects.get(
            agency=demo_reloaded, reference="PA-OZ-2021"
        ),
        title_fr="Règlement d'aménagement",
        file=ContentFile(REGULATION, name="reglement.pdf"),
    )
    backup = tmp_path / "geoportail.tar"
    output = io.StringIO()
    call_command("backup", "--output", str(backup), stdout=output)
    assert "The signing key is not in the backup" in output.getvalue()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # The private key is not in the file, in any form.
    key = signing.private_key()
    contents = backup.read_bytes()
    assert key.private_bytes_raw() not in contents
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert pem.splitlines()[1] not in contents

    info, password = fresh_cluster
    # Over TCP with the cluster's password: pg_restore gets it from PGPASSWORD.
    url = f"postgis://{info.user}:{password}@127.0.0.1:{info.port}/{info.database}"
    media = tmp_path / "restored-media"
    result = manage("restore", str(backup), database_url=url, media_root=media)
    assert result.returncode == 0, result.stderr
    assert f"{len(issued)} issued notes verified" in result.stdout
    assert "all authentic" in result.stdout
    assert password not in result.stdout + result.stderr

    # Every note is there, byte for byte, and verifies with the server's key.
    restored = restored_notes(info)
    assert set(restored) == {note.reference for note in issued}
    for note in issued:
        language, snapshot, sha256, signature, key_id = restored[note.reference]
        assert (language, snapshot, sha256, signature, key_id) == (
            note.language,
            note.snapshot,
            note.sha256,
            note.signature,
            note.key_id,
        )
        assert signing.sha256_hex(snapshot) == sha256
        assert note_signing.verify(
            note.reference, sha256, signature, key_id=key_id, signed_at=note.issued_at
        )
    assert (media / regulation.file.name).read_bytes() == REGULATION

    # A row changed behind the portal's back (triggers off) fails verification.
    tampered = next(note for note in issued if note.language == "fr")
    with psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=info.database, user=info.user
    ) as connection:
        connection.execute("SET session_replication_role = replica")
        connection.execute(
            "UPDATE notes_note SET snapshot = replace(snapshot, '\"fr\"', '\"en\"') "
            "WHERE reference = %s",
            [tampered.reference],
        )
    result = manage("verify_notes", database_url=url, media_root=media)
    assert result.returncode != 0
    assert f"{tampered.reference}: the snapshot does not match" in result.stderr
    assert f"1 of {len(issued)} issued notes fail" in result.stderr

    # A second restore refuses the database that now holds data, unless forced.
    result = manage("restore", str(backup), database_url=url, media_root=media)
    assert result.returncode != 0
    assert "The database is not empty" in result.stderr
    result = manage(
        "restore", str(backup), "--force", database_url=url, media_root=media
    )
    assert result.returncode == 0, result.stderr
    assert restored_notes(info)[tampered.reference][1] == tampered.snapshot


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="not a Geoportail backup"):
        call_command("restore", str(not_a_backup))


@pytest.mark.parametrize("hostile", ["traversal", "link", "device"])
def test_restore_refuses_members_that_reach_outside_the_media_folder(
    tmp_path, db, settings, hostile
):
    """A tampered backup cannot write beside MEDIA_ROOT or plant a link."""
    import json
    import tarfile

    from geoportal.backup import FORMAT, MANIFEST

    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "tampered.tar"
    with tarfile.open(backup, "w") as archive:
        manifest = json.dumps({"format": FORMAT}).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        if hostile == "traversal":
            payload = b"planted"
            info = tarfile.TarInfo("media/../escaped.txt")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
        elif hostile == "link":
            info = tarfile.TarInfo("media/regulation.pdf")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(info)
        else:
            info = tarfile.TarInfo("media/null")
            info.type = tarfile.CHRTYPE
            archive.addfile(info)
    with pytest.raises(CommandError, match="Refusing the archive member"):
        call_command("restore", str(backup))
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "media").exists()
