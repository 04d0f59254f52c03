"""What citizens and agents upload to the e-services, taken as it comes: an
attachment to a request (``cases.attachments.attachment_check``) and a bank
statement (``payments.statements``). Whatever the bytes, the answer is the
file kept or a refusal in the reader's language — never another exception
(a 500 on the citizen's or the agent's page)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cases.attachments import attachment_check
from cases.errors import AttachmentRefused
from payments.errors import StatementUnreadable
from payments.statements import _centimes, _rows
from tests.fuzz import fuzz_settings

# Files that begin as the accepted kinds do, then go wrong anywhere.
MAGIC = st.sampled_from([b"%PDF-1.7\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b""])
TAILS = st.one_of(st.binary(max_size=600), st.just(b"\n%%EOF"))


@given(head=MAGIC, body=st.binary(max_size=600), tail=TAILS)
@fuzz_settings(300)
def test_any_attachment_is_kept_or_refused(head, body, tail):
    try:
        kept = attachment_check(head + body + tail).content_type
    except AttachmentRefused as refused:
        kept, message = None, str(refused.message)
    if kept is None:
        assert message
    else:
        assert kept in {"application/pdf", "image/jpeg", "image/png"}


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["RF18539007547034", "150,00", "1e999", "NaN", "-0", '"', "\x00"]),
)


@st.composite
def statements(draw) -> bytes:
    header = draw(
        st.lists(st.sampled_from(["reference", "amount", "date", "", "x"]), max_size=4)
    )
    separator = draw(st.sampled_from([",", ";"]))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=4))
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return "\n".join(lines).encode(encoding, errors="replace")


@given(content=st.one_of(statements(), st.binary(max_size=400)))
@fuzz_settings(300)
def test_any_statement_gives_lines_or_a_refusal(content):
    try:
        rows = _rows(content)
    except StatementUnreadable:
        return
    for row in rows:
        amount = _centimes(row.get("amount", ""))
        assert amount is None or isinstance(amount, int)
