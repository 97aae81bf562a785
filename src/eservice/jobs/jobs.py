"""The job runner's own housekeeping."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from eservice.core.clock import now
from eservice.jobs.models import Job
from eservice.jobs.registry import job, periodic


@job("jobs.cleanup", max_attempts=1)
def cleanup() -> None:
    """Delete finished jobs older than ``JOBS_KEEP_DAYS`` (failed ones too)."""
    cutoff = now() - timedelta(days=settings.JOBS_KEEP_DAYS)
    Job.objects.filter(
        state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=cutoff
    ).delete()


periodic("jobs.cleanup", every=lambda: 3600)
