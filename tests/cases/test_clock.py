"""The agency's clock: runs in working time, pauses for documents, resumes, runs late."""

from __future__ import annotations

from typing import Any

from eservice.cases import actions
from eservice.cases.states import Status
from eservice.catalog.services import calendar_for
from tests.factories import bangkok, pdf_upload, submitted_application

ITEMS = [{"code": "house-registration"}]


def test_it_resumes_across_a_weekend_and_songkran_with_the_time_that_was_left(
    catalog: Any, applicant: Any, clerk_a: Any, clock: Any
) -> None:
    # Thursday 2 April 2026: 8 working days end on Monday 20 April
    # (Chakri Day on 6 April and Songkran on 13-15 April are skipped).
    clock.set(bangkok(2026, 4, 2, 10, 0))
    app = submitted_application(applicant, catalog.food_shop)
    assert app.due_at == bangkok(2026, 4, 20, 16, 30)

    # Friday 3 April 14:30: the clerk asks for a document; 3,480 working minutes are left.
    clock.set(bangkok(2026, 4, 3, 14, 30))
    app = actions.request_documents(actions.start_check(app, clerk_a), clerk_a, ITEMS)
    assert (app.due_at, app.remaining_minutes) == (None, 3480)

    # Friday 10 April 15:00, the last working afternoon before Songkran: the reply.
    clock.set(bangkok(2026, 4, 10, 15, 0))
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    app = actions.resubmit(app, applicant)

    # 90 minutes on Friday, Thu 16 to Fri 24 April (7 days), 30 minutes on Monday 27.
    assert app.due_at == bangkok(2026, 4, 27, 9, 0)
    assert 90 + 7 * 480 + 30 == 3480
    calendar = calendar_for(catalog.agency_a.id)
    assert calendar.working_minutes_between(bangkok(2026, 4, 10, 15, 0), app.due_at) == 3480


def test_it_resumes_on_the_next_working_morning_after_an_evening_reply(
    catalog: Any, applicant: Any, clerk_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))  # Monday; due Thursday 19 March 16:30
    app = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 3, 9, 16, 30))  # at closing: all 8 days are left
    app = actions.request_documents(app, clerk_a, ITEMS)
    assert app.remaining_minutes == 8 * 480

    clock.set(bangkok(2026, 3, 14, 20, 0))  # Saturday evening
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    app = actions.resubmit(app, applicant)
    # Counting starts Monday 16 March 08:30: eight full days end Wednesday 25 March.
    assert app.due_at == bangkok(2026, 3, 25, 16, 30)


def test_it_skips_the_agencys_day_off_when_resuming(
    catalog: Any, applicant: Any, clerk_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 6, 8, 9, 0))  # Monday
    app = submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 6, 8, 15, 30))
    app = actions.request_documents(app, clerk_a, ITEMS)
    remaining = app.remaining_minutes

    clock.set(bangkok(2026, 6, 18, 16, 0))  # Thursday; Friday 19 June is agency A's day off
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    app = actions.resubmit(app, applicant)
    assert remaining == 60 + 8 * 480  # 1 h on 8 June, then 9 to 18 June
    # 30 min on Thursday, (Friday off), Mon 22 June ... Wed 1 July (8 days), 30 min on Thu 2.
    assert app.due_at == bangkok(2026, 7, 2, 9, 0)


def test_it_is_overdue_only_while_the_agency_holds_the_case_past_the_deadline(
    catalog: Any, applicant: Any, clerk_a: Any, approver_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 3, 9, 9, 0))
    app = submitted_application(applicant, catalog.food_shop)
    due = app.due_at
    clock.set(due)
    assert not app.is_overdue
    clock.set(bangkok(2026, 3, 19, 16, 31))
    assert due == bangkok(2026, 3, 19, 16, 30)
    assert app.is_overdue

    # Asked for documents late: no time is left, and the case is not overdue while paused.
    app = actions.request_documents(app, clerk_a, ITEMS)
    assert app.remaining_minutes == 0
    assert not app.is_overdue
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    clock.set(bangkok(2026, 3, 20, 10, 0))
    app = actions.resubmit(app, applicant)
    clock.set(bangkok(2026, 3, 20, 10, 1))
    assert app.is_overdue

    # A decision stops the clock.
    app = actions.reject(app, approver_a, "ไม่ครบถ้วน", "อุทธรณ์ภายใน 15 วัน")
    assert app.status == Status.REJECTED
    assert not app.is_overdue
