"""Tracking numbers: random, readable, and self-checking (core.tracking)."""

from __future__ import annotations

import itertools
import random

import pytest

from eservice.core import tracking
from eservice.core.tracking import ALPHABET, LENGTH, Malformed, Mistyped

# A fixed sample so a failure can be replayed.
_RNG = random.Random(20260413)
SAMPLE = [
    body + tracking.check_symbol(body)
    for body in ("".join(_RNG.choice(ALPHABET) for _ in range(12)) for _ in range(25))
]


def test_it_generates_13_symbols_from_the_alphabet() -> None:
    for _ in range(200):
        number = tracking.generate()
        assert len(number) == LENGTH == 13
        assert set(number) <= set(ALPHABET)
        assert tracking.normalise(number) == number


def test_it_uses_crockfords_alphabet_without_look_alikes() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_it_never_repeats_itself_in_a_thousand_numbers() -> None:
    numbers = {tracking.generate() for _ in range(1000)}
    assert len(numbers) == 1000


@pytest.mark.parametrize("number", SAMPLE)
def test_it_catches_every_single_wrong_symbol(number: str) -> None:
    assert tracking.normalise(number) == number
    for position in range(LENGTH):
        for symbol in ALPHABET:
            if symbol == number[position]:
                continue
            typo = number[:position] + symbol + number[position + 1 :]
            with pytest.raises(Mistyped):
                tracking.normalise(typo)


@pytest.mark.parametrize("number", SAMPLE)
def test_it_catches_every_swap_of_neighbours_in_sample_numbers(number: str) -> None:
    for position in range(LENGTH - 1):
        a, b = number[position], number[position + 1]
        if a == b:
            continue
        swapped = number[:position] + b + a + number[position + 2 :]
        with pytest.raises(Mistyped):
            tracking.normalise(swapped)


def test_it_catches_every_swap_of_every_pair_of_symbols_at_every_position() -> None:
    base = list(SAMPLE[0][:12])
    checked = 0
    # Both symbols in the random body.
    for position in range(11):
        for a, b in itertools.permutations(ALPHABET, 2):
            body = base.copy()
            body[position], body[position + 1] = a, b
            number = "".join(body) + tracking.check_symbol("".join(body))
            swapped = number[:position] + b + a + number[position + 2 :]
            with pytest.raises(Mistyped):
                tracking.normalise(swapped)
            checked += 1
    # The last body symbol and the check symbol.
    for a in ALPHABET:
        body = "".join(base[:11]) + a
        number = body + tracking.check_symbol(body)
        if number[11] != number[12]:
            with pytest.raises(Mistyped):
                tracking.normalise(number[:11] + number[12] + number[11])
            checked += 1
    assert checked >= 11 * 32 * 31


def test_it_accepts_what_people_type() -> None:
    number = SAMPLE[1]
    grouped = tracking.display(number)
    assert tracking.normalise(grouped) == number
    assert tracking.normalise(grouped.lower()) == number
    assert tracking.normalise(" ".join(number)) == number
    assert tracking.normalise(f"  {number[:4]} {number[4:8]}-{number[8:]} ") == number
    assert tracking.normalise(number[:4] + "\u00a0" + number[4:]) == number


def test_it_reads_o_i_and_l_as_zero_and_one() -> None:
    number = next(n for n in SAMPLE if "0" in n and "1" in n)
    typed = number.replace("0", "O").replace("1", "I")
    assert tracking.normalise(typed) == number
    assert tracking.normalise(number.replace("1", "l")) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ABC",
        SAMPLE[0][:12],
        SAMPLE[0] + "0",
        SAMPLE[0][:12] + "U",
        SAMPLE[0][:12] + "*",
        "ใบอนุญาต12345",
    ],
)
def test_it_calls_the_wrong_shape_malformed(text: str) -> None:
    with pytest.raises(Malformed):
        tracking.normalise(text)


def test_it_distinguishes_malformed_from_mistyped() -> None:
    assert not issubclass(Malformed, Mistyped)
    assert not issubclass(Mistyped, Malformed)


def test_it_groups_the_number_4_4_5_for_reading_aloud() -> None:
    assert tracking.display("7K3MXQ9P2RTVH") == "7K3M-XQ9P-2RTVH"
    shown = tracking.display(SAMPLE[2])
    assert [len(part) for part in shown.split("-")] == [4, 4, 5]
    assert shown.replace("-", "") == SAMPLE[2]
