"""Template filters for bilingual fields, Thai dates and tracking numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from eservice.core import i18n, tracking

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """Return ``obj.<field>_th`` or ``_en`` for the active language."""
    return i18n.localized(obj, field)


@register.filter
def bi(value: Any) -> str:
    """Return the active language's text of a ``{"th", "en"}`` mapping."""
    return i18n.bilingual(value)


@register.filter
def longdate(value: date | datetime | None) -> str:
    """Return the date in words (Buddhist era in Thai)."""
    return i18n.format_date(value)


@register.filter
def longdatetime(value: datetime | None) -> str:
    """Return the date and time in words (Buddhist era in Thai)."""
    return i18n.format_date(value, with_time=True)


@register.filter
def shortdate(value: date | datetime | None) -> str:
    """Return d/m/yyyy (Buddhist era in Thai)."""
    return i18n.format_short_date(value)


@register.filter
def tracking_display(number: str | None) -> str:
    """Return a tracking number grouped for reading aloud."""
    return tracking.display(number) if number else ""


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """Return ``mapping[key]`` or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
