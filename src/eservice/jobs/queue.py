"""Where jobs wait: the database (embedded default) or Redis (production).

Both backends give a job to one worker at a time under a lease. A worker that
dies lets go of its job when the lease ends, and another worker runs it again,
so a job runs at least once and must be safe to run twice.

A job enqueued inside a transaction belongs to it. In the database it is a row
of that transaction. In Redis it is pushed after the commit, so a rolled-back
change leaves no job; a crash between the commit and the push loses the push,
which is why work that must not be lost (notifications) also has a sweep that
finds it in the database.
"""

from __future__ import annotations

import json
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from eservice.core.clock import now
from eservice.jobs.models import Job


@dataclass(frozen=True)
class Claimed:
    """A job a worker holds: ``attempts`` counts this run."""

    id: str
    name: str
    args: dict[str, Any]
    attempts: int
    max_attempts: int


class Backend(ABC):
    """A queue of jobs with run times, leases and retries."""

    @abstractmethod
    def enqueue(
        self,
        name: str,
        args: dict[str, Any],
        *,
        run_at: datetime | None = None,
        max_attempts: int = 5,
    ) -> None:
        """Add a job; it runs at ``run_at`` (now by default)."""

    @abstractmethod
    def claim(self, worker: str, lease: timedelta) -> Claimed | None:
        """Take the oldest job due, or return None when none is."""

    @abstractmethod
    def complete(self, job: Claimed) -> None:
        """Record that the job ran to the end."""

    @abstractmethod
    def fail(self, job: Claimed, error: str, retry_at: datetime | None) -> None:
        """Record a failed run; run it again at ``retry_at``, or give up when None."""

    @abstractmethod
    def pending(self) -> int:
        """Return how many jobs are waiting or running."""


class DatabaseBackend(Backend):
    """Jobs as rows of the ``jobs_job`` table, in the same database as everything else."""

    def enqueue(
        self,
        name: str,
        args: dict[str, Any],
        *,
        run_at: datetime | None = None,
        max_attempts: int = 5,
    ) -> None:
        moment = now()
        Job.objects.create(
            name=name,
            args=args,
            run_at=run_at or moment,
            max_attempts=max_attempts,
            created_at=moment,
        )

    def claim(self, worker: str, lease: timedelta) -> Claimed | None:
        moment = now()
        due = Q(state=Job.State.QUEUED, run_at__lte=moment) | Q(
            state=Job.State.RUNNING, lease_until__lt=moment
        )
        for _ in range(10):  # another worker may take the row first: try the next
            with transaction.atomic():
                # The partial index's own condition, written literally: SQLite matches a
                # partial index only against literals, not bound parameters, and would
                # otherwise walk every finished job kept for JOBS_KEEP_DAYS.
                qs = (
                    Job.objects.filter(due)
                    .extra(where=["\"jobs_job\".\"state\" IN ('queued', 'running')"])
                    .order_by("run_at", "id")
                )
                if connection.features.has_select_for_update_skip_locked:
                    qs = qs.select_for_update(skip_locked=True)
                job = qs.first()
                if job is None:
                    return None
                if job.state == Job.State.RUNNING and job.attempts >= job.max_attempts:
                    # Its worker died on the last attempt: give up rather than loop.
                    Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
                        state=Job.State.FAILED,
                        finished_at=moment,
                        last_error="the worker stopped while running it",
                    )
                    continue
                # The condition makes the claim safe on SQLite, which has no row locks.
                taken = Job.objects.filter(
                    pk=job.pk, state=job.state, attempts=job.attempts
                ).update(
                    state=Job.State.RUNNING,
                    worker=worker[:100],
                    lease_until=moment + lease,
                    attempts=F("attempts") + 1,
                )
                if taken:
                    return Claimed(
                        str(job.pk), job.name, job.args, job.attempts + 1, job.max_attempts
                    )
        return None

    def complete(self, job: Claimed) -> None:
        Job.objects.filter(pk=int(job.id)).update(
            state=Job.State.DONE, finished_at=now(), lease_until=None
        )

    def fail(self, job: Claimed, error: str, retry_at: datetime | None) -> None:
        if retry_at is None:
            Job.objects.filter(pk=int(job.id)).update(
                state=Job.State.FAILED, finished_at=now(), lease_until=None, last_error=error
            )
        else:
            Job.objects.filter(pk=int(job.id)).update(
                state=Job.State.QUEUED, run_at=retry_at, lease_until=None, last_error=error
            )

    def pending(self) -> int:
        return Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING]).count()


# Atomically: let go of jobs whose lease ended, then take the oldest job due.
_CLAIM = """
local due, running, data, attempts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local t, lease_until = tonumber(ARGV[1]), tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', running, '-inf', '(' .. ARGV[1])) do
  redis.call('ZREM', running, id)
  redis.call('ZADD', due, t, id)
end
local ids = redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return nil end
local id = ids[1]
redis.call('ZREM', due, id)
redis.call('ZADD', running, lease_until, id)
local n = redis.call('HINCRBY', attempts, id, 1)
return {id, redis.call('HGET', data, id), n}
"""


class RedisBackend(Backend):
    """Jobs in Redis: a sorted set of due times, one of leases, and a hash of payloads."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.keys = [f"{prefix}:due", f"{prefix}:running", f"{prefix}:data", f"{prefix}:attempts"]
        self.failed_key = f"{prefix}:failed"
        self._claim = self.client.register_script(_CLAIM)

    def enqueue(
        self,
        name: str,
        args: dict[str, Any],
        *,
        run_at: datetime | None = None,
        max_attempts: int = 5,
    ) -> None:
        job_id = uuid.uuid4().hex
        payload = json.dumps({"name": name, "args": args, "max_attempts": max_attempts})
        score = (run_at or now()).timestamp()
        due, _, data, _ = self.keys

        def push() -> None:
            pipe = self.client.pipeline()
            pipe.hset(data, job_id, payload)
            pipe.zadd(due, {job_id: score})
            pipe.execute()

        # Only a committed change has jobs to run.
        transaction.on_commit(push)

    def claim(self, worker: str, lease: timedelta) -> Claimed | None:
        moment = now()
        result = self._claim(
            keys=self.keys, args=[moment.timestamp(), (moment + lease).timestamp()]
        )
        if result is None:
            return None
        job_id, payload, attempts = result
        job_id = job_id.decode()
        if payload is None:  # removed meanwhile
            self._forget(job_id)
            return None
        data = json.loads(payload)
        job = Claimed(job_id, data["name"], data["args"], int(attempts), data["max_attempts"])
        if job.attempts > job.max_attempts:
            # Its worker died on the last attempt: give up rather than loop (as in the database).
            self.fail(job, "the worker stopped while running it", None)
            return self.claim(worker, lease)
        return job

    def _forget(self, job_id: str) -> None:
        due, running, data, attempts = self.keys
        pipe = self.client.pipeline()
        pipe.zrem(running, job_id)
        pipe.zrem(due, job_id)
        pipe.hdel(data, job_id)
        pipe.hdel(attempts, job_id)
        pipe.execute()

    def complete(self, job: Claimed) -> None:
        self._forget(job.id)

    def fail(self, job: Claimed, error: str, retry_at: datetime | None) -> None:
        due, running, _, _ = self.keys
        if retry_at is None:
            record = json.dumps(
                {"id": job.id, "name": job.name, "args": job.args, "error": error[:2000]}
            )
            pipe = self.client.pipeline()
            pipe.lpush(self.failed_key, record)
            pipe.ltrim(self.failed_key, 0, 999)
            pipe.execute()
            self._forget(job.id)
        else:
            pipe = self.client.pipeline()
            pipe.zrem(running, job.id)
            pipe.zadd(due, {job.id: retry_at.timestamp()})
            pipe.execute()

    def pending(self) -> int:
        due, running, _, _ = self.keys
        return int(self.client.zcard(due)) + int(self.client.zcard(running))

    def clear(self) -> None:
        """Remove every job (tests and benchmarks use their own prefix)."""
        self.client.delete(*self.keys, self.failed_key)


@lru_cache(maxsize=4)
def _redis(url: str, prefix: str) -> RedisBackend:
    return RedisBackend(url, prefix)


def backend() -> Backend:
    """Return the backend ``JOBS_BACKEND`` names."""
    if settings.JOBS_BACKEND == "redis":
        return _redis(settings.REDIS_URL, settings.JOBS_REDIS_PREFIX)
    return DatabaseBackend()


def enqueue(
    name: str,
    args: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    max_attempts: int | None = None,
) -> None:
    """Queue the registered job ``name`` with JSON ``args`` on the configured backend."""
    from eservice.jobs.registry import JOBS

    spec = JOBS.get(name)
    if spec is None:
        raise KeyError(f"no job called {name!r} is registered")
    backend().enqueue(
        name,
        args or {},
        run_at=run_at,
        max_attempts=max_attempts if max_attempts is not None else spec.max_attempts,
    )
