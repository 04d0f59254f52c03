"""The import format: a valid bundle is written; a malformed one is refused
with every problem listed, in the reader's language, and nothing written."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import AuditEvent
from importing.errors import UnsafeArchive
from library.bundle import BundleRefused
from library.models import Article, Text
from library.pdf import PdfRefused
from library.search import LibraryQuery
from library.selectors import library_search
from library.services import library_import, text_pdf_attach
from tests.library.conftest import article, law, text_file


def pdf_bytes(words: str) -> bytes:
    """A one-page PDF writing ``words`` (ASCII) in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_a_valid_bundle_is_imported_with_its_dates_and_wordings(import_texts):
    summary = import_texts(
        law(
            "9903-1",
            articles=[article("1", "Objet.", "موضوع"), article("2-bis", "Suite.")],
            signed_on="2001-02-01",
            bulletin="BO n° 9999",
            status="in_force",
            excerpt=True,
        )
    )
    assert summary.created == ("loi-9903-1",)
    text = Text.objects.get(key="loi-9903-1")
    assert (text.kind, text.number, text.bulletin, text.is_excerpt) == (
        "law",
        "9903-1",
        "BO n° 9999",
        True,
    )
    assert [str(text.signed_on), str(text.in_force_on)] == ["2001-02-01", "2001-03-01"]
    assert [(a.reference, a.body_ar) for a in text.articles.order_by("position")] == [
        ("loi-9903-1:art-1", "موضوع"),
        ("loi-9903-1:art-2-bis", ""),
    ]
    assert AuditEvent.objects.filter(object_repr=str(text)).count() == 1


def test_a_zip_of_the_bundle_is_imported(db, tmp_path):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "textes/loi.json",
            '{"kind": "law", "number": "9903-2", "title": {"fr": "Loi"},'
            ' "authority": {"fr": "Parlement"}, "in_force_on": "2002-01-01",'
            ' "articles": [{"number": "1", "body": {"fr": "Un."}}]}',
        )
    assert library_import(path=archive).created == ("loi-9903-2",)


@pytest.mark.parametrize(
    "name", ["../secret.pdf", "/etc/passwd", "sub/../../secret.pdf"]
)
def test_a_pdf_named_outside_the_bundle_is_refused_and_nothing_read(db, tmp_path, name):
    # A bundle naming a file beside or above it must not get it read into the
    # public full-text index.
    (tmp_path / "secret.pdf").write_bytes(pdf_bytes("Secret words"))
    folder = tmp_path / "bundle"
    text_file(folder, "loi.json", **law("9903-20", articles=[], pdf={"fr": name}))
    with pytest.raises(BundleRefused) as refused:
        library_import(path=folder)
    assert refused.value.details["issues"][0]["where"] == "pdf.fr"
    assert not Text.objects.filter(number="9903-20").exists()


def test_a_zip_climbing_out_of_its_folder_is_refused_and_nothing_written(db, tmp_path):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "../loi.json",
            '{"kind": "law", "number": "9903-21", "title": {"fr": "Loi"},'
            ' "authority": {"fr": "Parlement"}, "in_force_on": "2002-01-01",'
            ' "articles": []}',
        )
    with pytest.raises(UnsafeArchive):
        library_import(path=archive)
    assert not (tmp_path.parent / "loi.json").exists()
    assert not Text.objects.filter(number="9903-21").exists()


def test_a_malformed_bundle_is_refused_whole_with_every_problem(db, tmp_path):
    text_file(tmp_path, "good.json", **law("9903-3", articles=[article("1", "Bon.")]))
    text_file(
        tmp_path,
        "bad.json",
        kind="statute",
        number="12 90!",
        title={"fr": ""},
        authority={"fr": "Parlement"},
        in_force_on="2024-02-31",
        articles=[{"number": "1"}, article("2", "Une."), article("2", "Deux fois.")],
        amendments=[{"text": "loi-0000-0", "article": "4", "body": {"fr": "x"}}],
    )
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with translation.override("fr"), pytest.raises(BundleRefused) as refused:
        library_import(path=tmp_path)
    issues = refused.value.details["issues"]
    places = {(issue["file"], issue["where"]) for issue in issues}
    assert {
        ("bad.json", "kind"),
        ("bad.json", "number"),
        ("bad.json", "title.fr"),
        ("bad.json", "in_force_on"),
        ("bad.json", "articles[0].body.fr"),
        ("bad.json", "articles"),
        ("bad.json", "amendments[0].on"),
        ("broken.json", ""),
    } <= places
    assert str(refused.value.message).startswith("Rien n’a été importé")
    assert Text.objects.filter(number__startswith="9903").count() == 0


def test_an_amendment_of_an_unknown_article_is_refused(import_texts):
    with pytest.raises(BundleRefused) as refused:
        import_texts(
            law(
                "9903-4",
                articles=[],
                amendments=[
                    {"text": "loi-9903-5", "article": "1", "body": {"fr": "x"}}
                ],
            )
        )
    assert [issue["where"] for issue in refused.value.details["issues"]] == [
        "amendments[0]"
    ]
    assert not Text.objects.filter(number="9903-4").exists()


def test_two_amendments_of_one_article_on_one_day_are_refused(import_texts):
    import_texts(law("9903-6", articles=[article("1", "Un.")]))
    change = {"text": "loi-9903-6", "article": "1", "body": {"fr": "Nouveau."}}
    with pytest.raises(BundleRefused):
        import_texts(
            law("9903-7", articles=[], amendments=[change]),
            law("9903-8", articles=[], amendments=[change]),
        )
    assert Article.objects.filter(text__number="9903-6").count() == 1
    assert not Text.objects.filter(number__in=["9903-7", "9903-8"]).exists()


def test_the_pdf_words_are_extracted_and_searchable(import_texts, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "with-pdf"
    folder.mkdir()
    (folder / "loi.pdf").write_bytes(pdf_bytes("Reglement des zones cotieres"))
    text_file(
        folder,
        "loi.json",
        **law("9903-9", articles=[], pdf={"fr": "loi.pdf"}),
    )
    library_import(path=folder)
    text = Text.objects.get(key="loi-9903-9")
    assert "zones cotieres" in text.extracted_fr
    assert text.pdf_fr.name.endswith(".pdf")
    results = library_search(LibraryQuery(text="côtière", at=datetime.date(2020, 1, 1)))
    assert [hit.key for hit in results.texts] == ["loi-9903-9"]


def test_a_file_that_is_not_a_pdf_is_refused(import_texts, tmp_path):
    folder = tmp_path / "fake-pdf"
    folder.mkdir()
    (folder / "loi.pdf").write_text("hello")
    text_file(folder, "loi.json", **law("9903-10", articles=[], pdf={"fr": "loi.pdf"}))
    with pytest.raises(BundleRefused) as refused:
        library_import(path=folder)
    assert refused.value.details["issues"][0]["where"] == "pdf.fr"
    text = import_texts(law("9903-11", articles=[]))
    with pytest.raises(PdfRefused):
        text_pdf_attach(
            text=Text.objects.get(number="9903-11"),
            language="fr",
            path=folder / "loi.pdf",
            user=None,
        )
    assert text.created == ("loi-9903-11",)


def test_the_command_lists_the_problems(db, tmp_path):
    text_file(tmp_path, "bad.json", kind="law")
    with pytest.raises(CommandError) as refused:
        call_command("library_import", str(tmp_path))
    assert "bad.json: number" in str(refused.value)
    folder = tmp_path / "good"
    text_file(folder, "loi.json", **law("9903-12", articles=[article("1", "Un.")]))
    out = io.StringIO()
    call_command("library_import", str(folder), stdout=out)
    assert out.getvalue().startswith("1 created, 0 updated, 0 unchanged")
