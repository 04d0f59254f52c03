"""PAdES signatures (core.pades): pdfsig and pyHanko's validator accept them
against the local test CA, refuse a changed byte; the configuration check."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ImproperlyConfigured

from core import pades
from tests.pades import pdfsig, pyhanko_verdict, tampered

AGENCY = pades.AgencyIdentity(
    "test-pades", "Agence urbaine d'essai", "الوكالة الحضرية للتجربة"
)


@pytest.fixture
def plain_pdf(tmp_path) -> bytes:
    source = tmp_path / "doc.typ"
    source.write_text("= Document\n\nIssued by the portal.")
    return typst.compile(str(source), format="pdf")


@pytest.fixture
def signed(plain_pdf) -> bytes:
    return pades.sign_pdf(plain_pdf, signer=pades.agency_signer(AGENCY))


def test_pdfsig_finds_a_valid_trusted_signature_of_the_agency(signed, tmp_path):
    report = pdfsig(signed, tmp_path)
    assert "Signature #1" in report
    assert "Signer Certificate Common Name: Agence urbaine d'essai" in report
    assert "OU=الوكالة الحضرية للتجربة" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_pyhanko_finds_it_intact_and_trusted_with_its_own_crl(signed):
    verdict = pyhanko_verdict(signed)
    assert verdict.intact
    assert verdict.valid
    assert verdict.trusted
    assert "Agence urbaine d'essai" in verdict.signer
    # B-LT: the CA's CRL travels in the document, no network needed.
    assert verdict.embedded_crls == 1


def test_a_changed_byte_fails_both_validators(signed, tmp_path):
    changed = tampered(signed)
    report = pdfsig(changed, tmp_path)
    assert "Signature Validation: Digest Mismatch." in report
    assert "Signature is Valid." not in report
    assert not pyhanko_verdict(changed).intact


def test_the_signed_pdf_keeps_the_original_bytes(plain_pdf, signed):
    assert signed.startswith(plain_pdf)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("الوكالة الحضرية للتجربة", "الوكالة الحضرية للتجربة"),
        (
            "الوكالة الحضرية التجريبية — واد الزهرة (وهمية)",
            "الوكالة الحضرية التجريبية — واد الزهرة",
        ),
        ("«الوكالة الحضرية»", "الوكالة الحضرية"),
        ("الوكالة الحضرية 2", ""),
        ("الوكالة الحضرية test", ""),
        ("Agence urbaine (test)", "Agence urbaine (test)"),
    ],
)
def test_names_fit_what_validators_accept_in_a_certificate(name, text):
    assert pades.directory_text(name) == text


def test_an_arabic_name_ending_in_a_parenthesis_still_signs(plain_pdf, tmp_path):
    agency = pades.AgencyIdentity(
        "test-pades-paren", "Agence d'essai", "الوكالة الحضرية — واد الزهرة (وهمية)"
    )
    signed = pades.issued_pdf_sign(plain_pdf, agency=agency)
    assert pyhanko_verdict(signed).trusted
    assert "OU=الوكالة الحضرية — واد الزهرة," in pdfsig(signed, tmp_path)


def test_the_signer_is_loaded_once_per_process():
    assert pades.agency_signer(AGENCY) is pades.agency_signer(AGENCY)


def test_the_test_ca_files_are_private(signed, settings):
    folder = Path(settings.LOCAL_DIR) / "pades"
    for path in folder.glob("*.pem"):
        assert path.stat().st_mode & 0o077 == 0, path


def test_without_a_certificate_signing_refuses(settings, plain_pdf):
    settings.GEOPORTAIL_PADES_TEST_CA = False
    settings.GEOPORTAIL_PADES_DIR = ""
    with pytest.raises(ImproperlyConfigured):
        pades.issued_pdf_sign(plain_pdf, agency=AGENCY)
    (error,) = pades.pades_configured_check(None)
    assert error.id == "core.E101"


def test_signing_off_leaves_the_pdf_as_it_is(settings, plain_pdf):
    settings.GEOPORTAIL_PADES = False
    assert pades.issued_pdf_sign(plain_pdf, agency=AGENCY) == plain_pdf
    assert pades.pades_configured_check(None) == []


def test_a_configured_pkcs12_signs_with_its_chain(settings, tmp_path, plain_pdf):
    """Production's path: <code>.p12 and the chain's CRL in GEOPORTAIL_PADES_DIR
    (here made from the test CA's files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_der_private_key,
        pkcs12,
    )

    local = Path(settings.LOCAL_DIR) / "pades"
    test_signer = pades.agency_signer(AGENCY).signer
    bundle = pkcs12.serialize_key_and_certificates(
        b"agency",
        load_der_private_key(test_signer.signing_key.dump(), None),
        x509.load_der_x509_certificate(test_signer.signing_cert.dump()),
        [x509.load_pem_x509_certificate((local / "ca.cert.pem").read_bytes())],
        BestAvailableEncryption(b"secret"),
    )
    folder = tmp_path / "certificates"
    folder.mkdir()
    (folder / "agency-p12.p12").write_bytes(bundle)
    (folder / "ca.crl").write_bytes((local / "ca.crl").read_bytes())
    settings.GEOPORTAIL_PADES_TEST_CA = False
    settings.GEOPORTAIL_PADES_DIR = str(folder)
    settings.GEOPORTAIL_PADES_PASSWORD = "secret"
    assert pades.pades_configured_check(None) == []
    signed = pades.issued_pdf_sign(
        plain_pdf, agency=pades.AgencyIdentity("agency-p12", "x")
    )
    verdict = pyhanko_verdict(signed)
    assert verdict.intact
    assert verdict.trusted
    assert verdict.embedded_crls == 1
    settings.GEOPORTAIL_PADES_PASSWORD = "wrong"
    pades._configured_signer.cache_clear()
    (error,) = pades.pades_configured_check(None)
    assert error.id == "core.E102"


def test_a_thread_running_an_event_loop_signs_too(plain_pdf):
    """An async server's thread, or Playwright's in the browser tests, runs
    an event loop, in which pyHanko's asyncio.run cannot start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def sign_inside_a_loop() -> bytes:
        return pades.sign_pdf(plain_pdf, signer=pades.agency_signer(AGENCY))

    # A thread of its own: the browser tests may hold this one's loop.
    with ThreadPoolExecutor(1) as pool:
        signed = pool.submit(asyncio.run, sign_inside_a_loop()).result()
    assert pyhanko_verdict(signed).intact


def test_an_ageing_crl_is_issued_and_read_again(monkeypatch, plain_pdf):
    before = pades.agency_signer(AGENCY)
    # Every CRL now counts as near its next update.
    monkeypatch.setattr(pades, "CRL_REFRESH", pades.CRL_LIFETIME * 2)
    after = pades.agency_signer(AGENCY)
    assert after is not before
    monkeypatch.undo()
    signed = pades.sign_pdf(plain_pdf, signer=pades.agency_signer(AGENCY))
    assert pyhanko_verdict(signed).trusted


def test_a_revoked_agency_certificate_signs_nothing(settings, tmp_path, plain_pdf):
    """The chain's CRL in GEOPORTAIL_PADES_DIR revokes the agency's
    certificate: signing fails rather than issue what validators refuse."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_der_private_key,
        load_pem_private_key,
        pkcs12,
    )

    local = Path(settings.LOCAL_DIR) / "pades"
    ca_cert = x509.load_pem_x509_certificate((local / "ca.cert.pem").read_bytes())
    ca_key = load_pem_private_key((local / "ca.key.pem").read_bytes(), None)
    test_signer = pades.agency_signer(AGENCY).signer
    agency_cert = x509.load_der_x509_certificate(test_signer.signing_cert.dump())
    now = datetime.datetime.now(datetime.UTC)
    revoked = (
        x509.RevokedCertificateBuilder()
        .serial_number(agency_cert.serial_number)
        .revocation_date(now - datetime.timedelta(hours=1))
        .build()
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=1))
        .next_update(now + datetime.timedelta(days=7))
        .add_revoked_certificate(revoked)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder = tmp_path / "certificates"
    folder.mkdir()
    (folder / "agency-revoked.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"agency",
            load_der_private_key(test_signer.signing_key.dump(), None),
            agency_cert,
            [ca_cert],
            BestAvailableEncryption(b"secret"),
        )
    )
    (folder / "ca.crl").write_bytes(crl.public_bytes(Encoding.DER))
    settings.GEOPORTAIL_PADES_DIR = str(folder)
    settings.GEOPORTAIL_PADES_PASSWORD = "secret"
    with pytest.raises(ImproperlyConfigured, match="revoked"):
        pades.issued_pdf_sign(
            plain_pdf, agency=pades.AgencyIdentity("agency-revoked", "x")
        )
