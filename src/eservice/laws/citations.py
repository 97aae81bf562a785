"""Which law a section reference names, as people write it in a question.

A reference is a section number (``eservice.laws.numbers``); the law it
belongs to is read from the words around it, the way a lawyer reads it:

1. The words right after the reference, past its paragraph or item
   ("มาตรา 40 (2) แห่งประมวลรัษฎากร ของพนักงาน…"), optionally after
   "แห่ง", "ของ", "ตาม", "ใน" or "of (the)", "in", "under": the longest
   law name found there. Names are the Thai and English titles with and
   without their year, the short titles (``ป.พ.พ.``, ``พ.ร.บ.การบัญชี``), the
   law's other common names (``aliases``), the usual abbreviations of the
   kind of law (พ.ร.บ., พ.ร.ก., พ.ร.ฎ., พ.ร.ป., ป.) and "กฎหมาย…" for it
   ("กฎหมายแพ่งและพาณิชย์"). A name cut short with "ฯ" names the one law it
   begins. Spaces and full stops do not count.
2. A name there that is not in the catalog ("แห่งพระราชบัญญัติคุ้มครอง
   แรงงาน") names a law we do not have: the reference finds nothing, rather
   than that section of every law.
3. "แห่งกฎหมายดังกล่าว", "of this Act", or nothing at all: the nearest law
   named before the reference, anywhere earlier in the text; when that is a
   law the catalog does not have ("ประมวลกฎหมายอาญา มาตรา 264"), nothing.
4. No law named anywhere: that section of every law.

Several numbers of one reference ("มาตรา 40 (2) และมาตรา 50 ทวิ แห่ง…") share
the law named after the last of them. The index of names is built once per
search-index generation (laws change only by import, which bumps it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from threading import Lock
from typing import Any

from eservice.laws.models import Law, LawStatus
from eservice.laws.numbers import find_references

# Kinds of law and their abbreviations, as they begin a Thai title (key form:
# no spaces or full stops). Longest first.
_KIND_ABBREVIATIONS = [
    ("พระราชบัญญัติประกอบรัฐธรรมนูญ", ["พรป"]),
    ("พระราชบัญญัติ", ["พรบ"]),
    ("พระราชกำหนด", ["พรก"]),
    ("พระราชกฤษฎีกา", ["พรฎ"]),
    ("ประมวลกฎหมาย", ["ป", "ประมวล"]),
    ("ประมวล", ["ป"]),
]
# The codes people name by their initials (ป.อ., ป.วิ.อ., ป.วิ.พ.), key form.
CODE_ABBREVIATIONS = ("ปอ", "ปวิอ", "ปวิพ")
# What begins the name of a law, known or not (key form).
_KIND_WORDS = (
    "พระราชบัญญัติ",
    "พรบ",
    "พระราชกำหนด",
    "พรก",
    "พระราชกฤษฎีกา",
    "พรฎ",
    "พรป",
    "ประมวล",
    "กฎกระทรวง",
    "ประกาศ",
    "ระเบียบ",
    "รัฐธรรมนูญ",
    "เทศบัญญัติ",
    "ข้อบัญญัติ",
    "คำสั่ง",
    "กฎหมาย",
    *CODE_ABBREVIATIONS,
)
# Words that begin the name of a law and hardly anything else (key form): where
# one begins a name the catalog does not know, the text names a law we do not
# have ("พระราชบัญญัติคุ้มครองแรงงาน พ.ศ. 2541 มาตรา 118"), unless it points
# back ("พระราชบัญญัตินี้", "พระราชบัญญัติดังกล่าว"). A constitution is mostly
# named in passing ("ขัดต่อรัฐธรรมนูญ"), so only "แห่งรัฐธรรมนูญ" names it.
_UNKNOWN_LAW = re.compile(
    "(?:พระราชบัญญัติ|พรบ|พระราชกำหนด|พรก|พระราชกฤษฎีกา|พรฎ|พรป|ประมวลกฎหมาย|กฎกระทรวง)"
    "(?!ดังกล่าว|นี้|เดียวกัน|ข้างต้น)"
)
# The codes written with full stops ("ป.อ. มาตรา 264"), found in the text itself.
_DOTTED_CODES = re.compile(r"ป\s*\.\s*(?:อ|วิ\s*\.\s*[อพ])\s*\.(?!\s*[ก-ฮ]\s*\.)")
# Between a subordinate law and a section: the section is the parent law's
# ("กฎกระทรวงที่ออกตามมาตรา 42 (17)", "พระราชกฤษฎีกาออกตามความในประมวลรัษฎากร").
_ISSUED_UNDER = re.compile("ออกตาม|ตามความใน|อาศัยอำนาจ")
# ... and the same words just before a law's name, inside a subordinate law's title.
_ISSUED_UNDER_END = re.compile("(?:ออกตาม|ตามความใน|อาศัยอำนาจ)(?:ตาม)?(?:ความใน)?$")
_TITLE_GAP = 40
# Words that point back to a law named earlier ("แห่งกฎหมายดังกล่าว", "of this Act").
_BACK = re.compile(
    r"(?:กฎหมาย|พระราชบัญญัติ|พรบ|ประมวล(?:กฎหมาย)?|พระราชกำหนด|พรก)?(?:ดังกล่าว|นี้|เดียวกัน|ข้างต้น)"
    r"|(?:this|that|thesame|thesaid|theabove|same|said|above)(?:act|code|law|decree)"
)
# Words between a reference and the law's name (key form).
_THAI_LEADS = ("แห่ง", "ของ", "ตาม", "ใน")
_ENGLISH_LEADS = ("ofthe", "of", "inthe", "in", "underthe", "under")
_SKIP = ",;:()[]\"'“”‘’-–"
# An English law's name after a reference, in the text itself (the key form
# has no spaces to find English words by): "of the Labour Protection Act".
_ENGLISH_AFTER = re.compile(
    r"\s*,?\s*(?:of|in|under)\s+(?:the\s+)?"
    r"(?P<name>(?:[\w'’.-]+\s+){0,8}?(?:act|code|decree|regulation|ordinance))\b",
    re.IGNORECASE,
)
# "พ.ศ. 2543" or "B.E. 2543" after a name is the law's year ("ปี 2567" is a date).
_YEAR_AFTER = re.compile(r"(?:พศ|be)(\d{4})")
_THAI_YEAR = re.compile(r"\s*(?:พ\s*\.?\s*ศ\s*\.?)\s*\d{4}\s*$")
_ENGLISH_YEAR = re.compile(r"\s*(?:b\s*\.?\s*e\s*\.?\s*\d{4})?\s*(?:\(\s*\d{4}\s*\))?\s*$", re.I)
_CUT = "ฯ"  # a name cut short
_MIN_CUT = 8  # characters of a name before "ฯ" (kind of law included)
_LOOK_BACK = 20  # names looked at before a reference (issued-under ones are skipped)
_ISSUED_WITHIN = 200  # characters after a subordinate law's name that may say "issued under"
_MIN_NAME = 3
_END = ""  # the trie key of the laws a name ends with
_BELOW = "*"  # the trie key of the laws whose names pass through a node


_PIECE = re.compile(r"[^\s.]+")
_GAP = re.compile(r"[\s.]+")


def key(text: str) -> str:
    """A name in key form: lower case, no spaces, no full stops."""
    return re.sub(r"[\s.]+", "", text.lower())


class KeyText:
    """A text in key form, and the way back to positions in the text."""

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        spans = [m.span() for m in _PIECE.finditer(lowered)]
        self.text = _GAP.sub("", lowered)
        self._origins = [a for a, _ in spans]  # text offset of each piece
        # key offset of each piece
        self._starts = list(accumulate((b - a for a, b in spans[:-1]), initial=0)) if spans else []

    def at(self, position: int) -> int:
        """The key offset of the first key character at or after text ``position``."""
        i = bisect_right(self._origins, position) - 1
        if i < 0:
            return 0
        inside = position - self._origins[i]
        piece = (self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)) - (
            self._starts[i]
        )
        return self._starts[i] + min(inside, piece)

    def origin(self, offset: int) -> int:
        """The text position of key offset ``offset``."""
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return 0
        return self._origins[i] + (offset - self._starts[i])


@dataclass(frozen=True)
class _LawInfo:
    pk: int
    repealed: bool
    year: int | None


def _variants(law: Any) -> set[str]:
    """Every name of ``law`` in key form."""
    thai = [law.title_th, _THAI_YEAR.sub("", law.title_th)]
    names = {key(t) for t in thai}
    for title in list(names):
        for kind, abbreviations in _KIND_ABBREVIATIONS:
            if title.startswith(kind) and len(title) - len(kind) >= _MIN_NAME:
                rest = title[len(kind) :]
                names.update(a + rest for a in abbreviations)
                names.add("กฎหมาย" + rest)
    for text in (law.short_title_th, law.short_title_en, *(law.aliases or [])):
        if text:
            names.add(key(text).rstrip(_CUT))
    if law.title_en:
        names.update({key(law.title_en), key(_ENGLISH_YEAR.sub("", law.title_en))})
    return {n for n in names if len(n) >= _MIN_NAME}


@dataclass
class NameMatch:
    start: int  # key offsets
    end: int
    laws: list[int]


class LawNames:
    """Every known name of every law, in a trie over key form."""

    def __init__(self, laws: list[Any]) -> None:
        self.laws = {
            law.pk: _LawInfo(law.pk, law.status == LawStatus.REPEALED, law.year_be) for law in laws
        }
        self.trie: dict[str, Any] = {}
        starts: set[str] = set()
        for law in laws:
            for name in _variants(law):
                node = self.trie
                for char in name:
                    node = node.setdefault(char, {})
                    node.setdefault(_BELOW, set()).add(law.pk)
                node.setdefault(_END, set()).add(law.pk)
                starts.add(re.escape(name[:2]))
        self._starts = re.compile("|".join(sorted(starts))) if starts else None

    def match(self, text: str, start: int) -> NameMatch | None:
        """The longest law name at key offset ``start`` of ``text``, if any."""
        node, best = self.trie, None
        i = start
        while i < len(text):
            if text[i] == _CUT and i - start >= _MIN_CUT and best is None:
                below = node.get(_BELOW, set())
                if len(below) == 1:
                    best = NameMatch(start, i + 1, sorted(below))
                break
            child = node.get(text[i])
            if child is None:
                break
            node = child
            i += 1
            if _END in node:
                best = NameMatch(start, i, sorted(node[_END]))
        if best is None:
            return None
        best.laws = self._by_year(text, best)
        return best

    def _by_year(self, text: str, found: NameMatch) -> list[int]:
        """Keep the laws of the year written after the name, if one is; best first."""
        laws = [self.laws[pk] for pk in found.laws]
        year = _YEAR_AFTER.match(text, found.end)
        if year:
            wanted = int(year.group(1))
            if any(law.year is not None for law in laws):
                laws = [law for law in laws if law.year in (None, wanted)]
                if laws:
                    found.end = year.end()
        laws.sort(key=lambda law: (law.repealed, -(law.year or 0)))
        return [law.pk for law in laws]

    def find_all(self, text: str) -> list[NameMatch]:
        """Every law named in ``text`` (key form), left to right, not overlapping; a law
        the catalog does not have is a match with no laws."""
        known: list[NameMatch] = []
        position = 0
        while self._starts is not None:
            m = self._starts.search(text, position)
            if m is None:
                break
            found = self.match(text, m.start())
            if found is not None and found.laws:
                known.append(found)
                position = found.end
            else:
                position = m.start() + 1
        starts = [m.start for m in known]

        def inside_known(offset: int) -> bool:
            i = bisect_right(starts, offset) - 1
            return i >= 0 and offset < known[i].end

        unknown = [
            NameMatch(m.start(), m.end(), [])
            for m in _UNKNOWN_LAW.finditer(text)
            if not inside_known(m.start())
        ]
        return sorted(known + unknown, key=lambda m: m.start)


@dataclass
class Citation:
    """Sections named in a text, and the law they belong to.

    ``laws`` is None when no law is named anywhere (that section of every
    law), empty when the law named is not in the catalog, else the laws the
    name fits, best first.
    """

    numbers: list[str]
    start: int
    end: int  # past the law's name when it follows the numbers
    laws: list[int] | None = field(default=None)


_lock = Lock()
_names: dict[str, Any] = {"generation": None, "names": None}


def law_names(generation: int) -> LawNames:
    """The names of the laws in the catalog, for the given index generation."""
    with _lock:
        if _names["generation"] == generation and _names["names"] is not None:
            return _names["names"]
    laws = list(
        Law.objects.only(
            "pk",
            "title_th",
            "title_en",
            "short_title_th",
            "short_title_en",
            "aliases",
            "status",
            "year_be",
        )
    )
    names = LawNames(laws)
    with _lock:
        _names.update(generation=generation, names=names)
    return names


def _lead(text: str, offset: int) -> tuple[int, str]:
    """Skip punctuation and a linking word ("แห่ง", "of the"); return the offset and
    the language of the linking word ("" if there was none)."""
    while offset < len(text) and text[offset] in _SKIP:
        offset += 1
    for leads, language in ((_THAI_LEADS, "th"), (_ENGLISH_LEADS, "en")):
        for lead in leads:
            if text.startswith(lead, offset):
                return offset + len(lead), language
    return offset, ""


def _names_a_law(text: str, offset: int, linked: str) -> bool:
    """Whether a Thai law's name (in the catalog or not) begins at key offset ``offset``:
    after "แห่ง"/"ของ"/… any kind of law, right after the numbers only an unmistakable one."""
    if linked == "th":
        return text.startswith(_KIND_WORDS, offset)
    return bool(_UNKNOWN_LAW.match(text, offset)) or text.startswith(CODE_ABBREVIATIONS, offset)


def _nearest_before(
    named: list[NameMatch], starts: list[int], text: str, start: int
) -> list[int] | None:
    """The laws of the nearest name before key offset ``start``; None if there is none.

    ``starts`` are the names' offsets. A subordinate law's name (a regulation, a
    royal decree) does not count when the words right after it say it was
    issued under a section or a law ("ที่ออกตามมาตรา", "ออกตามความใน
    ประมวลรัษฎากร"): the section is the parent law's.
    """
    last = bisect_right(starts, start) - 1
    for i in range(last, max(-1, last - _LOOK_BACK), -1):
        found = named[i]
        if found.end > start:
            continue
        if not found.laws:
            if _ISSUED_UNDER.search(text, found.end, min(start, found.end + _ISSUED_WITHIN)):
                continue
            return []
        before = named[i - 1] if i > 0 else None
        if (
            before is not None
            and not before.laws
            and found.start - before.end < _TITLE_GAP
            and _ISSUED_UNDER_END.search(text[before.end : found.start])
        ):
            # "พระราชกฤษฎีกาออกตามความในประมวลรัษฎากร … มาตรา 3": the decree's section.
            return []
        return found.laws
    return None


def read_citations(text: str, index: Callable[[], LawNames]) -> list[Citation]:
    """The section references in ``text`` with the law each names (see the module).

    ``index`` gives the names of the laws; it is called only if ``text`` has a reference.
    """
    refs = find_references(text)
    if not refs:
        return []
    names = index()
    keyed = KeyText(text)
    everywhere: list[NameMatch] | None = None
    starts: list[int] = []
    out: list[Citation] = []
    for ref in refs:
        after, linked = _lead(keyed.text, keyed.at(ref.end))
        found = names.match(keyed.text, after)
        english = None if found is not None else _ENGLISH_AFTER.match(text, ref.end)
        citation = Citation(ref.numbers, ref.start, ref.end)
        if found is not None:
            citation.laws = found.laws
            citation.end = keyed.origin(found.end)
        elif english is not None and not _BACK.match(key(english.group("name"))):
            # "of the Labour Protection Act": the catalog's law if it is one, else none.
            known = [m for m in names.find_all(key(english.group("name"))) if m.laws]
            citation.laws = known[0].laws if known else []
            citation.end = english.end()
        elif not _BACK.match(keyed.text, after) and _names_a_law(keyed.text, after, linked):
            citation.laws = []  # a law the catalog does not have
        else:
            if everywhere is None:
                everywhere = _named(names, keyed, text)
                starts = [m.start for m in everywhere]
            citation.laws = _nearest_before(everywhere, starts, keyed.text, keyed.at(ref.start))
        out.append(citation)
    return out


def _named(names: LawNames, keyed: KeyText, text: str) -> list[NameMatch]:
    """Every law named in the text, with the codes written with full stops."""
    found = names.find_all(keyed.text)
    known = [m for m in found if m.laws]
    starts = [m.start for m in known]

    def inside_known(offset: int) -> bool:  # "ป.พ.พ." holds "ป.พ."
        i = bisect_right(starts, offset) - 1
        return i >= 0 and offset < known[i].end

    dotted = [
        NameMatch(keyed.at(m.start()), keyed.at(m.end()), [])
        for m in _DOTTED_CODES.finditer(text)
        if not inside_known(keyed.at(m.start()))
    ]
    return sorted([*found, *dotted], key=lambda m: m.start) if dotted else found
