"""Submitting an application: answers and documents checked, number and deadline given."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from eservice.cases import actions
from eservice.cases.models import Application, TimelineEvent
from eservice.cases.states import Status
from eservice.core import tracking
from eservice.core.errors import InvalidTransition, ValidationFailed
from tests.factories import (
    FOOD_SHOP,
    bangkok,
    draft_application,
    pdf_upload,
    png_upload,
    submitted_application,
    thai_id,
    valid_answers,
)


def test_it_submits_with_a_tracking_number_and_a_deadline(
    catalog: Any, applicant: Any, clock: Any
) -> None:
    now = clock.set(bangkok(2026, 3, 10, 10, 0))  # Tuesday
    app = submitted_application(applicant, catalog.food_shop)

    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert app.submitted_at == now
    assert tracking.normalise(app.tracking_number) == app.tracking_number
    # 8 working days, the day of receipt not counted: Wed 11 ... Fri 20 March.
    assert app.due_at == bangkok(2026, 3, 20, 16, 30)
    assert app.paused_at is None and app.remaining_minutes is None
    event = TimelineEvent.objects.get(application=app, action="submit")
    assert (event.actor, event.from_status, event.to_status) == (applicant, "draft", "submitted")


def test_it_counts_the_deadline_on_the_agencys_own_calendar(
    catalog: Any, applicant: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 6, 16, 10, 0))  # Tuesday; agency A is closed on Friday 19 June
    app = submitted_application(applicant, catalog.food_shop)
    # Wed 17, Thu 18, (Fri 19 off), Mon 22 ... Mon 29: the 8th working day.
    assert app.due_at == bangkok(2026, 6, 29, 16, 30)


def test_it_counts_hours_for_a_service_limited_in_hours(
    catalog: Any, applicant: Any, clock: Any
) -> None:
    # Agency B keeps working on 19 June: 1 hour on Thursday, 1 hour on Friday morning.
    clock.set(bangkok(2026, 6, 18, 15, 30))
    app = submitted_application(applicant, catalog.house_copy)
    assert app.due_at == bangkok(2026, 6, 19, 9, 30)


def test_it_accepts_an_image_and_skips_optional_documents(catalog: Any, applicant: Any) -> None:
    app = draft_application(applicant, catalog.food_shop)
    actions.upload_document(app, applicant, "id-card", png_upload())
    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    assert actions.submission_problems(app) == {}
    assert actions.submit(app, applicant).status == Status.SUBMITTED


BAD_ANSWERS = {
    "owner_national_id": "1101700207031",  # wrong check digit
    "area_sqm": 0,
    "seats": "sixty",
    "shop_size": "huge",
    "opening_date": "2026-02-30",
    "sells_alcohol": "yes",
}


def test_it_refuses_bad_answers_and_missing_documents_field_by_field(
    catalog: Any, applicant: Any
) -> None:
    app = actions.start_application(applicant, catalog.food_shop)
    actions.save_answers(app, applicant, BAD_ANSWERS)
    actions.upload_document(app, applicant, "id-card", pdf_upload())

    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        actions.submit(app, applicant)

    errors = caught.value.errors
    assert errors == {
        "shop_name": ["This field is required."],
        "owner_national_id": ["Enter a valid 13-digit Thai national ID number."],
        "area_sqm": ["Enter a value of at least 1."],
        "seats": ["Enter a whole number."],
        "shop_size": ["Choose one of the options."],
        "opening_date": ["Enter a valid date."],
        "sells_alcohol": ["This value has the wrong type."],
        "document:house-registration": ["Upload this document."],
    }
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert app.tracking_number is None and app.due_at is None
    assert not TimelineEvent.objects.filter(application=app).exists()


def test_it_explains_problems_in_thai(catalog: Any, applicant: Any) -> None:
    app = actions.start_application(applicant, catalog.food_shop)
    actions.save_answers(
        app, applicant, {**valid_answers(FOOD_SHOP), "shop_size": "huge", "shop_name": ""}
    )
    with translation.override("th"), pytest.raises(ValidationFailed) as caught:
        actions.submit(app, applicant)
    errors = caught.value.errors
    assert errors["shop_size"] == ["กรุณาเลือกจากตัวเลือกที่กำหนด"]
    assert errors["document:id-card"] == ["กรุณาอัปโหลดเอกสารนี้"]
    assert "shop_name" in errors


def test_it_checks_text_length_and_the_national_id_check_digit(
    catalog: Any, applicant: Any
) -> None:
    app = draft_application(applicant, catalog.food_shop)
    app = actions.save_answers(
        app,
        applicant,
        {
            **valid_answers(FOOD_SHOP),
            "shop_name": "ก",
            "owner_national_id": thai_id("110400055555"),
        },
    )
    problems = actions.submission_problems(app)
    assert set(problems) == {"shop_name", "document:id-card", "document:house-registration"}


def test_it_keeps_only_the_forms_fields_in_a_draft(catalog: Any, applicant: Any) -> None:
    app = actions.start_application(applicant, catalog.food_shop)
    app = actions.save_answers(app, applicant, {**valid_answers(FOOD_SHOP), "is_admin": True})
    app.refresh_from_db()
    assert app.answers == valid_answers(FOOD_SHOP)


def test_it_freezes_answers_once_submitted(catalog: Any, applicant: Any) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    with pytest.raises(InvalidTransition):
        actions.save_answers(app, applicant, {**valid_answers(FOOD_SHOP), "shop_name": "ร้านใหม่"})
    assert Application.objects.get(pk=app.pk).answers["shop_name"] == "ร้านข้าวซอยป้าศรี"


def test_it_refuses_a_document_the_manual_does_not_ask_for(catalog: Any, applicant: Any) -> None:
    app = draft_application(applicant, catalog.food_shop)
    with pytest.raises(ValidationFailed) as caught:
        actions.upload_document(app, applicant, "passport", pdf_upload())
    assert "requirement" in caught.value.errors


def test_it_gives_every_application_its_own_number(
    catalog: Any, applicant: Any, other_applicant: Any
) -> None:
    first = submitted_application(applicant, catalog.food_shop)
    second = submitted_application(other_applicant, catalog.food_shop)
    assert first.tracking_number != second.tracking_number
