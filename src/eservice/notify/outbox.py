"""Writing notifications with the change that causes them, and delivering them after.

``create`` is called inside the transaction of the change, so the message and
the change are committed together or not at all. A delivery job is queued with
it; the sweep queues again anything a crash left behind. ``deliver`` claims a
notification with a conditional update before sending it, so two workers (or
a job and a sweep) never send the same one at once.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from eservice.accounts.models import User
from eservice.catalog.models import Agency
from eservice.core.clock import now
from eservice.core.errors import NotFound, ValidationFailed
from eservice.jobs.queue import enqueue
from eservice.jobs.worker import retry_delay
from eservice.notify.channels import SENDERS, Outcome
from eservice.notify.models import (
    RETRYABLE,
    Channel,
    Endpoint,
    Notification,
    Preference,
    Status,
    Template,
)
from eservice.notify.render import fill, problems, wording

log = logging.getLogger("eservice.notify")

# How long a worker may take to send one message before another may try.
CLAIM = timedelta(minutes=5)
# How long the sweep leaves a new message to its own delivery job.
GRACE = timedelta(seconds=60)


# --- preferences -------------------------------------------------------------------


def sms_available() -> bool:
    """Return whether an SMS provider is configured."""
    return bool(settings.SMS_PROVIDER_URL)


def preference_for(user: User) -> Preference:
    """Return the person's choices (email on, SMS off, their language until they choose)."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user, language=user.preferred_language or "th")


def set_preferences(user: User, *, email: bool, sms: bool, language: str) -> Preference:
    """Save how the person wants to hear from the platform; refuse a channel they cannot use."""
    errors: dict[str, list[str]] = {}
    if language not in ("th", "en"):
        errors["language"] = [_("Choose Thai or English.")]
    if email and not user.email:
        errors["email"] = [_("Add an email address to your account first.")]
    if sms and not user.phone:
        errors["sms"] = [_("Add a mobile phone number to your account first.")]
    elif sms and not sms_available():
        errors["sms"] = [_("SMS is not available on this platform.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    preference = preference_for(user)
    preference.email, preference.sms, preference.language = email, sms, language
    preference.save()
    return preference


# --- writing ------------------------------------------------------------------------


def create(
    event: str,
    channel: str,
    *,
    language: str,
    context: dict[str, Any],
    recipient: User | None = None,
    address: str = "",
    agency_id: int | None = None,
    application_id: int | None = None,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
) -> Notification | None:
    """Write one notification (call inside the change's transaction) and queue its delivery.

    With ``key``, a second call with the same key writes nothing and returns None.
    """
    if key and Notification.objects.filter(key=key).exists():
        return None
    moment = now()
    subject = body = ""
    if channel != Channel.WEBHOOK:
        words = wording(agency_id, event, channel, language)
        with translation.override(language):
            subject, body = fill(words.subject, context), fill(words.body, context)
    notification = Notification(
        event=event,
        channel=channel,
        recipient=recipient,
        address=address,
        language=language,
        subject=subject[:300],
        body=body,
        payload=payload or {},
        agency_id=agency_id,
        application_id=application_id,
        key=key,
        created_at=moment,
        next_attempt_at=moment,
    )
    if channel == Channel.INBOX:
        notification.status = Status.DELIVERED
        notification.completed_at = notification.sent_at = moment
    elif not address:
        notification.status = Status.PERMANENT_FAILURE
        notification.completed_at = moment
        notification.last_error = "no address to send to"
    notification.save()
    if notification.status == Status.CREATED:
        enqueue("notify.deliver", {"id": notification.pk})
    return notification


def channels_for(user: User, preference: Preference) -> list[tuple[str, str]]:
    """Return (channel, address) pairs the person receives on: the inbox, then their choices."""
    found = [(Channel.INBOX.value, "")]
    if preference.email and user.email:
        found.append((Channel.EMAIL.value, user.email))
    if preference.sms and user.phone and sms_available():
        found.append((Channel.SMS.value, user.phone))
    return found


def notify_person(
    user: User,
    event: str,
    context: dict[str, Any],
    *,
    agency_id: int | None,
    application_id: int | None = None,
    key: str | None = None,
) -> list[Notification]:
    """Tell a person on every channel they chose, in their language."""
    preference = preference_for(user)
    # In English, the name in Latin letters when the person gave one.
    name = (preference.language == "en" and user.full_name_en) or user.display_name()
    context = {**context, "name": context.get("name") or name}
    made = []
    for channel, address in channels_for(user, preference):
        notification = create(
            event,
            channel,
            language=preference.language,
            context=context,
            recipient=user,
            address=address,
            agency_id=agency_id,
            application_id=application_id,
            key=f"{key}:{channel}" if key else None,
        )
        if notification is not None:
            made.append(notification)
    return made


def notify_agency_system(
    event: str, payload: dict[str, Any], *, agency_id: int, application_id: int | None, key: str
) -> Notification | None:
    """Post the event to the agency's webhook, when it has one."""
    endpoint = Endpoint.objects.filter(agency_id=agency_id, active=True).first()
    if endpoint is None:
        return None
    return create(
        event,
        Channel.WEBHOOK,
        language="en",
        context={},
        address=endpoint.url,
        agency_id=agency_id,
        application_id=application_id,
        payload={"event": event, **payload},
        key=key,
    )


def new_secret_value() -> str:
    return secrets.token_urlsafe(32)


# --- delivering -----------------------------------------------------------------------


def _claimable(moment: Any) -> Q:
    return (
        Q(status=Status.CREATED)
        | Q(status__in=RETRYABLE, completed_at__isnull=True, next_attempt_at__lte=moment)
        | Q(status=Status.SENDING, claimed_until__lt=moment)
    )


def deliver(notification_id: int) -> str:
    """Send one notification if nobody else is; return its status afterwards."""
    moment = now()
    taken = Notification.objects.filter(_claimable(moment), pk=notification_id).update(
        status=Status.SENDING, claimed_until=moment + CLAIM, attempts=F("attempts") + 1
    )
    if not taken:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        outcome = SENDERS[notification.channel].send(notification)
    except Exception as exc:  # a bug in a channel must not leave the message claimed
        log.exception("notification %s: channel error", notification.public_id)
        outcome = Outcome(Status.TECHNICAL_FAILURE, error=f"{type(exc).__name__}: {exc}")
    return record(notification, outcome)


def record(notification: Notification, outcome: Outcome) -> str:
    """Store how a delivery attempt went and queue the next attempt when there is one."""
    moment = now()
    fields: dict[str, Any] = {
        "status": outcome.status,
        "claimed_until": None,
        "sent_at": moment,
        "last_error": outcome.error[:2000],
    }
    if outcome.reference:
        fields["reference"] = outcome.reference[:200]
    retry_at = None
    if outcome.status in RETRYABLE and notification.attempts < settings.NOTIFY_MAX_ATTEMPTS:
        retry_at = moment + retry_delay(notification.attempts)
        fields["next_attempt_at"] = retry_at
    elif outcome.status != Status.SENDING:
        fields["completed_at"] = moment
    Notification.objects.filter(pk=notification.pk).update(**fields)
    if retry_at is not None:
        enqueue("notify.deliver", {"id": notification.pk}, run_at=retry_at)
    if outcome.status != Status.DELIVERED:
        log.info(
            "notification %s (%s) %s: %s",
            notification.public_id,
            notification.channel,
            outcome.status,
            outcome.error,
        )
    return str(outcome.status)


def sweep() -> int:
    """Queue delivery of every message a crash or a lost job left unsent; return how many."""
    moment = now()
    stale = (
        Notification.objects.filter(
            Q(status=Status.CREATED, created_at__lt=moment - GRACE)
            | Q(status__in=RETRYABLE, completed_at__isnull=True, next_attempt_at__lt=moment - GRACE)
            | Q(status=Status.SENDING, claimed_until__lt=moment)
        )
        .extra(  # the partial index's condition, literally: SQLite ignores it with parameters
            where=[
                '"notify_notification"."status" IN '
                "('created', 'sending', 'temporary-failure', 'technical-failure')"
            ]
        )
        .order_by()
        .values_list("pk", flat=True)[:1000]
    )
    count = 0
    for pk in stale:
        enqueue("notify.deliver", {"id": pk})
        count += 1
    return count


RECEIPT_STATUSES = {
    "delivered": Status.DELIVERED,
    "permanent-failure": Status.PERMANENT_FAILURE,
    "temporary-failure": Status.TEMPORARY_FAILURE,
}


def receipt(reference: str, status: str) -> Notification:
    """Record the SMS provider's final word on a message it accepted."""
    if status not in RECEIPT_STATUSES:
        raise ValidationFailed(
            _("Unknown delivery status."),
            {"status": [_("Use one of: %(values)s") % {"values": ", ".join(RECEIPT_STATUSES)}]},
        )
    match = Q(reference=reference) if reference else Q(pk__in=[])
    with contextlib.suppress(ValueError):
        match |= Q(public_id=uuid.UUID(reference))
    notification = Notification.objects.filter(match, channel=Channel.SMS).first()
    if notification is None:
        raise NotFound(_("No such message."))
    if notification.status == Status.SENDING and notification.claimed_until is None:
        # Like GOV.UK Notify, a message the phone did not take is not sent again.
        Notification.objects.filter(pk=notification.pk).update(
            status=RECEIPT_STATUSES[status], completed_at=now()
        )
        notification.refresh_from_db()
    return notification


def retry(notification: Notification) -> Notification:
    """Try a failed message again now (the agency's failures page)."""
    if notification.status not in (Status.PERMANENT_FAILURE, *RETRYABLE):
        raise ValidationFailed(_("Only a failed message can be sent again."), {})
    moment = now()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.CREATED, completed_at=None, next_attempt_at=moment, attempts=0
    )
    enqueue("notify.deliver", {"id": notification.pk})
    notification.refresh_from_db()
    return notification


# --- agency settings ---------------------------------------------------------------------


def set_endpoint(agency: Agency, *, url: str, active: bool, new_secret: bool) -> Endpoint:
    """Save the agency's webhook; a new endpoint always gets a signing secret."""
    url = url.strip()
    validator = URLValidator(schemes=["http", "https"])
    try:
        validator(url)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Enter the address of your system (http or https)."),
            {"url": [_("Enter a valid URL.")]},
        ) from None
    endpoint = Endpoint.objects.filter(agency=agency).first() or Endpoint(agency=agency)
    endpoint.url, endpoint.active = url, active
    if new_secret or not endpoint.secret:
        endpoint.secret = new_secret_value()
    endpoint.save()
    return endpoint


def save_template(
    agency: Agency,
    user: User,
    event: str,
    channel: str,
    language: str,
    *,
    subject: str,
    body: str,
) -> Template:
    """Save the agency's own wording of a message after checking it."""
    errors = problems(subject, body, channel)
    if errors:
        raise ValidationFailed(_("The template was not saved."), errors)
    template, _created = Template.objects.update_or_create(
        agency=agency,
        event=event,
        channel=channel,
        language=language,
        defaults={
            "subject": subject if channel != Channel.SMS else "",
            "body": body,
            "updated_at": now(),
            "updated_by": user,
        },
    )
    return template
