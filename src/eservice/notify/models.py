"""Messages to applicants, officers, the oversight office and agency systems.

A Notification is one message on one channel to one recipient. It is written
in the same transaction as the change it reports and delivered after commit,
with a status like GOV.UK Notify's.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eservice.core.clock import now


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")
    INBOX = "inbox", pgettext_lazy("channel", "Inbox")


class Event(models.TextChoices):
    """What a message is about; each has a template per channel and language."""

    SUBMITTED = "submitted", _("Application received")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    RESUBMITTED = "resubmitted", _("Documents sent")
    STEP_DONE = "step_done", _("Step completed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DELAY_NOTICE = "delay_notice", _("Notice of delay")
    # To officers.
    DELAY_REASON_NEEDED = "delay_reason_needed", _("Reason for delay needed")
    DUE_SOON = "due_soon", _("Time limit about to pass")
    DELAY_UNEXPLAINED = "delay_unexplained", _("Delay notice sent without a reason")


APPLICANT_EVENTS = [
    Event.SUBMITTED,
    Event.DOCUMENTS_REQUESTED,
    Event.RESUBMITTED,
    Event.STEP_DONE,
    Event.APPROVED,
    Event.REJECTED,
    Event.DOCUMENT_ISSUED,
    Event.WITHDRAWN,
    Event.DELAY_NOTICE,
]
OFFICER_EVENTS = [Event.DELAY_REASON_NEEDED, Event.DUE_SOON, Event.DELAY_UNEXPLAINED]


class Status(models.TextChoices):
    """Delivery status, as GOV.UK Notify names them."""

    CREATED = "created", _("Created")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    PERMANENT_FAILURE = "permanent-failure", _("Permanent failure")
    TEMPORARY_FAILURE = "temporary-failure", _("Temporary failure")
    TECHNICAL_FAILURE = "technical-failure", _("Technical failure")


FAILURES = [Status.PERMANENT_FAILURE, Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE]
RETRYABLE = [Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE]


class Preference(models.Model):
    """How a person wants to hear from the platform; the inbox always receives."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    language = models.CharField(_("language of messages"), max_length=2, default="th")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class Template(models.Model):
    """An agency's own wording of one event's message on one channel in one language.

    Without one, the platform's wording (``data/templates.yaml``) is used.
    """

    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=32, choices=Event.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=2)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(default=now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "event", "channel", "language"], name="one_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.event} {self.channel} {self.language}"


class Endpoint(models.Model):
    """An agency system that receives every case event as a signed webhook."""

    agency = models.OneToOneField(
        "catalog.Agency", on_delete=models.CASCADE, related_name="notify_endpoint"
    )
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)

    def __str__(self) -> str:
        return f"{self.agency_id} → {self.url}"


class Notification(models.Model):
    """One message on one channel to one recipient, and how its delivery went."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=32, choices=Event.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # A person (applicant or officer), or only an address (oversight office, agency system).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, default="th")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    application = models.ForeignKey(
        "cases.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        "catalog.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # At most one notification per key: the scans may run twice, a message is made once.
    key = models.CharField(max_length=150, null=True, blank=True, unique=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now)
    # While sending: the claim lasts until then; a worker that died lets go of it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "created_at"], name="notify_inbox_idx"),
            models.Index(fields=["agency", "status", "created_at"], name="notify_agency_idx"),
            # The sweep looks only at what is not finished.
            models.Index(
                fields=["next_attempt_at"],
                name="notify_unfinished_idx",
                condition=Q(status__in=["created", "sending", *RETRYABLE]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} by {self.channel} ({self.status})"


class DelayNotice(models.Model):
    """One of the notices of delay an overdue case owes every 7 days (Act s.10)."""

    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="delay_notices"
    )
    sequence = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    reason_requested_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    expected_date = models.DateField(null=True, blank=True)
    reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="one_delay_notice")
        ]

    def __str__(self) -> str:
        return f"delay notice {self.sequence} for {self.application_id}"
