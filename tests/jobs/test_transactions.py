"""A job enqueued inside a transaction belongs to it: a rollback leaves no job to run."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction

from eservice.jobs.queue import Backend
from tests.jobs.support import JOBS_DB, LEASE, at_once, needs_row_locks

pytestmark = JOBS_DB


class Refused(Exception):
    """What a view's validation raises after the job was queued."""


def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(
    queue: Backend, monday: datetime
) -> None:
    with pytest.raises(Refused), transaction.atomic():
        queue.enqueue("test.record", {"n": 1})
        raise Refused

    assert queue.pending() == 0
    assert queue.claim("worker-1", LEASE) is None


def test_a_rolled_back_savepoint_drops_its_job_and_keeps_the_rest(
    queue: Backend, monday: datetime
) -> None:
    with transaction.atomic():
        queue.enqueue("test.record", {"n": "kept"})
        with pytest.raises(Refused), transaction.atomic():
            queue.enqueue("test.record", {"n": "dropped"})
            raise Refused

    assert queue.pending() == 1
    job = queue.claim("worker-1", LEASE)
    assert job is not None
    assert job.args == {"n": "kept"}


@pytest.mark.parametrize("queue", ["redis"], indirect=True)
def test_redis_receives_the_job_only_when_the_transaction_commits(
    queue: Backend, monday: datetime
) -> None:
    with transaction.atomic():
        queue.enqueue("test.record", {"n": 1})
        # A worker must not run it yet: the change it is about may still roll back.
        assert queue.pending() == 0
        assert queue.claim("worker-1", LEASE) is None

    assert queue.pending() == 1
    job = queue.claim("worker-1", LEASE)
    assert job is not None
    assert job.args == {"n": 1}


@pytest.mark.parametrize("queue", ["database"], indirect=True)
def test_a_database_worker_sees_the_job_only_when_the_transaction_commits(
    queue: Backend, monday: datetime
) -> None:
    needs_row_locks(queue)
    with transaction.atomic():
        queue.enqueue("test.record", {"n": 1})
        # Another worker, on its own connection, does not see the uncommitted row.
        assert at_once(1, lambda _i: queue.claim("worker-2", LEASE)) == [None]

    [job] = at_once(1, lambda _i: queue.claim("worker-2", LEASE))
    assert job is not None
    assert job.args == {"n": 1}
