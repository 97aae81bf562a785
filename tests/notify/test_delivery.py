"""Reliable sending: written with the change, sent after commit, never lost, never doubled.

A notification is a row written in the same transaction as the case change
that causes it. Its delivery job is a row of that transaction too (database
queue) or is pushed to Redis after the commit; a crash after the commit loses
at most the push, and the sweep finds the message in the database again.
Delivery claims the row with a conditional update, so two workers, or a job
and a sweep, send it once.

The crash is real as far as a test can make it: the transaction commits and the
process "dies" at once, so nothing that should run after the commit does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction

from eservice.cases import actions
from eservice.cases.states import Status as CaseStatus
from eservice.jobs.models import Job
from eservice.jobs.queue import RedisBackend, backend
from eservice.jobs.worker import Worker, retry_delay
from eservice.notify import outbox
from eservice.notify.models import Channel, Endpoint, Notification, Status
from tests.factories import submitted_application
from tests.notify.conftest import HttpServer, SmtpServer

REDIS_URL = "redis://127.0.0.1:6379/14"  # not 15: the PostgreSQL CI pass flushes its cache there
AFTER_GRACE = outbox.GRACE + timedelta(minutes=1)  # two minutes: the sweep takes it


class Crash(Exception):
    """The process died."""


@contextmanager
def crash_after_commit() -> Iterator[None]:
    """Commit the block's transaction, then die before any on-commit work runs.

    The first on-commit callback raises, and Django drops the ones after it: a
    Redis push of a job queued in the block is lost, as when the process dies.
    """

    def die() -> None:
        raise Crash

    with pytest.raises(Crash), transaction.atomic():
        transaction.on_commit(die)
        yield


def _run_worker(name: str = "restarted-worker") -> int:
    return Worker(name=name).run_pending()


def _email(app: Any) -> Notification:
    return Notification.objects.get(application=app, channel=Channel.EMAIL, event="submitted")


@pytest.fixture
def redis_jobs(settings: Any) -> Iterator[RedisBackend]:
    """The Redis job queue, under a prefix of this test's own, emptied afterwards."""
    settings.JOBS_BACKEND = "redis"
    settings.REDIS_URL = REDIS_URL
    settings.JOBS_REDIS_PREFIX = f"eservice-tests:notify:{uuid.uuid4().hex}"
    queue = backend()
    assert isinstance(queue, RedisBackend)
    queue.clear()
    try:
        yield queue
    finally:
        queue.clear()


@pytest.fixture
def smtp(smtp_server: SmtpServer, monday: datetime) -> SmtpServer:
    return smtp_server


# --- written with the change -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("jobs_backend", ["database", "redis"])
def test_a_change_that_is_rolled_back_leaves_no_message(
    jobs_backend: str,
    request: pytest.FixtureRequest,
    smtp: SmtpServer,
    make_case: Any,
    applicant: Any,
    clock: Any,
    monday: datetime,
) -> None:
    queue = request.getfixturevalue("redis_jobs") if jobs_backend == "redis" else None
    draft = make_case("draft")

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.submit(draft, applicant)
        # Written in the change's own transaction...
        assert Notification.objects.filter(application=draft, channel=Channel.EMAIL).exists()
        raise RuntimeError("something later in the same request failed")

    # ...so gone with it, and its job too.
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT
    assert not Notification.objects.exists()
    assert not Job.objects.filter(name="notify.deliver").exists()
    if queue is not None:
        assert queue.pending() == 0

    _run_worker()
    clock.set(monday + AFTER_GRACE)
    _run_worker()
    assert smtp.messages == []


# --- a crash between the commit and the send ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_crash_after_commit_loses_nothing(
    smtp: SmtpServer, make_case: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    draft = make_case("draft")

    with crash_after_commit():
        actions.submit(draft, applicant)

    # The change and its message are committed; the job is a row of the same commit.
    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED
    email = _email(draft)
    assert email.status == Status.CREATED
    queued = Job.objects.filter(name="notify.deliver", args={"id": email.pk}, state="queued")
    assert queued.count() == 1
    assert smtp.messages == []

    # A worker starts again: the message goes, once.
    _run_worker()
    [received] = smtp.messages
    assert received.rcpt_tos == [applicant.email]
    assert received.message["Message-ID"] == f"<{email.public_id}@eservice>"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.DELIVERED, 1)

    clock.set(monday + AFTER_GRACE)
    _run_worker()
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_redis_queue_the_sweep_sends_what_a_crash_after_commit_left(
    redis_jobs: RedisBackend,
    smtp: SmtpServer,
    make_case: Any,
    applicant: Any,
    clock: Any,
    monday: datetime,
) -> None:
    draft = make_case("draft")

    with crash_after_commit():
        actions.submit(draft, applicant)

    # Committed, but the push to Redis died with the process.
    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED
    email = _email(draft)
    assert email.status == Status.CREATED
    assert redis_jobs.pending() == 0

    # A new message is left to its own job for a while: the sweep does not take it yet.
    _run_worker()
    assert smtp.messages == []
    email.refresh_from_db()
    assert email.status == Status.CREATED

    clock.set(monday + AFTER_GRACE)
    assert outbox.sweep() == 1
    _run_worker()
    [received] = smtp.messages
    assert received.message["Message-ID"] == f"<{email.public_id}@eservice>"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.DELIVERED, 1)

    # Later sweeps and workers leave it alone.
    clock.set(monday + 2 * AFTER_GRACE)
    assert outbox.sweep() == 0
    _run_worker()
    assert len(smtp.messages) == 1
    assert redis_jobs.pending() == 0


# --- never twice ------------------------------------------------------------------------


def test_delivering_the_same_message_twice_sends_it_once(
    smtp: SmtpServer, catalog: Any, applicant: Any
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    email = _email(app)

    assert outbox.deliver(email.pk) == Status.DELIVERED
    assert outbox.deliver(email.pk) == "skipped"
    # Its own job is still queued; two workers run it and anything else due.
    _run_worker("worker-a")
    _run_worker("worker-b")

    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.DELIVERED, 1)


def test_a_message_queued_by_its_job_and_by_the_sweep_is_sent_once(
    smtp: SmtpServer, catalog: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    email = _email(app)
    # No worker ran for two minutes: the sweep queues it a second time.
    clock.set(monday + AFTER_GRACE)
    assert outbox.sweep() == 1
    assert Job.objects.filter(name="notify.deliver", args={"id": email.pk}).count() == 2

    _run_worker()

    assert len(smtp.messages) == 1
    assert not Job.objects.filter(name="notify.deliver", state__in=["queued", "running"]).exists()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.DELIVERED, 1)


# --- a worker that died while sending -----------------------------------------------------


def _left_by_a_dead_worker(notification: Notification, claimed_at: datetime) -> None:
    """Put the row as a worker leaves it when it dies while sending: claimed, nothing recorded."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING,
        claimed_until=claimed_at + outbox.CLAIM,
        attempts=1,
        sent_at=None,
        completed_at=None,
        reference="",
    )


def test_a_message_claimed_by_a_worker_that_died_is_sent_when_the_claim_runs_out(
    smtp: SmtpServer, catalog: Any, applicant: Any, clock: Any, monday: datetime
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    email = _email(app)
    # The dead worker had taken the delivery job (one attempt only): it does not run again.
    Job.objects.filter(name="notify.deliver").update(state="failed")
    _left_by_a_dead_worker(email, monday)

    # While the claim lasts, another worker may still be sending it: hands off.
    clock.set(monday + outbox.CLAIM - timedelta(seconds=1))
    assert outbox.deliver(email.pk) == "skipped"
    assert outbox.sweep() == 0
    assert smtp.messages == []

    clock.set(monday + outbox.CLAIM + timedelta(seconds=1))
    assert outbox.sweep() == 1
    _run_worker()
    [received] = smtp.messages
    assert received.message["Message-ID"] == f"<{email.public_id}@eservice>"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.DELIVERED, 2)
    assert email.claimed_until is None


def test_a_message_a_dead_worker_had_already_sent_goes_again_with_the_same_id(
    smtp: SmtpServer,
    http_server: HttpServer,
    catalog: Any,
    applicant: Any,
    clock: Any,
    monday: datetime,
) -> None:
    """At least once: a worker that died after the server took the message, before recording
    it, leaves it claimed; once the claim runs out it is sent again. The repeat carries the
    same Message-ID (email) and Idempotency-Key (webhook) as the first, which is what
    receivers deduplicate on: a mail system or agency system that has seen the id drops it.
    """
    Endpoint.objects.create(
        agency=catalog.agency_a, url=f"{http_server.url}/hooks", secret="whsec-dead-worker"
    )
    app = submitted_application(applicant, catalog.food_shop)
    _run_worker("worker-that-dies")
    email = _email(app)
    webhook = Notification.objects.get(application=app, channel=Channel.WEBHOOK)
    assert len(smtp.messages) == 1 and len(http_server.requests) == 1
    # It died after sending, before recording.
    _left_by_a_dead_worker(email, monday)
    _left_by_a_dead_worker(webhook, monday)

    clock.set(monday + outbox.CLAIM + timedelta(seconds=1))
    assert outbox.sweep() == 2
    _run_worker()

    first, second = smtp.messages
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert second.message["Message-ID"] == f"<{email.public_id}@eservice>"
    assert first.message.get_content() == second.message.get_content()
    hook1, hook2 = http_server.requests
    assert hook1.header("Idempotency-Key") == hook2.header("Idempotency-Key")
    assert hook2.header("Idempotency-Key") == str(webhook.public_id)
    assert hook1.body == hook2.body
    for notification in (email, webhook):
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Status.DELIVERED, 2)


# --- retrying with backoff, then giving up ----------------------------------------------------


def test_a_message_that_keeps_failing_backs_off_then_stops_until_an_officer_retries_it(
    smtp: SmtpServer,
    settings: Any,
    catalog: Any,
    applicant: Any,
    clock: Any,
    monday: datetime,
) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 3
    smtp.refuse(applicant.email, "451 4.3.0 Try again later", times=3)
    app = submitted_application(applicant, catalog.food_shop)
    email = _email(app)

    moment = monday
    waits = []
    for attempt in (1, 2):
        clock.set(moment)
        _run_worker()
        email.refresh_from_db()
        assert (email.status, email.attempts) == (Status.TEMPORARY_FAILURE, attempt)
        waits.append(email.next_attempt_at - moment)
        moment = email.next_attempt_at
    assert waits == [retry_delay(1), retry_delay(2)] == [timedelta(minutes=1), timedelta(minutes=5)]

    clock.set(moment)
    _run_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.TEMPORARY_FAILURE, 3)
    assert email.completed_at == moment  # given up

    clock.set(moment + timedelta(days=1))
    assert outbox.sweep() == 0
    _run_worker()
    assert len(smtp.recipients_tried) == 3
    assert smtp.messages == []

    # The agency's failures page: send it again now.
    outbox.retry(email)
    _run_worker()
    [received] = smtp.messages
    assert received.message["Message-ID"] == f"<{email.public_id}@eservice>"
    email.refresh_from_db()
    assert email.status == Status.DELIVERED
