"""The one place that reads the clock, so tests and the demo can set the time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_fixed: datetime | None = None


def now() -> datetime:
    """Return the current time, timezone-aware."""
    return _fixed if _fixed is not None else timezone.now()


@contextmanager
def fixed_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (the demo back-dates its history)."""
    global _fixed
    if timezone.is_naive(moment):
        raise ValueError("fixed_at needs a timezone-aware datetime")
    previous, _fixed = _fixed, moment
    try:
        yield
    finally:
        _fixed = previous
