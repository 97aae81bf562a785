"""The API of messages: my inbox, my choices, and the SMS provider's receipts."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from eservice.notify import outbox
from eservice.notify.models import Channel, Event, Notification, Status
from tests.api.conftest import token_client
from tests.factories import submitted_application

API = "/api/v1"


def test_my_messages_lists_my_inbox_only_newest_first(
    catalog: Any, applicant: Any, other_applicant: Any, monday: Any
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    submitted_application(other_applicant, catalog.food_shop)

    body = token_client(applicant).get(f"{API}/me/messages/").json()

    assert body["count"] == 1
    message = body["results"][0]
    assert message["event"] == Event.SUBMITTED
    assert message["tracking_number"] == app.tracking_number
    assert app.tracking_number in message["body"]
    assert message["read"] is False


def test_my_messages_needs_sign_in(db: None) -> None:
    assert APIClient().get(f"{API}/me/messages/").status_code == 401


def test_preferences_are_read_and_changed_and_a_channel_without_address_is_refused(
    applicant: Any, settings: Any
) -> None:
    settings.SMS_PROVIDER_URL = ""
    applicant.phone = "0812345678"
    applicant.save()
    client = token_client(applicant, HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(f"{API}/me/notification-preferences/").json() == {
        "email": True,
        "sms": False,
        "language": "th",
        "sms_available": False,
    }

    changed = client.put(
        f"{API}/me/notification-preferences/",
        {"email": False, "sms": False, "language": "en"},
        format="json",
    )
    assert changed.status_code == 200
    assert outbox.preference_for(applicant).language == "en"
    assert outbox.preference_for(applicant).email is False

    refused = client.put(
        f"{API}/me/notification-preferences/",
        {"email": True, "sms": True, "language": "en"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["sms"] == ["SMS is not available on this platform."]
    assert outbox.preference_for(applicant).email is False  # nothing half-saved
    applicant.phone = ""
    applicant.save()
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/sms"
    no_phone = client.put(
        f"{API}/me/notification-preferences/",
        {"email": False, "sms": True, "language": "en"},
        format="json",
    )
    assert no_phone.json()["errors"]["sms"] == ["Add a mobile phone number to your account first."]


@pytest.fixture
def accepted_sms(applicant: Any) -> Notification:
    made = outbox.create(
        Event.SUBMITTED,
        Channel.SMS,
        language="th",
        context={"tracking_number": "X"},
        recipient=applicant,
        address="0812345678",
    )
    assert made is not None
    Notification.objects.filter(pk=made.pk).update(status=Status.SENDING, reference="prov-1")
    return made


def test_a_receipt_with_the_token_records_the_final_status(
    accepted_sms: Notification, settings: Any
) -> None:
    settings.SMS_RECEIPT_TOKEN = "receipt-secret"
    client = APIClient(HTTP_AUTHORIZATION="Bearer receipt-secret")

    answer = client.post(
        f"{API}/sms-receipts/",
        {"reference": "prov-1", "status": "permanent-failure"},
        format="json",
    )

    assert answer.status_code == 204
    accepted_sms.refresh_from_db()
    assert accepted_sms.status == Status.PERMANENT_FAILURE
    assert accepted_sms.completed_at is not None


def test_a_receipt_without_the_right_token_changes_nothing(
    accepted_sms: Notification, settings: Any
) -> None:
    settings.SMS_RECEIPT_TOKEN = "receipt-secret"
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer guess"}):
        answer = APIClient(**header).post(
            f"{API}/sms-receipts/", {"reference": "prov-1", "status": "delivered"}, format="json"
        )
        assert answer.status_code == 403
    accepted_sms.refresh_from_db()
    assert accepted_sms.status == Status.SENDING


def test_a_receipt_for_an_unknown_message_is_404_and_a_bad_status_400(
    accepted_sms: Notification, settings: Any
) -> None:
    settings.SMS_RECEIPT_TOKEN = "receipt-secret"
    client = APIClient(HTTP_AUTHORIZATION="Bearer receipt-secret")
    unknown = client.post(
        f"{API}/sms-receipts/", {"reference": "nope", "status": "delivered"}, format="json"
    )
    assert unknown.status_code == 404
    bad = client.post(
        f"{API}/sms-receipts/", {"reference": "prov-1", "status": "lost"}, format="json"
    )
    assert bad.status_code == 400
