"""``jobs.cleanup`` deletes finished jobs after ``JOBS_KEEP_DAYS`` and keeps the rest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from eservice.jobs.models import Job
from eservice.jobs.queue import DatabaseBackend, enqueue
from eservice.jobs.worker import Worker
from tests.jobs.support import JOBS_DB, LEASE

pytestmark = JOBS_DB

DAY = timedelta(days=1)


@pytest.fixture
def history(
    transactional_db: None, settings: Any, clock: Any, monday: datetime, others_not_due: None
) -> None:
    """Jobs finished 8, 6 days and an hour before Monday, and some still waiting."""
    settings.JOBS_BACKEND = "database"
    queue = DatabaseBackend()

    def finish(name: str, at: datetime, *, retry_at: datetime | None = None, ok: bool) -> None:
        clock.set(at)
        queue.enqueue(name, {})
        job = queue.claim("worker-1", LEASE)
        assert job is not None
        if ok:
            queue.complete(job)
        else:
            queue.fail(job, "ValueError: bad", retry_at)

    finish("done-8-days-ago", monday - 8 * DAY, ok=True)
    finish("failed-8-days-ago", monday - 8 * DAY, ok=False)
    finish("retrying-since-8-days-ago", monday - 8 * DAY, ok=False, retry_at=monday + DAY)
    clock.set(monday - 30 * DAY)
    queue.enqueue("queued-30-days-ago", {}, run_at=monday + DAY)
    finish("done-6-days-ago", monday - 6 * DAY, ok=True)
    finish("failed-an-hour-ago", monday - timedelta(hours=1), ok=False)
    clock.set(monday)


def _clean_up() -> set[str]:
    enqueue("jobs.cleanup")
    assert Worker(name="worker-1").run_pending() == 1
    return set(Job.objects.exclude(name="jobs.cleanup").values_list("name", flat=True))


def test_cleanup_deletes_finished_jobs_older_than_the_days_kept(
    history: None, settings: Any
) -> None:
    settings.JOBS_KEEP_DAYS = 7
    assert _clean_up() == {
        "retrying-since-8-days-ago",
        "queued-30-days-ago",
        "done-6-days-ago",
        "failed-an-hour-ago",
    }
    # The cleanup itself ran to the end, and is kept like any recent job.
    assert Job.objects.get(name="jobs.cleanup").state == Job.State.DONE


def test_cleanup_follows_the_setting(history: None, settings: Any) -> None:
    settings.JOBS_KEEP_DAYS = 5
    assert _clean_up() == {"retrying-since-8-days-ago", "queued-30-days-ago", "failed-an-hour-ago"}
