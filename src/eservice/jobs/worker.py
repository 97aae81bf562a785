"""The worker: starts periodic jobs when they are due and runs queued jobs.

``eservice worker`` runs one beside the web server (``make demo`` starts it);
production runs as many as needed, each with ``JOBS_BACKEND=redis``. Periodic
jobs are started by whichever worker first moves the schedule row on, so two
workers never start the same periodic run twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from datetime import datetime, timedelta
from types import FrameType

from django.db import close_old_connections, transaction

from eservice.core.clock import now
from eservice.jobs.models import Schedule
from eservice.jobs.queue import Backend, Claimed, backend
from eservice.jobs.registry import JOBS, PERIODIC

log = logging.getLogger("eservice.jobs")

# Minutes before a failed job's next attempt: 1, 5, 30, 2 h, 12 h, then 12 h.
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


class Worker:
    """Runs jobs from one backend; ``run_pending`` for a burst, ``run_forever`` as a service."""

    def __init__(
        self,
        queue: Backend | None = None,
        name: str | None = None,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.queue = queue or backend()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.lease = lease
        self.stopping = False

    def tick(self, moment: datetime | None = None) -> list[str]:
        """Queue every periodic job that is due; return their names."""
        moment = moment or now()
        started = []
        for spec in PERIODIC.values():
            every = timedelta(seconds=max(1.0, float(spec.every())))
            with transaction.atomic():
                row, _created = Schedule.objects.get_or_create(
                    name=spec.name, defaults={"next_run_at": moment}
                )
                if row.next_run_at > moment:
                    continue
                # Conditional update: of two workers ticking at once, one moves it on.
                won = Schedule.objects.filter(name=spec.name, next_run_at=row.next_run_at).update(
                    next_run_at=moment + every, last_run_at=moment
                )
                if won:
                    spec_job = JOBS[spec.name]
                    self.queue.enqueue(spec.name, {}, max_attempts=spec_job.max_attempts)
                    started.append(spec.name)
        return started

    def run_one(self) -> bool:
        """Run the oldest due job; return False when there was none."""
        job = self.queue.claim(self.name, self.lease)
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: Claimed) -> None:
        spec = JOBS.get(job.name)
        if spec is None:
            self.queue.fail(job, f"no job called {job.name!r} is registered", None)
            log.error("job %s %s: not registered", job.id, job.name)
            return
        try:
            spec.func(**job.args)
        except Exception as exc:  # a job's failure must not stop the worker
            error = f"{type(exc).__name__}: {exc}"
            retry_at = (
                now() + retry_delay(job.attempts) if job.attempts < job.max_attempts else None
            )
            self.queue.fail(job, error, retry_at)
            log.warning(
                "job %s %s failed (attempt %s of %s): %s",
                job.id,
                job.name,
                job.attempts,
                job.max_attempts,
                error,
            )
        else:
            self.queue.complete(job)

    def run_pending(self, limit: int | None = None) -> int:
        """Start due periodic jobs, then run jobs until none is due; return how many ran."""
        self.tick()
        count = 0
        while (limit is None or count < limit) and not self.stopping and self.run_one():
            count += 1
        return count

    def run_forever(self, poll: float) -> None:
        """Run until SIGTERM or SIGINT, finishing the job in hand before stopping."""

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("worker %s started (%s)", self.name, type(self.queue).__name__)
        while not self.stopping:
            close_old_connections()
            try:
                ran = self.run_pending(limit=100)
            except Exception:  # the database or Redis went away: wait and try again
                log.exception("worker %s: cannot reach the queue", self.name)
                ran = 0
            if not ran:
                time.sleep(poll)
        log.info("worker %s stopped", self.name)
