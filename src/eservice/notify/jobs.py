"""Background work of the notify module: delivery, the sweep, and the delay scan."""

from __future__ import annotations

import logging

from django.conf import settings

from eservice.jobs.registry import job, periodic
from eservice.notify import delays, outbox

log = logging.getLogger("eservice.notify")


# One attempt per job: a notification keeps its own attempts and next attempt time.
@job("notify.deliver", max_attempts=1)
def deliver(id: int) -> None:
    outbox.deliver(id)


@job("notify.sweep", max_attempts=1)
def sweep() -> None:
    queued = outbox.sweep()
    if queued:
        log.info("sweep: %s unsent messages queued again", queued)


@job("notify.scan", max_attempts=1)
def scan() -> None:
    report = delays.scan_delays()
    warnings = delays.scan_due_soon()
    if report.notices_sent or report.reasons_requested or warnings:
        log.info(
            "delay scan: %s notices sent, %s reasons asked for, %s warnings",
            report.notices_sent,
            report.reasons_requested,
            warnings,
        )


periodic("notify.sweep", every=lambda: settings.NOTIFY_SWEEP_INTERVAL)
periodic("notify.scan", every=lambda: settings.NOTIFY_SCAN_INTERVAL)
