"""The printed code: 128 random bits and a check symbol that catches a typo
before any look-up."""

from __future__ import annotations

import pytest

from documents import codes


def test_an_identifier_holds_128_random_bits_in_26_characters():
    identifiers = {codes.identifier_new() for _ in range(1000)}
    assert len(identifiers) == 1000
    assert all(len(i) == 26 and set(i) <= set(codes.ALPHABET) for i in identifiers)
    # The first character carries the top 3 of the 128 bits (130 bits written).
    assert {i[0] for i in identifiers} <= set("01234567")
    assert len({i[0] for i in identifiers}) == 8


def test_the_printed_code_reads_back_however_it_is_typed():
    identifier = codes.identifier_new()
    printed = codes.code_printed(identifier)
    assert printed.count("-") == 6
    assert codes.identifier_parse(printed) == identifier
    assert codes.identifier_parse(printed.lower().replace("-", " ")) == identifier
    typed = codes.code_of(identifier).replace("1", "l").replace("0", "O")
    assert codes.identifier_parse(typed) == identifier


@pytest.mark.parametrize("seed", range(20))
def test_one_wrong_character_is_caught(seed):
    code = codes.code_of(codes.identifier_new())
    for position, char in enumerate(code):
        for other in codes.CHECK_ALPHABET.replace(char, ""):
            typo = code[:position] + other + code[position + 1 :]
            with pytest.raises(codes.InvalidCode):
                codes.identifier_parse(typo)


@pytest.mark.parametrize("seed", range(20))
def test_two_neighbours_swapped_are_caught(seed):
    code = codes.code_of(codes.identifier_new())
    for position in range(len(code) - 1):
        first, second = code[position], code[position + 1]
        if first == second:
            continue
        swapped = code[:position] + second + first + code[position + 2 :]
        with pytest.raises(codes.InvalidCode):
            codes.identifier_parse(swapped)


@pytest.mark.parametrize(
    "text", ["", "ABC", "0" * 26, "0" * 28, "U" * 27, "!" + "0" * 26]
)
def test_what_is_not_a_code_is_refused(text):
    with pytest.raises(codes.InvalidCode):
        codes.identifier_parse(text)
