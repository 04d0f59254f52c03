"""PAdES signatures of the PDFs the portal issues, with pyHanko.

Each agency signs with its own certificate, whose subject carries its names.
In production ``GEOPORTAIL_PADES_DIR`` holds one PKCS#12 file per agency,
``<agency code>.p12`` (key, certificate and its chain; password in
``GEOPORTAIL_PADES_PASSWORD``), and the CRLs of that chain (``*.crl``, DER or
PEM). Without it, and only when ``GEOPORTAIL_PADES_TEST_CA`` is on (by
default with ``DJANGO_DEBUG``), a local test CA under ``.local/pades/``
(files mode 0600, made on first use) issues each agency's certificate and an
empty CRL; anything it signs is trusted by nobody but who trusts that CA.

A signature is PAdES B-LT when the chain's revocation information is at hand
(the certificates and CRLs are embedded in the document security store, so a
validator needs no network), B-B otherwise. Loading a signer (reading the
PKCS#12, building the validation context) costs more than a signature, so
signers are kept per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import fcntl
import functools
import hashlib
import os
import re
import stringprep
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

FIELD_NAME = "Signature"
TEST_CA_NAME = "Geoportail local test CA"
TEST_CRL_URL = "http://localhost/geoportail-test-ca.crl"
# Raised when the test certificates' contents change: agencies get new ones.
TEST_PROFILE = 2
# The test CA's CRL is issued again when less than this is left of it.
CRL_REFRESH = datetime.timedelta(days=1)
CRL_LIFETIME = datetime.timedelta(days=7)
# Room kept for the signature container (DER; twice as many bytes in the
# file, written in hex). Without it pyHanko makes a dummy signature first to
# measure the container (a B-LT signature: 109 → 68 ms, benchmarks/README.md).
# An ECDSA signature with its two-certificate chain takes under 2 kB, an
# RSA-4096 chain of three about 6 kB.
SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class AgencyIdentity:
    """Who signs: an agency's code (which file holds its key) and its names
    (the subject of its test certificate)."""

    code: str
    name_fr: str
    name_ar: str = ""


@dataclass(frozen=True)
class PadesSigner:
    """A loaded signer: pyHanko's signer, the roots of its chain and their
    CRLs (both: B-LT; else B-B)."""

    signer: signers.SimpleSigner
    trust_roots: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]

    def validation_context(self) -> ValidationContext | None:
        """A context checking the chain now against the CRLs, which pyHanko
        then embeds; None without roots or CRLs (B-B). A new one per
        signature: a context keeps the moment it was made and its caches."""
        if not (self.trust_roots and self.crls):
            return None
        # A CRL past its next update (not yet refreshed in
        # GEOPORTAIL_PADES_DIR) is embedded all the same; a revoked
        # certificate is refused before, by chain_check.
        return ValidationContext(
            trust_roots=list(self.trust_roots),
            crls=list(self.crls),
            allow_fetching=False,
            revocation_mode="soft-fail",
        )

    def chain_check(self) -> None:
        """Raise ImproperlyConfigured when the certificate does not chain to
        its roots, has expired or is revoked by the CRLs (pyHanko would sign
        with it all the same)."""
        context = self.validation_context()
        if context is None:
            return
        validator = CertificateValidator(
            self.signer.signing_cert,
            intermediate_certs=list(self.signer.cert_registry),
            validation_context=context,
        )
        try:
            outside_event_loop(
                asyncio.run, validator.async_validate_usage({"digital_signature"})
            )
        except (PathBuildingError, ValidationError) as error:
            subject = self.signer.signing_cert.subject.human_friendly
            raise ImproperlyConfigured(
                f"The signing certificate {subject!r} cannot sign: {error}"
            ) from error

    def crls_ageing(self) -> bool:
        """Whether a CRL is near or past its next update (read them again)."""
        now = datetime.datetime.now(datetime.UTC)
        return any(
            crl["tbs_cert_list"]["next_update"].native - now < CRL_REFRESH
            for crl in self.crls
        )


def sign_pdf(pdf: bytes, *, signer: PadesSigner) -> bytes:
    """``pdf`` with a PAdES signature of ``signer`` appended (an incremental
    update: the signed bytes are the original ones)."""
    return outside_event_loop(_sign, pdf, signer)


def outside_event_loop[T](function: Callable[..., T], *args) -> T:
    """``function(*args)``, in a worker thread when this thread runs an event
    loop: pyHanko's synchronous calls go through ``asyncio.run``, which such a
    thread cannot call (an async server's, or Playwright's in the tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def _sign(pdf: bytes, signer: PadesSigner) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    context = signer.validation_context()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=context is not None,
        validation_context=context,
    )
    output = BytesIO()
    signers.PdfSigner(metadata, signer=signer.signer).sign_pdf(
        writer, output=output, bytes_reserved=SIGNATURE_BYTES
    )
    return output.getvalue()


def issued_pdf_sign(pdf: bytes, *, agency: AgencyIdentity) -> bytes:
    """``pdf`` signed by ``agency`` when ``GEOPORTAIL_PADES`` is on (the
    default), unchanged when off. The one call of the places that issue PDFs.

    Raises ImproperlyConfigured as ``agency_signer`` does.
    """
    if not settings.GEOPORTAIL_PADES:
        return pdf
    return sign_pdf(pdf, signer=agency_signer(agency))


def agency_signer(agency: AgencyIdentity) -> PadesSigner:
    """The signer of ``agency``, loaded once per process (and per name: a
    renamed agency gets a test certificate with its new names).

    Raises ImproperlyConfigured when signing has no certificate to use: no
    ``GEOPORTAIL_PADES_DIR`` and the test CA off, or no ``<code>.p12`` there.
    """
    directory = settings.GEOPORTAIL_PADES_DIR
    if directory:
        load, key = _configured_signer, (Path(directory), agency.code)
    elif settings.GEOPORTAIL_PADES_TEST_CA:
        load, key = _test_ca_signer, (_local_dir(), agency)
    else:
        raise ImproperlyConfigured(
            "Signing PDFs needs GEOPORTAIL_PADES_DIR (the agencies' PKCS#12 "
            "files), or GEOPORTAIL_PADES_TEST_CA for development and tests."
        )
    signer = load(*key)
    if signer.crls_ageing():
        # CRLs age; a process that lives long reads them again (the test CA
        # issues a new one, an operator refreshes GEOPORTAIL_PADES_DIR's).
        load.cache_clear()
        signer = load(*key)
    return signer


def _checked[**P](load: Callable[P, PadesSigner]) -> Callable[P, PadesSigner]:
    """``load``, whose signers have passed ``chain_check``, kept per process."""

    @functools.lru_cache(maxsize=64)
    def checked(*args: P.args, **kwargs: P.kwargs) -> PadesSigner:
        signer = load(*args, **kwargs)
        signer.chain_check()
        return signer

    return checked


@_checked
def _configured_signer(directory: Path, code: str) -> PadesSigner:
    path = directory / f"{code}.p12"
    if not path.is_file():
        raise ImproperlyConfigured(f"No PKCS#12 file for agency {code!r}: {path}")
    password = settings.GEOPORTAIL_PADES_PASSWORD.encode() or None
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=password)
    if signer is None:
        raise ImproperlyConfigured(f"{path} cannot be opened with its password")
    chain = [cert for cert in signer.cert_registry if cert != signer.signing_cert]
    roots = tuple(cert for cert in chain if cert.self_signed != "no") or tuple(
        chain[-1:]
    )
    crls = tuple(
        _read_crl(crl_path.read_bytes()) for crl_path in sorted(directory.glob("*.crl"))
    )
    return PadesSigner(signer, roots, crls)


def _read_crl(data: bytes) -> asn1_crl.CertificateList:
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    return asn1_crl.CertificateList.load(data)


def _local_dir() -> Path:
    return Path(settings.LOCAL_DIR) / "pades"


def local_ca_certificate_pem() -> bytes:
    """The local test CA's certificate (PEM), made on first use: what a
    validator must trust to accept the test signatures."""
    directory = _local_dir()
    with _locked(directory):
        _ca_ensure(directory)
    return (directory / "ca.cert.pem").read_bytes()


@_checked
def _test_ca_signer(directory: Path, agency: AgencyIdentity) -> PadesSigner:
    with _locked(directory):
        ca_key, ca_cert = _ca_ensure(directory)
        key_pem, cert_pem = _agency_certificate_ensure(
            directory, agency, ca_key, ca_cert
        )
        crl_der = _crl_ensure(directory, ca_key, ca_cert)
    ca_asn1 = asn1_x509.Certificate.load(
        ca_cert.public_bytes(serialization.Encoding.DER)
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(cert_pem).public_bytes(
                serialization.Encoding.DER
            )
        ),
        signing_key=load_private_key_from_pemder_data(key_pem, None),
        cert_registry=SimpleCertificateStore.from_certs([ca_asn1]),
    )
    return PadesSigner(signer, (ca_asn1,), (asn1_crl.CertificateList.load(crl_der),))


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the test CA's folder: two workers starting at once
    make one CA, not two."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ca_ensure(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = directory / "ca.key.pem", directory / "ca.cert.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Geoportail"),
            x509.NameAttribute(NameOID.COMMON_NAME, TEST_CA_NAME),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, _key_pem(key))
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def directory_text(name: str) -> str:
    """``name`` as a certificate's name may hold it, or "" when it cannot.

    Validators compare names after RFC 4518's string preparation, whose
    bidirectional rule (RFC 3454 §6) refuses a right-to-left text that starts
    or ends with anything but a right-to-left letter, or holds a Latin one:
    a final parenthesis (the demo agency's "(وهمية)") makes pyHanko refuse
    the certificate. A final parenthesised part, then punctuation and spaces
    at both ends, are dropped; a text that still breaks the rule (Latin
    letters, a final digit) is left out rather than cut.
    """
    if not any(stringprep.in_table_d1(char) for char in name):
        return name
    text = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    while text and unicodedata.category(text[0])[0] in "PZS":
        text = text[1:]
    while text and unicodedata.category(text[-1])[0] in "PZS":
        text = text[:-1]
    valid = (
        text
        and stringprep.in_table_d1(text[0])
        and stringprep.in_table_d1(text[-1])
        and not any(stringprep.in_table_d2(char) for char in text)
    )
    return text if valid else ""


def _agency_subject(agency: AgencyIdentity) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name_fr),
    ]
    if name_ar := directory_text(agency.name_ar):
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, name_ar))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, agency.name_fr))
    return x509.Name(attributes)


def _agency_certificate_ensure(
    directory: Path,
    agency: AgencyIdentity,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
) -> tuple[bytes, bytes]:
    """(key PEM, certificate PEM) of ``agency``, issued by the test CA; named
    by a digest of the agency's names (and ``TEST_PROFILE``), so a rename
    issues a new one."""
    names = f"{TEST_PROFILE}\n{agency.code}\n{agency.name_fr}\n{agency.name_ar}"
    names = names.encode()
    stem = f"{agency.code}-{hashlib.sha256(names).hexdigest()[:12]}"
    key_path, cert_path = directory / f"{stem}.key.pem", directory / f"{stem}.cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path.read_bytes(), cert_path.read_bytes()
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_agency_subject(agency))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        # Validators look for revocation data where the certificate says it
        # is published; this one is never fetched (the CRL travels in each
        # signed PDF), but without it a CRL revoking the certificate is
        # not even consulted.
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(TEST_CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = _key_pem(key)
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    _write_private(key_path, key_pem)
    _write_private(cert_path, cert_pem)
    return key_pem, cert_pem


def _crl_ensure(
    directory: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate
) -> bytes:
    """The test CA's CRL (DER, nothing revoked), issued again when it is about
    to expire."""
    path = directory / "ca.crl"
    now = datetime.datetime.now(datetime.UTC)
    if path.exists():
        current = x509.load_der_x509_crl(path.read_bytes())
        if current.next_update_utc - now > CRL_REFRESH:
            return path.read_bytes()
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + CRL_LIFETIME)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    data = crl.public_bytes(serialization.Encoding.DER)
    _write_private(path, data)
    return data


def pades_configured_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """System check: with PDF signing on, a certificate source is configured
    (E001), and each PKCS#12 file opens with the password (E002)."""
    if not settings.GEOPORTAIL_PADES:
        return []
    directory = settings.GEOPORTAIL_PADES_DIR
    if not directory:
        if settings.GEOPORTAIL_PADES_TEST_CA:
            return []
        return [
            checks.Error(
                "PDF signing is on but no agency certificate is configured.",
                hint="Set GEOPORTAIL_PADES_DIR to a folder of <agency code>.p12 "
                "files (password in GEOPORTAIL_PADES_PASSWORD); the local test CA "
                "(GEOPORTAIL_PADES_TEST_CA) is for development and tests only.",
                id="core.E101",
            )
        ]
    errors = []
    for path in sorted(Path(directory).glob("*.p12")):
        try:
            _configured_signer(Path(directory), path.stem)
        except (ImproperlyConfigured, ValueError) as error:
            errors.append(
                checks.Error(f"{path}: {error}", id="core.E102"),
            )
    return errors
