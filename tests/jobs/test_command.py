"""``eservice worker --burst``: runs the jobs due now on the configured backend, and says how many."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.management import call_command

from eservice.jobs.queue import Backend, enqueue
from tests.jobs.support import JOBS_DB, Calls

pytestmark = JOBS_DB


def _burst() -> str:
    out = io.StringIO()
    call_command("worker", "--burst", stdout=out)
    return out.getvalue().strip()


def test_burst_runs_the_jobs_due_and_prints_how_many(
    queue: Backend, calls: Calls, monday: datetime, others_not_due: None
) -> None:
    due = [{"n": n} for n in range(3)]
    for args in due:
        enqueue("test.record", args)
    enqueue("test.record", {"n": "tomorrow"}, run_at=monday + timedelta(days=1))

    assert _burst() == f"{len(due)} jobs run."
    # Queued at the same moment, so in no particular order.
    assert sorted(calls, key=lambda call: call[1]["n"]) == [("test.record", args) for args in due]
    assert queue.pending() == 1

    assert _burst() == "0 jobs run."
    assert len(calls) == len(due)


def test_burst_starts_the_periodic_jobs_due(
    queue: Backend, every_minute: str, calls: Calls, others_not_due: None
) -> None:
    assert _burst() == "1 jobs run."
    assert calls == [(every_minute, {})]
