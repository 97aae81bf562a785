"""Every change to a case tells its applicant: in the inbox, and by the channels they chose.

The messages are written in the transaction of the change, in the applicant's
language (Thai unless they chose English, with Buddhist-era years in Thai),
with the agency's own wording where it wrote one. What only the agency sees
(internal notes, assignment) tells the applicant nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from eservice.cases import actions
from eservice.cases.models import Application
from eservice.documents.services import documents_of
from eservice.notify import outbox
from eservice.notify.models import Channel, Event, Notification, Preference, Status, Template
from tests.factories import REQUESTED_DOCUMENT, submitted_application

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
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def local_day(value: date | datetime) -> date:
    from django.utils import timezone

    return timezone.localdate(value) if isinstance(value, datetime) else value


def thai_date(value: date | datetime) -> str:
    """Return the date as a Thai reader writes it: Thai month, Buddhist-era year."""
    day = local_day(value)
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def english_date(value: date | datetime) -> str:
    day = local_day(value)
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def messages_to(user: Any, event: str, channel: str = Channel.INBOX) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event, channel=channel))


def only(user: Any, event: str, channel: str = Channel.INBOX) -> Notification:
    found = messages_to(user, event, channel)
    assert len(found) == 1, [(n.event, n.channel) for n in found]
    return found[0]


def events_of(user: Any) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(recipient=user).values_list("event", "channel"))


# --- one message per case event ----------------------------------------------------------


def test_submitting_tells_the_applicant_with_the_tracking_number_and_due_date(
    make_case: Any, applicant: Any
) -> None:
    app = make_case("submitted")

    inbox = only(applicant, Event.SUBMITTED)
    assert inbox.application_id == app.pk
    assert inbox.status == Status.DELIVERED
    assert app.tracking_number in inbox.subject
    assert thai_date(app.due_at) in inbox.body
    text = inbox.body.replace(app.tracking_number, "")
    assert str(app.due_at.year + 543) in text
    assert str(app.due_at.year) not in text
    email = only(applicant, Event.SUBMITTED, Channel.EMAIL)
    assert email.address == applicant.email
    assert email.status == Status.CREATED  # waiting for the worker, not lost
    assert applicant.full_name_th in email.body
    assert str(app.public_id) in email.body  # the link to the application's page


def test_a_retried_submission_sends_no_second_message(make_case: Any, applicant: Any) -> None:
    app = make_case("submitted")
    actions.submit(Application.objects.get(pk=app.pk), applicant)
    assert len(messages_to(applicant, Event.SUBMITTED)) == 1
    assert len(messages_to(applicant, Event.SUBMITTED, Channel.EMAIL)) == 1


def test_a_request_for_documents_lists_them_and_the_date_to_send_them_by(
    make_case: Any, applicant: Any
) -> None:
    app = make_case("returned")
    request = app.document_request

    inbox = only(applicant, Event.DOCUMENTS_REQUESTED)
    email = only(applicant, Event.DOCUMENTS_REQUESTED, Channel.EMAIL)
    names = [item["name_th"] for item in request.items]
    assert [item["code"] for item in request.items] == [REQUESTED_DOCUMENT]
    for message in (inbox, email):
        assert all(name in message.body for name in names)
        assert thai_date(request.respond_by) in message.body
        assert request.note in message.body


def test_sending_the_documents_tells_the_applicant_they_arrived(
    case_at: Any, applicant: Any
) -> None:
    app = case_at("returned_ready")
    assert messages_to(applicant, Event.RESUBMITTED) == []

    app = actions.resubmit(app, applicant, "ส่งสำเนาที่ชัดแล้ว")

    inbox = only(applicant, Event.RESUBMITTED)
    assert app.tracking_number in inbox.body
    assert thai_date(app.due_at) in inbox.body  # the clock runs again, to a new date
    assert "ส่งสำเนาที่ชัดแล้ว" not in inbox.subject
    only(applicant, Event.RESUBMITTED, Channel.EMAIL)


def test_a_completed_step_is_named(make_case: Any, applicant: Any, clerk_a: Any) -> None:
    app = make_case("in_review")
    step = app.service_version.steps.get(position=1)

    actions.complete_step(app, clerk_a, "เอกสารครบ")

    inbox = only(applicant, Event.STEP_DONE)
    assert step.name_th in inbox.subject
    assert step.name_th in only(applicant, Event.STEP_DONE, Channel.EMAIL).body


def test_approval_tells_of_the_decision_and_of_the_document_issued(
    case_at: Any, applicant: Any, approver_a: Any
) -> None:
    app = actions.approve(case_at("last_step"), approver_a, "ให้มีถังดับเพลิง 2 ถัง")
    document = documents_of(app.pk).get()

    approved = only(applicant, Event.APPROVED)
    assert app.tracking_number in approved.subject
    assert "ให้มีถังดับเพลิง 2 ถัง" in approved.body
    issued = only(applicant, Event.DOCUMENT_ISSUED)
    assert document.number in issued.subject
    assert document.number in only(applicant, Event.DOCUMENT_ISSUED, Channel.EMAIL).body


def test_a_refusal_gives_the_reasons_and_how_to_appeal(
    make_case: Any, applicant: Any, approver_a: Any
) -> None:
    app = actions.reject(
        make_case("in_review"),
        approver_a,
        "สถานที่ไม่ถูกสุขลักษณะ",
        "อุทธรณ์ต่อนายกเทศมนตรีภายใน 15 วัน",
    )

    for channel in (Channel.INBOX, Channel.EMAIL):
        message = only(applicant, Event.REJECTED, channel)
        assert "สถานที่ไม่ถูกสุขลักษณะ" in message.body
        assert "อุทธรณ์ต่อนายกเทศมนตรีภายใน 15 วัน" in message.body
        assert app.tracking_number in message.subject
    assert messages_to(applicant, Event.APPROVED) == []


def test_withdrawing_confirms_it_with_the_reason_given(make_case: Any, applicant: Any) -> None:
    app = make_case("withdrawn")

    inbox = only(applicant, Event.WITHDRAWN)
    assert app.tracking_number in inbox.subject
    assert "เปลี่ยนใจ" in only(applicant, Event.WITHDRAWN, Channel.EMAIL).body


def test_a_whole_case_sends_one_message_per_event(
    case_at: Any, applicant: Any, approver_a: Any
) -> None:
    actions.approve(case_at("last_step"), approver_a)
    events = [event for event, channel in events_of(applicant) if channel == Channel.INBOX]
    assert sorted(events) == sorted(
        [
            Event.SUBMITTED,
            Event.STEP_DONE,  # step 1 of 3
            Event.STEP_DONE,  # step 2 of 3; the last ends with the decision
            Event.APPROVED,
            Event.DOCUMENT_ISSUED,
        ]
    )


# --- what the agency keeps to itself ---------------------------------------------------------


def test_internal_notes_and_assignment_tell_the_applicant_nothing(
    make_case: Any, applicant: Any, clerk_a: Any, reviewer_a: Any
) -> None:
    app = make_case("in_review")
    before = Notification.objects.count()

    actions.add_note(app, clerk_a, "ผู้ยื่นเคยถูกร้องเรียนเรื่องกลิ่น")
    actions.assign(app, clerk_a, reviewer_a)
    actions.assign(app, clerk_a, None)

    assert Notification.objects.count() == before
    assert not Notification.objects.filter(body__contains="ถูกร้องเรียน").exists()


# --- channels ------------------------------------------------------------------------------


def test_an_applicant_without_an_email_address_hears_in_the_inbox_only(
    catalog: Any, other_applicant: Any, monday: datetime
) -> None:
    submitted_application(other_applicant, catalog.food_shop)
    assert events_of(other_applicant) == [(Event.SUBMITTED, Channel.INBOX)]


def test_an_applicant_who_turned_email_off_gets_none(
    catalog: Any, applicant: Any, monday: datetime
) -> None:
    outbox.set_preferences(applicant, email=False, sms=False, language="th")
    submitted_application(applicant, catalog.food_shop)
    assert events_of(applicant) == [(Event.SUBMITTED, Channel.INBOX)]


def test_sms_goes_out_when_the_platform_has_a_provider_and_the_applicant_chose_it(
    catalog: Any, applicant: Any, monday: datetime, settings: Any
) -> None:
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/sms"
    applicant.phone = "0812345678"
    applicant.save(update_fields=["phone"])
    outbox.set_preferences(applicant, email=True, sms=True, language="th")

    app = submitted_application(applicant, catalog.food_shop)

    assert events_of(applicant) == sorted(
        [(Event.SUBMITTED, c) for c in (Channel.INBOX, Channel.EMAIL, Channel.SMS)]
    )
    sms = only(applicant, Event.SUBMITTED, Channel.SMS)
    assert sms.address == "0812345678"
    assert app.tracking_number in sms.body
    assert sms.subject == ""


def test_no_sms_without_a_provider_even_if_chosen_before(
    catalog: Any, applicant: Any, monday: datetime, settings: Any
) -> None:
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/sms"
    applicant.phone = "0812345678"
    applicant.save(update_fields=["phone"])
    outbox.set_preferences(applicant, email=True, sms=True, language="th")
    settings.SMS_PROVIDER_URL = ""  # the platform stopped its SMS contract

    submitted_application(applicant, catalog.food_shop)

    assert messages_to(applicant, Event.SUBMITTED, Channel.SMS) == []
    only(applicant, Event.SUBMITTED, Channel.EMAIL)


@pytest.mark.parametrize(
    ("setup", "choice", "field"),
    [
        ("no_email", {"email": True, "sms": False}, "email"),
        ("provider", {"email": False, "sms": True}, "sms"),  # no phone number
        ("phone", {"email": False, "sms": True}, "sms"),  # no SMS provider
        ("none", {"email": False, "sms": False, "language": "fr"}, "language"),
    ],
)
def test_preferences_refuse_a_channel_the_person_cannot_use(
    other_applicant: Any, settings: Any, setup: str, choice: dict[str, Any], field: str
) -> None:
    from eservice.core.errors import ValidationFailed

    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/sms" if setup == "provider" else ""
    if setup == "phone":
        other_applicant.phone = "0898765432"
        other_applicant.save(update_fields=["phone"])
    with pytest.raises(ValidationFailed) as refused:
        outbox.set_preferences(other_applicant, **{"language": "th", **choice})
    assert list(refused.value.errors) == [field]
    assert not Preference.objects.filter(user=other_applicant).exists()


# --- language ------------------------------------------------------------------------------


def test_messages_are_in_english_for_an_applicant_who_chose_it(
    catalog: Any, applicant: Any, monday: datetime
) -> None:
    outbox.set_preferences(applicant, email=True, sms=False, language="en")

    app = submitted_application(applicant, catalog.food_shop)

    inbox = only(applicant, Event.SUBMITTED)
    email = only(applicant, Event.SUBMITTED, Channel.EMAIL)
    assert (inbox.language, email.language) == ("en", "en")
    assert inbox.subject == f"Application {app.tracking_number} received"
    assert catalog.food_shop.current_version.name_en in inbox.body
    assert catalog.agency_a.name_en in email.body
    for message in (inbox, email):
        text = message.body.replace(app.tracking_number, "").replace(str(app.public_id), "")
        assert english_date(app.due_at) in text
        assert str(app.due_at.year + 543) not in text
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in message.subject)


def test_an_english_request_for_documents_names_them_in_english(
    catalog: Any, applicant: Any, clerk_a: Any, monday: datetime
) -> None:
    outbox.set_preferences(applicant, email=False, sms=False, language="en")
    app = actions.request_documents(
        submitted_application(applicant, catalog.food_shop), clerk_a, [{"code": "id-card"}]
    )
    inbox = only(applicant, Event.DOCUMENTS_REQUESTED)
    assert "National ID card" in inbox.body
    assert english_date(app.document_request.respond_by) in inbox.body


def test_thai_is_the_language_until_the_applicant_chooses(make_case: Any, applicant: Any) -> None:
    make_case("submitted")
    inbox = only(applicant, Event.SUBMITTED)
    assert inbox.language == "th"
    assert inbox.subject.startswith("ได้รับคำขอ")


# --- the agency's own wording ----------------------------------------------------------------


def test_the_agencys_own_template_replaces_the_platforms(
    catalog: Any, applicant: Any, admin_a: Any, monday: datetime
) -> None:
    Template.objects.create(
        agency=catalog.agency_a,
        event=Event.SUBMITTED,
        channel=Channel.INBOX,
        language="th",
        subject="เทศบาลรับเรื่อง {{ tracking_number }} แล้ว",
        body="{{ name }} โปรดรอเจ้าหน้าที่ติดต่อกลับภายใน {{ due_date }}",
        updated_by=admin_a,
    )

    app = submitted_application(applicant, catalog.food_shop)
    other = submitted_application(applicant, catalog.house_copy)  # agency B: its own words

    mine = Notification.objects.get(
        recipient=applicant, application=app, event=Event.SUBMITTED, channel=Channel.INBOX
    )
    assert mine.subject == f"เทศบาลรับเรื่อง {app.tracking_number} แล้ว"
    assert (
        mine.body == f"{applicant.full_name_th} โปรดรอเจ้าหน้าที่ติดต่อกลับภายใน {thai_date(app.due_at)}"
    )
    # Only the inbox template was changed: the email keeps the platform's wording.
    email = Notification.objects.get(application=app, event=Event.SUBMITTED, channel=Channel.EMAIL)
    assert email.subject.startswith("ได้รับคำขอของท่านแล้ว")
    theirs = Notification.objects.get(
        application=other, event=Event.SUBMITTED, channel=Channel.INBOX
    )
    assert theirs.subject.startswith("ได้รับคำขอ")
    assert "เทศบาลรับเรื่อง" not in theirs.subject
