"""The ways a message leaves the platform, behind one interface.

Each channel sends one notification and says how it went, in the delivery
statuses of GOV.UK Notify. A channel never raises for a delivery problem: it
returns a failure, which is permanent (do not retry) or temporary or technical
(retry later). Every message carries the notification's id (email Message-ID,
the SMS reference, the webhook's Idempotency-Key), so a receiver can tell a
repeated delivery after a crash from a new message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from eservice.notify.models import Channel, Endpoint, Notification, Status


@dataclass(frozen=True)
class Outcome:
    status: Status
    reference: str = ""
    error: str = ""


class Sender(ABC):
    """One channel: sends a notification, returns how it went."""

    @abstractmethod
    def send(self, notification: Notification) -> Outcome: ...


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    """One HTTP client for the process: a new client per message costs ~35 ms of setup."""
    return httpx.Client(timeout=settings.NOTIFY_HTTP_TIMEOUT)


def message_id(notification: Notification) -> str:
    return f"<{notification.public_id}@eservice>"


class EmailSender(Sender):
    """Email through Django's email backend (SMTP in production, files in the demo)."""

    def send(self, notification: Notification) -> Outcome:
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={
                "Message-ID": message_id(notification),
                "Auto-Submitted": "auto-generated",
                "Content-Language": notification.language,
            },
            connection=get_connection(fail_silently=False),
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _smtp_outcome(code, text)
        except smtplib.SMTPResponseException as exc:
            return _smtp_outcome(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(Status.TECHNICAL_FAILURE, error=f"{type(exc).__name__}: {exc}")
        return Outcome(Status.DELIVERED, reference=message_id(notification))


def _smtp_outcome(code: int, text: bytes | str) -> Outcome:
    reply = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    error = f"SMTP {code} {reply}"
    if 500 <= code < 600:
        return Outcome(Status.PERMANENT_FAILURE, error=error)
    return Outcome(Status.TEMPORARY_FAILURE, error=error)


def e164(phone: str) -> str:
    """Return a Thai phone number as +66…; other numbers keep their + form."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if digits.startswith("+"):
        return digits
    if digits.startswith("0"):
        return "+66" + digits[1:]
    return "+" + digits


class SmsSender(Sender):
    """SMS through an HTTP provider: POST JSON, bearer token; receipts come back later.

    The provider answers 2xx with ``{"id": ..., "status": "accepted" | "delivered"}``;
    a 4xx other than 408/429 means the message can never be sent (a bad number);
    anything else is tried again later.
    """

    def send(self, notification: Notification) -> Outcome:
        if not settings.SMS_PROVIDER_URL:
            return Outcome(Status.TECHNICAL_FAILURE, error="SMS_PROVIDER_URL is not set")
        try:
            response = _http().post(
                settings.SMS_PROVIDER_URL,
                json={
                    "to": e164(notification.address),
                    "message": notification.body,
                    "sender": settings.SMS_SENDER,
                    "reference": str(notification.public_id),
                },
                headers={
                    "Authorization": f"Bearer {settings.SMS_PROVIDER_TOKEN}",
                    "Idempotency-Key": str(notification.public_id),
                },
                timeout=settings.NOTIFY_HTTP_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            return Outcome(Status.TECHNICAL_FAILURE, error=f"{type(exc).__name__}: {exc}")
        return _http_outcome(response, provider=True)


def _http_outcome(response: httpx.Response, *, provider: bool) -> Outcome:
    error = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.is_success:
        reference, status = "", ""
        if provider:
            try:
                data = response.json()
                reference, status = str(data.get("id", "")), str(data.get("status", ""))
            except (ValueError, AttributeError):
                pass
        if provider and status != "delivered":
            return Outcome(Status.SENDING, reference=reference)
        return Outcome(Status.DELIVERED, reference=reference)
    if 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429):
        return Outcome(Status.PERMANENT_FAILURE, error=error)
    return Outcome(Status.TECHNICAL_FAILURE, error=error)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the webhook signature: HMAC-SHA256 of ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


class WebhookSender(Sender):
    """A signed POST of the event to the agency's own system."""

    def send(self, notification: Notification) -> Outcome:
        endpoint = (
            Endpoint.objects.filter(agency_id=notification.agency_id, active=True).first()
            if notification.agency_id is not None
            else None
        )
        if endpoint is None:
            return Outcome(Status.PERMANENT_FAILURE, error="the agency has no active webhook")
        body = json.dumps(notification.payload, ensure_ascii=False, sort_keys=True).encode()
        timestamp = int(time.time())
        try:
            response = _http().post(
                endpoint.url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Eservice-Event": notification.event,
                    "X-Eservice-Signature": f"t={timestamp},v1={signature(endpoint.secret, timestamp, body)}",
                    "Idempotency-Key": str(notification.public_id),
                },
                timeout=settings.NOTIFY_HTTP_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            return Outcome(Status.TECHNICAL_FAILURE, error=f"{type(exc).__name__}: {exc}")
        return _http_outcome(response, provider=False)


class InboxSender(Sender):
    """The in-app inbox: the notification is the message, delivered when written."""

    def send(self, notification: Notification) -> Outcome:
        return Outcome(Status.DELIVERED)


SENDERS: dict[str, Sender] = {
    Channel.EMAIL: EmailSender(),
    Channel.SMS: SmsSender(),
    Channel.WEBHOOK: WebhookSender(),
    Channel.INBOX: InboxSender(),
}
