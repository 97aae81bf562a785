"""Background jobs kept in the database (the embedded queue) and the schedule of periodic ones."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from eservice.core.clock import now


class Job(models.Model):
    """One call of a registered job function, waiting, running or finished."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    name = models.CharField(max_length=100)
    args = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    run_at = models.DateTimeField(default=now)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    # While running: which worker holds it and until when; a worker that died lets go then.
    worker = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Workers ask for the oldest job due; finished ones drop out of this index.
            models.Index(
                fields=["run_at", "id"],
                name="jobs_due_idx",
                condition=Q(state__in=["queued", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"


class Schedule(models.Model):
    """When a periodic job next runs; workers race to move ``next_run_at`` and one wins."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at}"
