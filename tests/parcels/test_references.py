"""Land references read the same whether written as registries write them (read
directly) or as people type them (folded first)."""

import pytest

from parcels.references import InvalidReference, ParcelReference


@pytest.mark.parametrize(
    ("written", "typed", "key", "display"),
    [
        ("TF 12345/07", "t.f.12345 / 7", "TF12345/7", "TF 12345/07"),
        ("R 4567/07", "م ٤٥٦٧/٠٧", "R4567/7", "R 4567/07"),
        ("TF 012/7", "TF12/07", "TF12/7", "TF 12/07"),
    ],
)
def test_written_and_typed_references_agree(written, typed, key, display):
    for text in (written, typed):
        reference = ParcelReference.parse(text)
        assert (reference.key, reference.display) == (key, display)


def test_a_written_form_with_too_many_digits_is_refused():
    with pytest.raises(InvalidReference):
        ParcelReference.parse("TF 1234567890123/07")
