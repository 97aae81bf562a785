"""Per-case facts and the monthly figures summed from them, kept up to date incrementally.

A run reads only what changed since the last one: applications with a timeline
event after the last event it read, and open applications whose time limit has
passed since the last run. For each it recomputes the fact, and then only the
months those facts touch (before and after the change) are summed again. The
cost of a run follows the number of changed cases and the size of the months
they fall in, not the number of cases ever received.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from eservice.cases.models import Application, TimelineEvent
from eservice.cases.states import ACTIVE, Status
from eservice.catalog.services import calendar_for
from eservice.core.workdays import WorkingCalendar
from eservice.opendata.models import CaseFact, MonthFigures, PublishState

# Timeline events newer than this are read again on the next run: a transaction
# that took an event number earlier may commit after a later one was read.
SETTLE = timedelta(minutes=2)
CHUNK = 2000

Cell = tuple[str, int, date]  # (scope, service or agency id, month)

_FIELDS = (
    "id",
    "service_id",
    "agency_id",
    "status",
    "submitted_at",
    "decided_at",
    "closed_at",
    "due_at",
    "remaining_minutes",
    "document_request__requested_at",
    "document_request__responded_at",
    "was_rejected",
)


def month_of(moment: datetime) -> date:
    """Return the first day of the month ``moment`` falls in, in the platform's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


class _Calendars(dict[int, WorkingCalendar]):
    def __missing__(self, agency_id: int) -> WorkingCalendar:
        calendar = self[agency_id] = calendar_for(agency_id)
        return calendar


def _fact(row: dict[str, Any], calendars: _Calendars, moment: datetime) -> CaseFact:
    submitted: datetime = row["submitted_at"]
    decided: datetime | None = row["decided_at"]
    due: datetime | None = row["due_at"]
    requested: datetime | None = row["document_request__requested_at"]
    fact = CaseFact(
        application_id=row["id"],
        service_id=row["service_id"],
        agency_id=row["agency_id"],
        received=month_of(submitted),
        outcome=CaseFact.Outcome.OPEN,
        returned=month_of(requested) if requested else None,
    )
    if row["status"] == Status.WITHDRAWN:
        fact.outcome = CaseFact.Outcome.WITHDRAWN
        fact.ended = month_of(row["closed_at"] or moment)
    elif decided is not None:
        fact.outcome = (
            CaseFact.Outcome.REJECTED if row["was_rejected"] else CaseFact.Outcome.APPROVED
        )
        fact.ended = month_of(decided)
        calendar = calendars[row["agency_id"]]
        minutes = calendar.working_minutes_between(submitted, decided)
        if requested is not None:
            # The applicant's time to send documents is not the agency's.
            paused_until = min(row["document_request__responded_at"] or decided, decided)
            minutes -= calendar.working_minutes_between(requested, paused_until)
        fact.working_days = round(max(minutes, 0) / calendar.minutes_per_day, 2)
        if due is not None:
            fact.within_limit = decided <= due
            if decided > due:
                fact.overdue = month_of(due)
        elif row["remaining_minutes"] is not None:
            # Decided while the clock was paused: the agency had time left.
            fact.within_limit = True
    elif row["status"] in ACTIVE and due is not None and due <= moment:
        fact.overdue = month_of(due)
    return fact


def _keep_overdue(fact: CaseFact, seen: date | None) -> None:
    """Keep the month an earlier run saw the case overdue, if the application lost it.

    Withdrawing clears the application's due date (and a request for documents
    pauses it), so a case withdrawn after its limit passed would otherwise stop
    counting as having been overdue.
    """
    lost = (CaseFact.Outcome.OPEN, CaseFact.Outcome.WITHDRAWN)
    if seen is not None and fact.overdue is None and fact.outcome in lost:
        fact.overdue = seen


def _rows(ids: Iterable[int] | None) -> Iterator[dict[str, Any]]:
    rejected = TimelineEvent.objects.filter(application=OuterRef("pk"), action="reject")
    qs = Application.objects.filter(submitted_at__isnull=False).annotate(
        was_rejected=Exists(rejected)
    )
    if ids is None:
        yield from qs.order_by("id").values(*_FIELDS).iterator(chunk_size=CHUNK)
        return
    wanted = sorted(ids)
    for start in range(0, len(wanted), CHUNK):
        yield from qs.filter(id__in=wanted[start : start + CHUNK]).values(*_FIELDS)


def _cells(fact: CaseFact) -> set[Cell]:
    months = {fact.received, fact.ended, fact.returned, fact.overdue} - {None}
    return {
        (scope, key, month)
        for month in months
        if month is not None
        for scope, key in (("service", fact.service_id), ("agency", fact.agency_id))
    }


_UPDATE = ["service_id", "agency_id", "received", "ended", "outcome", "working_days"]
_UPDATE += ["within_limit", "returned", "overdue"]


@dataclass
class RunResult:
    cases: int = 0
    cells: int = 0
    touched: set[Cell] = field(default_factory=set)


def refresh(ids: Iterable[int], moment: datetime) -> RunResult:
    """Recompute the facts of these applications and the months they touch."""
    ids = set(ids)
    result = RunResult()
    if not ids:
        return result
    calendars = _Calendars()
    with transaction.atomic():
        old = CaseFact.objects.in_bulk(ids)
        new = []
        for row in _rows(ids):
            fact = _fact(row, calendars, moment)
            previous = old.get(fact.application_id)
            _keep_overdue(fact, previous.overdue if previous else None)
            new.append(fact)
        for fact in list(old.values()) + new:
            result.touched |= _cells(fact)
        CaseFact.objects.bulk_create(
            new,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["application_id"],
            update_fields=_UPDATE,
        )
        result.cases = len(new)
        result.cells = recompute(result.touched)
    return result


def _percentiles(days: list[float]) -> tuple[float | None, float | None]:
    if not days:
        return None, None
    if len(days) == 1:
        return days[0], days[0]
    p90 = statistics.quantiles(days, n=10, method="inclusive")[8]
    return round(statistics.median(days), 2), round(p90, 2)


def _sum_ended(figures: MonthFigures, rows: Iterable[tuple[str, float | None, Any, Any]]) -> None:
    days = []
    for outcome, working_days, within, overdue in rows:
        figures.ended += 1
        if overdue is not None:
            figures.overdue_out += 1
        if outcome == CaseFact.Outcome.WITHDRAWN:
            figures.withdrawn += 1
            continue
        figures.completed += 1
        if outcome == CaseFact.Outcome.APPROVED:
            figures.approved += 1
        else:
            figures.rejected += 1
        if within:
            figures.within_limit += 1
        if working_days is not None:
            days.append(working_days)
    figures.median_days, figures.p90_days = _percentiles(days)


def recompute(cells: set[Cell]) -> int:
    """Sum the facts of each cell again; return how many cells were written."""
    by_key: dict[tuple[str, int], list[date]] = defaultdict(list)
    for scope, key, month in cells:
        by_key[(scope, key)].append(month)
    written: list[MonthFigures] = []
    empty: list[tuple[str, int, date]] = []
    for (scope, key), months in by_key.items():
        facts = CaseFact.objects.filter(**{f"{scope}_id": key})
        figures = {m: MonthFigures(scope=scope, key=key, month=m) for m in months}
        for name in ("received", "returned"):
            for counted in facts.filter(**{f"{name}__in": months}).values_list(name, flat=True):
                setattr(figures[counted], name, getattr(figures[counted], name) + 1)
        for late in facts.filter(overdue__in=months).values_list("overdue", flat=True):
            if late is not None:
                figures[late].overdue_in += 1
        ended: dict[date, list[Any]] = defaultdict(list)
        rows = facts.filter(ended__in=months).values_list(
            "ended", "outcome", "working_days", "within_limit", "overdue"
        )
        for closed, *rest in rows:
            if closed is not None:
                ended[closed].append(rest)
        for month, item in figures.items():
            _sum_ended(item, ended[month])
            if item.received or item.ended or item.returned or item.overdue_in:
                written.append(item)
            else:
                empty.append((scope, key, month))
    with transaction.atomic():
        for scope, key, month in empty:
            MonthFigures.objects.filter(scope=scope, key=key, month=month).delete()
        MonthFigures.objects.bulk_create(
            written,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["scope", "key", "month"],
            update_fields=[
                f.name
                for f in MonthFigures._meta.concrete_fields
                if f.name not in {"id", "scope", "key", "month"}
            ],
        )
    return len(written) + len(empty)


def rebuild(moment: datetime) -> RunResult:
    """Recompute every fact and every month from all applications ever submitted."""
    calendars = _Calendars()
    result = RunResult()
    with transaction.atomic():
        state = _state()
        last_event = TimelineEvent.objects.order_by("-id").values_list("id", flat=True).first()
        seen = dict(
            CaseFact.objects.filter(overdue__isnull=False).values_list("application_id", "overdue")
        )
        CaseFact.objects.all().delete()
        MonthFigures.objects.all().delete()
        batch: list[CaseFact] = []
        for row in _rows(None):
            fact = _fact(row, calendars, moment)
            _keep_overdue(fact, seen.get(fact.application_id))
            batch.append(fact)
            if len(batch) >= CHUNK:
                result.cases += _flush(batch, result.touched)
        result.cases += _flush(batch, result.touched)
        result.cells = recompute(result.touched)
        state.last_event_id = last_event or 0
        state.last_run_at = moment
        state.runs += 1
        state.save()
    return result


def _flush(batch: list[CaseFact], touched: set[Cell]) -> int:
    for fact in batch:
        touched |= _cells(fact)
    CaseFact.objects.bulk_create(batch, batch_size=500)
    count = len(batch)
    batch.clear()
    return count


def _state() -> PublishState:
    state = PublishState.objects.select_for_update().order_by("id").first()
    return state or PublishState.objects.create()


def changed_since_last_run(moment: datetime) -> tuple[set[int], int]:
    """Return the applications changed since the last run, and the new event mark."""
    state = PublishState.objects.order_by("id").first() or PublishState()
    events = TimelineEvent.objects.filter(id__gt=state.last_event_id).values_list(
        "id", "application_id", "at"
    )
    ids: set[int] = set()
    mark = state.last_event_id
    settled = moment - SETTLE
    unsettled = False
    for event_id, application_id, at in events.order_by("id").iterator(chunk_size=CHUNK):
        ids.add(application_id)
        if at <= settled and not unsettled:
            mark = event_id
        else:
            unsettled = True
    if state.last_run_at is not None:
        # Time passing alone makes an open case overdue.
        ids |= set(
            Application.objects.filter(
                status__in=list(ACTIVE),
                due_at__gt=state.last_run_at - SETTLE,
                due_at__lte=moment,
            ).values_list("id", flat=True)
        )
    return ids, mark


def update(moment: datetime) -> RunResult:
    """Bring facts and monthly figures up to date with what changed since the last run."""
    state = PublishState.objects.order_by("id").first()
    if state is None or state.last_run_at is None:
        return rebuild(moment)
    ids, mark = changed_since_last_run(moment)
    with transaction.atomic():
        state = _state()
        result = refresh(ids, moment)
        state.last_event_id = max(mark, state.last_event_id)
        state.last_run_at = moment
        state.runs += 1
        state.save()
    return result
