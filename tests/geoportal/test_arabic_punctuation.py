"""Arabic text is punctuated the Arabic way: ، ؛ ؟ rather than , ; ?

A Latin mark stays where it belongs to Latin text inside the Arabic (a code
sample such as "[x, y]" or "minx,miny"), and between digits (a number)."""

from __future__ import annotations

import re

from tests.geoportal.catalogues import entries

LATIN_MARKS = {",": "،", ";": "؛", "?": "؟"}
ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
LETTER = re.compile(r"[^\W\d_]")


def latin_marks_in_arabic(text: str) -> list[str]:
    """The Latin marks of ``text`` next to Arabic words, each with its
    surroundings."""
    wrong = []
    for match in re.finditer(r"[,;?]", text):
        at = match.start()
        before, after = text[:at], text[at + 1 :]
        if before[-1:].isdigit() and after[:1].isdigit():
            continue  # a number's separator
        letters = LETTER.findall(before)[-1:] + LETTER.findall(after)[:1]
        if any(ARABIC_LETTER.match(letter) for letter in letters):
            wrong.append(text[max(at - 15, 0) : at + 15])
    return wrong


def test_arabic_catalogues_use_arabic_punctuation():
    wrong = [
        f"{entry.catalogue}: {entry.msgid!r} → {found!r}"
        for entry in entries("ar")
        for found in latin_marks_in_arabic(entry.msgstr)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_tells_arabic_from_latin_text():
    assert len(latin_marks_in_arabic("لا توجد نتائج, جرّب مرة أخرى?")) == 2
    assert latin_marks_in_arabic("%(name)s; أعد المحاولة") != []
    assert latin_marks_in_arabic("الأزواج [x, y] أو minx,miny") == []
    assert latin_marks_in_arabic("المساحة 1,5 هكتار، أو أقل؛ أليس كذلك؟") == []
