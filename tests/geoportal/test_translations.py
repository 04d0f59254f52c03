"""Every catalogue is complete in French and Arabic, and compiles."""

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for p in REPO.glob("**/locale/*/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and ".local" not in p.parts
)


def test_there_are_french_and_arabic_catalogues():
    languages = {p.parts[-3] for p in CATALOGUES}
    assert {"fr", "ar"} <= languages


@pytest.mark.parametrize(
    "catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(REPO))
)
def test_catalogue_is_complete_and_valid(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_home_page_reads_in_arabic(client, db):
    page = client.get("/", headers={"accept-language": "ar"})
    assert "البوابة الجغرافية" in page.text
