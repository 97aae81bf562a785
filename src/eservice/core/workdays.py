"""Working-time arithmetic on an agency's working calendar.

Time limits in the Licensing Facilitation Act are counted in working days.
A working day is Monday to Friday, not a day off of the country's government
offices and not a day off that the agency has configured. Working time runs
only during office hours.

The country's days off come from the ``holidays`` package, which includes
Thai substitution days and the Cabinet's special days. Government offices do
not keep the same days as everyone else: in Thailand they work on National
Labour Day (a day off for the private sector and banks only) and close on the
Royal Ploughing Ceremony day (the package's ``government`` category). So
each country names the package's categories its offices keep and the
holidays in them that its offices work on anyway (``GOVERNMENT_CALENDARS``,
overridden by the settings ``HOLIDAY_CATEGORIES`` and ``HOLIDAY_WORKED``).

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
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings

Unit = Literal["days", "hours"]


@dataclass(frozen=True)
class HolidayRules:
    """Which of the ``holidays`` package's days a country's government offices keep."""

    # The package's categories whose days are days off for government offices.
    categories: tuple[str, ...]
    # Holidays in those categories that offices work on, by their English
    # name in the package; their substitution days ("… (in lieu)") go too.
    worked: tuple[str, ...] = ()


GOVERNMENT_CALENDARS: dict[str, HolidayRules] = {
    # Thailand: the public holidays and the government-only Royal Ploughing
    # Ceremony; National Labour Day is a day off for the private sector only.
    "TH": HolidayRules(categories=("public", "government"), worked=("National Labor Day",)),
}
_IN_LIEU = " (in lieu)"


def holiday_rules(country: str) -> HolidayRules:
    """The rules for ``country``: the settings' if they set any, else the country's own."""
    rules = GOVERNMENT_CALENDARS.get(country, HolidayRules(categories=("public",)))
    categories = tuple(getattr(settings, "HOLIDAY_CATEGORIES", ()) or ()) or rules.categories
    worked = getattr(settings, "HOLIDAY_WORKED", None)
    return HolidayRules(categories, rules.worked if worked is None else tuple(worked))


@lru_cache(maxsize=256)
def _days_off(country: str, rules: HolidayRules, year: int) -> dict[date, str]:
    """The days off of ``year`` with their English names (several joined by "; ")."""
    found = holidays_lib.country_holidays(
        country, years=year, categories=rules.categories, language="en_US"
    )
    out: dict[date, str] = {}
    for day, name in found.items():
        kept = [
            part
            for part in name.split("; ")
            if part not in rules.worked and part.removesuffix(_IN_LIEU) not in rules.worked
        ]
        if kept:
            out[day] = "; ".join(kept)
    return out


@lru_cache(maxsize=64)
def _local_names(country: str, categories: tuple[str, ...], year: int, language: str) -> Any:
    return holidays_lib.country_holidays(
        country, years=year, categories=categories, language=language
    )


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
    rules: HolidayRules = HolidayRules(categories=("public",))

    @classmethod
    def default(cls, extra_days_off: Iterable[date] = ()) -> WorkingCalendar:
        """Return the calendar configured in settings plus the given days off."""
        return cls(
            tz=ZoneInfo(settings.TIME_ZONE),
            opens=_parse_hhmm(settings.OFFICE_OPENS),
            closes=_parse_hhmm(settings.OFFICE_CLOSES),
            country=settings.HOLIDAY_COUNTRY,
            extra_days_off=frozenset(extra_days_off),
            rules=holiday_rules(settings.HOLIDAY_COUNTRY),
        )

    @property
    def minutes_per_day(self) -> int:
        """Return the length of one working day in minutes."""
        return (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )

    def holiday_name(self, day: date, language: str = "en") -> str | None:
        """Return the name of the government holiday on the day (Thai with ``th``), or None."""
        if day not in _days_off(self.country, self.rules, day.year):
            return None
        if language == "en":
            return _days_off(self.country, self.rules, day.year)[day]
        local = _local_names(self.country, self.rules.categories, day.year, language)
        return str(local.get(day) or _days_off(self.country, self.rules, day.year)[day])

    def is_working_day(self, day: date) -> bool:
        """Return whether officers work on this day."""
        if day.weekday() >= 5 or day in self.extra_days_off:
            return False
        return day not in _days_off(self.country, self.rules, day.year)

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
