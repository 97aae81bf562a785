"""Words of Thai and English legal text, for indexing and for queries.

Thai is written without spaces between words, so text is segmented with
the ``newmm`` algorithm (maximal matching over Thai character clusters) over
PyThaiNLP's dictionary plus a dictionary of legal terms
(``data/legal_terms.txt``), which keeps terms such as ``ผู้ค้ำประกัน`` or
``ภาษีเงินได้บุคคลธรรมดา`` whole. The segmenting is done by ``nlpo3``,
PyThaiNLP's Rust implementation of ``newmm``: the same words, about five
times faster, which a question of 20,000 characters needs. A compound is also split into the
dictionary words it is made of, so a query for ``ค้ำประกัน`` finds
``ผู้ค้ำประกัน``. Thai digits become Arabic digits, English is lower-cased
and plural ``s`` is dropped, and stopwords are left out.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from threading import Lock

import nlpo3
import yaml
from pythainlp.corpus import thai_stopwords, thai_words

from eservice.catalog.search import EN_STOPWORDS, WORD
from eservice.core.text import not_text_at
from eservice.laws.numbers import arabic_digits

DATA = Path(__file__).parent / "data"
MAX_TERM_LENGTH = 64
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_SPACES = re.compile(r"\s+")
# The catalog's English stopwords, and words that only ask ("how", "what").
_EN_STOPWORDS = EN_STOPWORDS | frozenset(
    [
        "can",
        "do",
        "does",
        "has",
        "have",
        "how",
        "i",
        "its",
        "may",
        "must",
        "my",
        "shall",
        "that",
        "their",
        "there",
        "this",
        "under",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "without",
    ]
)
# Words that ask a question rather than say what it is about: left out of queries
# ("ต้องฟ้องภายในกี่ปี ได้ไหม").
QUESTION_WORDS = frozenset(
    [
        "ไหม",
        "มั้ย",
        "หรือเปล่า",
        "หรือไม่",
        "ยังไง",
        "อย่างไร",
        "เท่าไร",
        "เท่าไหร่",
        "กี่",
        "บ้าง",
        "ใคร",
        "อะไร",
        "ที่ไหน",
        "เมื่อไร",
        "เมื่อไหร่",
        "ทำไม",
        "ครับ",
        "ค่ะ",
        "คะ",
        "จ้ะ",
        "นะ",
        "อยาก",
        "โดน",
        "ต้องการ",
        "สามารถ",
    ]
)
# Words that carry meaning in legal questions even though PyThaiNLP lists them.
_KEEP = frozenset(["ขอ", "แจ้ง", "ย้าย", "ตั้ง", "เปลี่ยน", "ไม่", "คืน", "ปี", "วัน", "เดือน"])


@lru_cache(maxsize=1)
def legal_terms() -> frozenset[str]:
    lines = (DATA / "legal_terms.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(thai_words()) | legal_terms()


_segmenter_lock = Lock()
_segmenter_name: list[str] = []


def _segmenter() -> str:
    """Load the dictionary into nlpo3 once per process and return its name.

    nlpo3 reads a dictionary from a file: it is written to a private temporary
    folder (nobody else can replace it) and deleted once loaded. Threads wait
    for the first load; nlpo3 refuses a name loaded twice.
    """
    if _segmenter_name:
        return _segmenter_name[0]
    with _segmenter_lock:
        if not _segmenter_name:
            content = "\n".join(sorted(_dictionary())).encode("utf-8")
            name = f"eservice-{hashlib.sha256(content).hexdigest()[:16]}"
            with tempfile.TemporaryDirectory(prefix="eservice-words-") as folder:
                path = Path(folder) / "words.txt"
                path.write_bytes(content)
                message, loaded = nlpo3.load_dict(str(path), name)
            if not loaded and "already exists" not in message:
                raise RuntimeError(f"the word dictionary did not load: {message}")
            _segmenter_name.append(name)
    return _segmenter_name[0]


def segment(text: str) -> list[str]:
    """Split ``text`` into words and the runs of other characters between them."""
    return nlpo3.segment(text, _segmenter())


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(thai_stopwords()) - _KEEP


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    """Everyday word -> the legal terms that mean it (``data/synonyms.yaml``)."""
    data = yaml.safe_load((DATA / "synonyms.yaml").read_text(encoding="utf-8")) or {}
    return {normalize(k): [normalize(v) for v in vs] for k, vs in data.items()}


def normalize(text: str) -> str:
    """NFC, Arabic digits, lower case, single spaces."""
    text = unicodedata.normalize("NFC", arabic_digits(text or ""))
    return _SPACES.sub(" ", text).strip().lower()


def unsafe_character(text: str) -> int | None:
    """The position of the first character of ``text`` that is not text, or None."""
    return not_text_at(text)


def _stem(word: str) -> str:
    if word.isascii() and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Short words that begin many compounds ("ผู้ค้ำประกัน", "การควบคุม", "ค่าเช่า").
_LEADS = frozenset(["ผู้", "การ", "ความ", "ค่า", "นัก", "ผู้มี", "เจ้า"])
_MIN_PART = 3


@lru_cache(maxsize=50_000)
def parts(word: str) -> tuple[str, ...]:
    """Split a Thai compound into the fewest dictionary words (two or more), or ().

    ``ผู้ค้ำประกัน`` -> (``ผู้``, ``ค้ำประกัน``), ``ร้านอาหาร`` -> (``ร้าน``,
    ``อาหาร``). Every part but a leading ``ผู้``/``การ``/``ความ``/... has at
    least four characters, so an ordinary word is not shattered into
    syllables (``อาหาร`` stays whole).
    """
    if len(word) < 2 * _MIN_PART - 1 or not _THAI.match(word):
        return ()
    words = _dictionary()
    n = len(word)
    # best[i] = fewest parts covering word[:i], with the split positions.
    best: list[tuple[int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for end in range(1, n + 1):
        for start in range(end):
            prev = best[start]
            if prev is None or (start == 0 and end == n):
                continue
            piece = word[start:end]
            if len(piece) < _MIN_PART and not (start == 0 and piece in _LEADS):
                continue
            if piece in words:
                candidate = (prev[0] + 1, [*prev[1], end])
                if best[end] is None or candidate[0] < best[end][0]:  # type: ignore[index]
                    best[end] = candidate
    result = best[n]
    if result is None:
        return ()
    cuts = [0, *result[1]]
    return tuple(word[a:b] for a, b in pairwise(cuts))


def words(text: str, *, normalized: bool = False) -> list[str]:
    """Segment ``text`` into normalized words, stopwords left out, in order.

    ``normalized``: ``text`` is already ``normalize``'s (a long question is
    normalized once)."""
    out = []
    stopwords = _stopwords()
    # One pass of the word pattern over the pieces joined by a character that
    # is not a word's, rather than one pass per piece.
    for token in WORD.findall("\x00".join(segment(text if normalized else normalize(text)))):
        if len(token) > MAX_TERM_LENGTH or token in _EN_STOPWORDS or token in stopwords:
            continue
        if len(token) < 2 and not token.isdigit():
            continue  # a lone letter: a fragment of an abbreviation such as พ.ร.บ.
        out.append(_stem(token))
    return out


def query_words(text: str, *, normalized: bool = False) -> list[str]:
    """The words of a query: as ``words``, question words left out."""
    return [w for w in words(text, normalized=normalized) if w not in QUESTION_WORDS]


def index_terms(text: str) -> list[str]:
    """The words of ``text`` for the index: each word, then the parts of a compound."""
    out = []
    for word in words(text):
        out.append(word)
        out.extend(p for p in parts(word) if p not in _stopwords())
    return out


def joined(text: str) -> str:
    """The index terms of ``text`` joined by spaces, as the full-text backends store them."""
    return " ".join(index_terms(text))
