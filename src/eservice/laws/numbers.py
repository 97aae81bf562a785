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

_THAI_DIGIT = re.compile("[๐-๙]")


def arabic_digits(text: str) -> str:
    """``text`` with Thai digits as Arabic digits (the same length); quick when it has none."""
    return thai_digit_to_arabic_digit(text) if _THAI_DIGIT.search(text) else text


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
# An ordinal is not the start of a Thai word ("มาตรา 5 ฉบับ" is section 5),
# but may run into the word that follows it ("มาตรา 65 ทวิแห่งประมวลรัษฎากร").
_AFTER_ORDINAL = r"(?![\u0E00-\u0E7F])|(?=แห่ง|ของ|และ|หรือ|วรรค|ประกอบ|ถึง|กับ|ตาม|ใน|พระราช|ประมวล)"
# Section numbers have at most five digits; a longer run of digits is not one,
# and a number is never read from part of a longer one ("30 วัน" is not "3").
_DIGITS = r"\d{1,5}(?!\d)"
_NUMBER = (
    rf"{_DIGITS}(?:\s*/\s*{_DIGITS})?(?:\s*(?:{_ORDINAL_RX})(?:{_AFTER_ORDINAL}))?"
    rf"(?:\s*/\s*{_DIGITS})?"
)
_NUMBER_RX = re.compile(rf"^(\d+)(?:/(\d+))?(?: ({_ORDINAL_RX}))?(?:/(\d+))?$")
# "ม." is also a school grade ("ชั้น ม.6") and a village in an address
# ("12 ม.3 ต.บางรัก"): not after ชั้น or หมู่บ้าน words, not before the parts of an
# address. English prefixes start a word ("intersection 5" and "years. 5" are not).
_MOO = (
    r"(?<!ชั้น)(?<!ชั้น )(?<!นักเรียน)ม\s*\.(?=\s*+\d++\s*+(?![ตถซอจ]\s*\.|ตำบล|ถนน|ซอย|อำเภอ|จังหวัด|หมู่))"
)
_PREFIX = rf"(?:มาตรา|{_MOO}|\b(?:sections?|secs?\s*\.?|ss?\s*\.)|§+)"
# What may follow a number inside one reference: a paragraph, subsection or
# item ("มาตรา 40 (2)", "มาตรา 91/2 วรรคหนึ่ง", "มาตรา 81 (1) (ก)",
# "section 40(2)(a)"). The section is the unit the catalog keeps.
_QUALIFIER = (
    r"(?:\s*\(\s*(?:\d{1,3}|[ก-ฮ]|[a-z]{1,4})\s*\)"
    r"|\s*วรรค\s*(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|แรก|ท้าย|\d{1,2})"
    r"|\s*อนุมาตรา\s*\(?\s*\d{1,3}\s*\)?"
    r"|\s*(?:paragraph|para\s*\.|subsection|sub-section)\s*\(?\s*(?:\d{1,2}|one|two|three|four|five)\s*\)?)*"
)
_JOIN = r"(?:,|และ|หรือ|ถึง|ประกอบ(?:กับ)?|กับ|and|or|to|with|-|–)"
# A bare number after a joiner is a section only if no unit follows it
# ("มาตรา 40 และ 50" but not "มาตรา 40 และ 2 ปี").
_NOT_A_QUANTITY = (
    r"(?!,\d{3}|\.\d|\s*(?:ปี|เดือน|วัน|สัปดาห์|ชั่วโมง|นาที|บาท|สตางค์|คน|ราย|ครั้ง|ฉบับ|"
    r"แปลง|ไร่|ล้าน|แสน|หมื่น|พัน|ร้อย|เปอร์เซ็นต์|%|years?\b|months?\b|days?\b|weeks?\b|"
    r"baht\b|people\b|persons?\b|times\b|percent\b))"
)
_NEXT = rf"(?:{_PREFIX}\s*{_NUMBER}|{_NUMBER}{_NOT_A_QUANTITY}){_QUALIFIER}"
_REFERENCE = re.compile(
    rf"{_PREFIX}\s*(?P<first>{_NUMBER}){_QUALIFIER}(?P<more>(?:\s*{_JOIN}\s*{_NEXT})*)",
    re.IGNORECASE,
)
_MORE = re.compile(
    rf"({_JOIN})\s*(?:{_PREFIX}\s*(?P<named>{_NUMBER})|(?P<bare>{_NUMBER}){_NOT_A_QUANTITY})",
    re.IGNORECASE,
)
_RANGE_WORDS = {"ถึง", "to", "-", "–"}
_MAX_RANGE = 50
MAX_NUMBERS = 200  # numbers one reference may name ("มาตรา 1-50-100-…" stops there)


class BadNumber(ValueError):
    """Not a section number."""


def normalize_number(text: str) -> str:
    """Return a section number in its stored form: ``๒๔ / ๑`` -> ``24/1``, ``12bis`` -> ``12 ทวิ``.

    Raises BadNumber when ``text`` is not a section number.
    """
    text = arabic_digits(text or "").strip()
    if text.isdigit() and text.isascii():
        return text  # the usual case, at once
    text = _LEAD_PREFIX.sub("", text)
    text = _SLASH.sub("/", text)
    text = _ORDINAL_GAP.sub(r"\1 \2", text)
    text = _SPACES.sub(" ", text)
    text = _LATIN_RX.sub(lambda m: _LATIN[m.group().lower()], text)
    if _NUMBER_RX.match(text):
        return text
    # Named schedules such as "บัญชีอัตราอากรแสตมป์ 1" are kept as written.
    if _SCHEDULE.fullmatch(text) and len(text) <= 100:
        return text
    raise BadNumber(text)


_LEAD_PREFIX = re.compile(rf"^{_PREFIX}\s*", re.IGNORECASE)
_SLASH = re.compile(r"\s*/\s*")
_ORDINAL_GAP = re.compile(rf"(\d)\s*({_ORDINAL_RX})", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_LATIN_RX = re.compile(rf"\b(?:{'|'.join(_LATIN)})\b", re.IGNORECASE)
_SCHEDULE = re.compile(r"[\u0E00-\u0E7Fa-zA-Z][\u0E00-\u0E7F\w .]*\d*")


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
    """Section numbers found in a text, and where: ``end`` is past the last
    number's paragraph or item ("มาตรา 40 (2)"), where the law's name may follow."""

    numbers: list[str]
    start: int
    end: int


def _expand(first: str, more: str) -> list[str]:
    numbers = [normalize_number(first)]
    for match in _MORE.finditer(more):
        if len(numbers) >= MAX_NUMBERS:
            break
        joiner = match.group(1)
        number = normalize_number(match.group("named") or match.group("bare"))
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
    return list(dict.fromkeys(numbers))[:MAX_NUMBERS]


def find_references(text: str) -> list[SectionRef]:
    """Find the section references in ``text`` (which law each names is read by
    ``eservice.laws.citations``)."""
    text = arabic_digits(text or "")
    found = []
    for match in _REFERENCE.finditer(text):
        try:
            numbers = _expand(match.group("first"), match.group("more") or "")
        except BadNumber:
            continue
        found.append(SectionRef(numbers, match.start(), match.end()))
    return found
