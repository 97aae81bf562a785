"""Working-time arithmetic on an agency's working calendar.

Time limits in the Licensing Facilitation Act are counted in working days.
A working day is Monday to Friday, not a public holiday of the country (from
the ``holidays`` package, which includes Thai substitution days) and not a day
off that the agency has configured. Working time runs only during office hours.

A limit of N working days ends at closing time of the Nth working day after the
day of receipt (the day of receipt does not count, as in the Civil and
Commercial Code s.158). A limit of N working hours is N hours of office time.
Pausing keeps the remaining working minutes; resuming adds them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings

Unit = Literal["days", "hours"]


@lru_cache(maxsize=8)
def _country_holidays(country: str) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays(country)


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class WorkingCalendar:
    """An agency's calendar: weekends, public holidays and its own days off."""

    tz: ZoneInfo
    opens: time
    closes: time
    country: str
    extra_days_off: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def default(cls, extra_days_off: Iterable[date] = ()) -> WorkingCalendar:
        """Return the calendar configured in settings plus the given days off."""
        return cls(
            tz=ZoneInfo(settings.TIME_ZONE),
            opens=_parse_hhmm(settings.OFFICE_OPENS),
            closes=_parse_hhmm(settings.OFFICE_CLOSES),
            country=settings.HOLIDAY_COUNTRY,
            extra_days_off=frozenset(extra_days_off),
        )

    @property
    def minutes_per_day(self) -> int:
        """Return the length of one working day in minutes."""
        return (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )

    def holiday_name(self, day: date) -> str | None:
        """Return the public holiday's name for the day, or None."""
        name = _country_holidays(self.country).get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        """Return whether officers work on this day."""
        if day.weekday() >= 5 or day in self.extra_days_off:
            return False
        return day not in _country_holidays(self.country)

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """Return the ``count``-th working day after ``day`` (``day`` itself not counted)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def closing(self, day: date) -> datetime:
        """Return closing time on ``day`` in the calendar's zone."""
        return datetime.combine(day, self.closes, tzinfo=self.tz)

    def opening(self, day: date) -> datetime:
        """Return opening time on ``day`` in the calendar's zone."""
        return datetime.combine(day, self.opens, tzinfo=self.tz)

    def due(self, start: datetime, amount: int, unit: Unit) -> datetime:
        """Return when a limit of ``amount`` working ``unit`` started at ``start`` ends."""
        if unit == "days":
            return self.closing(self.add_working_days(start.astimezone(self.tz).date(), amount))
        return self.add_working_minutes(start, amount * 60)

    def _clamp_forward(self, moment: datetime) -> datetime:
        """Return the first instant of working time at or after ``moment``."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            if local < self.opening(day):
                return self.opening(day)
            if local < self.closing(day):
                return local
        return self.opening(self.next_working_day(day))

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """Return the instant ``minutes`` of office time after ``start``."""
        if minutes <= 0:
            return start.astimezone(self.tz)
        current = self._clamp_forward(start)
        remaining = minutes
        while True:
            left_today = int((self.closing(current.date()) - current).total_seconds() // 60)
            if remaining <= left_today:
                return current + timedelta(minutes=remaining)
            remaining -= left_today
            current = self.opening(self.next_working_day(current.date()))

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Return minutes of office time from ``start`` to ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.working_minutes_between(end, start)
        start_l, end_l = start.astimezone(self.tz), end.astimezone(self.tz)
        total = 0
        day = start_l.date()
        while day <= end_l.date():
            if self.is_working_day(day):
                lo = max(self.opening(day), start_l)
                hi = min(self.closing(day), end_l)
                if hi > lo:
                    total += int((hi - lo).total_seconds() // 60)
            day += timedelta(days=1)
        return total

    def working_days_between(self, start: date, end: date) -> int:
        """Return working days after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
