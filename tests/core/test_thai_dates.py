"""Dates shown in Thai use the Buddhist era and Thai month names (core.i18n)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import translation

from eservice.core.i18n import format_date, format_short_date


def test_it_shows_the_buddhist_era_year_and_thai_month_in_thai() -> None:
    with translation.override("th"):
        text = format_date(date(2026, 4, 13))
    assert text == "13 เมษายน 2569"
    assert "2026" not in text


def test_it_shows_the_common_era_in_english() -> None:
    with translation.override("en"):
        assert format_date(date(2026, 4, 13)) == "13 April 2026"
        assert format_short_date(date(2026, 4, 13)) == "13/4/2026"


def test_it_shows_bangkok_time_for_an_aware_datetime() -> None:
    moment = datetime(2026, 12, 31, 18, 15, tzinfo=UTC)  # 01:15 on 1 January 2027 in Bangkok
    with translation.override("th"):
        text = format_date(moment, with_time=True)
    assert text.startswith("1 มกราคม 2570")
    assert "01:15" in text
    with translation.override("en"):
        assert format_date(moment, with_time=True) == "1 January 2027, 01:15"


def test_it_uses_the_buddhist_era_in_short_thai_dates() -> None:
    with translation.override("th"):
        assert format_short_date(date(2026, 4, 13)) == "13/4/2569"


def test_it_shows_nothing_for_no_date() -> None:
    assert format_date(None) == ""
    assert format_short_date(None) == ""
