"""Applications (cases), their steps, timeline and requests for documents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from eservice.cases.states import ACTIVE, QUEUE_STATES, Status
from eservice.core.clock import now


class Application(models.Model):
    """A person's application for a service, bound to the manual version it used."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(max_length=13, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    on_behalf_of = models.ForeignKey(
        "accounts.JuristicPerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Computed by the database from status: the agency's clock runs (see states.ACTIVE).
    in_queue = models.GeneratedField(
        expression=models.ExpressionWrapper(
            Q(status__in=QUEUE_STATES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    answers = models.JSONField(default=dict)
    # Data fetched from other agencies, by data service id: {"request_id", "at",
    # "provider_th", "provider_en", "fields": {property: value}, "replaces": [codes]}.
    prefill = models.JSONField(default=dict)
    # Data an officer read from other agencies to check the case (answers unchanged), by
    # data service id: {"request_id", "at", "by", "provider_th", "provider_en", "values"}.
    officer_reads = models.JSONField(default=dict)
    language = models.CharField(max_length=2, default="th")
    # Key the client sent with its create request; a retry with it returns this application.
    # NULL (not "") means "no key", so the conditional unique constraint ignores it.
    client_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    created_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # The overall clock. While paused, due_at is empty and the working
    # minutes that were left are kept in remaining_minutes.
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_minutes = models.IntegerField(null=True, blank=True)

    current_step = models.PositiveSmallIntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    decision_reasons = models.TextField(blank=True)
    appeal_info = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="queue_idx"),
            # The default queue: cases the agency must act on, due soonest first. The
            # database walks this index in order and stops after one page.
            models.Index(
                fields=["agency", "in_queue", "due_at", "submitted_at", "id"],
                name="open_queue_idx",
            ),
            models.Index(fields=["applicant", "created_at"], name="my_applications_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "client_key"],
                condition=Q(client_key__isnull=False),
                name="one_application_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"draft {self.public_id}"

    @property
    def is_overdue(self) -> bool:
        """Return whether the agency's clock has run past the overall time limit."""
        return self.status in ACTIVE and self.due_at is not None and self.due_at < now()


class StepInstance(models.Model):
    """One manual step as carried out on one case, with its own time limit."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey("catalog.Step", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="one_step_instance")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} step {self.position}"


class TimelineEvent(models.Model):
    """Something that happened to a case: who, when, what and why."""

    class Kind(models.TextChoices):
        TRANSITION = "transition"
        STEP_DONE = "step_done"
        ASSIGNED = "assigned"
        NOTE = "note"
        DOCUMENTS_UPLOADED = "documents_uploaded"
        DOCUMENT = "document"
        NOTICE = "notice"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    step_position = models.PositiveSmallIntegerField(null=True, blank=True)
    # Reason or note as written by the actor; shown to the applicant unless internal.
    text = models.TextField(blank=True)
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class DocumentRequest(models.Model):
    """The one request for more documents that s.8 of the Act allows."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="document_request"
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # [{"code": requirement code, "name_th": ..., "name_en": ...}]: what is missing
    items = models.JSONField()
    note = models.TextField(blank=True)
    respond_by = models.DateField()
    responded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"documents requested for {self.application_id}"
