"""Periodic jobs: a tick queues a job when it is due, once, however many workers tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eservice.jobs import registry
from eservice.jobs.models import Schedule
from eservice.jobs.queue import Backend
from eservice.jobs.worker import Worker
from tests.jobs.support import JOBS_DB, LEASE, Calls, at_once, needs_row_locks

pytestmark = JOBS_DB

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def test_a_tick_queues_a_due_periodic_job_once_until_its_interval_passed(
    queue: Backend, every_minute: str, clock: Any, monday: datetime, others_not_due: None
) -> None:
    worker = Worker(queue=queue, name="worker-1")
    assert worker.tick() == [every_minute]
    assert queue.pending() == 1

    # The same moment again, and another worker at that moment: nothing more.
    assert worker.tick() == []
    assert Worker(queue=queue, name="worker-2").tick() == []
    clock.set(monday + MINUTE - SECOND)
    assert worker.tick() == []
    assert queue.pending() == 1

    clock.set(monday + MINUTE)
    assert Worker(queue=queue, name="worker-2").tick() == [every_minute]
    assert queue.pending() == 2
    schedule = Schedule.objects.get(name=every_minute)
    assert (schedule.last_run_at, schedule.next_run_at) == (monday + MINUTE, monday + 2 * MINUTE)

    jobs = [queue.claim("worker-1", LEASE), queue.claim("worker-1", LEASE)]
    assert [(job.name, job.args) for job in jobs if job] == [(every_minute, {})] * 2


def test_run_pending_runs_a_periodic_job_when_it_is_due(
    queue: Backend,
    every_minute: str,
    calls: Calls,
    clock: Any,
    monday: datetime,
    others_not_due: None,
) -> None:
    worker = Worker(queue=queue, name="worker-1")
    assert worker.run_pending() == 1
    assert worker.run_pending() == 0
    clock.set(monday + MINUTE)
    assert worker.run_pending() == 1
    assert calls == [(every_minute, {})] * 2


def test_the_first_tick_queues_every_registered_periodic_job(
    queue: Backend, every_minute: str, monday: datetime
) -> None:
    # The platform's own: the notification sweep and delay scan, open data, cleanup.
    assert {"notify.sweep", "notify.scan", "opendata.publish", "jobs.cleanup"} <= set(
        registry.PERIODIC
    )

    started = Worker(queue=queue, name="worker-1").tick()
    assert sorted(started) == sorted(registry.PERIODIC)
    assert queue.pending() == len(registry.PERIODIC)
    assert Worker(queue=queue, name="worker-2").tick() == []
    assert queue.pending() == len(registry.PERIODIC)


def test_workers_ticking_at_the_same_moment_queue_a_periodic_job_once(
    queue: Backend, every_minute: str, monday: datetime, others_not_due: None
) -> None:
    needs_row_locks()  # the schedule rows are in the database, whatever holds the jobs

    def ticking_at(moment: datetime) -> Callable[[int], list[str]]:
        return lambda i: Worker(queue=queue, name=f"worker-{i}").tick(moment)

    # First when no worker has run it yet, then when its schedule row is due again.
    for moment in (monday, monday + MINUTE):
        started = at_once(6, ticking_at(moment))
        assert sum(names.count(every_minute) for names in started) == 1
    assert queue.pending() == 2
