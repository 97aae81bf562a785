"""Notices of delay (Licensing Facilitation Act B.E. 2558 s.10), with the clock frozen.

A case undecided past its time limit owes its applicant a notice every 7 days,
copied to the oversight office (OPDC), giving the reason and a new expected
date. The officer holding the case is asked for the reason 2 working days
ahead; a notice goes out on its calendar day even when that is a holiday; a
missing reason does not hold it back but tells the supervisors; a decision
ends the notices; an outage of the scan sends one catch-up notice, not a burst.

The standard case is a food-shop licence (8 working days) received on Monday
9 March 2026 at 09:00: its limit ends at closing time on Thursday 19 March.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from eservice.accounts.models import OfficerRole, User
from eservice.cases import actions
from eservice.cases.models import Application, TimelineEvent
from eservice.catalog.services import calendar_for
from eservice.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from eservice.core.workdays import WorkingCalendar
from eservice.notify import delays
from eservice.notify.models import Channel, DelayNotice, Event, Notification, Status
from tests.factories import bangkok, submitted_application

OPDC = "opdc@example.go.th"
PERIOD = timedelta(days=7)

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def thai_date(day: date) -> str:
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


@pytest.fixture(autouse=True)
def _oversight(settings: Any) -> None:
    settings.NOTIFY_OVERSIGHT_EMAIL = OPDC
    settings.NOTIFY_REASON_LEAD_DAYS = 2


@pytest.fixture
def calendar(catalog: Any) -> WorkingCalendar:
    return calendar_for(catalog.agency_a.pk)


@pytest.fixture
def overdue(make_case: Any, calendar: WorkingCalendar) -> Application:
    """A case under consideration, held by clerk_a, whose limit ends Thu 19 March 16:30."""
    app = make_case("in_review")
    assert app.assigned_to is not None and app.assigned_to.username == "clerk_a"
    assert app.due_at == calendar.closing(date(2026, 3, 19))
    return app


def scan_at(clock: Any, moment: datetime) -> delays.ScanReport:
    clock.set(moment)
    return delays.scan_delays()


def delay_messages(user: Any, event: str = Event.DELAY_NOTICE, channel: str = "inbox") -> list[Any]:
    return list(
        Notification.objects.filter(recipient=user, event=event, channel=channel).order_by("id")
    )


def oversight_copies(app: Application) -> list[Notification]:
    return list(
        Notification.objects.filter(
            application=app, event=Event.DELAY_NOTICE, recipient__isnull=True
        ).order_by("id")
    )


def notices_on_timeline(app: Application, action: str) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.filter(application=app, action=action).order_by("at", "id"))


def snapshot(app: Application) -> tuple[int, int, int]:
    """Return what a scan that has nothing to do must leave unchanged."""
    return (
        Notification.objects.filter(application=app).count(),
        DelayNotice.objects.filter(application=app).count(),
        TimelineEvent.objects.filter(application=app, kind="notice").count(),
    )


# Notice 1 of the standard case is due 7 days after the limit: Thursday 26 March,
# 16:30. Two working days before it is Tuesday 24 March: asked at opening time.
NOTICE_1 = bangkok(2026, 3, 26, 16, 30)
ASK_1 = bangkok(2026, 3, 24, 8, 30)
NOTICE_2 = bangkok(2026, 4, 2, 16, 30)
ASK_2 = bangkok(2026, 3, 31, 8, 30)


def test_the_standard_dates_follow_from_the_act_and_the_calendar(
    overdue: Application, calendar: WorkingCalendar
) -> None:
    assert overdue.due_at + PERIOD == NOTICE_1
    assert overdue.due_at + 2 * PERIOD == NOTICE_2
    # Nothing but the weekend lies between: 2 working days ahead is Tuesday.
    assert calendar.working_days_between(ASK_1.date(), NOTICE_1.date()) == 2
    assert calendar.working_days_between(ASK_2.date(), NOTICE_2.date()) == 2
    assert ASK_1.time() == ASK_2.time() == calendar.opens


# --- asking for the reason -------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        bangkok(2026, 3, 19, 16, 31),  # just past the limit
        bangkok(2026, 3, 23, 16, 0),
        ASK_1 - timedelta(minutes=1),
    ],
)
def test_nothing_happens_before_the_officer_is_asked(
    overdue: Application, clock: Any, moment: datetime
) -> None:
    before = snapshot(overdue)
    report = scan_at(clock, moment)
    assert (report.reasons_requested, report.notices_sent) == (0, 0)
    assert snapshot(overdue) == before


def test_the_officer_holding_the_case_is_asked_two_working_days_ahead(
    overdue: Application,
    clock: Any,
    applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    approver_a: Any,
) -> None:
    report = scan_at(clock, ASK_1)

    assert (report.reasons_requested, report.notices_sent) == (1, 0)
    [asked] = delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)
    assert overdue.tracking_number in asked.subject
    assert "ครั้งที่ 1" in asked.body  # notice no. 1
    assert asked.status == Status.DELIVERED
    for other in (reviewer_a, approver_a, applicant):
        assert (
            Notification.objects.filter(recipient=other, application=overdue)
            .exclude(event__in=[Event.SUBMITTED, Event.STEP_DONE])
            .count()
            == 0
        )
    [event] = notices_on_timeline(overdue, "delay_reason_requested")
    assert event.internal  # the applicant does not see the agency's reminders
    assert (event.at, event.actor) == (ASK_1, None)
    assert DelayNotice.objects.get(application=overdue).reason_requested_at == ASK_1

    # The scan runs every few minutes: it asks once.
    before = snapshot(overdue)
    assert scan_at(clock, ASK_1 + timedelta(minutes=5)).reasons_requested == 0
    assert snapshot(overdue) == before


def test_an_unassigned_case_is_asked_of_the_agencys_clerks(
    make_case: Any, clock: Any, clerk_a: Any, reviewer_a: Any, catalog: Any
) -> None:
    app = make_case("submitted")
    assert app.assigned_to is None
    second = User.objects.create_user(username="clerk_a2", password="x")
    OfficerRole.objects.create(user=second, agency=catalog.agency_a, role="clerk")

    scan_at(clock, ASK_1)

    assert len(delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)) == 1
    assert len(delay_messages(second, Event.DELAY_REASON_NEEDED)) == 1
    assert delay_messages(reviewer_a, Event.DELAY_REASON_NEEDED) == []


def test_the_lead_time_is_a_setting_in_working_days(
    overdue: Application, clock: Any, clerk_a: Any, settings: Any
) -> None:
    settings.NOTIFY_REASON_LEAD_DAYS = 3
    scan_at(clock, bangkok(2026, 3, 20, 16, 0))  # Friday: 4 working days ahead
    assert delay_messages(clerk_a, Event.DELAY_REASON_NEEDED) == []
    scan_at(clock, bangkok(2026, 3, 23, 8, 30))  # Monday: 3 working days ahead
    assert len(delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)) == 1


# --- the officer's reason --------------------------------------------------------------------


def test_the_officer_records_the_reason_and_the_new_expected_date(
    overdue: Application, clock: Any, clerk_a: Any
) -> None:
    scan_at(clock, ASK_1)
    clock.set(bangkok(2026, 3, 25, 10, 0))

    notice = delays.give_reason(overdue, clerk_a, "  รอผลตรวจสถานที่  ", date(2026, 4, 10))

    notice.refresh_from_db()
    assert (notice.sequence, notice.reason, notice.expected_date) == (
        1,
        "รอผลตรวจสถานที่",
        date(2026, 4, 10),
    )
    assert (notice.reason_by, notice.reason_at) == (clerk_a, bangkok(2026, 3, 25, 10, 0))
    assert notice.sent_at is None


TOMORROW = date(2026, 3, 26)


@pytest.mark.parametrize(
    ("reason", "expected", "field"),
    [
        ("", TOMORROW, "reason"),
        ("   ", TOMORROW, "reason"),
        ("ก" * 2001, TOMORROW, "reason"),
        ("รอผลตรวจ", date(2026, 3, 24), "expected_date"),  # in the past
        ("รอผลตรวจ", date(2026, 3, 25), "expected_date"),  # today
        ("รอผลตรวจ", None, "expected_date"),
    ],
)
def test_a_reason_must_be_written_and_the_date_be_after_today(
    overdue: Application,
    clock: Any,
    clerk_a: Any,
    reason: str,
    expected: date | None,
    field: str,
) -> None:
    scan_at(clock, ASK_1)
    clock.set(bangkok(2026, 3, 25, 10, 0))
    with pytest.raises(ValidationFailed) as refused:
        delays.give_reason(overdue, clerk_a, reason, expected)
    assert list(refused.value.errors) == [field]
    notice = DelayNotice.objects.get(application=overdue)
    assert (notice.reason, notice.expected_date, notice.reason_by) == ("", None, None)


def test_an_officer_of_another_agency_learns_nothing_of_the_case(
    overdue: Application, clock: Any, clerk_b: Any, approver_b: Any
) -> None:
    clock.set(bangkok(2026, 3, 25, 10, 0))
    for officer in (clerk_b, approver_b):
        with pytest.raises(NotFound):
            delays.give_reason(overdue, officer, "ไม่เกี่ยว", date(2026, 4, 10))
    assert not DelayNotice.objects.filter(application=overdue).exists()


def test_another_clerk_may_not_write_the_reason_for_the_holder(
    overdue: Application, clock: Any, catalog: Any, approver_a: Any
) -> None:
    second = User.objects.create_user(username="clerk_a2", password="x")
    OfficerRole.objects.create(user=second, agency=catalog.agency_a, role="clerk")
    clock.set(bangkok(2026, 3, 25, 10, 0))
    with pytest.raises(Forbidden):
        delays.give_reason(overdue, second, "แทนเพื่อน", date(2026, 4, 10))
    assert not DelayNotice.objects.filter(application=overdue, reason__gt="").exists()
    # A supervisor may.
    assert delays.give_reason(overdue, approver_a, "รอผลแล็บ", date(2026, 4, 10)).reason


def test_no_reason_is_taken_for_a_case_within_its_limit(make_case: Any, clerk_a: Any) -> None:
    app = make_case("in_review")
    with pytest.raises(InvalidTransition):
        delays.give_reason(app, clerk_a, "เผื่อไว้ก่อน", date(2026, 4, 10))
    assert not DelayNotice.objects.filter(application=app).exists()


def test_a_reason_written_before_the_reminder_spares_the_reminder(
    overdue: Application, clock: Any, clerk_a: Any, applicant: Any
) -> None:
    clock.set(bangkok(2026, 3, 20, 9, 0))  # the day after the limit
    delays.give_reason(overdue, clerk_a, "ผู้ตรวจลาป่วย", date(2026, 4, 3))

    scan_at(clock, ASK_1)
    scan_at(clock, NOTICE_1)

    assert delay_messages(clerk_a, Event.DELAY_REASON_NEEDED) == []
    [notice] = delay_messages(applicant)
    assert "ผู้ตรวจลาป่วย" in notice.body
    assert thai_date(date(2026, 4, 3)) in notice.body


# --- the notices -------------------------------------------------------------------------


def test_notice_one_goes_to_the_applicant_and_the_oversight_office_on_its_day(
    overdue: Application,
    clock: Any,
    applicant: Any,
    clerk_a: Any,
    approver_a: Any,
    admin_a: Any,
    catalog: Any,
) -> None:
    scan_at(clock, ASK_1)
    clock.set(bangkok(2026, 3, 25, 10, 0))
    delays.give_reason(overdue, clerk_a, "รอผลตรวจสถานที่จากสาธารณสุข", date(2026, 4, 10))
    assert scan_at(clock, NOTICE_1 - timedelta(minutes=1)).notices_sent == 0
    assert delay_messages(applicant) == []

    report = scan_at(clock, NOTICE_1)

    assert report.notices_sent == 1
    assert report.cases == [overdue.tracking_number]
    for channel in (Channel.INBOX, Channel.EMAIL):
        [message] = delay_messages(applicant, channel=channel)
        assert "รอผลตรวจสถานที่จากสาธารณสุข" in message.body
        assert thai_date(date(2026, 4, 10)) in message.body
        assert thai_date(date(2026, 3, 19)) in message.body  # the limit that passed
        assert "7 วัน" in message.body  # days past the limit
        assert "ครั้งที่ 1" in message.subject
    [copy] = oversight_copies(overdue)
    assert (copy.channel, copy.address, copy.status) == (Channel.EMAIL, OPDC, Status.CREATED)
    assert copy.agency_id == catalog.agency_a.pk
    assert copy.language == "th"
    assert "รอผลตรวจสถานที่จากสาธารณสุข" in copy.body
    assert overdue.tracking_number in copy.subject
    assert catalog.agency_a.name_th in copy.subject
    # The oversight office gets the case, not the applicant's personal data.
    for private in (applicant.full_name_th, applicant.email, str(overdue.public_id)):
        assert private not in copy.body
    [event] = notices_on_timeline(overdue, "delay_notice")
    assert not event.internal  # the applicant sees it on the application's timeline
    assert "รอผลตรวจสถานที่จากสาธารณสุข" in event.text
    notice = DelayNotice.objects.get(application=overdue)
    assert (notice.sequence, notice.sent_at) == (1, NOTICE_1)
    # A reason was given: the supervisors are not troubled.
    for supervisor in (approver_a, admin_a):
        assert delay_messages(supervisor, Event.DELAY_UNEXPLAINED) == []

    before = snapshot(overdue)
    for later in (NOTICE_1, NOTICE_1 + timedelta(minutes=5), NOTICE_1 + timedelta(days=1)):
        assert scan_at(clock, later).notices_sent == 0
    assert snapshot(overdue) == before


def test_notice_two_follows_seven_days_later_with_a_new_reason(
    overdue: Application, clock: Any, applicant: Any, clerk_a: Any
) -> None:
    scan_at(clock, ASK_1)
    clock.set(bangkok(2026, 3, 25, 10, 0))
    delays.give_reason(overdue, clerk_a, "รอผลตรวจสถานที่", date(2026, 4, 1))
    scan_at(clock, NOTICE_1)

    # The first reason does not carry over: the officer is asked again.
    assert scan_at(clock, ASK_2 - timedelta(minutes=1)).reasons_requested == 0
    assert scan_at(clock, ASK_2).reasons_requested == 1
    asked = delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)
    assert len(asked) == 2
    assert "ครั้งที่ 2" in asked[-1].body
    clock.set(bangkok(2026, 4, 1, 9, 0))
    delays.give_reason(overdue, clerk_a, "ต้องตรวจสถานที่ซ้ำหลังปรับปรุง", date(2026, 4, 20))
    assert scan_at(clock, NOTICE_2 - timedelta(minutes=1)).notices_sent == 0

    assert scan_at(clock, NOTICE_2).notices_sent == 1

    first, second = delay_messages(applicant)
    assert "รอผลตรวจสถานที่" in first.body
    assert "ครั้งที่ 2" in second.subject
    assert "ต้องตรวจสถานที่ซ้ำหลังปรับปรุง" in second.body
    assert "รอผลตรวจสถานที่" not in second.body
    assert thai_date(date(2026, 4, 20)) in second.body
    assert "14 วัน" in second.body
    assert len(oversight_copies(overdue)) == 2
    assert [n.sequence for n in delays.notices_of(overdue)] == [1, 2]
    assert [n.sent_at for n in delays.notices_of(overdue)] == [NOTICE_1, NOTICE_2]
    assert len(notices_on_timeline(overdue, "delay_notice")) == 2


def test_a_notice_without_a_reason_still_goes_out_and_the_supervisors_are_told(
    overdue: Application,
    clock: Any,
    applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    approver_a: Any,
    admin_a: Any,
) -> None:
    scan_at(clock, ASK_1)
    report = scan_at(clock, NOTICE_1)

    assert report.notices_sent == 1
    with translation.override("th"):
        fallback = _(
            "The officer has not yet recorded the reason. The agency's supervisors have been told."
        )
    [message] = delay_messages(applicant)
    assert fallback in message.body
    [copy] = oversight_copies(overdue)
    assert fallback in copy.body
    for supervisor in (approver_a, admin_a):
        [told] = delay_messages(supervisor, Event.DELAY_UNEXPLAINED)
        assert overdue.tracking_number in told.subject
        assert "7 วัน" in told.body
    for officer in (clerk_a, reviewer_a):
        assert delay_messages(officer, Event.DELAY_UNEXPLAINED) == []
    assert DelayNotice.objects.get(application=overdue).sent_at == NOTICE_1

    scan_at(clock, NOTICE_1 + timedelta(minutes=5))
    assert len(delay_messages(approver_a, Event.DELAY_UNEXPLAINED)) == 1


@pytest.mark.parametrize("decision", ["approve", "reject", "withdraw"])
def test_a_decision_ends_the_notices(
    case_at: Any,
    clock: Any,
    applicant: Any,
    clerk_a: Any,
    approver_a: Any,
    decision: str,
) -> None:
    app = case_at("last_step")
    scan_at(clock, ASK_1)
    scan_at(clock, NOTICE_1)
    assert len(delay_messages(applicant)) == 1
    clock.set(bangkok(2026, 3, 27, 10, 0))
    if decision == "approve":
        actions.approve(app, approver_a, "อนุญาต")
    elif decision == "reject":
        actions.reject(app, approver_a, "ไม่ผ่านการตรวจ", "อุทธรณ์ได้ภายใน 15 วัน")
    else:
        actions.withdraw(app, applicant, "ไม่รอแล้ว")

    before = snapshot(app)
    for moment in (ASK_2, NOTICE_2, NOTICE_2 + 3 * PERIOD):
        report = scan_at(clock, moment)
        assert (report.reasons_requested, report.notices_sent) == (0, 0)
    assert snapshot(app) == before
    assert len(delay_messages(applicant)) == 1
    assert len(delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)) == 1


# --- holidays, and the scan not running -------------------------------------------------------


def test_a_notice_due_on_a_holiday_goes_out_that_day_and_the_reason_is_asked_on_working_days(
    catalog: Any, applicant: Any, clerk_a: Any, clock: Any, calendar: WorkingCalendar
) -> None:
    clock.set(bangkok(2026, 3, 26, 9, 0))  # a Thursday
    app = submitted_application(applicant, catalog.food_shop)
    assert app.due_at == calendar.closing(date(2026, 4, 8))  # a Wednesday, past Chakri Day
    notice_day = date(2026, 4, 15)
    # The notice falls on Songkran, and the two days before it are Songkran too.
    for day in (date(2026, 4, 13), date(2026, 4, 14), notice_day):
        assert not calendar.is_working_day(day)
        assert calendar.holiday_name(day)
    assert calendar.is_working_day(date(2026, 4, 10)) and calendar.is_working_day(date(2026, 4, 9))
    notice_at = calendar.closing(notice_day)
    asked_at = calendar.opening(date(2026, 4, 9))  # Fri 10 April and Thu 9 April are the 2
    assert app.due_at + PERIOD == notice_at

    for early in (app.due_at + timedelta(minutes=1), asked_at - timedelta(minutes=1)):
        assert scan_at(clock, early).reasons_requested == 0
    assert scan_at(clock, asked_at).reasons_requested == 1
    assert len(delay_messages(clerk_a, Event.DELAY_REASON_NEEDED)) == 1

    # The office is closed on Songkran; the Act's days run on.
    assert scan_at(clock, notice_at - timedelta(minutes=1)).notices_sent == 0
    assert delay_messages(applicant) == []
    assert scan_at(clock, notice_at).notices_sent == 1
    [message] = delay_messages(applicant)
    assert message.created_at == notice_at
    assert len(oversight_copies(app)) == 1


def test_after_an_outage_one_catch_up_notice_goes_out_not_one_per_missed_week(
    overdue: Application, clock: Any, applicant: Any, clerk_a: Any, calendar: WorkingCalendar
) -> None:
    # The scan did not run from before the limit until Friday 10 April, 03:00 in Bangkok:
    # notices were due on 26 March, 2 April and 9 April.
    back = bangkok(2026, 4, 10, 3, 0)
    missed = [overdue.due_at + n * PERIOD for n in (1, 2, 3)]
    assert all(due <= back for due in missed) and overdue.due_at + 4 * PERIOD > back

    report = scan_at(clock, back)

    assert report.notices_sent == 1
    [message] = delay_messages(applicant)
    assert len(delay_messages(applicant, channel=Channel.EMAIL)) == 1
    assert len(oversight_copies(overdue)) == 1
    assert len(notices_on_timeline(overdue, "delay_notice")) == 1
    # Days late are counted in Thailand: 19 March to 10 April.
    days_late = (back.date() - date(2026, 3, 19)).days
    assert f"มาแล้ว {days_late} วัน" in message.body
    [notice] = delays.notices_of(overdue)
    assert notice.due_at == missed[-1]
    assert scan_at(clock, back + timedelta(minutes=5)).notices_sent == 0

    # The next notice keeps the 7-day rhythm from the last one due.
    next_at = missed[-1] + PERIOD
    assert scan_at(clock, next_at - timedelta(minutes=1)).notices_sent == 0
    assert scan_at(clock, next_at).notices_sent == 1
    assert len(delay_messages(applicant)) == 2
    assert [n.due_at for n in delays.notices_of(overdue)] == [missed[-1], next_at]


def test_without_an_oversight_address_the_copy_fails_visibly_instead_of_being_lost(
    overdue: Application, clock: Any, settings: Any, approver_a: Any, catalog: Any
) -> None:
    settings.NOTIFY_OVERSIGHT_EMAIL = ""
    scan_at(clock, ASK_1)
    scan_at(clock, NOTICE_1)

    [copy] = oversight_copies(overdue)
    assert copy.status == Status.PERMANENT_FAILURE
    assert copy.last_error
    assert copy.completed_at == NOTICE_1

    client = Client()
    client.force_login(approver_a)
    page = client.get(reverse("notify:agency", args=[catalog.agency_a.code]))
    assert page.status_code == 200
    failures = page.content.decode().split('id="failures"', 1)[1]
    assert reverse("notify:retry", args=[catalog.agency_a.code, copy.public_id]) in failures
    assert reverse("cases:case", args=[overdue.tracking_number]) in failures
