"""ISO 11649 structured references: their check digits catch typing mistakes."""

from __future__ import annotations

import pytest

from payments.errors import InvalidPaymentReference
from payments.references import (
    structured_reference_new,
    structured_reference_normalise,
)


def test_a_new_reference_passes_its_own_check():
    reference = structured_reference_new()
    spaced = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    assert structured_reference_normalise(spaced.lower()) == reference


def test_the_standards_example_is_valid():
    # ISO 11649's own example.
    assert structured_reference_normalise("RF18 5390 0754 7034") == "RF18539007547034"


@pytest.mark.parametrize(
    "typed", ["RF18 5390 0754 7043", "RF19 5390 0754 7034", "RX18539007547034", ""]
)
def test_a_mistyped_reference_is_refused(typed):
    with pytest.raises(InvalidPaymentReference):
        structured_reference_normalise(typed)
