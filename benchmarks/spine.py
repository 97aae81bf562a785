"""Load benchmark of the spine: track lookups, the officer queue and submissions.

1. Builds a database (SQLite by default, or --database-url) with the demo
   catalog and N cases (100,000 by default; use 1,000,000 on PostgreSQL).
2. Serves the app with gunicorn (DEBUG off, as in production).
3. Drives each scenario with wrk for --duration seconds and prints requests per
   second and p50/p95/p99 latency, each next to the floor: GET /healthz on the
   same server in the same run.
4. Prints the peak resident memory of the gunicorn workers.

    python benchmarks/spine.py                       # SQLite, 100,000 cases
    python benchmarks/spine.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench --cases 1000000

Cases are bulk-inserted (not through the actions) so that a million can be
loaded in minutes; their due dates are submission + 21 days. Submissions go
through the real API on drafts that have their documents recorded. Needs
`wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATUS_MIX = [
    ("submitted", 15),
    ("checking", 10),
    ("returned", 5),
    ("in_review", 25),
    ("approved", 30),
    ("rejected", 5),
    ("withdrawn", 3),
    ("closed", 7),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--drafts", type=int, default=30_000, help="drafts ready to submit")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (4 threads each)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_postgres(url: str) -> None:
    """Create the benchmark database afresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(args: argparse.Namespace, work: Path) -> dict[str, object]:
    """Build the database in this process; return what the scenarios need."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from eservice.accounts.models import OfficerRole, User
    from eservice.cases.models import Application, TimelineEvent
    from eservice.catalog.importer import import_file
    from eservice.catalog.models import Agency, Service
    from eservice.core import tracking
    from eservice.core.clock import now
    from eservice.demo.fakes import answers_for, demo_pdf, thai_pin
    from eservice.demo.loader import CATALOG_FILE
    from eservice.documents.models import EvidenceFile

    rng = random.Random(42)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    import_file(CATALOG_FILE, actor="bench")
    services = list(Service.objects.select_related("current_version", "agency"))
    busiest = Agency.objects.get(code="nonthaburi-city")
    officer = User.objects.create_user("bench-officer", password=secrets.token_hex(8))
    OfficerRole.objects.create(user=officer, agency=busiest, role="admin")
    officer_token = Token.objects.create(user=officer).key

    applicants = User.objects.bulk_create(
        User(username=f"bench{i}", national_id=thai_pin(rng), password="!") for i in range(1000)
    )
    tokens = Token.objects.bulk_create(Token(user=u, key=secrets.token_hex(20)) for u in applicants)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    start = now()
    numbers: list[str] = []
    batch = 5000
    answers_by_service = {
        s.pk: answers_for(s.current_version.form_schema, "1103700012346", rng) for s in services
    }
    for offset in range(0, args.cases, batch):
        rows = []
        for _ in range(min(batch, args.cases - offset)):
            service = rng.choice(services)
            status = rng.choice(statuses)
            submitted = start - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
            number = tracking.generate()
            numbers.append(number)
            rows.append(
                Application(
                    applicant=rng.choice(applicants),
                    service=service,
                    service_version=service.current_version,
                    agency=service.agency,
                    status=status,
                    answers=answers_by_service[service.pk],
                    tracking_number=number,
                    created_at=submitted,
                    submitted_at=submitted,
                    due_at=None if status == "returned" else submitted + timedelta(days=21),
                    current_step=1 if status == "in_review" else None,
                )
            )
        created = Application.objects.bulk_create(rows)
        TimelineEvent.objects.bulk_create(
            TimelineEvent(
                application=a,
                at=a.submitted_at,
                kind="transition",
                action="submit",
                from_status="draft",
                to_status="submitted",
            )
            for a in created
        )
        print(f"  loaded {offset + len(rows):,} cases", end="\r", flush=True)
    print(f"  loaded {args.cases:,} cases in {time.perf_counter() - t0:.0f}s")

    # Drafts ready to submit: answers valid, required documents recorded.
    service = next(s for s in services if s.code == "signboard-permit")
    required = list(
        service.current_version.documents.filter(required=True).values_list("code", flat=True)
    )
    stored = EvidenceFile(application_id=0)
    stored_name = stored.file.storage.save("bench/shared.pdf", demo_pdf("bench"))
    token_of = {t.user_id: t.key for t in tokens}
    drafts = Application.objects.bulk_create(
        Application(
            applicant=u,
            service=service,
            service_version=service.current_version,
            agency=service.agency,
            answers=answers_by_service[service.pk],
        )
        for u in (applicants[i % len(applicants)] for i in range(args.drafts))
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            application=d,
            requirement_code=code,
            original_name="x.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            file=stored_name,
            uploaded_at=start,
            uploaded_by_id=d.applicant_id,
        )
        for d in drafts
        for code in required
    )
    # As autovacuum would have by then: planner statistics and PostgreSQL's
    # visibility map, without which a bulk-loaded table is read row by row.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    sample = rng.sample(numbers, min(20_000, len(numbers)))
    (work / "track.txt").write_text("".join(f"GET /api/v1/track/{n}/\n" for n in sample))
    (work / "queue.txt").write_text(
        "".join(
            f"GET /api/v1/cases/?agency={busiest.code}&limit=50&offset={o} {officer_token}\n"
            for o in (0, 0, 0, 50, 100)
        )
    )
    (work / "submit.txt").write_text(
        "".join(
            f"POST /api/v1/applications/{d.public_id}/submit/ {token_of[d.applicant_id]}\n"
            for d in drafts
        )
    )
    (work / "floor.txt").write_text("GET /healthz\n")
    queue_size = Application.objects.filter(agency=busiest).exclude(status="draft").count()
    return {"queue_agency_cases": queue_size, "drafts": len(drafts)}


def wrk(args: argparse.Namespace, url: str, lines: Path) -> dict[str, float]:
    env = {**os.environ, "LINES_FILE": str(lines), "THREADS": str(args.threads)}
    script = HERE / "lua" / "bench.lua"
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(args.threads),
            "-c",
            str(args.connections),
            "-d",
            f"{args.duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), "")
    if not line or '"requests": 0,' in line:
        raise RuntimeError(f"wrk made no requests against {url}:\n{out}")
    return json.loads(line[len("RESULT ") :])


def wait_ready(base: str, seconds: float = 120) -> None:
    """Wait until the server answers /healthz (gunicorn listens before its workers boot)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base} did not become ready in {seconds:.0f}s")


def peak_rss_mb(master_pid: int) -> float:
    """Return the largest peak RSS (VmHWM) among the gunicorn workers."""
    peak = 0
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
        peak = max(peak, kb)
    return peak / 1024


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-"))
    (HERE / "lua" / "bench.lua").write_text(
        (HERE / "lua" / "lines.lua").read_text() + (HERE / "lua" / "report.lua").read_text()
    )
    env = {
        "ESERVICE_VAR_DIR": str(work),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRACK_RATE_LIMIT": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
    }
    if args.database_url:
        prepare_postgres(args.database_url)
        env["DATABASE_URL"] = args.database_url
        env["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ.update(env)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Building {backend} database with {args.cases:,} cases in {work} …")
    info = load(args, work)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "eservice.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env={**os.environ},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        results = {}
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        for name in ("floor", "track", "queue"):
            wrk(warm, base, work / f"{name}.txt")  # load code and caches in every worker
        time.sleep(5)  # let requests still queued from the warm-up finish
        for name in ("floor", "track", "queue", "submit"):
            results[name] = wrk(args, base, work / f"{name}.txt")
        memory = peak_rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    floor = results["floor"]
    print(
        f"\n{backend}, {args.cases:,} cases ({info['queue_agency_cases']:,} in the queue's agency), "
        f"gunicorn {args.workers} workers, wrk {args.threads} threads / {args.connections} connections, "
        f"{args.duration}s each"
    )
    print(
        f"{'scenario':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs floor':>10}"
    )
    labels = {
        "floor": "floor: GET /healthz",
        "track": "track: GET /api/v1/track/<n>/",
        "queue": "queue: GET /api/v1/cases/ (50)",
        "submit": "submit: POST …/submit/",
    }
    for name, r in results.items():
        ratio = r["rps"] / floor["rps"] if floor["rps"] else 0
        print(
            f"{labels[name]:<34}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['errors']:>8}{ratio:>9.0%}"
        )
    submitted = min(int(results["submit"]["requests"]), info["drafts"])  # type: ignore[call-overload]
    print(
        f"submissions made: {submitted:,} of {info['drafts']:,} drafts "
        "(requests beyond that are idempotent re-submits)"
    )
    print(f"peak RSS of a gunicorn worker: {memory:.0f} MB")
    failed = any(r["errors"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
