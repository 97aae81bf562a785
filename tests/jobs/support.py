"""Helpers of the job runner's tests: their own Redis database and what each backend gave up on."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier
from typing import Any, TypeVar

import pytest
from django.db import connection, connections

from eservice.jobs.models import Job
from eservice.jobs.queue import Backend, DatabaseBackend, RedisBackend

T = TypeVar("T")

# What the test jobs of ``conftest.calls`` were called with, in order: (job name, arguments).
Calls = list[tuple[str, dict[str, Any]]]

# What ``test.broken`` raises (a ValueError) every time it runs.
BROKEN_ERROR = "the printer is on fire"

# Database 14, not 15: in CI the PostgreSQL pass keeps its cache in database 15 and
# clears it (FLUSHDB) before every test, while the SQLite pass runs these tests beside it.
REDIS_URL = "redis://127.0.0.1:6379/14"

# Real transactions (a worker runs outside any, Redis pushes on commit), flushing only
# the job runner's tables after each test: the whole database takes seconds on PostgreSQL.
JOBS_DB = pytest.mark.django_db(transaction=True, available_apps=["eservice.jobs"])

# How long a worker holds a job it claimed.
LEASE = timedelta(minutes=5)


def failures(queue: Backend) -> list[tuple[str, str]]:
    """Return (name, error) of the jobs the backend gave up on, oldest first."""
    if isinstance(queue, RedisBackend):
        records = [json.loads(raw) for raw in queue.client.lrange(queue.failed_key, 0, -1)]
        return [(r["name"], r["error"]) for r in reversed(records)]
    return list(
        Job.objects.filter(state=Job.State.FAILED).order_by("id").values_list("name", "last_error")
    )


def needs_row_locks(queue: Backend | None = None) -> None:
    """Skip a test of workers racing in the database on SQLite (its test database, in memory,
    locks whole tables); ``queue``: skip only if it is the database backend."""
    racing_in_database = queue is None or isinstance(queue, DatabaseBackend)
    if racing_in_database and connection.vendor == "sqlite":
        pytest.skip("workers racing in the database are tested on PostgreSQL")


def at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` in ``count`` threads that start together, as separate workers would."""
    start = Barrier(count)

    def run(i: int) -> T:
        start.wait()
        try:
            return work(i)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
