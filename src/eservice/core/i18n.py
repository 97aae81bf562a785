"""Language helpers: bilingual model fields and dates in the Buddhist era."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from pythainlp.util import thai_strftime

BUDDHIST_ERA_OFFSET = 543
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def current_language() -> str:
    """Return 'th' or 'en' for the active language (Thai when unsure)."""
    lang = (get_language() or "th").split("-")[0]
    return lang if lang in ("th", "en") else "th"


def pick(th: str, en: str, lang: str | None = None) -> str:
    """Return the text in the active language, falling back to the other one."""
    if (lang or current_language()) == "en":
        return en or th
    return th or en


def localized(obj: Any, field: str, lang: str | None = None) -> str:
    """Return ``obj.<field>_th`` or ``obj.<field>_en`` for the active language."""
    return pick(getattr(obj, f"{field}_th", ""), getattr(obj, f"{field}_en", ""), lang)


def bilingual(value: Any, lang: str | None = None) -> str:
    """Return the active language's text from a ``{"th": ..., "en": ...}`` mapping."""
    if isinstance(value, dict):
        return pick(str(value.get("th", "")), str(value.get("en", "")), lang)
    return "" if value is None else str(value)


def format_date(value: date | datetime | None, with_time: bool = False) -> str:
    """Return a long date in the active language; Thai uses the Buddhist era."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    lang = current_language()
    if lang == "th":
        moment = (
            value
            if isinstance(value, datetime)
            else datetime(value.year, value.month, value.day, tzinfo=UTC)
        )
        text = thai_strftime(moment, "%-d %B %Y")
        if with_time and isinstance(value, datetime):
            text += thai_strftime(moment, " %H:%M น.")
        return text
    text = f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    if with_time and isinstance(value, datetime):
        text += f", {value:%H:%M}"
    return text


def format_short_date(value: date | datetime | None) -> str:
    """Return a compact date (d/m/yyyy); the year is Buddhist-era in Thai."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    year = value.year + (BUDDHIST_ERA_OFFSET if current_language() == "th" else 0)
    return f"{value.day}/{value.month}/{year}"


def format_month(value: date, short: bool = False) -> str:
    """Return a month and year in the active language; Thai uses the Buddhist era."""
    if current_language() == "th":
        moment = datetime(value.year, value.month, 1, tzinfo=UTC)
        return thai_strftime(moment, "%b %y" if short else "%B %Y")
    name = _EN_MONTHS[value.month - 1]
    return f"{name[:3]} {value:%y}" if short else f"{name} {value.year}"
