"""Make the Thai text of a rendered PDF extractable (copy, search, pdftotext).

HarfBuzz shapes a Thai syllable into one cluster of several glyphs (consonant,
vowel, tone mark) and swaps some marks for positional variants (``uni0E48.low``).
WeasyPrint maps each glyph to the text of the first cluster it appeared in, so
text extraction loses or repeats vowels and tone marks. This finisher rewrites
each embedded font's ToUnicode map so every glyph stands for its own character:
from the font's character map (legacy private-use code points ignored), from
the substitutions in its GSUB table, and from ``uniXXXX.variant`` glyph names.

One loss remains by design: SARA AM (U+0E33) is shaped as NIKHAHIT + SARA AA, its
Unicode compatibility decomposition, and is extracted as those two characters;
the two spellings are equal under NFKC normalization.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from fontTools.ttLib import TTFont

_PRIVATE_USE = range(0xE000, 0xF900)
_GLYPH_NAME = re.compile(r"uni([0-9A-F]{4})(?:\..+)?")
_BFCHAR = re.compile(rb"^<([0-9a-f]{4})> <([0-9a-f]*)>$")


@functools.lru_cache(maxsize=8)
def glyph_texts(path: str) -> dict[int, str]:
    """Return glyph id → the text it represents, for one font file."""
    font = TTFont(path, lazy=True)
    order = font.getGlyphOrder()
    texts: dict[str, str] = {}
    for codepoint, name in sorted(font.getBestCmap().items()):
        if codepoint not in _PRIVATE_USE:
            texts.setdefault(name, chr(codepoint))
    for name in order:
        match = _GLYPH_NAME.fullmatch(name)
        if match and int(match[1], 16) not in _PRIVATE_USE:
            texts.setdefault(name, chr(int(match[1], 16)))
    lookups = font["GSUB"].table.LookupList.Lookup if "GSUB" in font else []
    for _ in range(3):  # substitutions of substitutions
        for lookup in lookups:
            for subtable in lookup.SubTable:
                sub = subtable.ExtSubTable if lookup.LookupType == 7 else subtable
                kind = type(sub).__name__
                if kind == "SingleSubst":
                    for source, target in sub.mapping.items():
                        if source in texts:
                            texts.setdefault(target, texts[source])
                elif kind == "LigatureSubst":
                    for first, ligatures in sub.ligatures.items():
                        for ligature in ligatures:
                            parts = [first, *ligature.Component]
                            if all(part in texts for part in parts):
                                texts.setdefault(
                                    ligature.LigGlyph, "".join(texts[p] for p in parts)
                                )
    for name, text in texts.items():
        if any(0xFB00 <= ord(ch) <= 0xFB4F for ch in text):  # ﬁ, ﬃ: letters, not ligatures
            texts[name] = unicodedata.normalize("NFKC", text)
    index = {name: gid for gid, name in enumerate(order)}
    return {index[name]: text for name, text in texts.items() if name in index}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def fix_text_maps(fonts: dict[str, str]) -> Any:
    """Return a WeasyPrint finisher; ``fonts`` maps a font-face family name to its file.

    A bold face is registered by WeasyPrint as ``<family>-Bold``.
    """

    def finisher(document: Any, pdf: Any) -> None:
        for obj in pdf.objects:
            if not isinstance(obj, dict) or obj.get("Type") != "/Font" or "ToUnicode" not in obj:
                continue
            base = _text(obj["BaseFont"]).lstrip("/").split("+", 1)[-1]
            path = fonts.get(base)
            if path is None:
                continue
            texts = glyph_texts(path)
            stream = pdf.objects[int(_text(obj["ToUnicode"]).split()[0])]
            for i, line in enumerate(stream.stream):
                match = _BFCHAR.match(line) if isinstance(line, bytes) else None
                if match and int(match[1], 16) in texts:
                    code = texts[int(match[1], 16)].encode("utf-16-be").hex().encode()
                    stream.stream[i] = b"<" + match[1] + b"> <" + code + b">"

    return finisher
