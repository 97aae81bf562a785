"""Benchmark of the data exchange: signed, logged requests between two platform instances.

1. Starts a provider platform: ``eservice serve`` (gunicorn, DEBUG off) on a
   loopback port with its own SQLite file, signing passphrase and address, the
   DOPA and DBD agencies, their published data services and N generated
   people in the population register.
2. This process is the consumer: Django in-process on its own database (SQLite
   in a temporary directory, or --database-url), one local agency
   ``bench-city``. The two trust each other the way two operators would: each
   imports the other's registry file with the other's CA certificate, then the
   provider grants the consumer the person service
   (``eservice exchange import-registry`` and ``eservice exchange grant``).
3. Measures, each next to a floor taken in the same run:
   - ``client.fetch`` of the person service (consent purpose), one at a time,
     then from T threads at once; floors: ``GET /healthz`` through a fresh
     ``httpx.Client`` per call (as the client does), and unsigned ``POST /r1/``
     requests the provider refuses before any lookup;
   - ``protocol.sign_request`` and ``protocol.verify_request`` against a raw
     RSA-PSS SHA-512 signature and verification with the same key;
   - ``log.append`` (hash-chained message log) against a plain single-row
     INSERT of the same values, committed, in the same database;
   - peak memory of this process and of a provider worker.

    python benchmarks/exchange.py                    # 200 requests, 4 threads
    python benchmarks/exchange.py --count 100 --threads 8
    python benchmarks/exchange.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench_exchange

The consumer's PostgreSQL database is created afresh (dropped if it exists) and
dropped at the end; everything else lives in a temporary directory, removed at
the end. --keep keeps both. The HTTP floors and the one-at-a-time calls are
interleaved (one of each in turn), so that other load on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx

sys.dont_write_bytecode = True  # no __pycache__ in the repository from this run

from common import percentile, postgres  # noqa: E402

EXE = Path(sys.executable).with_name("eservice")
SERVICE_PERSON = "TH-DEMO/GOV/dopa/registry/person"
UNKNOWN_SERVICE = "TH-DEMO/GOV/dopa/registry/no-such-service"
CONSUMER = {"code": "bench-city", "th": "เทศบาลนครทดสอบ", "en": "Bench City Municipality"}
FIRST_NAMES = [
    ("สมชาย", "Somchai", False),
    ("สมหญิง", "Somying", True),
    ("ประเสริฐ", "Prasert", False),
    ("วันดี", "Wandee", True),
    ("สุรชัย", "Surachai", False),
    ("มาลี", "Malee", True),
]
LAST_NAMES = [("ใจดี", "Jaidee"), ("ศรีสุข", "Srisuk"), ("มั่นคง", "Mankong"), ("รักไทย", "Rakthai")]

# Run by the provider (``eservice manage shell -c``): its agencies, services and people.
SETUP = """
import json, random
from eservice.catalog.models import Agency
from eservice.exchange import registry
from eservice.registries import generate
dopa = Agency.objects.create(code="dopa", name_th="กรมการปกครอง", name_en="Department of Provincial Administration", kind="department")
dbd = Agency.objects.create(code="dbd", name_th="กรมพัฒนาธุรกิจการค้า", name_en="Department of Business Development", kind="department")
registry.publish(dopa, "person", "population.person", "ข้อมูลบุคคล", "Person")
registry.publish(dopa, "house-registration", "population.house-registration", "ทะเบียนบ้าน", "House registration")
registry.publish(dbd, "company", "companies.company", "ข้อมูลนิติบุคคล", "Juristic person")
generate.add_people([generate.PersonSeed(*p) for p in json.loads(PEOPLE)], random.Random(7))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=200, help="calls per measurement")
    parser.add_argument("--threads", type=int, default=4, help="consumer threads in parallel")
    parser.add_argument("--people", type=int, default=100, help="people in the provider register")
    parser.add_argument("--database-url", default="", help="the consumer's database")
    parser.add_argument("--provider-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--provider-threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args()


def figures(durations: Sequence[float], wall: float) -> dict[str, float]:
    return {
        "per_s": len(durations) / wall,
        "p50_ms": percentile(durations, 50) * 1000,
        "p95_ms": percentile(durations, 95) * 1000,
    }


def timed(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[Any], dict[str, float]]:
    """Run ``fn`` on every item in turn; return the results and the figures."""
    results, durations = [], []
    start = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        results.append(fn(item))
        durations.append(time.perf_counter() - t0)
    return results, figures(durations, time.perf_counter() - start)


def short(value: float) -> str:
    """A figure with about three significant digits."""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def people(count: int) -> list[tuple[str, str, str, str, str, bool]]:
    """Fictitious people: national ids starting with 9 (never issued), valid check digit."""
    from stdnum.th import pin

    rng = random.Random(11)
    ids: set[str] = set()
    while len(ids) < count:
        body = "9" + "".join(str(rng.randrange(10)) for _ in range(11))
        ids.add(body + pin.calc_check_digit(body))
    seeds = []
    for i, national_id in enumerate(sorted(ids)):
        first_th, first_en, female = FIRST_NAMES[i % len(FIRST_NAMES)]
        last_th, last_en = LAST_NAMES[i % len(LAST_NAMES)]
        seeds.append((national_id, first_th, last_th, first_en, last_en, female))
    return seeds


class Provider:
    """The provider platform: its commands, its address and its server process."""

    def __init__(self, var: Path, args: argparse.Namespace) -> None:
        self.var, self.port = var, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads = args.provider_workers, args.provider_threads
        self.passphrase = secrets.token_urlsafe(24)
        self.secret = secrets.token_urlsafe(40)
        self.process: subprocess.Popen[bytes] | None = None
        self.steps: dict[str, float] = {}

    def env(self) -> dict[str, str]:
        environment = {
            **os.environ,
            "ESERVICE_VAR_DIR": str(self.var),
            "SIGNING_KEY_PASSPHRASE": self.passphrase,
            "EXCHANGE_SELF_URL": self.url,
            "PUBLIC_BASE_URL": self.url,
            "EXCHANGE_INSTANCE": "TH-DEMO",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(self.workers),
            "WEB_THREADS": str(self.threads),
            "DEBUG": "false",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
            environment.pop(name, None)
        return environment

    def run(self, *args: str) -> str:
        t0 = time.perf_counter()
        result = subprocess.run(
            [str(EXE), *args],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=300,
            check=False,
        )
        self.steps[" ".join(args[:2])] = time.perf_counter() - t0
        if result.returncode != 0:
            raise RuntimeError(f"eservice {' '.join(args[:3])} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self, seeds: list[Any]) -> None:
        """Migrate, create agencies, services and people, export the registry, serve."""
        self.var.mkdir(parents=True, exist_ok=True)
        self.run("migrate", "-v", "0")
        script = SETUP.replace("json.loads(PEOPLE)", f"json.loads({json.dumps(seeds)!r})")
        self.run("manage", "shell", "-c", script)
        self.run("exchange", "export-registry", "--out", str(self.var / "registry.json"))
        (self.var / "ca.pem").write_text(self.run("signing", "ca-pem"), encoding="ascii")
        self.process = subprocess.Popen(
            [str(EXE), "serve", "--log-level", "warning", "--access-logfile", "/dev/null"],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, not gunicorn
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError("the provider instance exited")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the provider instance did not start")

    def peak_worker_rss_mb(self) -> float:
        """The largest peak RSS (VmHWM) among the gunicorn workers (Linux only, else 0)."""
        if self.process is None:
            return 0.0
        pid = self.process.pid
        peak = 0
        try:
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
                status = Path(f"/proc/{child}/status").read_text()
                kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
                peak = max(peak, kb)
        except OSError:
            return 0.0
        return peak / 1024

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's master stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def setup_consumer() -> dict[str, Any]:
    """Migrate this process's database; create the consumer agency, its CA and key."""
    import django

    django.setup()
    from django.core.management import call_command

    from eservice.catalog.models import Agency
    from eservice.documents import signing
    from eservice.exchange import registry

    steps = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    steps["migrate"] = time.perf_counter() - t0
    agency = Agency.objects.create(
        code=CONSUMER["code"], kind="local", name_th=CONSUMER["th"], name_en=CONSUMER["en"]
    )
    t0 = time.perf_counter()
    signing.create_authority()
    member = registry.local_member(agency)
    registry.certificates_for(member)  # creates the agency's key
    steps["keys"] = time.perf_counter() - t0
    return {"agency": agency, "member": member, "steps": steps}


def link(provider: Provider, work: Path, member_id: str) -> None:
    """Each side imports the other's registry and CA; the provider grants the person service."""
    from eservice.documents import signing
    from eservice.exchange import registry

    registry.import_registry(
        json.loads((provider.var / "registry.json").read_text(encoding="utf-8")),
        (provider.var / "ca.pem").read_text(encoding="ascii"),
        "bench",
    )
    mine, ca = work / "consumer-registry.json", work / "consumer-ca.pem"
    mine.write_text(json.dumps(registry.export(), ensure_ascii=False), encoding="utf-8")
    ca.write_text(signing.authority_pem(), encoding="ascii")
    provider.run("exchange", "import-registry", str(mine), "--ca", str(ca))
    provider.run("exchange", "grant", SERVICE_PERSON, member_id)


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-exchange-"))
    consumer_var = work / "consumer"
    consumer_var.mkdir()
    env = {
        "ESERVICE_VAR_DIR": str(consumer_var),
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SIGNING_KEY_PASSPHRASE": secrets.token_urlsafe(24),
        "EXCHANGE_INSTANCE": "TH-DEMO",
        # The consumer serves nothing; its registry file still needs an address.
        "EXCHANGE_SELF_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.pop("REDIS_URL", None)
    on_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url:
        if on_postgres:
            postgres(args.database_url, create=True)
        env["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # SQLite in the consumer's directory
    os.environ.update(env)
    provider = Provider(work / "provider", args)
    try:
        return run(args, work, provider)
    finally:
        provider.stop()
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if on_postgres:
                from django.db import connections

                connections.close_all()
                postgres(args.database_url, create=False)


def run(args: argparse.Namespace, work: Path, provider: Provider) -> int:
    n, threads = args.count, args.threads
    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    if args.database_url and backend == "SQLite":
        backend = args.database_url.split(":", 1)[0]
    print(f"Setting up the provider (SQLite) and the consumer ({backend}) in {work} …")
    seeds = people(args.people)
    t0 = time.perf_counter()
    # The provider's commands run in subprocesses while this process migrates its own database.
    with ThreadPoolExecutor(1) as pool:
        prepared = pool.submit(provider.prepare, seeds)
        consumer = setup_consumer()
        prepared.result()
    link(provider, work, consumer["member"].identifier)
    provider.wait_ready()
    print(
        f"  ready in {time.perf_counter() - t0:.1f}s; consumer: migrate "
        f"{consumer['steps']['migrate']:.1f}s, CA + agency key (RSA-3072) "
        f"{consumer['steps']['keys']:.1f}s; provider commands: "
        + ", ".join(f"{name} {s:.1f}s" for name, s in provider.steps.items())
    )

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from eservice.core.clock import now
    from eservice.documents import signing
    from eservice.exchange import client, protocol, registry
    from eservice.exchange import log as message_log

    agency = consumer["agency"]
    service = registry.service(SERVICE_PERSON)
    ids = [seed[0] for seed in seeds]
    rng = random.Random(3)

    def fetch(national_id: str) -> None:
        answer = client.fetch(
            service,
            {"national_id": national_id},
            agency=agency,
            user_id="officer:bench-clerk",
            issue=str(uuid.uuid4()),
            purpose=f"consent:{uuid.uuid4()}",
        )
        if answer.data.get("national_id") != national_id:
            raise RuntimeError("the answer is about someone else")

    def outcome(fn: Callable[[], Any]) -> str:
        try:
            fn()
        except client.ExchangeFailed as exc:
            return f"{exc.reason} {exc.detail}".strip()
        except Exception as exc:
            return type(exc).__name__
        return "ok"

    def fetch_all(todo: list[str]) -> tuple[list[float], Counter[str]]:
        durations: list[float] = []
        outcomes: Counter[str] = Counter()
        for national_id in todo:
            t0 = time.perf_counter()
            outcomes[outcome(lambda nid=national_id: fetch(nid))] += 1
            durations.append(time.perf_counter() - t0)
        return durations, outcomes

    def parallel(
        fn: Callable[[list[str]], tuple[list[float], Counter[str]]], todo: list[str]
    ) -> tuple[dict[str, float], Counter[str]]:
        """Run ``fn`` on T slices of ``todo`` at once; figures over all calls."""

        def in_thread(chunk: list[str]) -> tuple[list[float], Counter[str]]:
            try:
                return fn(chunk)
            finally:
                connection.close()  # each thread has its own connection

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            done = list(pool.map(in_thread, [todo[i::threads] for i in range(threads)]))
        wall = time.perf_counter() - start
        outcomes: Counter[str] = sum((o for _, o in done), Counter())
        return figures([d for ds, _ in done for d in ds], wall), outcomes

    results: dict[str, dict[str, float]] = {}
    outcomes: dict[str, Counter[str]] = {}

    # The first call: the consumer opens its key; a provider worker opens DOPA's key.
    t0 = time.perf_counter()
    fetch(ids[0])
    cold_ms = (time.perf_counter() - t0) * 1000
    # Load code and keys in every provider worker and thread.
    parallel(fetch_all, [rng.choice(ids) for _ in range(4 * args.provider_workers * threads)])
    with CaptureQueriesContext(connection) as queries:
        fetch(ids[1])
    client_queries = len(queries.captured_queries)

    # --- round trips and their floors, interleaved so that other load hits all alike ----
    body = protocol.body_of({"national_id": ids[0]})
    reused = httpx.Client(timeout=5)

    def status(call: Callable[[httpx.Client], httpx.Response], expected: int, fresh: bool) -> str:
        if fresh:
            with httpx.Client(timeout=5) as http:  # as XRoadGateway.send does
                got = call(http).status_code
        else:
            got = call(reused).status_code
        return "ok" if got == expected else f"HTTP {got}"

    def healthz(http: httpx.Client) -> httpx.Response:
        return http.get(f"{provider.url}/healthz")

    def unsigned(service_id: str) -> Callable[[httpx.Client], httpx.Response]:
        def post(http: httpx.Client) -> httpx.Response:
            return http.post(
                f"{provider.url}/r1/{service_id}",
                content=body,
                headers={"content-type": "application/json"},
            )

        return post

    calls: dict[str, Callable[[str], str]] = {
        "healthz": lambda _: status(healthz, 200, fresh=True),
        "healthz_reused": lambda _: status(healthz, 200, fresh=False),
        "unknown": lambda _: status(unsigned(UNKNOWN_SERVICE), 404, fresh=True),
        "unsigned": lambda _: status(unsigned(SERVICE_PERSON), 403, fresh=True),
        "fetch": lambda national_id: outcome(lambda: fetch(national_id)),
    }
    durations: dict[str, list[float]] = {name: [] for name in calls}
    outcomes |= {name: Counter() for name in calls}
    for _ in range(n):
        national_id = rng.choice(ids)
        for name, call in calls.items():
            t0 = time.perf_counter()
            outcomes[name][call(national_id)] += 1
            durations[name].append(time.perf_counter() - t0)
    reused.close()
    for name, ds in durations.items():
        results[name] = figures(ds, sum(ds))

    def fresh_healthz(todo: list[str]) -> tuple[list[float], Counter[str]]:
        ds, got = [], Counter[str]()
        for _ in todo:
            t0 = time.perf_counter()
            got[status(healthz, 200, fresh=True)] += 1
            ds.append(time.perf_counter() - t0)
        return ds, got

    results["healthz_parallel"], outcomes["healthz_parallel"] = parallel(fresh_healthz, ["-"] * n)
    results["fetch_parallel"], outcomes["fetch_parallel"] = parallel(
        fetch_all, [rng.choice(ids) for _ in range(n)]
    )

    # --- signing ------------------------------------------------------------------------
    key = registry.key_for(agency)
    certificates = signing.certificates_of(agency)
    client_id = protocol.client_identifier(consumer["member"].identifier)

    def unsigned_request(national_id: str) -> tuple[httpx.Request, bytes]:
        body = protocol.body_of({"national_id": national_id})
        request = httpx.Request(
            "POST",
            f"{provider.url}/r1/{SERVICE_PERSON}",
            headers={
                "content-type": "application/json",
                protocol.CLIENT: client_id,
                protocol.ID: str(uuid.uuid4()),
                protocol.USER: "officer:bench-clerk",
                protocol.ISSUE: str(uuid.uuid4()),
                protocol.PURPOSE: f"consent:{uuid.uuid4()}",
            },
            content=body,
        )
        return request, body

    messages = [unsigned_request(rng.choice(ids)) for _ in range(n)]
    _, results["sign"] = timed(lambda m: protocol.sign_request(m[0], m[1], key), messages)
    _, results["verify"] = timed(
        lambda m: protocol.verify_request(m[0], m[1], certificates), messages
    )
    # The raw operations on a message the size of a signature base.
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
    base = b"\n".join(f"{k}: {v}".encode() for k, v in messages[0][0].headers.items())
    raw_signatures, results["raw_sign"] = timed(
        lambda _: key.private.sign(base, pss, hashes.SHA512()), range(n)
    )
    public = key.private.public_key()
    _, results["raw_verify"] = timed(
        lambda s: public.verify(s, base, pss, hashes.SHA512()), raw_signatures
    )

    # --- the message log ----------------------------------------------------------------
    signed = messages[0][0]
    record = {
        "side": "client",
        "kind": "request",
        "member": consumer["member"].identifier,
        "client": client_id,
        "service": SERVICE_PERSON,
        "user_id": "officer:bench-clerk",
        "issue": signed.headers[protocol.ISSUE],
        "purpose": signed.headers[protocol.PURPOSE],
        "request_hash": protocol.signature_hash(signed.headers),
        "signature": signed.headers["signature"],
    }
    _, results["append"] = timed(
        lambda _: message_log.append(**record, request_id=str(uuid.uuid4())), range(n)
    )
    columns = [*message_log.CHAINED, "prev_hash", "hash"]
    identity = "INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "BIGSERIAL PRIMARY KEY"
    numeric = {"seq": "BIGINT", "status": "SMALLINT"}
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_insert_floor (id {identity}, "
            + ", ".join(f"{c} {numeric.get(c, 'TEXT')}" for c in columns)
            + ")"
        )
    insert = (
        f"INSERT INTO bench_insert_floor ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )

    def plain_insert(i: int) -> None:
        values = {**record, "request_id": str(uuid.uuid4()), "seq": i, "at": now().isoformat()}
        values |= {"status": None, "response_hash": "", "error": ""}
        values |= {"prev_hash": "0" * 64, "hash": hashlib.sha256(str(i).encode()).hexdigest()}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [values[c] for c in columns])

    _, results["insert"] = timed(plain_insert, range(n))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_insert_floor")

    # --- checks and memory --------------------------------------------------------------
    verdict = message_log.verify()
    provider_log = provider.run("exchange", "verify-log").strip()
    provider_rss = provider.peak_worker_rss_mb()

    print(
        f"\n{n} calls per row; provider: gunicorn {args.provider_workers} workers x "
        f"{args.provider_threads} threads, SQLite, {args.people} people; consumer: this "
        f"process, {backend}; both on this machine"
    )
    print(
        f"Python {platform.python_version()}, Django {version('django')}, httpx "
        f"{version('httpx')}, http-message-signatures {version('http-message-signatures')}, "
        f"cryptography {version('cryptography')}, {os.cpu_count()} CPUs ({platform.machine()})"
    )
    groups = [
        (
            "round trip over HTTP",
            [
                ("healthz_reused", "floor: GET /healthz, one reused client", "healthz_reused"),
                ("healthz", "GET /healthz, fresh httpx.Client each", "healthz_reused"),
                ("unknown", "POST /r1/ unknown service, unsigned (404)", "healthz"),
                ("unsigned", "POST /r1/ person, unsigned (403)", "healthz"),
                ("fetch", "client.fetch person, one at a time", "healthz_reused"),
                ("healthz_parallel", f"floor: GET /healthz, fresh, {threads} threads", "healthz"),
                ("fetch_parallel", f"client.fetch person, {threads} threads", "healthz"),
            ],
        ),
        (
            "signing (RSA-3072, RSA-PSS SHA-512)",
            [
                ("raw_sign", "floor: raw sign (cryptography)", "raw_sign"),
                ("raw_verify", "floor: raw verify (cryptography)", "raw_verify"),
                ("sign", "protocol.sign_request", "raw_sign"),
                ("verify", "protocol.verify_request", "raw_verify"),
            ],
        ),
        (
            "message log",
            [
                ("insert", "floor: one-row INSERT + commit", "insert"),
                ("append", "log.append (hash chain)", "insert"),
            ],
        ),
    ]
    for title, rows in groups:
        print(f"\n{title:<44}{'per s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p50 / floor':>13}")
        for key_, label, floor in rows:
            r = results[key_]
            print(
                f"{label:<44}{r['per_s']:>9.0f}{short(r['p50_ms']):>10}{short(r['p95_ms']):>10}"
                f"{short(r['p50_ms'] / results[floor]['p50_ms']):>12}x"
            )
    parts = {
        "HTTP, reused client": results["healthz_reused"]["p50_ms"],
        "2 signatures": 2 * results["sign"]["p50_ms"],
        "2 verifications": 2 * results["verify"]["p50_ms"],
        "2 log records here": 2 * results["append"]["p50_ms"],
    }
    rest = results["fetch"]["p50_ms"] - sum(parts.values())
    print(
        "\nparts of one call (p50): "
        + ", ".join(f"{name} {short(ms)} ms" for name, ms in parts.items())
        + f"; the other {short(rest)} ms of {short(results['fetch']['p50_ms'])} ms: the "
        "provider's checks, lookup and 2 log records, and the other queries here"
    )
    print(f"consumer-side database queries per call: {client_queries}")
    print(f"first call in this process (keys opened on both sides): {cold_ms:.0f} ms")
    print(
        f"consumer message log: {'intact' if verdict.ok else 'BROKEN'}, {verdict.checked} records"
    )
    print(f"provider: {provider_log}")
    print(f"peak RSS: this process {max_rss_mb():.0f} MB, a provider worker {provider_rss:.0f} MB")
    failed = {name: dict(o) for name, o in outcomes.items() if set(o) != {"ok"}}
    if failed:
        print(f"unexpected outcomes: {failed}", file=sys.stderr)
    return 1 if failed or not verdict.ok else 0


if __name__ == "__main__":
    sys.exit(main())
