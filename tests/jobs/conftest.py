"""Fixtures of the job runner's tests: each backend, test jobs that record their calls.

Tests run on real transactions (``support.JOBS_DB``): a worker runs outside any
transaction, and the Redis backend pushes a job only when its transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from eservice.core.clock import now
from eservice.jobs import registry
from eservice.jobs.models import Schedule
from eservice.jobs.queue import Backend, DatabaseBackend, RedisBackend
from tests.jobs.support import BROKEN_ERROR, REDIS_URL, Calls


@pytest.fixture(params=["database", "redis"])
def queue(
    request: pytest.FixtureRequest, transactional_db: None, settings: Any
) -> Iterator[Backend]:
    """Each backend, also configured in settings so ``enqueue()`` and ``Worker()`` use it."""
    settings.JOBS_BACKEND = request.param
    if request.param == "database":
        yield DatabaseBackend()
        return
    prefix = f"test:jobs:{uuid.uuid4().hex}"
    settings.REDIS_URL = REDIS_URL
    settings.JOBS_REDIS_PREFIX = prefix
    backend = RedisBackend(REDIS_URL, prefix)
    try:
        yield backend
    finally:
        backend.clear()


@pytest.fixture
def calls() -> Iterator[Calls]:
    """Register ``test.record`` (records its arguments) and ``test.broken`` (records, then raises)."""
    made: Calls = []

    @registry.job("test.record")
    def record(**args: Any) -> None:
        made.append(("test.record", args))

    @registry.job("test.broken", max_attempts=3)
    def broken(**args: Any) -> None:
        made.append(("test.broken", args))
        raise ValueError(BROKEN_ERROR)

    yield made
    for name in ("test.record", "test.broken"):
        registry.JOBS.pop(name, None)


@pytest.fixture
def every_minute(calls: Calls) -> Iterator[str]:
    """Register ``test.tick``, a periodic job run every 60 seconds; return its name."""
    name = "test.tick"
    registry.job(name)(lambda: calls.append((name, {})))
    registry.periodic(name, every=lambda: 60)
    yield name
    registry.PERIODIC.pop(name, None)
    registry.JOBS.pop(name, None)


@pytest.fixture
def others_not_due(transactional_db: None, monday: datetime) -> None:
    """The platform's own periodic jobs (notify, opendata, cleanup) ran a moment ago.

    Their next runs are a year away, so a tick queues only the tests' own jobs.
    """
    Schedule.objects.bulk_create(
        Schedule(name=name, next_run_at=now() + timedelta(days=365), last_run_at=now())
        for name in registry.PERIODIC
        if not name.startswith("test.")
    )
