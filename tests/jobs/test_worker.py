"""The worker: runs registered jobs, retries a failing one with backoff, then gives it up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from eservice.jobs.models import Job
from eservice.jobs.queue import Backend, enqueue
from eservice.jobs.worker import Worker, retry_delay
from tests.jobs.support import BROKEN_ERROR, JOBS_DB, Calls, failures

pytestmark = JOBS_DB

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def test_run_pending_runs_the_queued_jobs_oldest_first_with_their_arguments(
    queue: Backend, calls: Calls, clock: Any, monday: datetime, others_not_due: None
) -> None:
    enqueue("test.record", {"case": 12, "to": "สมชาย"})
    clock.set(monday + SECOND)
    enqueue("test.record", {"case": 13})
    worker = Worker(queue=queue, name="worker-1")

    assert worker.run_pending() == 2
    assert calls == [("test.record", {"case": 12, "to": "สมชาย"}), ("test.record", {"case": 13})]
    assert queue.pending() == 0
    assert failures(queue) == []

    assert worker.run_pending() == 0
    assert len(calls) == 2


def test_run_pending_leaves_a_job_due_later_for_later(
    queue: Backend, calls: Calls, clock: Any, monday: datetime, others_not_due: None
) -> None:
    enqueue("test.record", {"n": 1}, run_at=monday + 10 * MINUTE)
    worker = Worker(queue=queue, name="worker-1")
    assert worker.run_pending() == 0
    assert calls == []

    clock.set(monday + 10 * MINUTE)
    assert worker.run_pending() == 1
    assert calls == [("test.record", {"n": 1})]


def test_a_failing_job_is_retried_with_backoff_then_given_up(
    queue: Backend, calls: Calls, clock: Any, monday: datetime, others_not_due: None
) -> None:
    enqueue("test.broken", {"case": 12})  # registered with max_attempts=3
    worker = Worker(queue=queue, name="worker-1")

    # Attempt 1 now, attempt 2 a minute later, attempt 3 five minutes after that.
    moment = monday
    for attempt, wait in enumerate([retry_delay(1), retry_delay(2)], 1):
        assert worker.run_pending() == 1
        assert len(calls) == attempt
        assert queue.pending() == 1  # waiting for its next attempt
        clock.set(moment + wait - SECOND)
        assert worker.run_pending() == 0
        moment = clock.set(moment + wait)

    assert worker.run_pending() == 1
    assert calls == [("test.broken", {"case": 12})] * 3
    assert queue.pending() == 0
    assert failures(queue) == [("test.broken", f"ValueError: {BROKEN_ERROR}")]

    clock.set(moment + timedelta(days=1))
    assert worker.run_pending() == 0
    assert len(calls) == 3


def test_a_failure_does_not_stop_the_other_jobs(
    queue: Backend, calls: Calls, clock: Any, monday: datetime, others_not_due: None
) -> None:
    enqueue("test.broken", {"n": 1})
    clock.set(monday + SECOND)
    enqueue("test.record", {"n": 2})

    assert Worker(queue=queue, name="worker-1").run_pending() == 2
    assert calls == [("test.broken", {"n": 1}), ("test.record", {"n": 2})]
    assert queue.pending() == 1  # the broken one, waiting for its retry


@pytest.mark.parametrize("queue", ["database"], indirect=True)
def test_the_database_keeps_the_given_up_job_with_its_error(
    queue: Backend, calls: Calls, clock: Any, monday: datetime, others_not_due: None
) -> None:
    enqueue("test.broken", {"case": 12}, max_attempts=2)
    worker = Worker(queue=queue, name="worker-1")
    worker.run_pending()
    clock.set(monday + retry_delay(1))
    worker.run_pending()

    job = Job.objects.get()
    assert (job.name, job.args, job.state) == ("test.broken", {"case": 12}, Job.State.FAILED)
    assert job.attempts == 2
    assert job.last_error == f"ValueError: {BROKEN_ERROR}"
    assert job.finished_at == monday + retry_delay(1)


def test_a_job_nobody_registered_fails_without_stopping_the_worker(
    queue: Backend, calls: Calls, others_not_due: None
) -> None:
    # Queued by an older release, say, that had a job since renamed.
    queue.enqueue("test.renamed", {"n": 1})
    enqueue("test.record", {"n": 2})

    assert Worker(queue=queue, name="worker-1").run_pending() == 2
    assert calls == [("test.record", {"n": 2})]
    assert queue.pending() == 0
    assert failures(queue) == [("test.renamed", "no job called 'test.renamed' is registered")]


def test_enqueue_refuses_a_job_nobody_registered(queue: Backend, calls: Calls) -> None:
    with pytest.raises(KeyError, match=r"test\.renamed"):
        enqueue("test.renamed", {"n": 1})
    assert queue.pending() == 0


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 5), (3, 30), (4, 120), (5, 720), (6, 720), (20, 720)],
)
def test_the_backoff_grows_from_a_minute_to_twelve_hours(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)
