"""Each channel against a real server: email over SMTP, SMS and webhooks over HTTP.

The SMTP server (aiosmtpd) and the HTTP server (the SMS provider, the agency's
system) listen on loopback and are started by the tests (``conftest.py``).
Messages are delivered the way the platform delivers them: a case change writes
the notification and queues its job, and the worker runs it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

import pytest

from eservice.jobs.models import Job
from eservice.jobs.worker import Worker, retry_delay
from eservice.notify import outbox
from eservice.notify.models import Channel, Endpoint, Notification, Status
from tests.factories import FOOD_SHOP, VALID_ANSWERS, submitted_application
from tests.notify.conftest import HttpServer, SmtpServer, free_port

PHONE = "081-234-5678"
PHONE_E164 = "+66812345678"
SMS_TOKEN = "test-sms-token-7f3a"
WEBHOOK_SECRET = "whsec-9c1e4b7d2a"


def _run_worker() -> int:
    return Worker(name="test-worker").run_pending()


def _notification(app: Any, channel: str) -> Notification:
    return Notification.objects.get(application=app, channel=channel, event="submitted")


def _deliver_jobs(notification: Notification) -> list[Job]:
    return list(
        Job.objects.filter(name="notify.deliver", args={"id": notification.pk}, state="queued")
    )


# --- email ------------------------------------------------------------------------


@pytest.fixture
def smtp(smtp_server: SmtpServer, monday: datetime) -> SmtpServer:
    return smtp_server


def test_the_applicant_receives_an_email_in_thai_when_the_case_is_submitted(
    smtp: SmtpServer, catalog: Any, applicant: Any, monday: datetime
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    [received] = smtp.messages
    notification = _notification(app, Channel.EMAIL)
    assert received.rcpt_tos == ["somchai@example.com"]
    message = received.message
    assert message["To"] == "somchai@example.com"
    assert message["Subject"].strip() == f"ได้รับคำขอของท่านแล้ว เลขที่คำขอ {app.tracking_number}"
    body = message.get_content()
    assert body.startswith("เรียน สมชาย ใจดี")
    assert f"เลขที่คำขอ: {app.tracking_number}" in body
    assert f"/my/applications/{app.public_id}/" in body
    assert message["Content-Language"] == "th"
    assert message["Auto-Submitted"] == "auto-generated"
    # The receiver tells a repeated delivery from a new message by this id.
    assert message["Message-ID"] == f"<{notification.public_id}@eservice>"

    assert notification.status == Status.DELIVERED
    assert notification.attempts == 1
    assert notification.completed_at == monday
    assert notification.reference == f"<{notification.public_id}@eservice>"


def test_the_email_is_in_english_for_an_applicant_who_chose_english(
    smtp: SmtpServer, catalog: Any, applicant: Any
) -> None:
    outbox.set_preferences(applicant, email=True, sms=False, language="en")
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    [received] = smtp.messages
    message = received.message
    assert message["Subject"].strip() == f"We have received your application {app.tracking_number}"
    body = message.get_content()
    assert body.startswith("Dear Somchai Jaidee,")
    assert f"Tracking number: {app.tracking_number}" in body
    assert "ได้รับคำขอ" not in body
    assert message["Content-Language"] == "en"
    assert _notification(app, Channel.EMAIL).status == Status.DELIVERED


def test_a_recipient_refused_with_550_is_a_permanent_failure_and_is_not_tried_again(
    smtp: SmtpServer, catalog: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    smtp.refuse("somchai@example.com", "550 5.1.1 No such user here", times=5)
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.EMAIL)
    assert notification.status == Status.PERMANENT_FAILURE
    assert "550" in notification.last_error
    assert notification.completed_at == monday
    assert _deliver_jobs(notification) == []

    # A day later, workers and sweeps have run: the address was not tried again.
    clock.set(monday + timedelta(days=1))
    _run_worker()
    assert smtp.recipients_tried == ["somchai@example.com"]
    assert smtp.messages == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PERMANENT_FAILURE, 1)


def test_a_recipient_refused_with_451_is_tried_again_after_the_backoff_and_delivered(
    smtp: SmtpServer, catalog: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    smtp.refuse("somchai@example.com", "451 4.2.0 Mailbox busy, try later", times=1)
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.EMAIL)
    assert notification.status == Status.TEMPORARY_FAILURE
    assert "451" in notification.last_error
    assert notification.completed_at is None
    assert notification.next_attempt_at == monday + retry_delay(1)
    assert smtp.messages == []

    # Not before its time.
    clock.set(monday + retry_delay(1) - timedelta(seconds=1))
    _run_worker()
    assert smtp.recipients_tried == ["somchai@example.com"]

    clock.set(monday + retry_delay(1))
    _run_worker()
    [received] = smtp.messages
    assert received.message["Message-ID"] == f"<{notification.public_id}@eservice>"
    notification.refresh_from_db()
    assert notification.status == Status.DELIVERED
    assert notification.attempts == 2
    assert notification.last_error == ""


def test_an_smtp_server_that_is_down_is_a_technical_failure_tried_again_later(
    smtp: SmtpServer, settings: Any, catalog: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    settings.EMAIL_PORT = free_port()  # nothing listens there: the mail server is down
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.EMAIL)
    assert notification.status == Status.TECHNICAL_FAILURE
    assert "Connection" in notification.last_error
    assert notification.completed_at is None
    assert notification.next_attempt_at == monday + retry_delay(1)

    settings.EMAIL_PORT = smtp.port  # the mail server is back
    clock.set(monday + retry_delay(1))
    _run_worker()
    assert len(smtp.messages) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.DELIVERED, 2)


# --- SMS ----------------------------------------------------------------------------


@pytest.fixture
def sms_applicant(applicant: Any, http_server: HttpServer, settings: Any, monday: datetime) -> Any:
    """The applicant, with a mobile number, who chose to hear by SMS only."""
    settings.SMS_PROVIDER_URL = f"{http_server.url}/v1/messages"
    settings.SMS_PROVIDER_TOKEN = SMS_TOKEN
    settings.SMS_SENDER = "eservice"
    applicant.phone = PHONE
    applicant.save(update_fields=["phone"])
    outbox.set_preferences(applicant, email=False, sms=True, language="th")
    return applicant


def test_an_sms_goes_to_the_provider_with_the_number_in_international_form(
    sms_applicant: Any, catalog: Any, http_server: HttpServer, clock: Any, monday: datetime
) -> None:
    http_server.respond((200, {"id": "prov-1001", "status": "accepted"}))
    app = submitted_application(sms_applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.SMS)
    [request] = http_server.requests
    assert request.path == "/v1/messages"
    assert request.header("Authorization") == f"Bearer {SMS_TOKEN}"
    assert request.header("Idempotency-Key") == str(notification.public_id)
    sent = request.json()
    assert sent["to"] == PHONE_E164
    assert sent["reference"] == str(notification.public_id)
    assert sent["sender"] == "eservice"
    assert sent["message"] == notification.body
    assert app.tracking_number in sent["message"]
    assert "ได้รับคำขอ" in sent["message"]
    assert not Notification.objects.filter(application=app, channel=Channel.EMAIL).exists()

    # Accepted by the provider, not yet on the phone.
    assert notification.status == Status.SENDING
    assert notification.reference == "prov-1001"
    assert notification.completed_at is None

    # While waiting for the receipt it is not sent again, however long it takes.
    clock.set(monday + timedelta(hours=6))
    _run_worker()
    assert len(http_server.requests) == 1

    outbox.receipt("prov-1001", "delivered")
    notification.refresh_from_db()
    assert notification.status == Status.DELIVERED
    assert notification.completed_at == monday + timedelta(hours=6)


def test_a_receipt_of_permanent_failure_by_the_notifications_id_is_final(
    sms_applicant: Any, catalog: Any, http_server: HttpServer, clock: Any, monday: datetime
) -> None:
    http_server.respond((200, {"status": "accepted"}))  # a provider that gives no id of its own
    app = submitted_application(sms_applicant, catalog.food_shop)
    _run_worker()
    notification = _notification(app, Channel.SMS)
    assert notification.status == Status.SENDING

    outbox.receipt(str(notification.public_id), "permanent-failure")
    clock.set(monday + timedelta(days=1))
    _run_worker()

    notification.refresh_from_db()
    assert notification.status == Status.PERMANENT_FAILURE
    assert len(http_server.requests) == 1  # a number that cannot take it is not tried again


def test_an_sms_the_provider_reports_delivered_at_once_is_delivered(
    sms_applicant: Any, catalog: Any, http_server: HttpServer, monday: datetime
) -> None:
    http_server.respond((200, {"id": "prov-2002", "status": "delivered"}))
    app = submitted_application(sms_applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.SMS)
    assert notification.status == Status.DELIVERED
    assert notification.reference == "prov-2002"
    assert notification.completed_at == monday


def test_an_sms_the_provider_refuses_with_400_is_a_permanent_failure(
    sms_applicant: Any, catalog: Any, http_server: HttpServer, clock: Any, monday: datetime
) -> None:
    http_server.respond((400, {"error": "invalid number"}))
    app = submitted_application(sms_applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.SMS)
    assert notification.status == Status.PERMANENT_FAILURE
    assert "HTTP 400" in notification.last_error
    assert notification.completed_at == monday
    assert _deliver_jobs(notification) == []

    clock.set(monday + timedelta(days=1))
    _run_worker()
    assert len(http_server.requests) == 1


def test_an_sms_provider_error_500_is_a_technical_failure_tried_again(
    sms_applicant: Any, catalog: Any, http_server: HttpServer, clock: Any, monday: datetime
) -> None:
    http_server.respond(500, (200, {"id": "prov-3003", "status": "delivered"}))
    app = submitted_application(sms_applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.SMS)
    assert notification.status == Status.TECHNICAL_FAILURE
    assert "HTTP 500" in notification.last_error
    assert notification.next_attempt_at == monday + retry_delay(1)
    assert len(http_server.requests) == 1

    clock.set(monday + retry_delay(1))
    _run_worker()
    first, second = http_server.requests
    # The same message again: the provider can tell it is a repeat.
    assert second.json() == first.json()
    assert second.header("Idempotency-Key") == str(notification.public_id)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.DELIVERED, 2)


# --- webhooks ---------------------------------------------------------------------------


@pytest.fixture
def endpoint(catalog: Any, http_server: HttpServer, monday: datetime) -> Endpoint:
    """Agency A's own system, receiving every case event."""
    return Endpoint.objects.create(
        agency=catalog.agency_a, url=f"{http_server.url}/hooks/eservice", secret=WEBHOOK_SECRET
    )


def _verified(request: Any, secret: str) -> int:
    """Check the signature as the agency's system does; return its timestamp."""
    parts = dict(part.split("=", 1) for part in request.header("X-Eservice-Signature").split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected), "the signature does not verify"
    return timestamp


def test_a_case_event_is_posted_signed_to_the_agencys_system(
    endpoint: Endpoint, catalog: Any, applicant: Any, http_server: HttpServer, monday: datetime
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.WEBHOOK)
    [request] = http_server.requests
    assert request.path == "/hooks/eservice"
    assert request.header("Content-Type") == "application/json"
    assert request.header("X-Eservice-Event") == "submitted"
    assert request.header("Idempotency-Key") == str(notification.public_id)
    assert _verified(request, WEBHOOK_SECRET) == int(monday.timestamp())
    with pytest.raises(AssertionError):
        _verified(request, "someone-elses-secret")

    data = request.json()
    assert data["tracking_number"] == app.tracking_number
    assert data["event"] == "submitted"
    assert data["status"] == "submitted"
    assert data["service"] == FOOD_SHOP

    # The case's identifiers only: nothing about the person.
    text = request.body.decode()
    answers = VALID_ANSWERS[FOOD_SHOP]
    for personal in (
        applicant.full_name_th,
        applicant.full_name_en,
        "สมชาย",
        "Somchai",
        applicant.national_id,
        applicant.email,
        applicant.username,
        answers["owner_national_id"],
        answers["shop_name"],
    ):
        assert personal not in text, personal
    assert set(data) <= {
        "tracking_number",
        "application",
        "service",
        "status",
        "due_at",
        "at",
        "step",
        "event",
    }
    assert notification.status == Status.DELIVERED


def test_a_webhook_answered_503_is_tried_again_after_the_backoff(
    endpoint: Endpoint,
    catalog: Any,
    applicant: Any,
    http_server: HttpServer,
    clock: Any,
    monday: datetime,
) -> None:
    http_server.respond(503, 200)
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.WEBHOOK)
    assert notification.status == Status.TECHNICAL_FAILURE
    assert "HTTP 503" in notification.last_error
    assert notification.next_attempt_at == monday + retry_delay(1)

    clock.set(monday + retry_delay(1) - timedelta(seconds=1))
    _run_worker()
    assert len(http_server.requests) == 1

    later = clock.set(monday + retry_delay(1))
    _run_worker()
    first, second = http_server.requests
    assert first.body == second.body
    assert second.header("Idempotency-Key") == first.header("Idempotency-Key")
    assert second.header("Idempotency-Key") == str(notification.public_id)
    # Signed again at the time it is sent.
    assert _verified(second, WEBHOOK_SECRET) == int(later.timestamp())
    notification.refresh_from_db()
    assert notification.status == Status.DELIVERED
    assert notification.attempts == 2


def test_a_webhook_answered_410_is_a_permanent_failure(
    endpoint: Endpoint,
    catalog: Any,
    applicant: Any,
    http_server: HttpServer,
    clock: Any,
    monday: datetime,
) -> None:
    http_server.respond(410)
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    notification = _notification(app, Channel.WEBHOOK)
    assert notification.status == Status.PERMANENT_FAILURE
    assert "HTTP 410" in notification.last_error
    assert notification.completed_at == monday

    clock.set(monday + timedelta(days=1))
    _run_worker()
    assert len(http_server.requests) == 1


def test_an_agency_that_turned_its_webhook_off_receives_nothing(
    endpoint: Endpoint, catalog: Any, applicant: Any, http_server: HttpServer
) -> None:
    endpoint.active = False
    endpoint.save()
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker()

    assert http_server.requests == []
    assert not Notification.objects.filter(application=app, channel=Channel.WEBHOOK).exists()
