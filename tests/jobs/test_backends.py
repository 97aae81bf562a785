"""The queue, on the database and on Redis: due times, one worker per job, leases, retries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from eservice.jobs.queue import Backend
from tests.jobs.support import JOBS_DB, LEASE, at_once, failures, needs_row_locks

pytestmark = JOBS_DB

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def test_a_job_is_claimed_run_and_completed(queue: Backend, monday: datetime) -> None:
    queue.enqueue("test.record", {"id": 7, "to": "สมชาย"}, max_attempts=4)
    assert queue.pending() == 1

    job = queue.claim("worker-1", LEASE)
    assert job is not None
    assert (job.name, job.args, job.attempts, job.max_attempts) == (
        "test.record",
        {"id": 7, "to": "สมชาย"},
        1,
        4,
    )
    assert queue.pending() == 1  # a running job is still pending

    queue.complete(job)
    assert queue.pending() == 0
    assert queue.claim("worker-1", LEASE) is None
    assert failures(queue) == []


def test_a_job_due_later_is_not_claimed_before_its_time(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {}, run_at=monday + 10 * MINUTE)
    assert queue.claim("worker-1", LEASE) is None
    clock.set(monday + 10 * MINUTE - SECOND)
    assert queue.claim("worker-1", LEASE) is None
    assert queue.pending() == 1

    clock.set(monday + 10 * MINUTE)
    job = queue.claim("worker-1", LEASE)
    assert job is not None
    assert job.attempts == 1


def test_the_job_due_longest_ago_is_claimed_first(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    # Queued in one order, due in another.
    queue.enqueue("test.record", {"n": "third"}, run_at=monday + 3 * MINUTE)
    queue.enqueue("test.record", {"n": "first"})
    queue.enqueue("test.record", {"n": "second"}, run_at=monday + MINUTE)
    clock.set(monday + 5 * MINUTE)

    order = []
    while (job := queue.claim("worker-1", LEASE)) is not None:
        order.append(job.args["n"])
        queue.complete(job)
    assert order == ["first", "second", "third"]


def test_a_claimed_job_is_not_given_to_a_second_worker(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {"n": 1})
    queue.enqueue("test.record", {"n": 2})

    first = queue.claim("worker-1", LEASE)
    second = queue.claim("worker-2", LEASE)
    assert first is not None
    assert second is not None
    assert {first.args["n"], second.args["n"]} == {1, 2}
    assert first.id != second.id
    assert queue.claim("worker-3", LEASE) is None
    # Until the lease ends, both stay with their workers.
    clock.set(monday + LEASE - SECOND)
    assert queue.claim("worker-3", LEASE) is None
    assert queue.pending() == 2


def test_workers_claiming_at_the_same_moment_never_share_a_job(
    queue: Backend, monday: datetime
) -> None:
    needs_row_locks(queue)
    for n in range(30):
        queue.enqueue("test.record", {"n": n})

    def drain(i: int) -> list[int]:
        taken = []
        while (job := queue.claim(f"worker-{i}", LEASE)) is not None:
            taken.append(job.args["n"])
            queue.complete(job)
        return taken

    taken = [n for got in at_once(6, drain) for n in got]
    assert sorted(taken) == list(range(30))
    assert queue.pending() == 0


def test_a_job_whose_worker_died_is_claimed_again_when_the_lease_ends(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {"n": 1})
    first = queue.claim("worker-1", LEASE)
    assert first is not None
    # worker-1 dies without completing or failing the job.
    clock.set(monday + LEASE - SECOND)
    assert queue.claim("worker-2", LEASE) is None

    clock.set(monday + LEASE + SECOND)
    again = queue.claim("worker-2", LEASE)
    assert again is not None
    assert (again.id, again.args) == (first.id, first.args)
    assert again.attempts == 2  # the run that died counts
    queue.complete(again)
    assert queue.pending() == 0


def test_a_job_whose_worker_died_on_its_last_attempt_is_given_up(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {}, max_attempts=2)
    moment = monday
    for attempt in (1, 2):
        job = queue.claim(f"worker-{attempt}", LEASE)
        assert job is not None
        assert job.attempts == attempt
        moment = clock.set(moment + LEASE + SECOND)  # and the worker died

    assert queue.claim("worker-3", LEASE) is None
    assert queue.pending() == 0
    assert [name for name, _error in failures(queue)] == ["test.record"]


def test_a_failed_job_with_a_retry_time_runs_again_after_the_backoff(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {"n": 1})
    job = queue.claim("worker-1", LEASE)
    assert job is not None
    queue.fail(job, "ConnectionError: smtp down", monday + MINUTE)
    assert queue.pending() == 1
    assert queue.claim("worker-1", LEASE) is None
    clock.set(monday + MINUTE - SECOND)
    assert queue.claim("worker-1", LEASE) is None

    clock.set(monday + MINUTE)
    again = queue.claim("worker-2", LEASE)
    assert again is not None
    assert (again.id, again.attempts) == (job.id, 2)
    assert failures(queue) == []


def test_a_failed_job_without_a_retry_time_is_final(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {"n": 1})
    job = queue.claim("worker-1", LEASE)
    assert job is not None
    queue.fail(job, "ValueError: no such case", None)

    assert queue.pending() == 0
    clock.set(monday + timedelta(days=1))
    assert queue.claim("worker-1", LEASE) is None
    assert failures(queue) == [("test.record", "ValueError: no such case")]


def test_pending_counts_waiting_and_running_jobs(
    queue: Backend, clock: Any, monday: datetime
) -> None:
    queue.enqueue("test.record", {"n": 1})
    queue.enqueue("test.record", {"n": 2})
    queue.enqueue("test.record", {"n": 3}, run_at=monday + timedelta(hours=1))
    assert queue.pending() == 3

    done = queue.claim("worker-1", LEASE)
    assert done is not None
    assert queue.pending() == 3
    queue.complete(done)
    assert queue.pending() == 2

    given_up = queue.claim("worker-1", LEASE)
    assert given_up is not None
    queue.fail(given_up, "ValueError: bad", None)
    assert queue.pending() == 1

    clock.set(monday + timedelta(hours=1))
    retried = queue.claim("worker-1", LEASE)
    assert retried is not None
    assert retried.args == {"n": 3}
    queue.fail(retried, "ValueError: later", monday + timedelta(hours=2))
    assert queue.pending() == 1
