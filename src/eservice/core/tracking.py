"""Tracking numbers: unguessable, short, easy to read aloud, self-checking.

A number is 12 random symbols (60 bits from ``secrets``) in Crockford's base-32
alphabet (no I, L, O or U, so no look-alikes), followed by one check symbol.
The check symbol is computed with Damm's algorithm over a quasigroup of order
32 built from the field GF(2^5): ``x * y = 2x + y``. Because ``2 != 1`` the
quasigroup is totally anti-symmetric, so the check catches every single wrong
symbol and every swap of two neighbouring symbols (``tests/core`` proves both
exhaustively). It is shown as ``XXXX-XXXX-XXXXX``.

No library offers a check character over this alphabet with that guarantee
(Luhn mod N misses some swaps), hence this small module.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford decoding is forgiving of the letters it leaves out.
_VALUE.update({"O": 0, "I": 1, "L": 1})
RANDOM_SYMBOLS = 12
LENGTH = RANDOM_SYMBOLS + 1
_POLY = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


def _double(x: int) -> int:
    x <<= 1
    return x ^ _POLY if x & 0b100000 else x


def _op(x: int, y: int) -> int:
    return _double(x) ^ y


def _interim(values: list[int]) -> int:
    state = 0
    for value in values:
        state = _op(state, value)
    return state


def check_symbol(body: str) -> str:
    """Return the check symbol for the 12-symbol ``body``."""
    # Choose c so that op(state, c) == 0, i.e. c = 2 * state in GF(32).
    return ALPHABET[_double(_interim([_VALUE[ch] for ch in body]))]


def generate() -> str:
    """Return a new tracking number in canonical (ungrouped) form."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return body + check_symbol(body)


class Malformed(ValueError):
    """The text cannot be a tracking number (wrong length or symbols)."""


class Mistyped(ValueError):
    """The text has the shape of a tracking number but its check symbol fails."""


def normalise(text: str) -> str:
    """Return the canonical form of ``text``; raise Malformed or Mistyped.

    Accepts lower case, spaces and hyphens, and O/I/L for 0/1/1.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\u00a0")
    if len(cleaned) != LENGTH or any(ch not in _VALUE for ch in cleaned):
        raise Malformed(text)
    canonical = "".join(ALPHABET[_VALUE[ch]] for ch in cleaned)
    if _interim([_VALUE[ch] for ch in canonical]) != 0:
        raise Mistyped(text)
    return canonical


def display(number: str) -> str:
    """Return the number grouped for reading aloud: ``XXXX-XXXX-XXXXX``."""
    return f"{number[:4]}-{number[4:8]}-{number[8:]}"
