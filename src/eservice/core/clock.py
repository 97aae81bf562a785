"""The one place that reads the clock, so tests can freeze time."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current time, timezone-aware."""
    return timezone.now()
