"""Benchmark of open data: regenerating the figures, and the CKAN search over many datasets.

1. Regeneration. Builds a database (SQLite in a temporary directory, or
   --database-url) with the demo catalog, one applicant and N cases (1,000,000
   by default) submitted over 36 months, raw-inserted in batches: approved,
   rejected (with their ``reject`` timeline event, which the facts read),
   withdrawn and some still open, a few with a request for documents. Then:
   - ``publish(moment=M1, full=True)``: every fact and month counted from
     scratch (the baseline);
   - 1,000 new cases submitted (and their ``submit`` events) between M1 and
     M2 = M1 + 1 h, all older than the 2-minute settle window, then
     ``publish(moment=M2)``: the incremental run;
   - ``publish(moment=M2 + 5 min)`` with no new event (the floor);
   - 1,000 decisions on open cases of any age, then ``publish()`` again;
   - a full recount at the same moment, whose monthly figures must equal the
     incremental ones (exit 1 if not).
2. Search. Adds D datasets (10,000 by default) owned by ~50 agencies, with
   Thai/English titles and notes varying per row, tags and groups, indexed by
   ``publish._index`` (what publishing writes) and 3 small files each. Then
   times ``ckan.package_search`` in-process, and the same calls through the
   view (``GET /api/3/action/package_search`` with ``django.test.Client``,
   JSON rendering included), each next to ``package_show`` of one dataset and
   a plain lookup by name measured in the same run, the calls interleaved.

    python benchmarks/opendata.py                                # SQLite, 1,000,000 cases
    python benchmarks/opendata.py --cases 20000 --datasets 1000  # quick
    python benchmarks/opendata.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench_opendata

A PostgreSQL database is created afresh (dropped if it exists) and dropped at
the end; the temporary directory is removed at the end. --keep keeps both.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import math
import os
import platform
import random
import resource
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.dont_write_bytecode = True  # no __pycache__ in the repository from this run

from common import percentile, postgres  # noqa: E402

BANGKOK = ZoneInfo("Asia/Bangkok")
# A Wednesday in the middle of a month: the runs below do not cross a month's end.
M1 = datetime(2026, 11, 18, 10, 0, tzinfo=BANGKOK)
MONTHS = 36
BATCH = 20_000

TH_MONTHS = "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม"
EN_MONTHS = "January February March April May June July August September October November December"
# Agencies added for the search part (the demo catalog has 14): 36 provinces.
PROVINCES = [
    ("เชียงใหม่", "Chiang Mai"),
    ("ขอนแก่น", "Khon Kaen"),
    ("นครราชสีมา", "Nakhon Ratchasima"),
    ("ภูเก็ต", "Phuket"),
    ("สงขลา", "Songkhla"),
    ("อุดรธานี", "Udon Thani"),
    ("ชลบุรี", "Chon Buri"),
    ("ระยอง", "Rayong"),
    ("พิษณุโลก", "Phitsanulok"),
    ("สุราษฎร์ธานี", "Surat Thani"),
    ("อุบลราชธานี", "Ubon Ratchathani"),
    ("เชียงราย", "Chiang Rai"),
    ("นครศรีธรรมราช", "Nakhon Si Thammarat"),
    ("ลำปาง", "Lampang"),
    ("นครสวรรค์", "Nakhon Sawan"),
    ("ตรัง", "Trang"),
    ("ยะลา", "Yala"),
    ("สระบุรี", "Saraburi"),
    ("ราชบุรี", "Ratchaburi"),
    ("กาญจนบุรี", "Kanchanaburi"),
    ("เพชรบุรี", "Phetchaburi"),
    ("ปทุมธานี", "Pathum Thani"),
    ("สมุทรปราการ", "Samut Prakan"),
    ("นครปฐม", "Nakhon Pathom"),
    ("พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    ("ลพบุรี", "Lop Buri"),
    ("สกลนคร", "Sakon Nakhon"),
    ("ร้อยเอ็ด", "Roi Et"),
    ("บุรีรัมย์", "Buri Ram"),
    ("สุรินทร์", "Surin"),
    ("มหาสารคาม", "Maha Sarakham"),
    ("กระบี่", "Krabi"),
    ("แม่ฮ่องสอน", "Mae Hong Son"),
    ("น่าน", "Nan"),
    ("แพร่", "Phrae"),
    ("จันทบุรี", "Chanthaburi"),
]
SLUG = {"Phra Nakhon Si Ayutthaya": "ayutthaya", "Nakhon Si Thammarat": "nakhon-si-thammarat"}
# Services the datasets are about, besides the demo catalog's: (th, en, code, tags).
MORE_SERVICES = [
    ("ใบอนุญาตประกอบกิจการโรงแรม", "Hotel business licence", "hotel", ["โรงแรม", "ท่องเที่ยว"]),
    ("ใบอนุญาตขายยาแผนปัจจุบัน", "Modern medicine pharmacy licence", "pharmacy", ["ยา"]),
    ("ใบอนุญาตตลาด", "Market licence", "market", ["ตลาด", "อาหาร"]),
    ("การขออนุญาตขุดดินและถมดิน", "Excavation and land filling permit", "land-fill", ["ที่ดิน"]),
    ("ทะเบียนสมาคม", "Association registration", "association", ["ทะเบียน"]),
    ("ใบอนุญาตนำเข้าเครื่องสำอาง", "Cosmetics import licence", "cosmetics", ["นำเข้า"]),
]
TAG_POOL = [
    "ผลการให้บริการ",
    "การอำนวยความสะดวก",
    "ใบอนุญาต",
    "ระยะเวลาดำเนินการ",
    "สถิติ",
    "รายเดือน",
    "service-performance",
    "e-service",
    "licensing",
    "monthly",
    "statistics",
    "permits",
]
THAI_QUERIES = ["ใบอนุญาต", "อาหาร", "โรงแรม", "เชียงใหม่", "ก่อสร้างอาคาร", "ร้านขายยา", "ตลาด"]
ENGLISH_QUERIES = [
    "food shop licence",
    "building permit",
    "hotel",
    "Chiang Mai",
    "pharmacy",
    "company registration",
    "market",
]
OPEN_STATUSES = ["submitted", "checking", "in_review"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases already received")
    parser.add_argument("--new-cases", type=int, default=1_000, help="cases between two runs")
    parser.add_argument("--datasets", type=int, default=10_000, help="datasets to search")
    parser.add_argument(
        "--calls",
        type=int,
        help="calls per search measurement (default 200; datasets / 40 below 8,000 datasets)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--only", choices=["regeneration", "search"], help="run one of the two parts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and directory")
    args = parser.parse_args()
    if args.calls is None:
        args.calls = min(200, max(20, args.datasets // 40))
    return args


# --- figures -------------------------------------------------------------------------


def figures(durations: Sequence[float]) -> dict[str, float]:
    return {
        "per_s": len(durations) / sum(durations),
        "p50_ms": percentile(durations, 50) * 1000,
        "p95_ms": percentile(durations, 95) * 1000,
    }


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
    """Start measuring peak memory afresh; return the resident memory now, in MB.

    Linux resets the peak (VmHWM) to the current size; elsewhere the peak stays the
    process's peak so far. Python keeps memory it freed, so a stretch starts where
    the one before it left the process.
    """
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


def progress(text: str) -> None:
    """A line that the next one overwrites, on a terminal only."""
    if sys.stdout.isatty():
        print(f"{text}\033[K", end="\r", flush=True)


class Queries:
    """Counts the statements Django sends (without keeping them, unlike CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


# --- raw inserts ---------------------------------------------------------------------


class Writer:
    """Inserts prepared tuples: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def dt(self, value: datetime | None) -> Any:
        """A UTC datetime as the backend stores it (SQLite: Django's naive UTC text)."""
        if value is None or self.postgres:
            return value
        return str(value.replace(tzinfo=None))

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def reset_sequence(self, table: str) -> None:
        """After explicit ids, make PostgreSQL's next id follow them (SQLite does by itself)."""
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )

    def analyze(self) -> None:
        """As autovacuum would have by then: planner statistics (and the visibility map)."""
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if self.postgres else "ANALYZE")


APPLICATION_COLUMNS = [
    "id",
    "public_id",
    "tracking_number",
    "applicant_id",
    "service_id",
    "service_version_id",
    "agency_id",
    "status",
    "answers",
    "prefill",
    "officer_reads",
    "language",
    "created_at",
    "submitted_at",
    "decided_at",
    "closed_at",
    "due_at",
    "remaining_minutes",
    "decision_reasons",
    "appeal_info",
]
EVENT_COLUMNS = [
    "application_id",
    "at",
    "kind",
    "action",
    "from_status",
    "to_status",
    "text",
    "internal",
]
REQUEST_COLUMNS = [
    "application_id",
    "requested_at",
    "requested_by_id",
    "items",
    "note",
    "respond_by",
    "responded_at",
]


class Cases:
    """Generates cases as rows for the raw inserts, consistent with what the actions write."""

    def __init__(self, writer: Writer, rng: random.Random, applicant: int, officer: int) -> None:
        from eservice.catalog.models import Service

        self.w, self.rng = writer, rng
        self.applicant, self.officer = applicant, officer
        self.services = []
        for s in Service.objects.select_related("current_version").order_by("code"):
            v = s.current_version
            if v.time_limit_unit == "hours":
                limit = timedelta(hours=v.time_limit_value)
            else:  # working days: about 7 calendar days for every 5
                limit = timedelta(days=math.ceil(v.time_limit_value * 7 / 5) + 1)
            self.services.append((s.pk, v.pk, s.agency_id, limit))
        # Some services are much busier than others.
        self.weights = [rng.choice([1, 2, 4, 8, 16]) for _ in self.services]
        self.apps: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.requests: list[tuple[Any, ...]] = []

    def one(self, app_id: int, submitted: datetime, horizon: datetime, *, open_: bool) -> None:
        """Add one case submitted at ``submitted``, as it stands at ``horizon``."""
        rng, w = self.rng, self.w
        service, service_version, agency, limit = rng.choices(self.services, self.weights)[0]
        due: datetime | None = submitted + limit
        decided = closed = None
        remaining = None
        reasons = ""
        # Calendar days to decide: median 8, p90 about 17; some take far longer.
        end = submitted + timedelta(days=rng.lognormvariate(math.log(8), 0.6))
        requested = responded = None
        if not open_ and rng.random() < 0.06:  # the clerk asks for documents; they come
            requested = submitted + timedelta(hours=rng.uniform(4, 72))
            responded = requested + timedelta(days=rng.uniform(1, 10))
            end += responded - requested
            if due is not None:
                due += responded - requested
        outcome = rng.random()
        if outcome < 0.08:  # withdrawn by the applicant, some time before a decision
            end = submitted + (end - submitted) * rng.uniform(0.1, 1)
        if open_:
            status = "submitted"
        elif end > horizon or rng.random() < 0.01:  # still open (1% stuck for good)
            status = rng.choice(OPEN_STATUSES)
            if requested is not None and requested < horizon < responded:
                status, responded, due, remaining = "returned", None, None, 2400
        elif outcome < 0.08:
            status, closed, due = "withdrawn", end, None
        elif outcome < 0.18:
            status, decided, closed, reasons = "rejected", end, end, "เอกสารไม่ครบถ้วน"
            self.events.append(
                (app_id, w.dt(end), "transition", "reject", "in_review", "rejected", reasons, False)
            )
        else:
            status, decided, closed = "approved", end, end
        if requested is not None and requested < horizon:
            respond_by = (requested + timedelta(days=15)).astimezone(BANGKOK).date()
            self.requests.append(
                (
                    app_id,
                    w.dt(requested),
                    self.officer,
                    '[{"code": "extra"}]',
                    "",
                    w.day(respond_by),
                    w.dt(responded),
                )
            )
        self.apps.append(
            (
                app_id,
                w.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
                f"BN{app_id:011d}",
                self.applicant,
                service,
                service_version,
                agency,
                status,
                "{}",
                "{}",
                "{}",
                "th",
                w.dt(submitted),
                w.dt(submitted),
                w.dt(decided),
                w.dt(closed),
                w.dt(due),
                remaining,
                reasons,
                "",
            )
        )

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.w.insert("cases_application", APPLICATION_COLUMNS, self.apps)
            self.w.insert("cases_timelineevent", EVENT_COLUMNS, self.events)
            self.w.insert("cases_documentrequest", REQUEST_COLUMNS, self.requests)
        self.apps, self.events, self.requests = [], [], []


def submission_times(
    rng: random.Random, count: int, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Submission moments between start and end, in office hours, a little more each month."""
    days = (end - start).days
    for _ in range(count):
        # Half uniform, half rising towards the end: the last months have 3x the first's.
        x = rng.random() if rng.random() < 0.5 else math.sqrt(rng.random())
        day = (start + timedelta(days=int(x * days))).astimezone(BANGKOK)
        moment = day.replace(hour=8, minute=30) + timedelta(minutes=rng.randint(0, 8 * 60))
        yield min(moment, end).astimezone(UTC)


def regeneration(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    from django.db import connection, transaction

    from eservice.accounts.models import User
    from eservice.cases.models import Application, TimelineEvent
    from eservice.opendata.models import CaseFact, Dataset, MonthFigures
    from eservice.opendata.publish import publish

    rng = random.Random(42)
    writer = Writer()
    applicant = User.objects.create_user("bench-applicant", password=secrets.token_hex(8))
    officer = User.objects.create_user("bench-officer", password=secrets.token_hex(8))
    cases = Cases(writer, rng, applicant.pk, officer.pk)
    out: dict[str, Any] = {}

    # --- N cases over 36 months --------------------------------------------------------
    start_rss = reset_peak()
    t0 = time.perf_counter()
    first = M1 - timedelta(days=round(MONTHS * 30.44))
    horizon = M1 - timedelta(minutes=3)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a larger page cache for the load only
            cursor.execute("PRAGMA cache_size=-262144")
    next_id = 1
    for when in submission_times(rng, args.cases, first, horizon):
        cases.one(next_id, when, horizon, open_=False)
        next_id += 1
        if len(cases.apps) >= BATCH:
            cases.flush()
            progress(f"  loaded {next_id - 1:,} cases")
    cases.flush()
    writer.reset_sequence("cases_application")
    writer.analyze()
    connection.close()  # the next connection has SQLite's default page cache again
    out["load_s"] = time.perf_counter() - t0
    out["events"] = TimelineEvent.objects.count()
    out["open"] = Application.objects.filter(status__in=[*OPEN_STATUSES, "returned"]).count()
    print(
        f"  loaded {args.cases:,} cases ({out['open']:,} open, {out['events']:,} reject events)"
        f" in {out['load_s']:.0f}s; peak RSS {peak_mb():.0f} MB"
    )
    out["rss_load"] = (start_rss, peak_mb())
    out["sqlite"] = connection.vendor == "sqlite"

    counter = Queries()

    def run(moment: datetime, *, full: bool = False) -> dict[str, Any]:
        counter.count = 0
        start_rss = reset_peak()
        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            report = publish(moment=moment, full=full)
            seconds = time.perf_counter() - t0
        return {
            "s": seconds,
            "cases": report.cases,
            "cells": report.cells,
            "written": len(report.written),
            "unchanged": report.unchanged,
            "queries": counter.count,
            "rss": (start_rss, peak_mb()),
        }

    # --- the full recount: the baseline ----------------------------------------------
    print("  full recount …", flush=True)
    out["full"] = run(M1, full=True)
    out["facts"] = CaseFact.objects.count()
    out["months"] = MonthFigures.objects.count()
    out["datasets"] = Dataset.objects.count()

    # --- 1,000 new cases, past the settle window ---------------------------------------
    m2 = M1 + timedelta(hours=1)
    for _ in range(args.new_cases):  # between M1 + 1 min and M2 - 3 min
        submitted = (M1 + timedelta(minutes=rng.uniform(1, 57))).astimezone(UTC)
        cases.one(next_id, submitted, m2, open_=True)
        cases.events.append(
            (next_id, writer.dt(submitted), "transition", "submit", "draft", "submitted", "", False)
        )
        next_id += 1
    cases.flush()
    writer.reset_sequence("cases_application")
    out["incremental"] = run(m2)

    # --- nothing new: the floor ---------------------------------------------------------
    m2b = m2 + timedelta(minutes=5)
    out["floor"] = run(m2b)

    # --- 1,000 decisions on open cases of any age ---------------------------------------
    m3 = m2b + timedelta(hours=1)
    open_ids = list(
        Application.objects.filter(status__in=OPEN_STATUSES, submitted_at__lt=m2b)
        .order_by("id")
        .values_list("id", flat=True)
    )
    chosen = sorted(rng.sample(open_ids, min(args.new_cases, len(open_ids))))
    updates, events = [], []
    for app_id in chosen:
        at = m2b + timedelta(minutes=rng.uniform(1, 55))
        rejected = rng.random() < 0.12
        status = "rejected" if rejected else "approved"
        stamp = writer.dt(at.astimezone(UTC))
        updates.append((status, stamp, stamp, app_id))
        events.append(
            (
                app_id,
                stamp,
                "transition",
                "reject" if rejected else "approve",
                "in_review",
                status,
                "",
                False,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE cases_application SET status = %s, decided_at = %s, closed_at = %s WHERE id = %s",
            updates,
        )
        writer.insert("cases_timelineevent", EVENT_COLUMNS, events)
    out["decided_cases"] = len(chosen)
    out["decisions"] = run(m3)

    # --- check: a full recount gives the same monthly figures ---------------------------
    fields = [f.name for f in MonthFigures._meta.concrete_fields if f.name != "id"]
    incremental = set(MonthFigures.objects.values_list(*fields))
    print("  full recount again, to check the incremental figures …", flush=True)
    out["full_again"] = run(m3, full=True)
    recounted = set(MonthFigures.objects.values_list(*fields))
    out["mismatch"] = len(incremental ^ recounted)
    return out, out["mismatch"] == 0


# --- search ---------------------------------------------------------------------------


def seed_datasets(args: argparse.Namespace) -> dict[str, Any]:
    """Add D datasets, indexed as publishing indexes them, and 3 small files each."""
    from django.db import transaction

    from eservice.catalog.models import Agency, Category, Service
    from eservice.opendata import publish, tables
    from eservice.opendata.models import Dataset, DatasetFacet, DatasetTerm, Resource

    rng = random.Random(7)
    Agency.objects.bulk_create(
        [
            Agency(
                code=f"{SLUG.get(en, en.lower().replace(' ', '-'))}-{'city' if i % 2 else 'province'}",
                name_th=f"เทศบาลนคร{th}" if i % 2 else f"สำนักงานจังหวัด{th}",
                name_en=f"{en} City Municipality" if i % 2 else f"{en} Provincial Office",
                kind=Agency.Kind.LOCAL if i % 2 else Agency.Kind.PROVINCIAL,
            )
            for i, (th, en) in enumerate(PROVINCES)
        ],
        ignore_conflicts=True,
    )
    agencies = list(Agency.objects.order_by("code"))
    categories = list(Category.objects.values_list("code", flat=True))
    about = [
        (s.current_version.name_th, s.current_version.name_en, s.code, s.category.code, [])
        for s in Service.objects.select_related("current_version", "category").order_by("code")
    ]
    about += [(th, en, code, rng.choice(categories), tags) for th, en, code, tags in MORE_SERVICES]
    months = [
        date(2023 + (10 + k) // 12, (10 + k) % 12 + 1, 1) for k in range(MONTHS)
    ]  # 2023-11 to 2026-10
    table = tables.Table(
        columns=[tables.MONTH, *tables.FIGURES[:2]],
        rows=[["2026-10", 120, 98], ["2026-11", 131, None]],
    )
    files = []
    for position, (fmt, (mimetype, extension)) in enumerate(tables.FORMATS.items()):
        content = tables.WRITERS[fmt](table)
        files.append(
            (position, fmt, mimetype, extension, content, hashlib.sha256(content).hexdigest())
        )
    kinds = [Dataset.Kind.AGENCY_PERFORMANCE] * 6 + [
        Dataset.Kind.PERFORMANCE,
        Dataset.Kind.AGENCIES,
        Dataset.Kind.CATALOG,
    ]
    notes: dict[tuple[str, str], tuple[str, str]] = {}
    th_months, en_months = TH_MONTHS.split(), EN_MONTHS.split()

    start_rss = reset_peak()
    t0 = time.perf_counter()
    made = 0
    while made < args.datasets:
        batch = []
        for i in range(made, min(made + 500, args.datasets)):
            owner = rng.choice(agencies)
            svc_th, svc_en, svc_code, category, svc_tags = rng.choice(about)
            month = rng.choice(months)
            kind = rng.choice(kinds)
            if (kind, owner.code) not in notes:
                notes[(kind, owner.code)] = publish._notes(kind, owner)
            base_th, base_en = notes[(kind, owner.code)]
            received = rng.randint(20, 5000)
            done = rng.randint(received // 2, received)
            mth, men, be = th_months[month.month - 1], en_months[month.month - 1], month.year + 543
            tags = sorted({*rng.sample(TAG_POOL, rng.randint(2, 4)), *svc_tags})
            groups = sorted({category, *rng.sample(categories, rng.randint(0, 1))})
            modified = M1 - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            spec = publish.Spec(
                name=f"{owner.code}-{svc_code}-{month:%Y-%m}-{i}"[-100:].lstrip("-"),
                kind=kind,
                owner=owner,
                title_th=f"สถิติคำขอ{svc_th} {owner.name_th} เดือน{mth} {be}",
                title_en=f"{svc_en} applications, {owner.name_en}, {men} {month.year}",
                notes_th=f"{base_th} เดือน{mth} {be}: รับคำขอ {received:,} รายการ"
                f" พิจารณาแล้วเสร็จ {done:,} รายการ",
                notes_en=f"{base_en} {men} {month.year}: {received:,} applications received,"
                f" {done:,} decided.",
                table=table,
                tags=tags,
                groups=groups,
                thai_fields=publish._thai_fields(kind, owner, (month, month)),
                months=(month, month),
            )
            dataset = Dataset(
                name=spec.name,
                kind=kind,
                owner=owner,
                title_th=spec.title_th,
                title_en=spec.title_en,
                notes_th=spec.notes_th,
                notes_en=spec.notes_en,
                tags=spec.tags,
                groups=spec.groups,
                thai_fields=spec.thai_fields,
                first_month=month,
                last_month=month,
                content_hash=spec.digest(),
                created=modified - timedelta(days=rng.randint(0, 400)),
                modified=modified,
            )
            batch.append((dataset, spec))
        with transaction.atomic():
            Dataset.objects.bulk_create([d for d, _ in batch])
            Resource.objects.bulk_create(
                Resource(
                    dataset=d,
                    position=position,
                    format=fmt,
                    mimetype=mimetype,
                    filename=f"{d.name}.{extension}",
                    content=content,
                    size=len(content),
                    sha256=sha,
                    created=d.created,
                    modified=d.modified,
                )
                for d, _ in batch
                for position, fmt, mimetype, extension, content, sha in files
            )
            for d, spec in batch:
                publish._index(d, spec)  # the search index, as publishing writes it
        made += len(batch)
        progress(f"  seeded {made:,} datasets")
    seconds = time.perf_counter() - t0
    Writer().analyze()
    return {
        "seed_s": seconds,
        "seed_rss": (start_rss, peak_mb()),
        "datasets": Dataset.objects.count(),
        "agencies": Dataset.objects.values("owner").distinct().count(),
        "terms": DatasetTerm.objects.count(),
        "facets": DatasetFacet.objects.count(),
        "resources": Resource.objects.count(),
    }


def search(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from eservice.opendata import ckan
    from eservice.opendata.models import Dataset

    info = seed_datasets(args)
    n_datasets = info["datasets"]
    print(
        f"  seeded {args.datasets:,} datasets in {info['seed_s']:.0f}s ({info['terms']:,} terms,"
        f" {info['facets']:,} facet values, {info['resources']:,} files); RSS"
        f" {info['seed_rss'][0]:.0f} MB before, peak {info['seed_rss'][1]:.0f} MB"
    )
    rng = random.Random(5)
    n = args.calls
    names = list(Dataset.objects.values_list("name", flat=True))
    codes = list(Dataset.objects.values_list("owner__code", flat=True).distinct())
    deep = n_datasets * 9 // 1000 * 100  # 9,000 of 10,000
    facets = ["organization", "tags", "groups"]

    # Parameters of call i of each scenario (the same for in-process and through the view).
    scenarios: dict[str, tuple[str, Callable[[int], dict[str, Any]]]] = {
        "lookup": (
            "floor: Dataset.objects.filter(name=…).first()",
            lambda i: {"id": rng.choice(names)},
        ),
        "show": ("package_show, one dataset", lambda i: {"id": rng.choice(names)}),
        "thai": ("q=<Thai word>", lambda i: {"q": THAI_QUERIES[i % len(THAI_QUERIES)]}),
        "english": (
            "q=<English words>",
            lambda i: {"q": ENGLISH_QUERIES[i % len(ENGLISH_QUERIES)]},
        ),
        "org": ("fq=organization:<code>", lambda i: {"fq": f"organization:{rng.choice(codes)}"}),
        "facets": (
            "q + fq + facet.field=[organization,tags,groups]",
            lambda i: {
                "q": THAI_QUERIES[i % len(THAI_QUERIES)],
                "fq": f"organization:{rng.choice(codes)}",
                "facet.field": facets,
            },
        ),
        "deep": (
            f"q=*:* rows=100 start={deep:,}",
            lambda i: {"q": "*:*", "rows": 100, "start": deep},
        ),
        "harvest": (
            "sort=id asc rows=100, paging through",
            lambda i: {"sort": "id asc", "rows": 100, "start": (i * 100) % max(1, n_datasets)},
        ),
    }

    def in_process(key: str, params: dict[str, Any]) -> Any:
        if key == "lookup":
            return Dataset.objects.filter(name=params["id"]).first()
        if key == "show":
            return ckan.package_show(params)
        return ckan.package_search(params)

    client = Client()

    def through_view(key: str, params: dict[str, Any]) -> Any:
        action = "package_show" if key in {"lookup", "show"} else "package_search"
        query = {k: json.dumps(v) if isinstance(v, list) else str(v) for k, v in params.items()}
        return client.get(f"/api/3/action/{action}", query)

    def measure(
        call: Callable[[str, dict[str, Any]], Any],
        keys: list[str],
        observe: Callable[[str, Any], float],
    ) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
        """Every scenario's calls interleaved (one of each in turn); figures, median observed."""
        for key in keys:  # warm up: code, caches, the planner
            for i in range(2):
                call(key, scenarios[key][1](i))
        durations: dict[str, list[float]] = {k: [] for k in keys}
        seen: dict[str, list[float]] = {k: [] for k in keys}
        for i in range(n):
            for key in keys:
                params = scenarios[key][1](i)
                t0 = time.perf_counter()
                result = call(key, params)
                durations[key].append(time.perf_counter() - t0)
                seen[key].append(observe(key, result))
                del result  # keep no answers: their memory would count in the next calls
        medians = {k: statistics.median(v) for k, v in seen.items()}
        return {k: figures(v) for k, v in durations.items()}, medians

    def count(key: str, result: Any) -> float:
        return float(result["count"]) if isinstance(result, dict) and "count" in result else -1.0

    failed: dict[str, int] = {}

    def size(key: str, response: Any) -> float:
        if response.status_code != 200:
            failed[key] = response.status_code
        return float(len(response.content))

    start_rss = reset_peak()
    print(f"  {n} calls per row, in-process …", flush=True)
    keys = list(scenarios)
    direct, hits = measure(in_process, keys, count)
    counter = Queries()
    queries = {}
    for key in keys:
        counter.count = 0
        with connection.execute_wrapper(counter):
            in_process(key, scenarios[key][1](1))
        queries[key] = counter.count
    words = {q: ckan.package_search({"q": q})["count"] for q in THAI_QUERIES + ENGLISH_QUERIES}
    print(f"  {n} calls per row, through the view …", flush=True)
    view, sizes = measure(through_view, [k for k in keys if k != "lookup"], size)
    return {
        **info,
        "scenarios": {k: label for k, (label, _) in scenarios.items()},
        "direct": direct,
        "view": view,
        "hits": hits,
        "queries": queries,
        "words": words,
        "sizes": sizes,
        "failed": failed,
        "rss": (start_rss, peak_mb()),
    }


# --- report ---------------------------------------------------------------------------


def print_regeneration(args: argparse.Namespace, r: dict[str, Any]) -> None:
    full, inc = r["full"], r["incremental"]
    print(
        f"\nRegeneration: {args.cases:,} cases over {MONTHS} months ({r['open']:,} open), "
        f"{r['facts']:,} facts, {r['months']:,} monthly cells, {r['datasets']} datasets"
    )
    print(
        f"{'run':<52}{'seconds':>9}{'cases':>10}{'cells':>8}{'written/built':>14}"
        f"{'queries':>9}{'full / run':>12}{'peak MB':>9}{'+MB':>6}"
    )
    rows = [
        ("full", "publish(full=True): recount everything (baseline)"),
        ("incremental", f"publish(): {args.new_cases:,} new cases since the last run"),
        ("floor", "publish(): nothing new (floor)"),
        ("decisions", f"publish(): {r['decided_cases']:,} decisions on open cases"),
        ("full_again", "publish(full=True) again, facts replaced"),
    ]
    for key, label in rows:
        x = r[key]
        ratio = full["s"] / x["s"] if x["s"] else 0
        print(
            f"{label:<52}{short(x['s']):>9}{x['cases']:>10,}{x['cells']:>8,}"
            f"{x['written']:>10} / {x['written'] + x['unchanged']:<3}{x['queries']:>8,}"
            f"{ratio:>11.0f}x{x['rss'][1]:>9.0f}{max(0.0, x['rss'][1] - x['rss'][0]):>6.0f}"
        )
    print(
        f"incremental / full: {inc['s'] / full['s']:.2%} of the time for "
        f"{inc['cases'] / max(1, full['cases']):.2%} of the cases"
    )
    verdict = "equal" if r["mismatch"] == 0 else f"DIFFERENT ({r['mismatch']} rows)"
    print(f"incremental monthly figures vs a full recount at the same moment: {verdict}")
    print(
        f"peak MB: the process's peak resident memory during the run; +MB: above its size"
        f" when the run started. The load: {r['load_s']:.0f}s, peak {r['rss_load'][1]:.0f} MB"
        + (" (SQLite's page cache enlarged for it)" if r["sqlite"] else "")
    )


def print_search(args: argparse.Namespace, s: dict[str, Any]) -> None:
    print(
        f"\nSearch: {s['datasets']:,} datasets of {s['agencies']} agencies, {s['terms']:,} index "
        f"terms, {s['facets']:,} facet values, {s['resources']:,} files; {args.calls} calls a row"
    )
    for title, results, floor in (
        ("ckan.package_search in-process", s["direct"], "lookup"),
        ("GET /api/3/action/… through django.test.Client", s["view"], "show"),
    ):
        head = f"{title:<52}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p50/floor':>11}"
        extra = f"{'hits':>7}{'queries':>9}" if floor == "lookup" else f"{'bytes':>11}"
        print(f"\n{head}{extra}")
        for key, r in results.items():
            label = s["scenarios"][key]
            if floor == "show" and key == "show":
                label = "floor: " + label
            ratio = r["p50_ms"] / results[floor]["p50_ms"]
            line = (
                f"{label:<52}{r['per_s']:>8,.0f}{short(r['p50_ms']):>9}{short(r['p95_ms']):>9}"
                f"{short(ratio):>10}x"
            )
            if floor == "lookup":
                hits = s["hits"][key]
                line += f"{'' if hits < 0 else f'{hits:,.0f}':>7}{s['queries'][key]:>9}"
            else:
                line += f"{s['sizes'][key]:>11,.0f}"
            print(line)
    print(
        "datasets found by each q (in turn): "
        + ", ".join(f"{q} {count:,}" for q, count in s["words"].items())
    )
    print(
        f"resident memory: {s['rss'][0]:.0f} MB when the calls started, peak "
        f"{s['rss'][1]:.0f} MB during them"
    )
    if s["failed"]:
        print(f"unexpected statuses: {s['failed']}", file=sys.stderr)


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-opendata-"))
    (work / "static").mkdir()
    env = {
        "ESERVICE_VAR_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "TIME_ZONE": "Asia/Bangkok",
        # As spine.py: connections kept between requests (the view is measured through Client).
        "DATABASE_CONN_MAX_AGE": "60",
    }
    for name in ("REDIS_URL", "DATABASE_URL", "OPENDATA_PUBLISHER", "OPENDATA_MIN_COUNT"):
        os.environ.pop(name, None)
    on_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url:
        if on_postgres:
            postgres(args.database_url, create=True)
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    try:
        return run(args, work)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if on_postgres:
                from django.db import connections

                connections.close_all()
                postgres(args.database_url, create=False)


def run(args: argparse.Namespace, work: Path) -> int:
    import django

    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"Building a {backend} database in {work} …")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from eservice.catalog.importer import import_file
    from eservice.demo.loader import CATALOG_FILE

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_file(CATALOG_FILE, actor="bench")
    print(f"  migrated and imported the demo catalog in {time.perf_counter() - t0:.1f}s")
    ok = True
    regen = found = None
    if args.only != "search":
        regen, ok = regeneration(args)
    if args.only != "regeneration":
        found = search(args)
        ok = ok and not found["failed"]
    server_version = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"\n{server_version}; Python {platform.python_version()}, Django {version('django')},"
        f" PyThaiNLP {version('pythainlp')}; {os.cpu_count()} CPUs ({platform.machine()})"
    )
    if regen is not None:
        print_regeneration(args, regen)
    if found is not None:
        print_search(args, found)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
