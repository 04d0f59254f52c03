"""Settings come from the environment; production settings pass the deploy checks."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "db": {k: db.get(k) for k in ("NAME", "USER", "HOST", "PORT")},
    "prepared": db.get("OPTIONS", {}).get("prepare_threshold"),
    "secret_len": len(settings.SECRET_KEY),
    "language": settings.LANGUAGE_CODE,
}))
"""


def settings_under(
    env: dict, module: str = "geoportal.settings"
) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DJANGO_",
                "DATABASE_",
                "GEOPORTAIL_SIGNING",
                "GEOPORTAIL_PADES",
                "GEOPORTAIL_PUBLIC_URL",
            )
        )
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
    )


def probe(env: dict, module: str = "geoportal.settings") -> dict:
    result = settings_under(env, module)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_safe_local_defaults():
    values = probe({})
    assert values["debug"] is False
    assert values["hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["secret_len"] >= 50
    assert values["language"] == "fr"
    assert values["prepared"] is None


def test_environment_overrides_debug_hosts_and_database():
    values = probe(
        {
            "DJANGO_DEBUG": "true",
            "DJANGO_ALLOWED_HOSTS": "geo.example.ma, www.geo.example.ma",
            "DATABASE_URL": "postgres://alice:pw@db.example.ma:6543/geo",
            "DATABASE_PREPARED": "1",
        }
    )
    assert values["debug"] is True
    assert values["hosts"] == ["geo.example.ma", "www.geo.example.ma"]
    assert values["db"] == {
        "NAME": "geo",
        "USER": "alice",
        "HOST": "db.example.ma",
        "PORT": 6543,
    }
    assert values["prepared"] == 0


def test_without_database_url_the_embedded_cluster_is_found():
    values = probe({})
    state = json.loads((REPO / ".local" / "postgres" / "cluster.json").read_text())
    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run uses DATABASE_URL, not the embedded cluster")
    assert values["db"]["HOST"] == state["socket_dir"]
    assert str(values["db"]["PORT"]) == str(state["port"])


def test_production_settings_refuse_to_start_without_a_signing_key():
    result = settings_under(
        {
            "DJANGO_ALLOWED_HOSTS": "geo.example.ma",
            "DJANGO_SECRET_KEY": "s" * 10
            + "-a-long-random-production-secret-0123456789",
        },
        "geoportal.settings_production",
    )
    assert result.returncode != 0
    assert "GEOPORTAIL_SIGNING_KEY" in result.stderr


def agency_certificates(folder: Path) -> Path:
    """A folder of one agency's PKCS#12 (a self-signed certificate, password
    "secret"), as GEOPORTAIL_PADES_DIR names in production."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        pkcs12,
    )
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Agence urbaine")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir()
    (folder / "aurs.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"aurs", key, cert, None, BestAvailableEncryption(b"secret")
        )
    )
    return folder


def test_production_settings_refuse_to_start_without_agency_certificates(tmp_path):
    production = {
        "DJANGO_ALLOWED_HOSTS": "geo.example.ma",
        "DJANGO_SECRET_KEY": "s" * 10 + "-a-long-random-production-secret-0123456789",
        "GEOPORTAIL_SIGNING_KEY": base64.b64encode(bytes(range(32))).decode(),
        "GEOPORTAIL_PUBLIC_URL": "https://geo.example.ma",
        "GEOPORTAIL_PADES_TEST_CA": "true",
    }
    result = settings_under(production, "geoportal.settings_production")
    assert result.returncode != 0
    assert "GEOPORTAIL_PADES_DIR" in result.stderr
    production["GEOPORTAIL_PADES_DIR"] = str(agency_certificates(tmp_path / "certs"))
    assert settings_under(production, "geoportal.settings_production").returncode == 0


def test_production_settings_refuse_a_card_gateway_without_its_store_key(tmp_path):
    signing = base64.b64encode(bytes(range(32))).decode()
    production = {
        "DJANGO_ALLOWED_HOSTS": "geo.example.ma",
        "DJANGO_SECRET_KEY": "s" * 10 + "-a-long-random-production-secret-0123456789",
        "GEOPORTAIL_SIGNING_KEY": signing,
        "GEOPORTAIL_PUBLIC_URL": "https://geo.example.ma",
        "GEOPORTAIL_PADES_DIR": str(agency_certificates(tmp_path / "certs")),
        "PAYMENTS_CMI_GATEWAY_URL": "https://payment.example.ma/fim/est3Dgate",
        "PAYMENTS_CMI_STORE_KEY": "",
    }
    result = settings_under(production, "geoportal.settings_production")
    assert result.returncode != 0
    assert "PAYMENTS_CMI_STORE_KEY" in result.stderr
    production["PAYMENTS_CMI_STORE_KEY"] = "the-bank-s-store-key"
    assert settings_under(production, "geoportal.settings_production").returncode == 0


def test_production_settings_refuse_to_start_without_a_secret():
    result = settings_under(
        {"DJANGO_ALLOWED_HOSTS": "geo.example.ma"}, "geoportal.settings_production"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def deploy_check(tmp_path, **changes) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` under production settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="geoportal.settings_production",
        DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="geo.example.ma",
        GEOPORTAIL_SIGNING_KEY=base64.b64encode(bytes(range(32))).decode(),
        GEOPORTAIL_PUBLIC_URL="https://geo.example.ma",
        GEOPORTAIL_PADES_DIR=str(agency_certificates(tmp_path / "certs")),
        GEOPORTAIL_PADES_PASSWORD="secret",
    )
    env.update(changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_needs_the_public_address_documents_print(tmp_path):
    """Issued documents' QR codes name the verification page on it: the
    production settings refuse to start without it, and the deploy check
    refuses an address that is not absolute."""
    signing = base64.b64encode(bytes(range(32))).decode()
    production = {
        "DJANGO_ALLOWED_HOSTS": "geo.example.ma",
        "DJANGO_SECRET_KEY": "s" * 10 + "-a-long-random-production-secret-0123456789",
        "GEOPORTAIL_SIGNING_KEY": signing,
        "GEOPORTAIL_PADES_DIR": str(agency_certificates(tmp_path / "certs")),
    }
    result = settings_under(production, "geoportal.settings_production")
    assert result.returncode != 0
    assert "GEOPORTAIL_PUBLIC_URL" in result.stderr
    (tmp_path / "deploy").mkdir()
    result = deploy_check(tmp_path / "deploy", GEOPORTAIL_PUBLIC_URL="geo.example.ma")
    assert result.returncode != 0
    assert "documents.E001" in result.stdout + result.stderr


def test_the_deploy_checks_open_every_agency_certificate(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="geoportal.settings_production",
        DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="geo.example.ma",
        GEOPORTAIL_SIGNING_KEY=base64.b64encode(bytes(range(32))).decode(),
        GEOPORTAIL_PUBLIC_URL="https://geo.example.ma",
        GEOPORTAIL_PADES_DIR=str(agency_certificates(tmp_path / "certs")),
        GEOPORTAIL_PADES_PASSWORD="not-the-password",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "core.E102" in result.stderr
    assert "aurs.p12" in result.stderr
