"""Warnings before a time limit passes, and the queue of cases about to breach.

The officer holding a case is warned ESCALATION_WARN_HOURS working hours (8:
one working day) before the case's or its current step's limit; the agency's
supervisors only ESCALATION_SUPERVISOR_HOURS (4) before. Each limit is warned
of once. The agency's queue filters the same cases and marks them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eservice.cases import actions
from eservice.cases.models import Application
from eservice.catalog.services import calendar_for
from eservice.core.workdays import WorkingCalendar
from eservice.notify import delays, outbox
from eservice.notify.models import Channel, Event, Notification
from tests.factories import bangkok, submitted_application


@pytest.fixture(autouse=True)
def _hours(settings: Any) -> None:
    settings.ESCALATION_WARN_HOURS = 8
    settings.ESCALATION_SUPERVISOR_HOURS = 4


@pytest.fixture
def calendar(catalog: Any) -> WorkingCalendar:
    return calendar_for(catalog.agency_a.pk)


def warnings_to(user: Any, app: Application | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient=user, event=Event.DUE_SOON)
    if app is not None:
        found = found.filter(application=app)
    return list(found.order_by("id"))


def scan_at(clock: Any, moment: datetime) -> int:
    clock.set(moment)
    return delays.scan_due_soon()


# --- the case's limit ---------------------------------------------------------------------


@pytest.fixture
def waiting(make_case: Any, calendar: WorkingCalendar) -> Application:
    """A case received Monday 9 March and not yet taken: due Thursday 19 March, 16:30."""
    app = make_case("submitted")
    assert app.assigned_to is None
    assert app.due_at == calendar.closing(date(2026, 3, 19))
    return app


@pytest.mark.parametrize(
    "moment",
    [
        bangkok(2026, 3, 9, 9, 0),  # just received
        bangkok(2026, 3, 18, 16, 29),  # 8 working hours and a minute before
        bangkok(2026, 3, 19, 16, 31),  # already past: the notices of delay take over
    ],
)
def test_nothing_is_said_of_a_limit_far_away_or_already_past(
    waiting: Application, clock: Any, clerk_a: Any, approver_a: Any, moment: datetime
) -> None:
    assert scan_at(clock, moment) == 0
    assert warnings_to(clerk_a) == warnings_to(approver_a) == []


def test_the_officer_is_warned_a_working_day_ahead_and_the_supervisors_half_a_day_ahead(
    waiting: Application,
    clock: Any,
    applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    approver_a: Any,
    admin_a: Any,
) -> None:
    # 8 working hours before Thursday 16:30 is Wednesday 16:30 (the night does not count).
    assert scan_at(clock, bangkok(2026, 3, 18, 16, 30)) == 1
    [warned] = warnings_to(clerk_a)  # unassigned: the clerks answer for it
    assert warned.channel == Channel.INBOX
    assert waiting.tracking_number in warned.subject
    assert "19 มีนาคม 2569" in warned.body
    assert warnings_to(approver_a) == warnings_to(admin_a) == warnings_to(reviewer_a) == []

    # Thursday morning: still more than 4 working hours away.
    assert scan_at(clock, bangkok(2026, 3, 19, 12, 29)) == 0
    assert warnings_to(approver_a) == []

    assert scan_at(clock, bangkok(2026, 3, 19, 12, 30)) == 2
    for supervisor in (approver_a, admin_a):
        [told] = warnings_to(supervisor)
        assert waiting.tracking_number in told.subject
    assert len(warnings_to(clerk_a)) == 1
    assert not Notification.objects.filter(recipient=applicant, event=Event.DUE_SOON).exists()


def test_each_limit_is_warned_of_once(
    waiting: Application, clock: Any, clerk_a: Any, approver_a: Any
) -> None:
    assert scan_at(clock, bangkok(2026, 3, 19, 13, 0)) == 2  # officer and approver at once
    for minutes in (5, 60, 180):
        assert scan_at(clock, bangkok(2026, 3, 19, 13, 0) + timedelta(minutes=minutes)) == 0
    assert len(warnings_to(clerk_a)) == 1
    assert len(warnings_to(approver_a)) == 1


def test_the_officer_holding_the_case_is_warned_not_the_other_clerks(
    make_case: Any, clock: Any, clerk_a: Any, reviewer_a: Any
) -> None:
    app = make_case("submitted")
    actions.assign(app, clerk_a, reviewer_a)
    scan_at(clock, bangkok(2026, 3, 19, 9, 0))
    assert len(warnings_to(reviewer_a, app)) == 1
    assert warnings_to(clerk_a, app) == []


def test_a_case_waiting_for_the_applicant_is_not_warned_of(
    make_case: Any, clock: Any, clerk_a: Any
) -> None:
    app = make_case("returned")  # the clock is paused: no limit to pass
    assert app.due_at is None
    assert scan_at(clock, bangkok(2026, 3, 19, 13, 0)) == 0
    assert warnings_to(clerk_a) == []


# --- a step's limit ---------------------------------------------------------------------------


def test_the_current_steps_limit_is_warned_of_with_the_steps_name(
    make_case: Any,
    clock: Any,
    clerk_a: Any,
    approver_a: Any,
    calendar: WorkingCalendar,
) -> None:
    app = make_case("in_review")  # accepted Monday: step 1 (1 working day) ends Tuesday
    step = app.steps.get(position=1)
    assert step.due_at == calendar.closing(date(2026, 3, 10))
    assert app.due_at == calendar.closing(date(2026, 3, 19))

    assert scan_at(clock, bangkok(2026, 3, 9, 16, 29)) == 0
    assert scan_at(clock, bangkok(2026, 3, 9, 16, 30)) == 1
    [warned] = warnings_to(clerk_a, app)  # clerk_a took the case
    assert app.service_version.steps.get(position=1).name_th in warned.body
    assert "10 มีนาคม 2569" in warned.body
    assert scan_at(clock, bangkok(2026, 3, 10, 12, 30)) == 1
    assert len(warnings_to(approver_a, app)) == 1
    assert scan_at(clock, bangkok(2026, 3, 10, 15, 0)) == 0


def test_a_finished_step_is_not_warned_of(make_case: Any, clock: Any, clerk_a: Any) -> None:
    app = make_case("in_review")
    actions.complete_step(app, clerk_a)  # step 2 has 5 working days
    assert scan_at(clock, bangkok(2026, 3, 10, 13, 0)) == 0
    assert warnings_to(clerk_a) == []


def test_an_officer_who_chose_english_is_warned_in_english(
    make_case: Any, clock: Any, clerk_a: Any
) -> None:
    outbox.set_preferences(clerk_a, email=False, sms=False, language="en")
    app = make_case("in_review")
    scan_at(clock, bangkok(2026, 3, 10, 9, 0))

    [warned] = warnings_to(clerk_a, app)
    assert warned.language == "en"
    assert warned.subject == f"Time limit about to pass: {app.tracking_number}"
    assert "10 March 2026" in warned.body
    assert app.service_version.steps.get(position=1).name_en in warned.body
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in warned.body)


# --- the queue ------------------------------------------------------------------------------


@pytest.fixture
def about_to_breach(
    catalog: Any,
    applicant: Any,
    other_applicant: Any,
    clerk_a: Any,
    clock: Any,
    calendar: WorkingCalendar,
) -> dict[str, Application]:
    """Agency A's cases on Thursday 19 March at 09:00, and one of agency B."""
    made: dict[str, Application] = {}
    clock.set(bangkok(2026, 3, 9, 9, 0))
    made["case_due"] = submitted_application(applicant, catalog.food_shop)  # Thu 16:30
    clock.set(bangkok(2026, 3, 17, 9, 0))
    step_due = submitted_application(other_applicant, catalog.food_shop)  # due Fri 27 March
    clock.set(bangkok(2026, 3, 18, 9, 0))
    made["step_due"] = actions.accept_documents(step_due, clerk_a)  # step 1: Thu 16:30
    made["far"] = submitted_application(applicant, catalog.food_shop)  # due Mon 30 March
    clock.set(bangkok(2026, 3, 10, 9, 0))
    made["tomorrow"] = submitted_application(other_applicant, catalog.food_shop)  # Fri 20th
    clock.set(bangkok(2026, 3, 19, 8, 45))
    made["agency_b"] = submitted_application(applicant, catalog.house_copy)  # 2 working hours
    clock.set(bangkok(2026, 3, 19, 9, 0))
    assert made["case_due"].due_at == calendar.closing(date(2026, 3, 19))
    assert made["step_due"].steps.get(position=1).due_at == calendar.closing(date(2026, 3, 19))
    assert made["tomorrow"].due_at == calendar.closing(date(2026, 3, 20))
    return made


def _listed(page: Any, apps: dict[str, Application]) -> set[str]:
    html = page.content.decode()
    return {name for name, app in apps.items() if app.tracking_number in html}


def test_the_queue_lists_exactly_the_cases_about_to_breach(
    about_to_breach: dict[str, Application], clerk_a: Any, catalog: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk_a)
    url = reverse("cases:queue", args=[catalog.agency_a.code])

    everything = client.get(url)
    due_soon = client.get(url, {"due_soon": "1"})

    assert everything.status_code == due_soon.status_code == 200
    assert _listed(everything, about_to_breach) == {"case_due", "step_due", "far", "tomorrow"}
    assert _listed(due_soon, about_to_breach) == {"case_due", "step_due"}
    assert due_soon.content.decode().count("about to breach</span>") == 2
    # The full queue marks the same two.
    assert everything.content.decode().count("about to breach</span>") == 2


def test_officers_of_another_agency_do_not_see_them(
    about_to_breach: dict[str, Application], clerk_b: Any, catalog: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk_b)

    theirs = client.get(reverse("cases:queue", args=[catalog.agency_a.code]), {"due_soon": "1"})
    own = client.get(reverse("cases:queue", args=[catalog.agency_b.code]), {"due_soon": "1"})

    assert theirs.status_code == 404
    assert own.status_code == 200
    assert _listed(own, about_to_breach) == {"agency_b"}


def test_the_scan_warns_of_the_same_cases_the_queue_lists(
    about_to_breach: dict[str, Application], clerk_a: Any, clerk_b: Any
) -> None:
    delays.scan_due_soon()
    warned = {
        name
        for name, app in about_to_breach.items()
        if Notification.objects.filter(event=Event.DUE_SOON, application=app).exists()
    }
    assert warned == {"case_due", "step_due", "agency_b"}
    assert {n.recipient for n in warnings_to(clerk_b)} == {clerk_b}
    assert all(n.application.agency_id == n.agency_id for n in warnings_to(clerk_a))
    assert not any(n.application == about_to_breach["agency_b"] for n in warnings_to(clerk_a))
