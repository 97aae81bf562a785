"""Text that is text: what every input of the platform accepts.

A lone surrogate (half of a character, which no encoding can store), NUL, the
other control characters but tab and line breaks, and the two non-characters
U+FFFE and U+FFFF are refused wherever people or systems send text: in API
bodies (``core.parsers``), in forms and query strings (``core.middleware``).
"""

from __future__ import annotations

import re
from typing import Any

NOT_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def not_text_at(value: str) -> int | None:
    """The position of the first character of ``value`` that is not text, or None."""
    found = NOT_TEXT.search(value)
    return found.start() if found else None


def find_not_text(data: Any, path: str = "", depth: int = 0) -> tuple[str, int] | None:
    """The field (``answers.purpose``, ``items[2]``) and position of the first character
    that is not text in ``data`` (strings, keys, lists and mappings), or None."""
    if isinstance(data, str):
        at = not_text_at(data)
        return (path or "(body)", at) if at is not None else None
    if depth > 200:  # JSON is nested at most this deep by the parser
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (at := not_text_at(key)) is not None:
                return (f"{path}.(key)" if path else "(key)", at)
            found = find_not_text(value, name, depth + 1)
            if found:
                return found
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            found = find_not_text(value, f"{path}[{i}]", depth + 1)
            if found:
                return found
    return None


def repair(data: Any) -> Any:
    """``data`` with each character that is not text replaced by U+FFFD (for text stored
    before inputs were checked)."""
    if isinstance(data, str):
        return NOT_TEXT.sub("\ufffd", data)
    if isinstance(data, dict):
        return {repair(k): repair(v) for k, v in data.items()}
    if isinstance(data, list):
        return [repair(v) for v in data]
    return data
