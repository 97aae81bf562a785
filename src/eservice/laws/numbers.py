"""Section numbers and section references, as people write them.

Thai sections are numbered ``4``, ``24/1`` (inserted after 24) or ``12 ทวิ``
(the Pali ordinals ทวิ, ตรี, จัตวา ... for "bis", "ter", "quater" ...), and
combinations such as ``12 อัฏฐ/1``. A reference reads ``มาตรา 65 ทวิ
ประมวลรัษฎากร``, ``ม.65 ทวิ``, ``มาตรา ๑๒๐๘`` or ``section 44 Building
Control Act``; the law may be left out, and several numbers may follow one
``มาตรา`` (``มาตรา 31, 32 และ 33``, ``มาตรา 31 ถึง 33``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pythainlp.util import thai_digit_to_arabic_digit

# Pali ordinals used as section suffixes, in order (ทวิ = 2nd, ...).
ORDINALS = [
    "ทวิ",
    "ตรี",
    "จัตวา",
    "เบญจ",
    "ฉ",
    "สัตต",
    "อัฏฐ",
    "นว",
    "ทศ",
    "เอกาทศ",
    "ทวาทศ",
    "เตรส",
    "จตุทศ",
    "ปัณรส",
    "โสฬส",
    "สัตตรส",
    "อัฏฐารส",
    "เอกูนวีสติ",
    "วีสติ",
    "เอกวีสติ",
    "ทวาวีสติ",
    "เตวีสติ",
    "จตุวีสติ",
    "ปัญจวีสติ",
    "ฉัพพีสติ",
    "สัตตวีสติ",
    "อัฏฐวีสติ",
    "เอกูนตึงสติ",
    "ตึงสติ",
]
# Latin ordinals, as English texts write them ("section 12 bis").
_LATIN = {"bis": "ทวิ", "ter": "ตรี", "quater": "จัตวา", "quinquies": "เบญจ", "sexies": "ฉ"}
_ORDINAL_INDEX = {name: i + 2 for i, name in enumerate(ORDINALS)}
# Longest first, so that สัตตรส is not read as สัตต.
_ORDINAL_RX = "|".join(sorted([*ORDINALS, *_LATIN], key=len, reverse=True))
_NUMBER = rf"\d+(?:\s*/\s*\d+)?(?:\s*(?:{_ORDINAL_RX})(?![\u0E00-\u0E7F]))?(?:\s*/\s*\d+)?"
_NUMBER_RX = re.compile(rf"^(\d+)(?:/(\d+))?(?: ({_ORDINAL_RX}))?(?:/(\d+))?$")
_PREFIX = r"(?:มาตรา|ม\s*\.|sections?|secs?\s*\.?|ss?\s*\.|§+)"
_REFERENCE = re.compile(
    rf"{_PREFIX}\s*(?P<first>{_NUMBER})"
    rf"(?P<more>(?:\s*(?:,|และ|หรือ|ถึง|and|or|to|-|–)\s*(?:มาตรา\s*)?{_NUMBER})*)",
    re.IGNORECASE,
)
_MORE = re.compile(rf"(,|และ|หรือ|ถึง|and|or|to|-|–)\s*(?:มาตรา\s*)?({_NUMBER})", re.IGNORECASE)
_HINT_LEAD = re.compile(r"^[\s,;:(]*(?:แห่ง|ของ|of|in)?\s*", re.IGNORECASE)
_RANGE_WORDS = {"ถึง", "to", "-", "–"}
_MAX_RANGE = 50


class BadNumber(ValueError):
    """Not a section number."""


def normalize_number(text: str) -> str:
    """Return a section number in its stored form: ``๒๔ / ๑`` -> ``24/1``, ``12bis`` -> ``12 ทวิ``.

    Raises BadNumber when ``text`` is not a section number.
    """
    text = thai_digit_to_arabic_digit(text or "").strip()
    text = re.sub(rf"^{_PREFIX}\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(rf"(\d)\s*({_ORDINAL_RX})", r"\1 \2", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text)
    for latin, thai in _LATIN.items():
        text = re.sub(rf"\b{latin}\b", thai, text, flags=re.IGNORECASE)
    if _NUMBER_RX.match(text):
        return text
    # Named schedules such as "บัญชีอัตราอากรแสตมป์ 1" are kept as written.
    if re.fullmatch(r"[\u0E00-\u0E7Fa-zA-Z][\u0E00-\u0E7F\w .]*\d*", text) and len(text) <= 100:
        return text
    raise BadNumber(text)


def slug(number: str) -> str:
    """The number as a URL segment: ``24/1`` -> ``24-1``, ``12 ทวิ`` -> ``12-ทวิ``."""
    return re.sub(r"[/ ]+", "-", number)


def sort_key(number: str) -> str:
    """A string that sorts sections in the law's order: 24 < 24/1 < 24 ทวิ < 25."""
    match = _NUMBER_RX.match(number)
    if not match:
        return "~" + number  # named schedules after the numbered sections
    base, slash, ordinal, slash2 = match.groups()
    return "{:06d}.{:04d}.{:02d}.{:04d}".format(
        int(base),
        int(slash or 0),
        _ORDINAL_INDEX.get(ordinal or "", 0),
        int(slash2 or 0),
    )


@dataclass
class SectionRef:
    """Numbers found in a text, with the words around them that may name the law."""

    numbers: list[str]
    start: int
    end: int
    law_hint: str = ""


def _expand(first: str, more: str) -> list[str]:
    numbers = [normalize_number(first)]
    for joiner, number in _MORE.findall(more):
        number = normalize_number(number)
        previous = numbers[-1]
        if (
            joiner.lower() in _RANGE_WORDS
            and previous.isdigit()
            and number.isdigit()
            and 0 < int(number) - int(previous) <= _MAX_RANGE
        ):
            numbers.extend(str(n) for n in range(int(previous) + 1, int(number) + 1))
        else:
            numbers.append(number)
    return list(dict.fromkeys(numbers))


def find_references(text: str) -> list[SectionRef]:
    """Find the section references in ``text``.

    Each reference carries the text that follows it, up to the next reference,
    as ``law_hint`` ("มาตรา 65 ทวิ ประมวลรัษฎากร" -> "ประมวลรัษฎากร"); when
    nothing follows, the text before it (``Building Control Act section 44``).
    """
    text = thai_digit_to_arabic_digit(text or "")
    found = []
    matches = list(_REFERENCE.finditer(text))
    for i, match in enumerate(matches):
        try:
            numbers = _expand(match.group("first"), match.group("more") or "")
        except BadNumber:
            continue
        after_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        after = _HINT_LEAD.sub("", text[match.end() : after_end]).strip(" ,;:()?")
        before_start = matches[i - 1].end() if i > 0 else 0
        before = text[before_start : match.start()].strip(" ,;:()?")
        found.append(SectionRef(numbers, match.start(), match.end(), after or before))
    return found
