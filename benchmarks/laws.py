"""Benchmark of the law search: answer quality and latency on the full corpus.

Builds a database (SQLite in a temporary directory, or --database-url), imports
the demo catalog and the nitibench corpus (../shared/data/laws/nitibench,
5,127 sections of 36 Thai Acts and Codes) with ``eservice import-laws``'s
importer, then:

1. Quality. Asks each question of benchmarks/data/law_questions.yaml (short
   Thai questions people ask, each with the sections that answer it, written
   for the project) and of benchmarks/data/law_questions_long.yaml (the facts
   of a case, 800 to 12,000 characters, the question at the end, often citing
   sections: written from the statutes, never tuned on) and prints hit rate
   at 1, 5 and 10 (share of questions with an answering section in the top
   k), recall at 10 (share of answering sections in the top 10) and mean
   reciprocal rank (of the first answering section, over the top 10). The
   ranking features are switched on one after another, from plain BM25 over
   one field to the full ranking, so each line shows what one change did; the
   long questions are also split by what they cite.
2. Latency. Times ``search()`` (full ranking, sections, laws and services) for
   every short question, the same questions as a section reference
   ("มาตรา 1097 ประมวลกฎหมายแพ่งและพาณิชย์"), every long question, and a case
   of the most the search reads (``MAX_QUERY``, 50,000 characters: the long
   questions joined), and through the API (``GET /api/v1/search/`` with a
   short question, ``POST`` with a long one, JSON rendering included), next to
   a floor measured in the same run: one ``Section`` looked up by primary key.
   Prints p50/p95, the targets (p95 of a long question: 50 ms on SQLite,
   100 ms on PostgreSQL) and peak memory.

    python benchmarks/laws.py
    python benchmarks/laws.py --database-url postgres://postgres@127.0.0.1:5432/eservice_bench_laws
    python benchmarks/laws.py --misses     # also list the questions the full ranking misses

A PostgreSQL database is created afresh and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

sys.dont_write_bytecode = True

from common import percentile, postgres  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "data" / "laws" / "nitibench"
QUESTIONS = HERE / "data" / "law_questions.yaml"
LONG_QUESTIONS = HERE / "data" / "law_questions_long.yaml"
# p95 targets of a whole long question, by backend.
LONG_P95_TARGET_MS = {"SQLite": 50.0, "PostgreSQL": 100.0}
SQLITE_P95_TARGET_MS = 50.0  # a short question


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--long-questions", type=Path, default=LONG_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the questions")
    parser.add_argument(
        "--misses", action="store_true", help="list questions the full ranking misses"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-laws-"))
    env = {
        "ESERVICE_VAR_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "eservice.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "60",
        "SEARCH_RATE_LIMIT": "1000000/s",  # one client asks everything here
    }
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    on_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if on_postgres:
        postgres(args.database_url, create=True)
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    try:
        return run(args)
    finally:
        if args.keep:
            print(f"kept: {work} {args.database_url}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if on_postgres:
                from django.db import connections

                connections.close_all()
                postgres(args.database_url, create=False)


def quality(
    questions: list[dict[str, Any]], rank: Callable[[str], list[tuple[str, str]]]
) -> dict[str, float]:
    hits = {1: 0, 5: 0, 10: 0}
    recall = rr = 0.0
    for q in questions:
        gold = {(a["law"], str(a["section"])) for a in q["answers"]}
        got = rank(q["q"])[:10]
        first = next((i for i, r in enumerate(got) if r in gold), None)
        for k in hits:
            if first is not None and first < k:
                hits[k] += 1
        recall += len(gold & set(got)) / len(gold)
        rr += 1 / (first + 1) if first is not None else 0.0
    n = len(questions)
    return {
        "hit@1": hits[1] / n,
        "hit@5": hits[5] / n,
        "hit@10": hits[10] / n,
        "recall@10": recall / n,
        "MRR": rr / n,
    }


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from eservice.catalog.importer import import_file
    from eservice.demo.loader import CATALOG_FILE
    from eservice.laws.importer import import_paths
    from eservice.laws.models import Section
    from eservice.laws.search import FULL, MAX_QUERY, PLAIN, rank_sections, search

    backend = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"eservice law search benchmark — {backend}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_file(CATALOG_FILE, actor="bench")
    t1 = time.perf_counter()
    report = import_paths([args.corpus])
    t2 = time.perf_counter()
    print(
        f"  migrate + demo catalog {t1 - t0:.1f} s; import-laws of the corpus {t2 - t1:.1f} s "
        f"({len(report.created)} laws, {report.sections} sections, {report.references} "
        f"references, {report.resolved} linked)"
    )

    questions = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["questions"]
    long_questions = yaml.safe_load(args.long_questions.read_text(encoding="utf-8"))["questions"]
    steps = [
        ("plain BM25, one field, words only", PLAIN),
        ("+ field weights (title, law, text)", replace(PLAIN, field_weights=True)),
        (
            "+ compound parts and legal-term synonyms",
            replace(PLAIN, field_weights=True, expansion=True),
        ),
        ("+ boost for cited sections", replace(FULL, cross_references=False, proximity=False)),
        ("+ expansion through cross-references", replace(FULL, proximity=False)),
        ("+ proximity (= the full ranking)", FULL),
    ]
    header = f"  {'ranking':<44} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'R@10':>6} {'MRR':>6}"

    def line(label: str, m: dict[str, float]) -> str:
        return (
            f"  {label:<44} {m['hit@1']:>6.3f} {m['hit@5']:>6.3f} {m['hit@10']:>6.3f} "
            f"{m['recall@10']:>6.3f} {m['MRR']:>6.3f}"
        )

    finals: dict[str, dict[str, float]] = {}
    for name, asked, path in (
        ("short", questions, args.questions),
        ("long", long_questions, args.long_questions),
    ):
        lengths = sorted(len(q["q"]) for q in asked)
        print(
            f"\n1{'ab'[name == 'long']}. Quality: {len(asked)} {name} questions ({path.name}; "
            f"{lengths[0]:,} to {lengths[-1]:,} characters, median "
            f"{statistics.median(lengths):,.0f})\n"
        )
        print(header)
        for label, ranking in steps:
            m = quality(asked, lambda q, r=ranking: rank_sections(q, r))
            finals[name] = m
            print(line(label, m))
        if name == "long":
            print()
            for cites in ("none", "answer", "other"):
                part = [q for q in asked if q.get("cites") == cites]
                if part:
                    label = f"full ranking, cites {cites} ({len(part)})"
                    print(line(label, quality(part, lambda q: rank_sections(q, FULL))))
        if args.misses:
            print("\n  missed by the full ranking (not in the top 10):")
            for q in asked:
                gold = {(a["law"], str(a["section"])) for a in q["answers"]}
                got = rank_sections(q["q"], FULL)
                if not gold & set(got):
                    top = ", ".join(f"{n}" for _, n in got[:3])
                    text = q["q"] if len(q["q"]) < 120 else q["q"][:60] + " … " + q["q"][-50:]
                    text = text.replace("\n", " ")
                    print(f"   - {text}  want {sorted(s for _, s in gold)}  got {top}")

    print("\n2. Latency (full ranking; sections, laws and services)\n")
    texts = [q["q"] for q in questions]
    longs = [q["q"] for q in long_questions]
    joined = "\n\n".join(sorted(longs, key=len))
    biggest = joined[-MAX_QUERY:]
    refs = [f"มาตรา {a['section']} {a['law']}" for q in questions for a in q["answers"][:1]]
    client = Client()
    ids = list(Section.objects.values_list("pk", flat=True)[:200])
    for t in [*texts[:5], *longs[:2]]:  # warm caches (dictionary, statistics)
        search(t)
    timings: dict[str, list[float]] = {
        "floor": [],
        "search": [],
        "reference": [],
        "long": [],
        "biggest": [],
        "api": [],
        "api_long": [],
    }
    for _ in range(args.rounds):
        for i, text in enumerate(texts):
            s = time.perf_counter()
            Section.objects.get(pk=ids[i % len(ids)])
            timings["floor"].append(time.perf_counter() - s)
            s = time.perf_counter()
            search(text)
            timings["search"].append(time.perf_counter() - s)
            s = time.perf_counter()
            search(refs[i % len(refs)])
            timings["reference"].append(time.perf_counter() - s)
            s = time.perf_counter()
            response = client.get("/api/v1/search/", {"q": text})
            timings["api"].append(time.perf_counter() - s)
            assert response.status_code == 200, response.status_code
        for text in longs:
            s = time.perf_counter()
            search(text)
            timings["long"].append(time.perf_counter() - s)
            s = time.perf_counter()
            response = client.post("/api/v1/search/", {"q": text}, content_type="application/json")
            timings["api_long"].append(time.perf_counter() - s)
            assert response.status_code == 200, response.status_code
        for _ in range(5):
            s = time.perf_counter()
            search(biggest)
            timings["biggest"].append(time.perf_counter() - s)
    labels = {
        "floor": "floor: one Section by primary key",
        "search": "search(short question)",
        "reference": "search('มาตรา N <law>')",
        "long": "search(long question)",
        "biggest": f"search({len(biggest):,}-character case)",
        "api": "GET /api/v1/search/?q=short question",
        "api_long": "POST /api/v1/search/ long question",
    }
    print(f"  {'':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'per s':>7}")
    for key, values in timings.items():
        ms = [v * 1000 for v in values]
        print(
            f"  {labels[key]:<40} {len(ms):>5} {statistics.median(ms):>8.2f} "
            f"{percentile(ms, 95):>8.2f} {1000 / statistics.mean(ms):>7.0f}"
        )
    p95 = percentile([v * 1000 for v in timings["search"]], 95)
    long_p95 = percentile([v * 1000 for v in timings["long"]], 95)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n  peak memory (RSS) {peak:.0f} MB")
    if backend == "SQLite":
        verdict = "met" if p95 < SQLITE_P95_TARGET_MS else "MISSED"
        print(
            f"  target p95 < {SQLITE_P95_TARGET_MS:.0f} ms for a short question on SQLite: "
            f"{verdict} ({p95:.1f} ms)"
        )
    target = LONG_P95_TARGET_MS[backend]
    verdict = "met" if long_p95 <= target else "MISSED"
    print(
        f"  target p95 <= {target:.0f} ms for a long question on {backend}: {verdict} "
        f"({long_p95:.1f} ms)"
    )
    for name, m in finals.items():
        print(
            f"\n  full ranking, {name} questions: hit@1 {m['hit@1']:.3f}, "
            f"hit@10 {m['hit@10']:.3f}, MRR {m['MRR']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
