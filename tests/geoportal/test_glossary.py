"""The catalogues use the glossary's one term per notion (locale/glossary.csv),
and translate a text the same way wherever it appears.

A text whose English names a notion of the glossary must say it with the
glossary's French and Arabic term, on the map page, in the note (page and PDF)
and on the verification page alike: they all read these catalogues.
"""

import csv
import re
import unicodedata
from collections import defaultdict

import pytest

from tests.geoportal.catalogues import REPO, entries

GLOSSARY = REPO / "locale" / "glossary.csv"
# Short vowels, tanween, shadda, sukun, superscript alef and tatweel: spelling
# aids that do not change the word.
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def arabic_key(text: str) -> str:
    """Arabic text without its marks and with no definite article, so that
    "النسخة" and "نسخةً" both read "نسخة"."""
    text = ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text))
    return " ".join(
        word[2:] if word.startswith("ال") and len(word) > 3 else word
        for word in text.split()
    )


def french_key(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u00a0", " ").casefold()


def notions() -> list[dict]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def alternatives(cell: str) -> list[str]:
    return [term.strip() for term in cell.split("|") if term.strip()]


def names_notion(msgid: str, notion: dict) -> bool:
    terms = alternatives(notion["en"])
    pattern = r"\b(?:" + "|".join(re.escape(term) for term in terms) + ")"
    words = PLACEHOLDER.sub("", msgid)  # %(height)s is not a height
    return re.search(pattern, words, flags=re.IGNORECASE) is not None


def test_the_glossary_has_its_columns_and_one_row_per_notion():
    rows = notions()
    assert rows, "locale/glossary.csv is empty"
    assert set(rows[0]) == {"notion", "en", "fr", "ar", "note", "except"}
    names = [row["notion"] for row in rows]
    assert len(names) == len(set(names))
    for row in rows:
        for language in ("en", "fr", "ar"):
            assert row[language], (row["notion"], language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_text_naming_a_notion_uses_the_glossary_term(language):
    key = arabic_key if language == "ar" else french_key
    wrong = []
    catalogue = entries(language)
    for notion in notions():
        terms = [key(term) for term in alternatives(notion[language])]
        exceptions = set(alternatives(notion["except"]))
        for entry in catalogue:
            if entry.msgid in exceptions or not names_notion(entry.msgid, notion):
                continue
            if not any(term in key(entry.msgstr) for term in terms):
                wrong.append(
                    f"{notion['notion']} → {notion[language]}: {entry.catalogue}: "
                    f"{entry.msgid!r} → {entry.msgstr!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_glossary_check_sees_a_wrong_arabic_term():
    """The three Arabic terms CES had would not pass."""
    coverage = next(n for n in notions() if n["notion"] == "coverage ratio")
    term = arabic_key(coverage["ar"])
    for old in ("معامل البصمة الأرضية", "معامل استعمال الأرض (%)"):
        assert term not in arabic_key(old)
    assert term in arabic_key("مُعامِلُ الاستيلاء على الأرض (%)")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_text_reads_the_same_in_every_catalogue(language):
    """Django merges the catalogues: a text translated two ways would read one
    way or the other depending on the order of the apps. A text in another
    context (msgctxt: "Order" a legal text's kind, not a payment's order) is
    another text."""
    translations = defaultdict(set)
    for entry in entries(language):
        key = (entry.context, entry.msgid, entry.form)
        translations[key].add((entry.msgstr, entry.catalogue))
    differing = [
        f"{msgid!r}: {sorted(found)}"
        for (_context, msgid, _form), found in translations.items()
        if len({msgstr for msgstr, _catalogue in found}) > 1
    ]
    assert not differing, "\n".join(differing)
