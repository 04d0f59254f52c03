"""Checks of a PDF's PAdES signature as outside validators see it: poppler's
``pdfsig`` (with the local test CA in a throw-away NSS database) and pyHanko's
validator trusting that CA and nothing else."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.pades import local_ca_certificate_pem, outside_event_loop


def nss_database(folder: Path) -> str:
    """An NSS database in ``folder`` trusting the local test CA, for pdfsig."""
    folder.mkdir(exist_ok=True)
    ca = folder / "ca.pem"
    ca.write_bytes(local_ca_certificate_pem())
    database = f"sql:{folder}"
    subprocess.run(
        ["certutil", "-N", "-d", database, "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["certutil", "-A", "-d", database, "-n", "test-ca", "-t", "CT,C,C", "-i", ca],
        check=True,
        capture_output=True,
    )
    return database


def pdfsig(pdf: bytes, folder: Path) -> str:
    """What ``pdfsig`` says of ``pdf``, trusting the local test CA."""
    path = folder / "signed.pdf"
    path.write_bytes(pdf)
    database = nss_database(folder / "nss")
    return subprocess.run(
        ["pdfsig", "-nssdir", database, str(path)], capture_output=True, check=False
    ).stdout.decode()


@dataclass(frozen=True)
class PyhankoVerdict:
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    embedded_crls: int


def pyhanko_verdict(pdf: bytes) -> PyhankoVerdict:
    """pyHanko's validation of the one signature of ``pdf``, trusting the
    local test CA only and fetching nothing: a B-LT signature brings its CRLs."""
    return outside_event_loop(_pyhanko_verdict, pdf)


def _pyhanko_verdict(pdf: bytes) -> PyhankoVerdict:
    _type, _headers, der = pem.unarmor(local_ca_certificate_pem())
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (signature,) = reader.embedded_signatures
    dss = reader.root.get("/DSS")
    dss = dss.get_object() if dss is not None else {}
    crls = [crl.get_object() for crl in dss.get("/CRLs", ())]
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der)],
        crls=[crl.data for crl in crls],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    status = validate_pdf_signature(signature, context)
    return PyhankoVerdict(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        signer=status.signing_cert.subject.human_friendly,
        embedded_crls=len(crls),
    )


def tampered(pdf: bytes) -> bytes:
    """``pdf`` with one byte changed inside what the signature covers: the
    last digit of the first page's width (the file still parses)."""
    data = bytearray(pdf)
    position = data.index(b"/MediaBox[0 0 595.2756") + len(b"/MediaBox[0 0 595.275")
    data[position] = ord("7")
    return bytes(data)
