"""Benchmark of notifications: how many are queued and delivered a second.

One process, Django in-process on a fresh database (SQLite in a temporary
directory, or --database-url), with one local agency, its webhook endpoint and
200 people (half with Thai, half with English messages). A second process,
started first, is the receiving end: an SMTP server (aiosmtpd ``Controller``,
a handler that only counts) and a webhook receiver (``ThreadingHTTPServer``
answering 200), both on loopback. Django sends mail with the SMTP backend.

1. Queued. N notifications (--count, 2,000) a row, each in its own
   ``transaction.atomic()`` as a case change writes them, the rows interleaved
   (one call of each in turn):
   - floor: a bare ``Job`` row (what the database queue writes for a job);
   - a bare ``Notification`` row, its text rendered beforehand, no job;
   - rendering alone: the platform's wording filled in (subject and body);
   - ``outbox.create`` on the email channel, the delivery job queued, with
     ``JOBS_BACKEND`` database and redis (--redis-url, database 14 of a local
     Redis by default, keys under a prefix of their own, removed at the end);
   - ``outbox.notify_person`` (inbox and email, the case handler's call), both
     backends.
2. Delivered. M notifications (--deliver, N / 2) are written and their jobs
   queued on each backend (not timed), then a ``Worker`` on each runs
   ``run_one()`` until its queue is empty, the two taking turns (no periodic
   jobs: ``tick()`` is never called): the inbox channel through the queue (no
   I/O: the ceiling), email over SMTP, and the webhook (--webhooks of them,
   M / 10). Then the ceiling once more on the database queue, M / 10 jobs, with
   --history finished jobs (100,000) in its table, as the queue keeps them for
   ``JOBS_KEEP_DAYS``. Floors without the queue: an SMTP send
   with ``smtplib`` alone, a POST with ``httpx.post`` (a new client each) and
   with one reused ``httpx.Client``.
3. End to end. A producer thread writes email notifications at --rate a second
   (``outbox.create``, own transaction) while the worker runs in the main thread
   as ``eservice worker`` does (run jobs until none is due, then sleep the poll
   interval): latency from ``created_at`` to ``sent_at``, with the default poll
   (``JOBS_POLL_SECONDS``, 1 s) and with 10 ms; --e2e messages (100) each.
Peak resident memory and the time taken are printed for each part.

    python benchmarks/notify.py                 # SQLite, 2,000 queued a row, about 2 min
    python benchmarks/notify.py --count 400     # quick
    python benchmarks/notify.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench_notify

A PostgreSQL database is created afresh (dropped if it exists) and dropped at
the end; the temporary directory is removed at the end. --keep keeps both.
Exits 1 if a message is not delivered or the receivers' counts disagree.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing
import os
import platform
import resource
import secrets
import shutil
import smtplib
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ in the repository from this run

from common import percentile, postgres  # noqa: E402

PEOPLE = 200
BATCH = 500  # notifications written a transaction when preparing the queue (not timed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000, help="notifications queued a row")
    parser.add_argument(
        "--deliver", type=int, help="inbox and email messages delivered a row (default: count / 2)"
    )
    parser.add_argument(
        "--webhooks", type=int, help="webhooks delivered a row (default: deliver / 10)"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=100_000,
        help="finished jobs in the database queue for the last row (0: no such row)",
    )
    parser.add_argument(
        "--e2e", type=int, default=100, help="messages in each end-to-end run (0: none)"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="end to end: messages a second")
    parser.add_argument("--database-url", default="")
    # Not 15: the PostgreSQL pass of .ci/run flushes its cache there, jobs included.
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keep", action="store_true", help="keep the database and directory")
    args = parser.parse_args()
    if args.deliver is None:
        args.deliver = max(1, args.count // 2)
    if args.webhooks is None:
        args.webhooks = max(1, args.deliver // 10)
    return args


# --- figures ---------------------------------------------------------------------------


def short(value: float) -> str:
    """A figure with about three significant digits."""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _status_mb(name: str) -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(x for x in status.splitlines() if x.startswith(name)).split()[1]) / 1024
    except (OSError, StopIteration):
        return None


def reset_peak() -> float:
    """Start measuring peak memory afresh (Linux); return the resident memory now, in MB."""
    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS:") or 0.0


def peak_mb() -> float:
    """Peak resident memory since the last reset_peak() (or since the start, without /proc)."""
    peak = _status_mb("VmHWM:")
    if peak is not None:
        return peak
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Queries:
    """Counts the statements Django sends."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


# --- the receiving end, in its own process ------------------------------------------------


def serve(conn: Connection, mails: Any, hooks: Any) -> None:
    """An SMTP server and a webhook receiver on loopback that count what they receive."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with mails.get_lock():
                mails.value += 1
            return "250 OK"

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with hooks.get_lock():
                hooks.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    smtp = Controller(Counting(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    conn.send((smtp.port, http.server_address[1]))
    conn.recv()  # until told to stop
    http.shutdown()
    smtp.stop()


class Receiver:
    """The receiving process: its ports and what it has counted."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.mails, self.hooks = context.Value("l", 0), context.Value("l", 0)
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(child, self.mails, self.hooks), daemon=True
        )
        self.process.start()
        self.smtp_port, self.http_port = self.conn.recv()
        self.hook_url = f"http://127.0.0.1:{self.http_port}/hook"

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send("stop")
        self.process.join(10)


# --- the run -----------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-notify-"))
    receiver = Receiver()
    env = {
        "ESERVICE_VAR_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
        "TIME_ZONE": "Asia/Bangkok",
        "JOBS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(receiver.smtp_port),
    }
    for name in (
        "REDIS_URL",
        "DATABASE_URL",
        "JOBS_REDIS_PREFIX",
        "JOBS_POLL_SECONDS",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "SMS_PROVIDER_URL",
    ):
        os.environ.pop(name, None)
    on_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url:
        if on_postgres:
            postgres(args.database_url, create=True)
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    try:
        return run(args, work, receiver)
    finally:
        receiver.stop()
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if on_postgres:
                from django.db import connections

                connections.close_all()
                postgres(args.database_url, create=False)


def run(args: argparse.Namespace, work: Path, receiver: Receiver) -> int:
    import django

    backend_name = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"Building a {backend_name} database in {work} …")
    began = time.perf_counter()
    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from eservice.jobs import queue

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - t0:.1f}s")

    prefix = f"eservice-bench-notify:{uuid.uuid4().hex[:12]}"
    redis_error = ""
    try:
        redis.Redis.from_url(args.redis_url).ping()
    except redis.RedisError as exc:
        redis_error = f"{type(exc).__name__}: {exc}"
        print(f"  Redis at {args.redis_url} not reachable ({redis_error}): database queue only")

    @contextlib.contextmanager
    def using(name: str) -> Iterator[None]:
        """JOBS_BACKEND ``name`` for the block (settings are process-wide: threads see it)."""
        if name == "database":
            yield
            return
        with override_settings(
            JOBS_BACKEND="redis", REDIS_URL=args.redis_url, JOBS_REDIS_PREFIX=prefix
        ):
            yield

    backends = ["database"] + ([] if redis_error else ["redis"])
    try:
        bench = Bench(args, receiver, backends, using)
        t0 = time.perf_counter()
        queued = bench.queued()
        t1 = time.perf_counter()
        delivered = bench.delivered()
        t2 = time.perf_counter()
        e2e = bench.end_to_end()
        seconds = (t1 - t0, t2 - t1, time.perf_counter() - t2)
    finally:
        if not redis_error:
            queue.RedisBackend(args.redis_url, prefix).clear()

    server = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {sqlite3.sqlite_version}"
    )
    redis_version = ""
    if not redis_error:
        info = redis.Redis.from_url(args.redis_url).info("server")
        redis_version = f", Redis {info['redis_version']}"
    print(
        f"\n{server}{redis_version}; Python {platform.python_version()}, Django "
        f"{version('django')}, aiosmtpd {version('aiosmtpd')}, httpx {version('httpx')}; "
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average {os.getloadavg()[0]:.1f};"
        f" receivers in a second process; {time.perf_counter() - began:.0f} s in all"
    )
    print_queued(args, queued, seconds[0])
    print_delivered(args, delivered, seconds[1])
    print_e2e(args, e2e, settings.JOBS_POLL_SECONDS, seconds[2])
    failed = bench.failures
    if failed:
        for problem in failed:
            print(f"problem: {problem}", file=sys.stderr)
    return 1 if failed else 0


class Bench:
    """The data the measurements share, and the measurements."""

    def __init__(
        self,
        args: argparse.Namespace,
        receiver: Receiver,
        backends: list[str],
        using: Callable[[str], contextlib.AbstractContextManager[None]],
    ) -> None:
        from eservice.accounts.models import User
        from eservice.catalog.models import Agency
        from eservice.notify import outbox
        from eservice.notify.models import APPLICANT_EVENTS, Preference
        from eservice.notify.render import SAMPLE

        self.args, self.receiver, self.backends, self.using = args, receiver, backends, using
        self.failures: list[str] = []
        self.history_s = 0.0
        self.agency = Agency.objects.create(
            code="bench-city", name_th="เทศบาลนครทดสอบ", name_en="Bench City", kind="local"
        )
        outbox.set_endpoint(self.agency, url=receiver.hook_url, active=True, new_secret=True)
        self.users = []
        for i in range(PEOPLE):
            language = "th" if i % 2 == 0 else "en"
            user = User.objects.create(
                username=f"person{i}",
                email=f"person{i}@example.org",
                full_name_th=f"สมชาย ทดสอบ{i}",
                full_name_en=f"Somchai Test{i}",
                preferred_language=language,
            )
            Preference.objects.create(user=user, email=True, sms=False, language=language)
            self.users.append(user)
        self.events = [str(e) for e in APPLICANT_EVENTS]
        self.sample = dict(SAMPLE)

    # Inputs of call i, as the case handler builds them.

    def event(self, i: int) -> str:
        return self.events[i % len(self.events)]

    def context(self, i: int) -> dict[str, Any]:
        return {**self.sample, "tracking_number": f"BN{i:04d}-{i % 97:02d}"}

    def payload(self, i: int) -> dict[str, Any]:
        return {
            "event": self.event(i),
            "tracking_number": f"BN{i:04d}",
            "application": str(uuid.uuid4()),
            "service": "food-shop",
            "status": "in_review",
            "due_at": "2026-12-01T16:30:00+07:00",
            "at": "2026-11-21T10:00:00+07:00",
            "step": None,
        }

    # --- 1. queued ----------------------------------------------------------------------

    def queued(self) -> dict[str, Any]:
        from django.db import connection, transaction

        from eservice.jobs import queue
        from eservice.jobs.models import Job
        from eservice.notify import outbox
        from eservice.notify.models import Channel, Notification, Status
        from eservice.notify.render import default_wording, fill

        n = self.args.count
        agency = self.agency.pk
        words = default_wording("submitted", "email", "th")
        subject, body = fill(words.subject, self.sample), fill(words.body, self.sample)

        def bare_job(tag: str, i: int) -> int:
            with transaction.atomic():
                Job.objects.create(name="bench.floor", args={"id": i})
            return 0

        def bare_notification(tag: str, i: int) -> int:
            with transaction.atomic():
                Notification.objects.create(
                    event="submitted",
                    channel=Channel.EMAIL,
                    address=f"person{i}@example.org",
                    language="th",
                    subject=subject,
                    body=body,
                    agency_id=agency,
                    key=f"{tag}:{i}",
                    status=Status.PERMANENT_FAILURE,  # not for the sweep or a worker
                )
            return 1

        def render_only(tag: str, i: int) -> int:
            words = default_wording(self.event(i), "email", "th" if i % 2 == 0 else "en")
            context = self.context(i)
            fill(words.subject, context)
            fill(words.body, context)
            return 0

        def create(tag: str, i: int) -> int:
            with transaction.atomic():
                outbox.create(
                    self.event(i),
                    Channel.EMAIL,
                    language="th" if i % 2 == 0 else "en",
                    context=self.context(i),
                    address=f"person{i}@example.org",
                    agency_id=agency,
                    key=f"{tag}:{i}",
                )
            return 1

        def notify_person(tag: str, i: int) -> int:
            user = self.users[i % len(self.users)]
            with transaction.atomic():
                made = outbox.notify_person(
                    user, self.event(i), self.context(i), agency_id=agency, key=f"{tag}:{i}"
                )
            return len(made)

        rows: dict[str, tuple[str, str, Callable[[str, int], int]]] = {
            "floor": ("floor: a bare Job row, own transaction", "database", bare_job),
            "bare": ("a bare Notification row (text given), own tx", "database", bare_notification),
            "render": ("rendering only: wording + fill (no database)", "database", render_only),
        }
        for b in self.backends:
            rows[f"create_{b}"] = (f"outbox.create, email, {b} queue", b, create)
        for b in self.backends:
            rows[f"person_{b}"] = (f"outbox.notify_person (inbox + email), {b}", b, notify_person)

        print(f"  queued: {n:,} calls a row, {len(rows)} rows interleaved …", flush=True)
        start_rss = reset_peak()
        for key, (_, b, fn) in rows.items():  # warm up: code, templates, statements
            with self.using(b):
                for i in range(20):
                    fn(f"warm-{key}", i)
        durations: dict[str, list[float]] = {k: [] for k in rows}
        made: dict[str, int] = dict.fromkeys(rows, 0)
        for i in range(n):
            for key, (_, b, fn) in rows.items():
                with self.using(b):
                    t0 = time.perf_counter()
                    made[key] += fn(key, i)
                    durations[key].append(time.perf_counter() - t0)
        rss = (start_rss, peak_mb())
        queries = {}
        for key, (_, b, fn) in rows.items():
            counter = Queries()
            with self.using(b), connection.execute_wrapper(counter):
                fn(f"count-{key}", 0)
            queries[key] = counter.count

        # Every email written and not yet sent has its delivery job, in one queue or the other.
        waiting = {"database": Job.objects.filter(name="notify.deliver", state="queued").count()}
        for b in self.backends:
            if b != "database":
                with self.using(b):
                    waiting[b] = queue.backend().pending()
        unsent = Notification.objects.filter(status=Status.CREATED).count()
        if unsent != sum(waiting.values()):
            self.failures.append(f"{unsent} unsent notifications but {waiting} jobs waiting")
        # Part 2 starts from empty queues: these messages are left unsent.
        Job.objects.all().delete()
        for b in self.backends:
            if b != "database":
                with self.using(b):
                    redis_queue = queue.backend()
                    assert isinstance(redis_queue, queue.RedisBackend)
                    redis_queue.clear()
        results = {}
        for key, (label, _, _) in rows.items():
            ds = durations[key]
            results[key] = {
                "label": label,
                "per_s": len(ds) / sum(ds),
                "notifications_per_s": made[key] / sum(ds),
                "p50_ms": percentile(ds, 50) * 1000,
                "p95_ms": percentile(ds, 95) * 1000,
                "queries": queries[key],
            }
        return {"rows": results, "waiting": waiting, "unsent": unsent, "rss": rss}

    # --- 2. delivered -------------------------------------------------------------------

    def prepare(self, channel: str, count: int, tag: str) -> None:
        """Write ``count`` notifications and queue their delivery, BATCH a transaction."""
        from django.db import transaction

        from eservice.jobs.queue import enqueue
        from eservice.notify import outbox
        from eservice.notify.models import Channel, Notification

        agency = self.agency.pk
        for start in range(0, count, BATCH):
            with transaction.atomic():
                for i in range(start, min(count, start + BATCH)):
                    if channel == Channel.EMAIL:
                        outbox.create(
                            self.event(i),
                            Channel.EMAIL,
                            language="th" if i % 2 == 0 else "en",
                            context=self.context(i),
                            address=f"person{i}@example.org",
                            agency_id=agency,
                            key=f"{tag}:{i}",
                        )
                    elif channel == Channel.WEBHOOK:
                        outbox.notify_agency_system(
                            self.event(i),
                            self.payload(i),
                            agency_id=agency,
                            application_id=None,
                            key=f"{tag}:{i}",
                        )
                    else:  # an inbox message through the queue: the delivery without I/O
                        notification = Notification.objects.create(
                            event=self.event(i),
                            channel=Channel.INBOX,
                            recipient=self.users[i % len(self.users)],
                            subject="subject",
                            body="body",
                            agency_id=agency,
                            key=f"{tag}:{i}",
                        )
                        enqueue("notify.deliver", {"id": notification.pk})

    def drain(
        self, backends: list[str], channel: str, count: int, name: str = "deliver"
    ) -> dict[str, dict[str, Any]]:
        """Queue ``count`` messages on each backend, then time a worker on each running them.

        The workers take turns, one job each, so that other load on the machine hits
        both backends alike; a backend's rate is its jobs over the time they took.
        """
        from django.db import connection

        from eservice.jobs.worker import Worker
        from eservice.notify.models import Notification, Status

        counters = {"email": self.receiver.mails, "webhook": self.receiver.hooks}
        received = counters[channel].value if channel in counters else 0
        workers = {}
        for b in backends:
            with self.using(b):
                self.prepare(channel, count, f"{name}-{b}-{channel}")
                workers[b] = Worker(name=f"bench-{b}")
        durations: dict[str, list[float]] = {b: [] for b in backends}
        busy = list(backends)
        while busy:
            for b in list(busy):
                with self.using(b):
                    t0 = time.perf_counter()
                    ran = workers[b].run_one()
                    took = time.perf_counter() - t0
                if ran:
                    durations[b].append(took)
                else:
                    busy.remove(b)
        results = {}
        for b in backends:
            tag = f"{name}-{b}-{channel}"
            with self.using(b):
                # Statements of one more job, counted apart from the timed ones.
                self.prepare(channel, 1, f"count-{tag}")
                counter = Queries()
                with connection.execute_wrapper(counter):
                    workers[b].run_one()
            delivered = Notification.objects.filter(
                key__startswith=f"{tag}:", status=Status.DELIVERED
            ).count()
            ds = durations[b]
            if len(ds) != count or delivered != count:
                self.failures.append(
                    f"{b} {channel}: {len(ds)} jobs ran, {delivered} of {count} delivered"
                )
            results[b] = {
                "per_s": len(ds) / sum(ds) if ds else 0.0,
                "p50_ms": percentile(ds, 50) * 1000 if ds else 0.0,
                "p95_ms": percentile(ds, 95) * 1000 if ds else 0.0,
                "queries": counter.count,
                "n": count,
            }
        if channel in counters:
            # Each backend's counted job sent a message too.
            got = counters[channel].value - received - len(backends)
            if got != count * len(backends):
                self.failures.append(
                    f"{channel}: the receiver got {got} of {count * len(backends)}"
                )
        return results

    def raw(self, count: int) -> dict[str, dict[str, Any]]:
        """The sends alone, without the queue, the outbox or Django's mail classes."""
        import httpx
        from django.conf import settings
        from django.core.mail.utils import DNS_NAME

        message = (
            "From: no-reply@eservice.localhost\r\nTo: person@example.org\r\n"
            "Subject: bench\r\n\r\n" + "x" * 600 + "\r\n"
        ).encode()
        body = b'{"event": "submitted", "tracking_number": "BN0001"}'
        client = httpx.Client(timeout=10)
        headers = {"Content-Type": "application/json"}

        def smtp() -> None:
            with smtplib.SMTP(
                settings.EMAIL_HOST, settings.EMAIL_PORT, local_hostname=DNS_NAME.get_fqdn()
            ) as s:
                s.sendmail("no-reply@eservice.localhost", ["person@example.org"], message)

        calls: dict[str, Callable[[], Any]] = {
            "smtp": smtp,
            "post_new": lambda: httpx.post(
                self.receiver.hook_url, content=body, headers=headers, timeout=10
            ).raise_for_status(),
            "post_reused": lambda: client.post(
                self.receiver.hook_url, content=body, headers=headers
            ).raise_for_status(),
        }
        for fn in calls.values():
            fn()
        durations: dict[str, list[float]] = {k: [] for k in calls}
        for _ in range(count):
            for key, fn in calls.items():
                t0 = time.perf_counter()
                fn()
                durations[key].append(time.perf_counter() - t0)
        client.close()
        return {
            k: {
                "per_s": len(ds) / sum(ds),
                "p50_ms": percentile(ds, 50) * 1000,
                "p95_ms": percentile(ds, 95) * 1000,
                "n": count,
            }
            for k, ds in durations.items()
        }

    def delivered(self) -> dict[str, Any]:
        from eservice.notify.models import Channel

        n = self.args.deliver
        print(
            f"  delivered: {n:,} inbox and email messages, {self.args.webhooks:,} webhooks,"
            f" each backend …",
            flush=True,
        )
        start_rss = reset_peak()
        results: dict[str, Any] = {}
        # A first job of each kind: connections, code, DNS name.
        for channel in (Channel.INBOX, Channel.EMAIL, Channel.WEBHOOK):
            self.drain(self.backends, channel, 3, "warm")
        for channel, count in (
            (Channel.INBOX, n),
            (Channel.EMAIL, n),
            (Channel.WEBHOOK, self.args.webhooks),
        ):
            for b, r in self.drain(self.backends, channel, count).items():
                results[f"{channel}_{b}"] = r
        if self.args.history:
            # The database queue keeps finished jobs for JOBS_KEEP_DAYS (7): a week's history.
            from django.db import connection

            from eservice.core.clock import now

            t0, moment = time.perf_counter(), connection.ops.adapt_datetimefield_value(now())
            with connection.cursor() as cursor:  # one statement, as a week of work left them
                cursor.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
                    " INSERT INTO jobs_job (name, args, state, run_at, attempts, max_attempts,"
                    " worker, last_error, created_at, finished_at)"
                    " SELECT 'bench.history', '{\"id\": 0}', 'done', %s, 1, 1, 'bench', '', %s, %s"
                    " FROM n",
                    [self.args.history, moment, moment, moment],
                )
                cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE jobs_job")
            self.history_s = time.perf_counter() - t0
            results["inbox_history"] = self.drain(
                ["database"], Channel.INBOX, max(1, n // 10), "history"
            )["database"]
        raw = self.raw(max(1, min(n, self.args.webhooks) // 2))
        rss = (start_rss, peak_mb())
        if self.args.history:  # the last row's history goes: it would slow part 3 down
            from eservice.jobs.models import Job

            Job.objects.filter(name="bench.history").delete()
        return {"rows": results, "raw": raw, "rss": rss, "history_s": self.history_s}

    # --- 3. end to end --------------------------------------------------------------------

    def end_to_end(self) -> dict[str, Any]:
        from django.conf import settings

        count = self.args.e2e
        results: dict[str, Any] = {}
        if count <= 0:
            return results
        polls = [float(settings.JOBS_POLL_SECONDS), 0.01]
        print(
            f"  end to end: {count} emails at {self.args.rate:g}/s, each backend, polls "
            + ", ".join(f"{p:g} s" for p in polls)
            + " …",
            flush=True,
        )
        start_rss = reset_peak()
        for b in self.backends:
            for poll in polls:
                results[f"{b}_{poll:g}"] = self.one_end_to_end(b, count, poll)
        results["rss"] = (start_rss, peak_mb())
        return results

    def one_end_to_end(self, b: str, count: int, poll: float) -> dict[str, Any]:
        from django.db import connection, transaction

        from eservice.jobs.worker import Worker
        from eservice.notify import outbox
        from eservice.notify.models import Channel, Notification, Status

        tag = f"e2e-{b}-{poll:g}"
        produced = threading.Event()
        errors: list[BaseException] = []

        def produce() -> None:
            try:
                due = time.perf_counter()
                for i in range(count):
                    with transaction.atomic():
                        outbox.create(
                            self.event(i),
                            Channel.EMAIL,
                            language="th" if i % 2 == 0 else "en",
                            context=self.context(i),
                            address=f"person{i}@example.org",
                            agency_id=self.agency.pk,
                            key=f"{tag}:{i}",
                        )
                    due += 1 / self.args.rate
                    time.sleep(max(0.0, due - time.perf_counter()))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()  # the thread's own connection
                produced.set()

        with self.using(b):
            worker = Worker(name=f"bench-e2e-{b}")
            producer = threading.Thread(target=produce)
            start = time.perf_counter()
            producer.start()
            while True:  # as Worker.run_forever: run what is due, then sleep the poll
                finished = produced.is_set()
                ran = 0
                while worker.run_one():
                    ran += 1
                if finished:
                    break
                if not ran:
                    time.sleep(poll)
            wall = time.perf_counter() - start
            producer.join()
        if errors:
            self.failures.append(f"end to end {b}: {errors[0]!r}")
        rows = list(
            Notification.objects.filter(key__startswith=f"{tag}:").values_list(
                "status", "created_at", "sent_at"
            )
        )
        latencies = [(s - c).total_seconds() for st, c, s in rows if st == Status.DELIVERED]
        if len(latencies) != count:
            self.failures.append(f"end to end {b}: {len(latencies)} of {count} delivered")
        latencies = latencies or [0.0]
        sent = [s for st, _, s in rows if st == Status.DELIVERED]
        span = (max(sent) - min(c for _, c, _ in rows)).total_seconds() if sent else wall
        return {
            "poll": poll,
            "per_s": len(sent) / span if span else 0.0,
            "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000,
            "max_ms": max(latencies) * 1000,
        }


# --- report --------------------------------------------------------------------------------


def print_queued(args: argparse.Namespace, q: dict[str, Any], seconds: float) -> None:
    rows = q["rows"]
    print(f"\nQueued: {args.count:,} calls a row, each in its own transaction, rows interleaved")
    print(
        f"{'row':<50}{'calls/s':>9}{'notif./s':>10}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p50/floor':>11}{'queries':>9}"
    )
    floor = rows["floor"]["p50_ms"]
    for r in rows.values():
        print(
            f"{r['label']:<50}{r['per_s']:>9,.0f}{r['notifications_per_s']:>10,.0f}"
            f"{short(r['p50_ms']):>9}{short(r['p95_ms']):>9}{short(r['p50_ms'] / floor):>10}x"
            f"{r['queries']:>9}"
        )
    print(
        "jobs waiting afterwards: "
        + ", ".join(f"{b} {n:,}" for b, n in q["waiting"].items())
        + f"; unsent notifications {q['unsent']:,}. Peak RSS {q['rss'][1]:.0f} MB"
        f" ({q['rss'][0]:.0f} MB when the part started); the part took {seconds:.0f} s"
    )


def print_delivered(args: argparse.Namespace, d: dict[str, Any], seconds: float) -> None:
    rows, raw = d["rows"], d["raw"]
    print("\nDelivered: one Worker, run_one() until the queue is empty; p50/p95 of one job")
    print(f"{'row':<50}{'messages':>9}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    labels = {
        "inbox": "ceiling: inbox (no I/O)",
        "email": "email over SMTP",
        "webhook": "webhook (signed POST)",
    }
    for key, r in rows.items():
        channel, b = key.split("_", 1)
        label = f"{labels[channel]}, {b} queue"
        if b == "history":
            label = f"{labels[channel]}, database + {args.history:,} done jobs"
        print(
            f"{label:<50}{r['n']:>9,}{r['per_s']:>9,.0f}{short(r['p50_ms']):>9}"
            f"{short(r['p95_ms']):>9}{r['queries']:>9}"
        )
    raw_labels = {
        "smtp": "floor: smtplib connect, send, quit (no queue)",
        "post_new": "floor: httpx.post, a new client each",
        "post_reused": "floor: POST with one reused httpx.Client",
    }
    for key, r in raw.items():
        print(
            f"{raw_labels[key]:<50}{r['n']:>9,}{r['per_s']:>9,.0f}{short(r['p50_ms']):>9}"
            f"{short(r['p95_ms']):>9}"
        )
    if args.history:
        print(f"({args.history:,} done jobs inserted in {d['history_s']:.1f}s for the last row)")
    print(
        f"Peak RSS {d['rss'][1]:.0f} MB ({d['rss'][0]:.0f} MB when the part started);"
        f" the part took {seconds:.0f} s, preparing the queues included"
    )


def print_e2e(
    args: argparse.Namespace, e: dict[str, Any], default_poll: float, seconds: float
) -> None:
    if not e:
        return
    print(
        f"\nEnd to end: a thread writes {args.e2e} emails at {args.rate:g}/s (outbox.create), "
        "the worker polls; created_at → sent_at"
    )
    print(f"{'row':<50}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for key, r in e.items():
        if key == "rss":
            continue
        b = key.split("_", 1)[0]
        note = " (default)" if r["poll"] == default_poll else ""
        label = f"{b} queue, poll {r['poll']:g} s{note}"
        print(
            f"{label:<50}{r['per_s']:>9,.0f}{short(r['p50_ms']):>9}{short(r['p95_ms']):>9}"
            f"{short(r['max_ms']):>9}"
        )
    print(
        f"Peak RSS {e['rss'][1]:.0f} MB ({e['rss'][0]:.0f} MB when the part started);"
        f" the part took {seconds:.0f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
