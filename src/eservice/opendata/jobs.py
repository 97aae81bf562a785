"""The open datasets are regenerated on a schedule by the job runner."""

from __future__ import annotations

import logging

from django.conf import settings

from eservice.jobs.registry import job, periodic
from eservice.opendata.publish import publish

log = logging.getLogger("eservice.opendata")


@job("opendata.publish", max_attempts=1)
def publish_job() -> None:
    """Bring the open datasets up to date (incremental; the next run retries a failure)."""
    report = publish()
    log.info("open data: %s datasets rewritten", len(report.written))


periodic("opendata.publish", every=lambda: settings.OPENDATA_INTERVAL)
