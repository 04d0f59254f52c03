"""Backup and restore: a backup restored into a fresh cluster holds every issued
note and registered document unchanged, each still verifies (a changed byte is
named), and the signing key never leaves the server."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from documents import signing
from documents.models import DocumentKind
from documents.services import document_issue, document_prepare
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
            base_url="http://testserver",
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


def registered(agency, kind: str, reference: str):
    """A document of ``kind`` registered with document-e, with its own PDF."""
    prepared = document_prepare(
        kind=kind,
        agency=agency,
        language="ar" if kind == DocumentKind.RECEIPT else "fr",
        template_version="test-1",
        subject_type=f"test.{kind}",
        subject_reference=reference,
        content_sha256=hashlib.sha256(reference.encode()).hexdigest(),
    )
    pdf = b"%PDF-1.4\n% " + reference.encode() + b"\n%%EOF\n"
    return document_issue(prepared=prepared, pdf=pdf)


@pytest.mark.slow
def test_restore_reverifies_every_registered_document_and_names_a_tampered_one(
    transactional_db, agency, tmp_path, fresh_cluster, monkeypatch, settings
):
    """Receipts, credit notes, minutes and notes of the registry are checked
    after a restore — bytes and signature, with a retired key by its id — and
    a changed byte in a receipt makes the restore fail naming its code."""
    old_receipt = registered(agency, DocumentKind.RECEIPT, "R-2026-000001")
    # The key rotates: the restored server verifies the first receipt with
    # the retired key its entry names, the others with the current one.
    retired_at = timezone.now()
    retired = [
        {
            "public_key": signing.public_key_pem(),
            "valid_from": None,
            "valid_to": retired_at.isoformat(),
        }
    ]
    new_key = Ed25519PrivateKey.generate().private_bytes_raw()
    monkeypatch.setenv("GEOPORTAIL_SIGNING_KEY", base64.b64encode(new_key).decode())
    monkeypatch.setenv("GEOPORTAIL_RETIRED_SIGNING_KEYS", json.dumps(retired))
    monkeypatch.setenv("GEOPORTAIL_SIGNING_KEY_SINCE", retired_at.isoformat())
    settings.GEOPORTAIL_RETIRED_SIGNING_KEYS = retired
    settings.GEOPORTAIL_SIGNING_KEY_SINCE = retired_at.isoformat()
    signing.private_key.cache_clear()
    try:
        receipt = registered(agency, DocumentKind.RECEIPT, "R-2026-000002")
        registered(agency, DocumentKind.CREDIT_NOTE, "AV-2026-000001")
        registered(agency, DocumentKind.COMMISSION_DECISION, "17")
        registered(agency, DocumentKind.NOTE, "OZ-2026-000001")
    finally:
        signing.private_key.cache_clear()
    assert old_receipt.key_id != receipt.key_id == signing.key_id()

    good = tmp_path / "good.tar"
    output = io.StringIO()
    call_command("backup", "--output", str(good), stdout=output)
    assert (
        "5 registered documents (commission_decision: 1, credit_note: 1, note: 1, "
        "receipt: 2)" in output.getvalue()
    )
    assert f"key id(s) {', '.join(sorted([old_receipt.key_id, receipt.key_id]))}" in (
        output.getvalue()
    )
    info, password = fresh_cluster
    url = f"postgis://{info.user}:{password}@127.0.0.1:{info.port}/{info.database}"
    media = tmp_path / "restored-media"
    result = manage("restore", str(good), database_url=url, media_root=media)
    assert result.returncode == 0, result.stderr
    assert (
        "5 registered documents verified (commission_decision: 1, credit_note: 1, "
        "note: 1, receipt: 2): all authentic." in result.stdout
    )

    # A server that forgot the retired key cannot vouch for the old receipt.
    monkeypatch.setenv("GEOPORTAIL_RETIRED_SIGNING_KEYS", "[]")
    result = manage("restore", str(good), "--force", database_url=url, media_root=media)
    assert result.returncode != 0
    assert f"{old_receipt.code}: signed with unknown key {old_receipt.key_id}" in (
        result.stderr
    )
    assert f"1 of 5 registered documents fail verification: {old_receipt.code}." in (
        result.stderr
    )
    monkeypatch.setenv("GEOPORTAIL_RETIRED_SIGNING_KEYS", json.dumps(retired))

    # One byte of the second receipt's PDF changed behind the portal's back
    # (triggers off), then backed up: the restore fails and names it.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE documents_issueddocument SET pdf = overlay(pdf placing 'X' "
            "from 12 for 1) WHERE identifier = %s",
            [receipt.identifier],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    tampered = tmp_path / "tampered.tar"
    call_command("backup", "--output", str(tampered), stdout=io.StringIO())
    result = manage(
        "restore", str(tampered), "--force", database_url=url, media_root=media
    )
    assert result.returncode != 0
    assert f"{receipt.code}: the PDF does not match its SHA-256" in result.stderr
    assert f"1 of 5 registered documents fail verification: {receipt.code}." in (
        result.stderr
    )
    assert old_receipt.code not in result.stderr
