"""Documents issued for a test agency, with a minimal real PDF."""

from __future__ import annotations

import hashlib

import pytest

from documents.models import DocumentKind
from documents.services import document_issue, document_prepare

PDF = b"%PDF-1.4\n% a registered test document\n%%EOF\n"


@pytest.fixture
def issue(agency):
    def issue_one(
        *, reference: str = "R-2026-000001", pdf: bytes = PDF, agency=agency, **extra
    ):
        prepared = document_prepare(
            kind=extra.pop("kind", DocumentKind.RECEIPT),
            agency=agency,
            language=extra.pop("language", "fr"),
            template_version="test-1",
            subject_type="payments.receipt",
            subject_reference=reference,
            content_sha256=hashlib.sha256(reference.encode()).hexdigest(),
            **extra,
        )
        return document_issue(prepared=prepared, pdf=pdf)

    return issue_one
