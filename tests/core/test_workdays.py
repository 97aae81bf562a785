"""Working-time arithmetic on the Thai public-holiday calendar (core.workdays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from eservice.core.workdays import WorkingCalendar
from tests.factories import bangkok

SUBSTITUTION_MARKERS = ("substitution", "in lieu", "ชดเชย")


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


def _substitution_days(year: int) -> list[date]:
    days = set()
    for language in ("en_US", "th"):
        for day, name in holidays.Thailand(years=year, language=language).items():
            if any(marker in name.lower() for marker in SUBSTITUTION_MARKERS):
                days.add(day)
    return sorted(days)


def test_it_uses_office_hours_from_settings(cal: WorkingCalendar) -> None:
    assert str(cal.tz) == "Asia/Bangkok"
    assert (cal.opens.hour, cal.opens.minute, cal.closes.hour, cal.closes.minute) == (8, 30, 16, 30)
    assert cal.minutes_per_day == 480


@pytest.mark.parametrize("day", [date(2025, 1, 1), date(2026, 1, 1)])
def test_it_skips_new_years_day(cal: WorkingCalendar, day: date) -> None:
    assert day.weekday() < 5
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 4, 14),
        date(2025, 4, 15),  # Monday, Tuesday (the 13th was a Sunday)
        date(2026, 4, 13),
        date(2026, 4, 14),
        date(2026, 4, 15),  # Monday to Wednesday
    ],
)
def test_it_skips_songkran(cal: WorkingCalendar, day: date) -> None:
    assert day.weekday() < 5
    assert not cal.is_working_day(day)


def test_it_skips_every_substitution_day_of_2025_and_2026(cal: WorkingCalendar) -> None:
    found = _substitution_days(2025) + _substitution_days(2026)
    # Concrete days the government announced: Songkran 2025 (13 April was a Sunday),
    # Visakha Bucha 2026 (31 May is a Sunday) and King Bhumibol's birthday 2026 (a Saturday).
    for known in (date(2025, 4, 16), date(2026, 6, 1), date(2026, 12, 7)):
        assert known in found, known
    for day in found:
        assert day.weekday() < 5, day
        assert not cal.is_working_day(day), day


def test_it_skips_weekends_and_keeps_ordinary_weekdays(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday
    for day in range(9, 14):  # Monday 9 to Friday 13 March 2026: no holiday
        assert cal.is_working_day(date(2026, 3, day))
    assert cal.holiday_name(date(2026, 3, 10)) is None


def test_it_adds_working_days_across_songkran(cal: WorkingCalendar) -> None:
    friday = date(2026, 4, 10)
    assert cal.next_working_day(friday) == date(2026, 4, 16)
    assert cal.add_working_days(friday, 1) == date(2026, 4, 16)
    assert cal.add_working_days(friday, 3) == date(2026, 4, 20)
    # 2025: Songkran Monday-Tuesday plus the substitution day on Wednesday.
    assert cal.add_working_days(date(2025, 4, 11), 1) == date(2025, 4, 17)
    assert cal.add_working_days(friday, 0) == friday


def test_it_counts_working_days_between_dates(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2026, 4, 10), date(2026, 4, 20)) == 3
    assert cal.working_days_between(date(2026, 4, 10), date(2026, 4, 10)) == 0


def test_it_ends_a_limit_in_days_at_closing_time_of_the_nth_working_day(
    cal: WorkingCalendar,
) -> None:
    due = cal.due(bangkok(2026, 4, 10, 10, 0), 3, "days")
    assert due == bangkok(2026, 4, 20, 16, 30)
    assert due.tzinfo is not None


@pytest.mark.parametrize("received_at", [(8, 0), (12, 0), (16, 29), (17, 0), (23, 59)])
def test_it_never_counts_the_day_of_receipt(
    cal: WorkingCalendar, received_at: tuple[int, int]
) -> None:
    monday = bangkok(2026, 3, 9, *received_at)
    assert cal.due(monday, 1, "days") == bangkok(2026, 3, 10, 16, 30)


def test_it_takes_the_day_of_receipt_in_bangkok_not_utc(cal: WorkingCalendar) -> None:
    # 20:00 UTC on Monday is 03:00 on Tuesday in Bangkok.
    received = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    assert cal.due(received, 1, "days") == bangkok(2026, 3, 11, 16, 30)


def test_it_counts_from_the_next_working_day_for_weekend_receipt(cal: WorkingCalendar) -> None:
    assert cal.due(bangkok(2026, 3, 7, 11, 0), 1, "days") == bangkok(2026, 3, 9, 16, 30)


def test_it_counts_hours_only_in_office_time(cal: WorkingCalendar) -> None:
    # One hour on Friday, two on Monday morning.
    assert cal.due(bangkok(2026, 3, 6, 15, 30), 3, "hours") == bangkok(2026, 3, 9, 10, 30)


def test_it_skips_a_monday_holiday_when_counting_hours(cal: WorkingCalendar) -> None:
    # Monday 6 April 2026 is Chakri Memorial Day.
    assert cal.due(bangkok(2026, 4, 3, 15, 30), 3, "hours") == bangkok(2026, 4, 7, 10, 30)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (bangkok(2026, 3, 9, 7, 0), 2, bangkok(2026, 3, 9, 10, 30)),  # before opening
        (bangkok(2026, 3, 10, 10, 0), 3, bangkok(2026, 3, 10, 13, 0)),  # within a day
        (bangkok(2026, 3, 10, 8, 30), 8, bangkok(2026, 3, 10, 16, 30)),  # a full day
        (bangkok(2026, 3, 10, 16, 30), 1, bangkok(2026, 3, 11, 9, 30)),  # at closing
        (bangkok(2026, 3, 10, 18, 0), 1, bangkok(2026, 3, 11, 9, 30)),  # after closing
        (bangkok(2026, 3, 7, 12, 0), 1, bangkok(2026, 3, 9, 9, 30)),  # Saturday
    ],
)
def test_it_adds_working_hours(
    cal: WorkingCalendar, start: datetime, hours: int, expected: datetime
) -> None:
    assert cal.due(start, hours, "hours") == expected


def test_it_measures_working_minutes_between_instants(cal: WorkingCalendar) -> None:
    friday, monday = bangkok(2026, 3, 6, 15, 30), bangkok(2026, 3, 9, 10, 30)
    assert cal.working_minutes_between(friday, monday) == 180
    assert cal.working_minutes_between(monday, friday) == -180
    # Friday 3 April 14:30 to Monday 20 April 16:30 2026: Friday 2 h, then
    # 7 working days (6 April and Songkran are holidays).
    assert (
        cal.working_minutes_between(bangkok(2026, 4, 3, 14, 30), bangkok(2026, 4, 20, 16, 30))
        == 120 + 7 * 480
    )


STARTS = [
    bangkok(2026, 3, 9, 8, 30),
    bangkok(2026, 3, 9, 11, 17),
    bangkok(2026, 3, 6, 16, 0),
    bangkok(2026, 3, 7, 10, 0),  # Saturday
    bangkok(2026, 4, 10, 15, 0),  # Friday before Songkran
    bangkok(2026, 4, 13, 9, 0),  # Songkran
    bangkok(2025, 12, 30, 12, 0),  # around New Year's Eve and New Year
    datetime(2026, 3, 9, 23, 0, tzinfo=UTC),  # 06:00 Tuesday in Bangkok
]


@pytest.mark.parametrize("start", STARTS)
def test_it_measures_back_exactly_what_it_added(cal: WorkingCalendar, start: datetime) -> None:
    for minutes in (1, 59, 60, 479, 480, 481, 1000, 2400, 3480, 10000):
        end = cal.add_working_minutes(start, minutes)
        assert end > start
        assert cal.working_minutes_between(start, end) == minutes, (start, minutes)
        assert cal.working_minutes_between(end, start) == -minutes
        # Ends inside office hours on a working day.
        local = end.astimezone(cal.tz)
        assert cal.is_working_day(local.date())
        assert cal.opening(local.date()) < local <= cal.closing(local.date())


def test_it_skips_an_agency_day_off() -> None:
    tuesday = date(2026, 3, 10)
    national = WorkingCalendar.default()
    agency = WorkingCalendar.default(extra_days_off=[tuesday])
    assert national.is_working_day(tuesday)
    assert not agency.is_working_day(tuesday)
    assert national.add_working_days(date(2026, 3, 9), 1) == tuesday
    assert agency.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    monday_afternoon = bangkok(2026, 3, 9, 16, 0)
    assert agency.due(monday_afternoon, 1, "hours") == bangkok(2026, 3, 11, 9, 0)
    assert agency.working_minutes_between(monday_afternoon, bangkok(2026, 3, 11, 9, 0)) == 60


def test_it_reads_an_agencys_days_off_from_the_catalog(catalog) -> None:
    from eservice.catalog.services import calendar_for

    festival = date(2026, 6, 19)  # agency A's day off in the service file
    assert not calendar_for(catalog.agency_a.id).is_working_day(festival)
    assert calendar_for(catalog.agency_b.id).is_working_day(festival)


def test_it_returns_the_start_for_no_minutes(cal: WorkingCalendar) -> None:
    start = bangkok(2026, 3, 9, 10, 0)
    assert cal.add_working_minutes(start, 0) == start
    assert cal.add_working_minutes(start, 0) - start == timedelta(0)
