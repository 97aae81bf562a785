"""Kill -9 the server during concurrent applications: nothing lost, duplicated or stuck.

Builds a database (SQLite in a temporary directory, or --database-url,
created and dropped), serves the app with gunicorn (DEBUG off), and runs
``--clients`` applicants at once (``--concurrency`` threads), each as a
careful client does: start an application with its answers and an
``Idempotency-Key``, upload the document it asks for, submit; a request that
gets no answer or a 5xx is sent again, the same, after a pause. Meanwhile the
server is killed with SIGKILL ``--kills`` times (workers and master at once,
at random moments) and started again.

Then it reads the database and prints, next to a first phase of the same
flows with no kill as the baseline (flows per second):

- acknowledged: flows whose submission was answered with a tracking number;
- stored: their applications found submitted, with that tracking number;
- duplicated: applications beyond one per key, a key answered 201 more than
  once, a file stored twice, a submission recorded twice;
- lost: acknowledged flows whose application is not submitted in the database;
- stuck: flows that gave up, and drafts left with empty answers.

    python benchmarks/crash.py
    python benchmarks/crash.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench_crash

The figures that must be 0 are duplicated, lost and stuck.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True

from common import postgres  # noqa: E402

SERVICE = "certificate-of-residence"
MAX_ATTEMPTS = 80
BACKOFF = (0.2, 0.5, 1.0, 2.0)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--clients", type=int, default=200, help="flows under the kills")
    parser.add_argument("--baseline", type=int, default=40, help="flows before any kill")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args()


@dataclass
class Flow:
    user: str
    token: str
    key: str
    answers: dict[str, object]
    app_id: str = ""
    tracking: str = ""
    created_201: int = 0
    attempts: int = 0
    gave_up: str = ""
    statuses: Counter[int] = field(default_factory=Counter)


class Server:
    """gunicorn in its own process group, so one SIGKILL takes master and workers."""

    def __init__(self, workers: int, port: int) -> None:
        self.workers, self.port = workers, port
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "eservice.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--threads",
                "4",
                "--log-level",
                "error",
            ],
            env={**os.environ},
            start_new_session=True,
        )
        wait_ready(self.base)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def wait_ready(base: str, seconds: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base} did not become ready in {seconds:.0f}s")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(n: int, rng: random.Random) -> tuple[list[Flow], bytes]:
    """Migrate, load the demo catalog and ``n`` applicants with tokens; return their flows."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from eservice.accounts.models import User
    from eservice.catalog.importer import import_file
    from eservice.catalog.models import Service
    from eservice.demo.fakes import answers_for, demo_pdf, thai_pin
    from eservice.demo.loader import CATALOG_FILE

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    import_file(CATALOG_FILE, actor="bench")
    version = Service.objects.get(code=SERVICE).current_version
    pins = [thai_pin(rng) for _ in range(n)]
    users = User.objects.bulk_create(
        User(username=f"crash{i}", national_id=pin, password="!") for i, pin in enumerate(pins)
    )
    tokens = Token.objects.bulk_create(Token(user=u, key=secrets.token_hex(20)) for u in users)
    flows = [
        Flow(
            user=u.username,
            token=t.key,
            key=f"crash-{i}-{secrets.token_hex(6)}",
            answers=answers_for(version.form_schema, pin, rng),
        )
        for i, (u, t, pin) in enumerate(zip(users, tokens, pins, strict=True))
    ]
    return flows, demo_pdf("crash").read()


def run_flow(flow: Flow, base: str, pdf: bytes, rng: random.Random) -> None:
    """Start, upload, submit; send again what got no answer or a 5xx, until done."""
    import httpx

    headers = {"Authorization": f"Token {flow.token}", "Accept-Language": "en"}
    with httpx.Client(base_url=base, headers=headers, timeout=15) as client:

        def send(method: str, path: str, **kwargs: object) -> httpx.Response | None:
            for attempt in range(MAX_ATTEMPTS):
                flow.attempts += 1
                try:
                    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
                except httpx.HTTPError:
                    time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)] * (1 + rng.random()))
                    continue
                flow.statuses[response.status_code] += 1
                if response.status_code < 500:
                    return response
                time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)] * (1 + rng.random()))
            return None

        started = send(
            "POST",
            "/api/v1/applications/",
            json={"service": SERVICE, "answers": flow.answers},
            headers={"Idempotency-Key": flow.key},
        )
        if started is None or started.status_code not in (200, 201):
            flow.gave_up = f"start {started.status_code if started else 'no answer'}"
            return
        flow.created_201 += started.status_code == 201
        flow.app_id = started.json()["id"]
        if started.json()["answers"] != flow.answers:
            flow.gave_up = "start stored other answers"
            return
        uploaded = send(
            "POST",
            f"/api/v1/applications/{flow.app_id}/documents/",
            data={"requirement": "id-card"},
            files={"file": ("id-card.pdf", pdf, "application/pdf")},
        )
        if uploaded is None or uploaded.status_code != 201:
            flow.gave_up = f"upload {uploaded.status_code if uploaded else 'no answer'}"
            return
        submitted = send("POST", f"/api/v1/applications/{flow.app_id}/submit/")
        if submitted is None or submitted.status_code != 200:
            body = submitted.text[:200] if submitted is not None else "no answer"
            flow.gave_up = f"submit {submitted.status_code if submitted else ''} {body}"
            return
        flow.tracking = submitted.json()["tracking_number"] or ""


def run(
    flows: list[Flow], server: Server, pdf: bytes, args: argparse.Namespace, kills: int
) -> tuple[float, int]:
    """Run the flows at once; kill the server ``kills`` times meanwhile.

    Return the seconds taken and the kills made (none once every flow is done).
    """
    rng = random.Random(args.seed)
    done = threading.Event()
    made = [0]

    def killer() -> None:
        for _ in range(kills):
            if done.wait(rng.uniform(1.0, 4.0)):
                return
            server.kill()
            made[0] += 1
            time.sleep(0.5)
            server.start()

    t0 = time.perf_counter()
    thread = threading.Thread(target=killer)
    thread.start()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(lambda f: run_flow(f, server.base, pdf, random.Random(f.key)), flows))
    done.set()
    thread.join()
    return time.perf_counter() - t0, made[0]


def report(
    flows: list[Flow], seconds: float, kills: int, baseline: list[Flow], base_seconds: float
) -> int:
    from django.db import connections
    from django.db.models import Count

    from eservice.cases.models import Application, TimelineEvent
    from eservice.documents.models import EvidenceFile

    connections.close_all()
    keys = {f.key: f for f in flows}
    apps = list(Application.objects.filter(client_key__in=list(keys)))
    by_key = Counter(a.client_key for a in apps)
    submitted = {a.client_key: a for a in apps if a.status == "submitted"}
    acknowledged = [f for f in flows if f.tracking]
    stored = [
        f
        for f in acknowledged
        if f.key in submitted and submitted[f.key].tracking_number == f.tracking
    ]
    lost = [f for f in acknowledged if f not in stored]
    app_ids = [a.pk for a in apps]
    twice_files = (
        EvidenceFile.objects.filter(application_id__in=app_ids)
        .values("application_id", "requirement_code", "sha256")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    twice_submitted = (
        TimelineEvent.objects.filter(application_id__in=app_ids, action="submit")
        .values("application_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    duplicated = {
        "applications beyond one per key": sum(n - 1 for n in by_key.values()),
        "keys answered 201 more than once": sum(f.created_201 > 1 for f in flows),
        "files stored twice": twice_files,
        "submissions recorded twice": twice_submitted,
    }
    empty_drafts = sum(1 for a in apps if a.status == "draft" and not a.answers)
    gave_up = [f for f in flows if not f.tracking]
    five_xx = sum(n for f in flows for code, n in f.statuses.items() if code >= 500)
    print(
        f"\n  {len(flows)} flows under {kills} kills in {seconds:.1f} s "
        f"({len(flows) / seconds:.1f} flows/s); baseline without kills: "
        f"{len(baseline) / base_seconds:.1f} flows/s over {len(baseline)} flows"
    )
    print(f"  requests sent {sum(f.attempts for f in flows):,} (5xx answers: {five_xx})")
    print(f"\n  {'acknowledged':<34} {len(acknowledged):>5}")
    print(f"  {'stored':<34} {len(stored):>5}")
    print(f"  {'duplicated':<34} {sum(duplicated.values()):>5}")
    for label, n in duplicated.items():
        print(f"    {label:<32} {n:>5}")
    print(f"  {'lost':<34} {len(lost):>5}")
    print(f"  {'stuck':<34} {len(gave_up) + empty_drafts:>5}")
    print(f"    {'flows that gave up':<32} {len(gave_up):>5}")
    print(f"    {'drafts with empty answers':<32} {empty_drafts:>5}")
    for f in gave_up[:5]:
        print(f"      {f.user}: {f.gave_up}")
    bad = sum(duplicated.values()) + len(lost) + len(gave_up) + empty_drafts
    print(f"\n  verdict: {'0 lost, 0 duplicated, 0 stuck' if not bad else 'DEFECTS FOUND'}")
    return 0 if not bad else 1


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-crash-"))
    env = {
        "ESERVICE_VAR_DIR": str(work),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
    }
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    on_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if on_postgres:
        postgres(args.database_url, create=True)
        env["DATABASE_URL"] = args.database_url
        env["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ.update(env)
    backend = "PostgreSQL" if on_postgres else "SQLite"
    rng = random.Random(args.seed)
    server = Server(args.workers, free_port())
    try:
        flows, pdf = setup(args.baseline + args.clients, rng)
        print(
            f"eservice crash benchmark — {backend}: {args.clients} applicants at once "
            f"({args.concurrency} threads), gunicorn {args.workers} workers, "
            f"{args.kills} kill -9 of the server"
        )
        server.start()
        baseline, crashed = flows[: args.baseline], flows[args.baseline :]
        base_seconds, _ = run(baseline, server, pdf, args, kills=0)
        seconds, kills = run(crashed, server, pdf, args, kills=args.kills)
        server.stop()
        return report(crashed, seconds, kills, baseline, base_seconds)
    finally:
        server.stop()
        if args.keep:
            print(f"kept: {work} {args.database_url}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if on_postgres:
                from django.db import connections

                connections.close_all()
                postgres(args.database_url, create=False)


if __name__ == "__main__":
    sys.exit(main())
