"""The working calendar keeps the days off of Thai government offices, as the Cabinet set them.

The tables below were written from the Cabinet's announcements of the
government holidays (วันหยุดราชการ) for B.E. 2568 and 2569, not from the
``holidays`` package: the 19 annual government holidays, the substitution
days for those falling on a weekend, the Royal Ploughing Ceremony (a day off
for government offices only), and the special days the Cabinet added on
12 November 2024 (2 June and 11 August 2025, 2 January 2026). National
Labour Day (1 May) is a day off for the private sector and banks only, and
on 2 December 2025 the Cabinet withdrew the proposal to add 2 June and
31 July 2026, so all of those are working days.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.test import override_settings

from eservice.core.workdays import WorkingCalendar
from tests.factories import bangkok

# Weekdays on which government offices are closed.
CABINET_DAYS_OFF = {
    2025: {
        date(2025, 1, 1): "New Year's Day",
        date(2025, 2, 12): "Makha Bucha",
        date(2025, 4, 7): "Chakri Memorial Day (6 April was a Sunday)",
        date(2025, 4, 14): "Songkran",
        date(2025, 4, 15): "Songkran",
        date(2025, 4, 16): "Songkran (13 April was a Sunday)",
        date(2025, 5, 5): "Coronation Day (4 May was a Sunday)",
        date(2025, 5, 9): "Royal Ploughing Ceremony",
        date(2025, 5, 12): "Visakha Bucha (11 May was a Sunday)",
        date(2025, 6, 2): "special day added by the Cabinet",
        date(2025, 6, 3): "HM Queen Suthida's Birthday",
        date(2025, 7, 10): "Asarnha Bucha",
        date(2025, 7, 11): "Buddhist Lent Day",
        date(2025, 7, 28): "HM the King's Birthday",
        date(2025, 8, 11): "special day added by the Cabinet",
        date(2025, 8, 12): "HM Queen Sirikit The Queen Mother's Birthday",
        date(2025, 10, 13): "King Bhumibol Memorial Day",
        date(2025, 10, 23): "King Chulalongkorn Memorial Day",
        date(2025, 12, 5): "King Bhumibol's Birthday, National Day",
        date(2025, 12, 10): "Constitution Day",
        date(2025, 12, 31): "New Year's Eve",
    },
    2026: {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 1, 2): "special day added by the Cabinet",
        date(2026, 3, 3): "Makha Bucha",
        date(2026, 4, 6): "Chakri Memorial Day",
        date(2026, 4, 13): "Songkran",
        date(2026, 4, 14): "Songkran",
        date(2026, 4, 15): "Songkran",
        date(2026, 5, 4): "Coronation Day",
        date(2026, 5, 13): "Royal Ploughing Ceremony",
        date(2026, 6, 1): "Visakha Bucha (31 May is a Sunday)",
        date(2026, 6, 3): "HM Queen Suthida's Birthday",
        date(2026, 7, 28): "HM the King's Birthday",
        date(2026, 7, 29): "Asarnha Bucha",
        date(2026, 7, 30): "Buddhist Lent Day",
        date(2026, 8, 12): "HM Queen Sirikit The Queen Mother's Birthday",
        date(2026, 10, 13): "King Bhumibol Memorial Day",
        date(2026, 10, 23): "King Chulalongkorn Memorial Day",
        date(2026, 12, 7): "King Bhumibol's Birthday, National Day (5 December is a Saturday)",
        date(2026, 12, 10): "Constitution Day",
        date(2026, 12, 31): "New Year's Eve",
    },
}
# Weekdays that are holidays for someone but working days for government offices.
WORKING_FOR_GOVERNMENT = [
    date(2025, 5, 1),  # National Labour Day: private sector and banks only
    date(2026, 5, 1),
    date(2026, 6, 2),  # proposed as special days for 2026, withdrawn by the Cabinet
    date(2026, 7, 31),
]


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


def _weekdays(year: int) -> list[date]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_weekday_is_a_working_day_unless_the_cabinet_made_it_a_day_off(
    cal: WorkingCalendar, year: int
) -> None:
    wrong = {
        day: CABINET_DAYS_OFF[year].get(day, "working day")
        for day in _weekdays(year)
        if cal.is_working_day(day) == (day in CABINET_DAYS_OFF[year])
    }
    assert wrong == {}
    for day in CABINET_DAYS_OFF[year]:
        assert cal.holiday_name(day), day


@pytest.mark.parametrize("day", WORKING_FOR_GOVERNMENT)
def test_labour_day_and_the_withdrawn_special_days_are_working_days(
    cal: WorkingCalendar, day: date
) -> None:
    assert day.weekday() < 5
    assert cal.is_working_day(day)
    assert cal.holiday_name(day) is None


def test_a_fifteen_day_limit_from_11_april_2025_ends_on_thursday_8_may(
    cal: WorkingCalendar,
) -> None:
    # Songkran and its substitution day, Labour Day worked, Coronation Day's
    # substitution off: the 15th working day is Thursday 8 May, not the
    # Royal Ploughing Ceremony on Friday 9 May.
    assert cal.add_working_days(date(2025, 4, 11), 15) == date(2025, 5, 8)
    assert cal.due(bangkok(2025, 4, 11, 10, 0), 15, "days") == bangkok(2025, 5, 8, 16, 30)


def test_holiday_names_come_in_thai_and_english(cal: WorkingCalendar) -> None:
    assert cal.holiday_name(date(2026, 5, 13)) == "Royal Ploughing Ceremony"
    assert cal.holiday_name(date(2026, 5, 13), "th") == "วันพืชมงคล"


@override_settings(HOLIDAY_CATEGORIES=["public"], HOLIDAY_WORKED=[])
def test_the_categories_and_worked_holidays_are_configurable() -> None:
    # Only the package's public holidays, none worked: the private sector's calendar.
    private = WorkingCalendar.default()
    assert not private.is_working_day(date(2025, 5, 1))
    assert private.is_working_day(date(2025, 5, 9))
    assert private.add_working_days(date(2025, 4, 11), 15) == date(2025, 5, 9)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("HOLIDAY_CATEGORIES", "public,holy", "'holy' is not a category of TH"),
        ("HOLIDAY_COUNTRY", "XX", "'XX' is not a country of the holidays package"),
        ("HOLIDAY_WORKED", "National Labour Day", "'National Labour Day' is not a holiday of TH"),
    ],
)
def test_a_category_country_or_holiday_the_package_does_not_know_stops_the_start(
    variable: str, value: str, message: str
) -> None:
    env = {**os.environ, variable: value, "DJANGO_SETTINGS_MODULE": "eservice.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert message in done.stderr
