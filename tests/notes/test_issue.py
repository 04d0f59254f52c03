"""Issuing: reference, token, snapshot, hash, signature; immutability; tampering."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time

import psycopg
import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError

from documents import signing as keys
from documents.models import IssuedDocument
from notes import signing, sql
from notes.models import Note
from notes.services import note_issue
from notes.subjects import SubjectQuery
from notes.verification import note_verify

pytestmark = pytest.mark.django_db

CONNINFO_KEYS = {"dbname", "user", "password", "host", "port"}


def issue(client, body: dict, language: str = "fr"):
    return client.post(
        "/api/v1/notes",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_issue_returns_reference_token_and_links(client, site):
    response = issue(client, {"parcel": "TF 100/07"})
    assert response.status_code == 201, response.content
    data = response.json()
    year = data["issued_at"][:4]
    assert re.fullmatch(rf"AURS-{year}-\d{{6}}", data["reference"])
    assert len(data["token"]) >= 32
    # The QR's verification page is the registry's (document-e); the note's
    # token page, which the earlier notes printed, keeps answering.
    registered = IssuedDocument.objects.get(subject_reference=data["reference"])
    assert data["verify_url"] == f"http://testserver/verify/{registered.code}?lang=fr"
    assert client.get(f"/verify/{data['token']}").status_code == 200
    assert data["pdf_url"].startswith("http://testserver/notes/")
    assert data["content"]["subject"]["reference"] == "TF 100/07"
    assert {z["code"] for z in data["content"]["zones"]} == {"UA", "VE"}
    note = Note.objects.get(reference=data["reference"])
    assert note.layer_versions.count() == 4  # zoning v2 and three overlays
    # The stored snapshot is canonical JSON and the hash is its SHA-256.
    assert note.snapshot == keys.canonical_json(json.loads(note.snapshot))
    assert note.sha256 == hashlib.sha256(note.snapshot.encode()).hexdigest()
    assert signing.verify(
        note.reference,
        note.sha256,
        note.signature,
        key_id=note.key_id,
        signed_at=note.issued_at,
    )


def test_get_by_reference_hides_the_token(client, site):
    data = issue(client, {"parcel": "TF 100/07"}).json()
    response = client.get(f"/api/v1/notes/{data['reference']}")
    assert response.status_code == 200
    got = response.json()
    assert got["sha256"] == data["sha256"]
    assert got["content"] == data["content"]
    assert "token" not in got
    assert "verify_url" not in got
    missing = client.get("/api/v1/notes/AURS-2020-999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "note_not_found"


def test_references_follow_each_other_per_agency_and_year(site):
    query = SubjectQuery.from_json({"parcel": "TF 200/07"})
    first = note_issue(base_url="http://testserver", query=query)
    second = note_issue(base_url="http://testserver", query=query)
    a, b = (int(note.reference.rsplit("-", 1)[1]) for note in (first, second))
    assert b == a + 1
    assert first.token != second.token


def test_concurrent_numbering_never_repeats_a_reference(db):
    """Issuers in parallel transactions get distinct, gap-free numbers.

    Runs on connections of its own (committed rows, cleaned up at the end) so
    that no transactional test has to empty the shared test database.
    """
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params = {k: v for k, v in params.items() if k in CONNINFO_KEYS}
    with psycopg.connect(**params, autocommit=True) as admin:
        (agency_id,) = admin.execute(
            "INSERT INTO layers_agency (code, name_fr, name_ar, name_en, srid, "
            "note_prefix) VALUES ('concurrency', 'C', '', '', 26191, 'C') "
            "RETURNING id"
        ).fetchone()
        numbers, errors = [], []

        def issuer():
            try:
                with psycopg.connect(**params) as conn:
                    for _ in range(5):
                        with conn.transaction():
                            row = conn.execute(
                                sql.NEXT_NOTE_NUMBER,
                                {"agency": agency_id, "year": 2026},
                            ).fetchone()
                            time.sleep(0.002)  # hold the lock a little
                        numbers.append(row[0])
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=issuer) for _ in range(6)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            admin.execute(
                "DELETE FROM notes_notesequence WHERE agency_id = %s", [agency_id]
            )
            admin.execute("DELETE FROM layers_agency WHERE id = %s", [agency_id])
    assert errors == []
    assert sorted(numbers) == list(range(1, 31))


def test_issued_note_cannot_be_updated(site):
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07"}),
    )
    for field, value in (
        ("snapshot", note.snapshot.replace("UA", "UB")),
        ("sha256", "0" * 64),
        ("signature", "AAAA"),
        ("as_of", "2001-01-01"),
    ):
        with (
            pytest.raises((IntegrityError, InternalError, DatabaseError)),
            transaction.atomic(),
        ):
            Note.objects.filter(pk=note.pk).update(**{field: value})
    note.refresh_from_db()
    assert note_verify(note, recompute=False).authentic


def test_tampered_snapshot_is_detected(client, site):
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07"}),
    )
    tampered = note.snapshot.replace('"code":"VE"', '"code":"UA"')
    assert tampered != note.snapshot
    with connection.cursor() as cursor:
        # Someone with database rights switches the guard off and edits the note.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE notes_note DISABLE TRIGGER notes_note_immutable")
        cursor.execute(
            "UPDATE notes_note SET snapshot = %s WHERE id = %s", [tampered, note.pk]
        )
        cursor.execute("ALTER TABLE notes_note ENABLE TRIGGER notes_note_immutable")
    note.refresh_from_db()
    verification = note_verify(note, recompute=False)
    assert not verification.hash_matches
    assert not verification.authentic
    page = client.get(f"/verify/{note.token}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "NOT authentic" in page.content.decode()


def test_forged_signature_is_detected(site):
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07"}),
    )
    other = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 200/07"}),
    )
    # A valid signature of another note does not fit this one.
    proof = {"key_id": note.key_id, "signed_at": note.issued_at}
    assert not signing.verify(note.reference, note.sha256, other.signature, **proof)
    assert not signing.verify(note.reference, "0" * 64, note.signature, **proof)


def test_signing_key_from_the_environment(monkeypatch):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    monkeypatch.setenv("GEOPORTAIL_SIGNING_KEY", base64.b64encode(raw).decode())
    keys.private_key.cache_clear()
    try:
        signature = signing.sign("X-2026-000001", "ab" * 32)
        key.public_key().verify(
            base64.b64decode(signature),
            b"geoportail-note-v1\nX-2026-000001\n" + b"ab" * 32,
        )
    finally:
        keys.private_key.cache_clear()


def test_public_key_is_published(client, db):
    data = client.get("/api/v1/notes/public-key").json()
    assert data["algorithm"] == "Ed25519"
    assert data["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert data["key_id"] == keys.key_id()


def test_local_signing_key_is_created_once_private(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOPORTAIL_SIGNING_KEY", raising=False)
    monkeypatch.setenv("GEOPORTAIL_LOCAL_DIR", str(tmp_path))
    keys.private_key.cache_clear()
    try:
        first = keys.public_key_pem()
        path = tmp_path / "signing_key.pem"
        assert path.stat().st_mode & 0o777 == 0o600
        keys.private_key.cache_clear()
        assert keys.public_key_pem() == first  # read back, not regenerated
    finally:
        keys.private_key.cache_clear()


def test_workers_racing_to_create_the_key_agree(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOPORTAIL_SIGNING_KEY", raising=False)
    monkeypatch.setenv("GEOPORTAIL_LOCAL_DIR", str(tmp_path))
    path = tmp_path / "signing_key.pem"
    keys._create_local_key(path)
    first = path.read_bytes()
    keys._create_local_key(path)  # the loser of a race keeps the winner's key
    assert path.read_bytes() == first
    assert not list(tmp_path.glob(".signing-*"))  # no temporary file left
