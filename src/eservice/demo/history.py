"""A year of past applications, so that the open-data charts have something to show.

The live demo cases (citizen1, the crowd) are made through the real actions.
These are the archive before them: decided, withdrawn or still open cases of
an archive account nobody signs in with, written in bulk with the facts the
statistics read (dates, due dates, decisions, requests for documents) and a
timeline entry for each change. Volumes vary by service and month, and some
months are small on purpose, so that suppression of small counts shows.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction

from eservice.accounts.models import OfficerRole, User
from eservice.cases.models import Application, DocumentRequest, TimelineEvent
from eservice.cases.states import Status
from eservice.catalog.models import Service
from eservice.catalog.services import calendar_for
from eservice.core import clock, tracking
from eservice.core.workdays import WorkingCalendar

ARCHIVE_USER = "demo-archive"
MONTHS = 12


def _month_starts(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    for _ in range(count + 1):
        out.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return sorted(out)


def _working_moment(rng: random.Random, calendar: WorkingCalendar, day: date) -> datetime:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    minutes = rng.randrange(calendar.minutes_per_day)
    return calendar.opening(day) + timedelta(minutes=minutes)


def _limit_minutes(service: Service, calendar: WorkingCalendar) -> int:
    version = service.current_version
    assert version is not None
    if version.time_limit_unit == "hours":
        return version.time_limit_value * 60
    return version.time_limit_value * calendar.minutes_per_day


def load(rng: random.Random) -> int:
    """Write the archive; return how many applications it holds."""
    now = clock.now()
    archive, _ = User.objects.get_or_create(
        username=ARCHIVE_USER,
        defaults={
            "full_name_th": "คลังคำขอสาธิต",
            "full_name_en": "Demo archive",
            "is_active": False,
        },
    )
    archive.set_unusable_password()
    archive.save()
    apps: list[Application] = []
    plans: list[tuple[Application, dict[str, datetime | str | None]]] = []
    services = list(
        Service.objects.filter(is_active=True, current_version__isnull=False).select_related(
            "current_version"
        )
    )
    clerks = {
        r.agency_id: r.user for r in OfficerRole.objects.filter(role="clerk").select_related("user")
    }
    for service in services:
        calendar = calendar_for(service.agency_id)
        limit = _limit_minutes(service, calendar)
        busy = rng.choice([4, 8, 15, 25, 40])
        for month in _month_starts(now.astimezone(calendar.tz).date(), MONTHS):
            # Some months are quiet: their counts fall under the suppression threshold.
            count = max(0, int(rng.gauss(busy, busy / 3)))
            if rng.random() < 0.12:
                count = rng.randint(1, 3)
            for _ in range(count):
                day = month + timedelta(days=rng.randrange(28))
                submitted = _working_moment(rng, calendar, day)
                if submitted >= now - timedelta(days=1):
                    continue
                due = calendar.add_working_minutes(submitted, limit)
                # Most agencies decide in time; a slow tail runs past the limit.
                spent = int(limit * rng.choice([0.2, 0.4, 0.6, 0.8, 0.9, 1.1, 1.6]))
                # Some are returned for documents, a quarter of the way in (never in
                # the future): the applicant's days do not count against the agency.
                requested = calendar.add_working_minutes(submitted, spent // 4 + 1)
                returned = rng.random() < 0.12 and requested < now - timedelta(hours=1)
                pause = rng.randint(1, 8) * calendar.minutes_per_day if returned else 0
                decided = calendar.add_working_minutes(submitted, spent + pause)
                roll = rng.random()
                plan: dict[str, datetime | str | None] = {"requested": None, "responded": None}
                if returned:
                    plan["requested"] = requested
                    plan["responded"] = calendar.add_working_minutes(requested, pause)
                    due = calendar.add_working_minutes(due, pause)
                app = Application(
                    tracking_number=tracking.generate(),
                    applicant=archive,
                    service=service,
                    service_version=service.current_version,
                    agency_id=service.agency_id,
                    answers={},
                    language=rng.choice(["th", "th", "en"]),
                    created_at=submitted - timedelta(minutes=20),
                    submitted_at=submitted,
                    due_at=due,
                    current_step=None,
                )
                if roll < 0.05:
                    app.status = Status.WITHDRAWN
                    app.closed_at = min(decided, now - timedelta(hours=1))
                    plan["action"] = "withdraw"
                elif decided < now - timedelta(hours=1):
                    rejected = roll > 0.88
                    app.status = Status.REJECTED if rejected else Status.APPROVED
                    app.decided_at = decided
                    app.decision_reasons = "" if not rejected else "เอกสารไม่ถูกต้องตามหลักเกณฑ์"
                    app.appeal_info = "" if not rejected else "อุทธรณ์ได้ภายใน 15 วัน"
                    plan["action"] = "reject" if rejected else "approve"
                else:
                    app.status = Status.IN_REVIEW
                    app.current_step = 1
                    plan["action"] = None
                apps.append(app)
                plans.append((app, plan))
    with transaction.atomic():
        Application.objects.bulk_create(apps, batch_size=500)
        events, requests = [], []
        for app, plan in plans:
            assert app.submitted_at is not None
            events.append(_event(app, app.submitted_at, "submit", Status.DRAFT, Status.SUBMITTED))
            asked, answered = plan["requested"], plan["responded"]
            if isinstance(asked, datetime) and isinstance(answered, datetime):
                responded: datetime | None = answered if answered <= now else None
                requests.append(
                    DocumentRequest(
                        application=app,
                        requested_at=asked,
                        requested_by=clerks.get(app.agency_id, archive),
                        items=[],
                        note="สำเนาเอกสารไม่ชัดเจน",
                        respond_by=asked.date() + timedelta(days=15),
                        responded_at=responded,
                    )
                )
            action = plan.get("action")
            if action == "withdraw" and app.closed_at:
                events.append(_event(app, app.closed_at, "withdraw", "", Status.WITHDRAWN))
            elif action in {"approve", "reject"} and app.decided_at:
                events.append(_event(app, app.decided_at, str(action), "", app.status))
        TimelineEvent.objects.bulk_create(events, batch_size=500)
        DocumentRequest.objects.bulk_create(requests, batch_size=500)
    return len(apps)


def _event(
    app: Application, at: datetime, action: str, from_status: str, to_status: str
) -> TimelineEvent:
    return TimelineEvent(
        application=app,
        at=at,
        kind="transition",
        action=action,
        from_status=from_status,
        to_status=to_status,
    )
