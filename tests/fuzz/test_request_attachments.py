"""A requester joins files to their request on the follow page
(``requete.citizen``, ``cases.attachments``): whatever the upload's name —
paths, NUL and control characters, right-to-left overrides, hundreds of
characters — and whatever its bytes, the page answers in the requester's
language, the file is kept (named without any path, within the column) or
refused with a reason, never a server error. The checker's own fuzz test
(``test_citizen_files``) covers the bytes; this one the page around it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from cases.models import CaseAttachment
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import TEXT
from tests.requete.test_citizen_pages import (
    FOLLOW,
    PDF,
    followed,  # noqa: F401 - a fixture
)

NAMES = st.one_of(
    st.sampled_from(
        [
            "a\x00b.pdf",
            "\u202egpj.pdf",
            "x" * 400 + ".pdf",
            "\\..\\..\\a.pdf",
            "../../etc/passwd",
            "a\x01.pdf",
            "%00.pdf",
            "<script>.pdf",
        ]
    ),
    TEXT.filter(lambda name: name.strip(" .") != ""),
)
CONTENTS = st.one_of(
    st.just(PDF), st.binary(max_size=200), st.just(b""), st.just(b"%PDF-1.7\n")
)


@pytest.mark.django_db
@given(name=NAMES, content=CONTENTS, language=st.sampled_from(["fr", "ar"]))
@fuzz_settings(60)
def test_any_upload_is_kept_without_its_path_or_refused(
    client,
    followed,  # noqa: F811 - a fixture
    name,
    content,
    language,
):
    case, code = followed
    kept = CaseAttachment.objects.filter(case=case).count()

    page = client.post(
        FOLLOW,
        {
            "reference": case.reference,
            "code": code,
            "action": "attach",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert page.status_code in {200, 400}, page.status_code
    html = page.content.decode()
    assert f'lang="{language}"' in html
    attachments = list(CaseAttachment.objects.filter(case=case).order_by("pk"))
    if len(attachments) == kept:
        assert 'role="alert"' in html
        return
    stored = attachments[-1].name
    assert not {"/", "\\", "\x00"} & set(stored)
    assert 0 < len(stored) <= 150
