"""Benchmark of issued documents: rendering, signing and verifying signed PDFs.

1. Builds a fresh SQLite database in a temporary directory (files and media
   there too; nothing is written into the repository) with one local agency,
   its signing key (the platform CA is created on the way), a food-shop
   licence service and N approved applications.
2. Renders N bilingual documents (WeasyPrint, PDF/A-3b), signs them (pyHanko,
   PAdES B-B, RSA-3072), then renders and signs N more in one go, and issues
   N through ``documents.actions.issue`` (render, sign, store the file, save
   the record), one process, one document at a time.
3. Verifies the issued documents by id, by file (the genuine PDF) and by file
   with one byte flipped in the middle.
4. Prints documents per second and p50/p95 latency of each, next to floors
   measured in the same run: a WeasyPrint render of a one-line English page
   and the SHA-256 of a signed PDF; then the peak memory of rendering.

    python benchmarks/documents.py              # 30 documents
    python benchmarks/documents.py --count 100 --layout thai_then_english

The document data has the shape ``actions.issue`` builds, with Thai and English
text of a real kind of licence; each document has its own holder and number.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import platform
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ in the repository from this run

from common import percentile  # noqa: E402

AGENCY = {
    "code": "nonthaburi-city",
    "name": {"th": "เทศบาลนครนนทบุรี", "en": "Nonthaburi City Municipality"},
}
SERVICE = {
    "code": "food-shop-licence",
    "name": {
        "th": "การขออนุญาตจัดตั้งสถานที่จำหน่ายอาหาร (พื้นที่เกิน 200 ตารางเมตร)",
        "en": "Licence to open a food shop (premises over 200 square metres)",
    },
    "title": {
        "th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร",
        "en": "Licence to Operate a Food Shop",
    },
}
SHOPS = [
    ("ร้านข้าวแกงป้าศรี", "Pa Sri Curry and Rice"),
    ("ร้านก๋วยเตี๋ยวเรือริมคลองบางกระสอ", "Bang Kraso Canal Boat Noodles"),
    ("ครัวคุณยายส้มตำไก่ย่าง", "Grandma's Kitchen Som Tam and Grilled Chicken"),
    ("ร้านข้าวมันไก่เฮียเส็ง", "Hia Seng Chicken Rice"),
]
CONDITIONS = {
    "th": [
        "ต้องรักษาความสะอาดของสถานที่ ภาชนะ และอุปกรณ์ ให้ถูกสุขลักษณะตามกฎกระทรวง"
        "สุขลักษณะของสถานที่จำหน่ายอาหาร พ.ศ. ๒๕๖๑",
        "ผู้สัมผัสอาหารทุกคนต้องผ่านการอบรมหลักสูตรสุขาภิบาลอาหารและแต่งกายสะอาด",
        "ต้องจัดให้มีที่รองรับมูลฝอยที่มีฝาปิดและบ่อดักไขมันก่อนระบายน้ำทิ้ง",
        "ต้องแสดงใบอนุญาตนี้ไว้ในที่เปิดเผยและเห็นได้ง่าย ณ สถานที่ที่ได้รับอนุญาต",
        "ต้องยื่นคำขอต่ออายุใบอนุญาตก่อนใบอนุญาตสิ้นอายุ",
    ],
    "en": [
        "Keep the premises, containers and utensils clean and hygienic as required by the "
        "Ministerial Regulation on the hygiene of food premises B.E. 2561 (2018).",
        "Everyone who handles food must have completed the food sanitation course and "
        "wear clean clothing.",
        "Provide covered waste bins and a grease trap before waste water is discharged.",
        "Display this licence openly and visibly at the licensed premises.",
        "Apply to renew this licence before it expires.",
    ],
}
POSITION = {
    "th": "ปลัดเทศบาล ปฏิบัติราชการแทนนายกเทศมนตรีนครนนทบุรี",
    "en": "Municipal Clerk, acting for the Mayor of Nonthaburi City",
}
HOLDER_ID_LABEL = {"th": "เลขประจำตัวประชาชน", "en": "National ID number"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=30, help="documents per measurement")
    parser.add_argument(
        "--layout", default="side_by_side", choices=["side_by_side", "thai_then_english"]
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args()


def timed(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[Any], dict[str, float]]:
    """Run ``fn`` on every item in turn; return the results and the figures."""
    results, durations = [], []
    start = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        results.append(fn(item))
        durations.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    return results, {
        "per_s": len(items) / wall,
        "p50_ms": percentile(durations, 50) * 1000,
        "p95_ms": percentile(durations, 95) * 1000,
    }


def short(value: float) -> str:
    """A figure with about three significant digits."""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def traced_peak_mb(fn: Callable[[], Any]) -> float:
    """Peak of Python allocations while ``fn`` runs (C allocations are not seen)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def setup(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate a fresh database; create the agency, its key, a service, officer and cases."""
    import django

    django.setup()
    from django.core.management import call_command

    from eservice.accounts.models import OfficerRole, User
    from eservice.cases.models import Application
    from eservice.catalog.models import Agency, Category, Service, ServiceVersion
    from eservice.core import tracking
    from eservice.core.clock import now
    from eservice.demo.fakes import person
    from eservice.documents.models import DocumentTemplate
    from eservice.documents.signing import key_for

    rng = random.Random(42)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - t0
    agency = Agency.objects.create(
        code=AGENCY["code"],
        name_th=AGENCY["name"]["th"],
        name_en=AGENCY["name"]["en"],
        kind="local",
    )
    t0 = time.perf_counter()
    signing_key = key_for(agency)  # creates the platform CA, then the agency's key
    keyed = time.perf_counter() - t0

    category = Category.objects.create(code="health", name_th="สาธารณสุข", name_en="Health")
    service = Service.objects.create(code=SERVICE["code"], agency=agency, category=category)
    service.current_version = ServiceVersion.objects.create(
        service=service,
        number=1,
        published_at=now(),
        content_hash="0" * 64,
        name_th=SERVICE["name"]["th"],
        name_en=SERVICE["name"]["en"],
        description_th="การขออนุญาตจัดตั้งสถานที่จำหน่ายอาหารตามพระราชบัญญัติการสาธารณสุข พ.ศ. ๒๕๓๕",
        description_en="A licence under the Public Health Act B.E. 2535 (1992).",
        conditions_th="",
        conditions_en="",
        output_document_th=SERVICE["title"]["th"],
        output_document_en=SERVICE["title"]["en"],
        time_limit_value=30,
        time_limit_unit="days",
        form_schema={"type": "object"},
        form_ui={},
    )
    service.save(update_fields=["current_version"])
    DocumentTemplate.objects.create(
        service=service,
        layout=args.layout,
        body_th=(
            "อนุญาตให้ ${holder} จัดตั้งสถานที่จำหน่ายอาหารชื่อ ${answer:shop_name} "
            "ตั้งอยู่ที่ ${answer:address} พื้นที่ประกอบการ ${answer:area_sqm} ตารางเมตร"
        ),
        body_en=(
            "${holder} is permitted to operate the food shop ${answer:shop_name_en} at "
            "${answer:address}, with a floor area of ${answer:area_sqm} square metres."
        ),
        conditions_th="\n".join(CONDITIONS["th"]),
        conditions_en="\n".join(CONDITIONS["en"]),
        valid_for_months=12,
    )
    officer = User.objects.create_user(
        "bench-approver",
        password=secrets.token_hex(8),
        full_name_th="นางสาวกาญจนา ศรีสุข",
        full_name_en="Ms Kanchana Srisuk",
    )
    OfficerRole.objects.create(
        user=officer,
        agency=agency,
        role="approver",
        position_th=POSITION["th"],
        position_en=POSITION["en"],
    )
    applications = []
    for i in range(args.count):
        who = person(rng, i)
        applicant = User.objects.create_user(f"bench{i}", password=secrets.token_hex(8), **who)
        shop_th, shop_en = SHOPS[i % len(SHOPS)]
        submitted = now() - timedelta(days=20)
        applications.append(
            Application.objects.create(
                applicant=applicant,
                service=service,
                service_version=service.current_version,
                agency=agency,
                status="approved",
                tracking_number=tracking.generate(),
                answers={
                    "shop_name": shop_th,
                    "shop_name_en": shop_en,
                    "address": f"{10 + i}/3 ถนนรัตนาธิเบศร์ ตำบลบางกระสอ อำเภอเมืองนนทบุรี "
                    "จังหวัดนนทบุรี 11000",
                    "area_sqm": 220 + 5 * i,
                },
                created_at=submitted,
                submitted_at=submitted,
                decided_at=now(),
            )
        )
    return {
        "agency": agency,
        "signing_key": signing_key,
        "officer": officer,
        "applications": applications,
        "migrate_s": migrated,
        "key_s": keyed,
    }


def document_data(i: int, base_url: str) -> dict[str, Any]:
    """The data of one document, shaped as ``actions.issue`` builds it."""
    from stdnum.th import pin

    from eservice.core import tracking
    from eservice.core.clock import now
    from eservice.demo.fakes import person

    who = person(random.Random(i), i)
    shop_th, shop_en = SHOPS[i % len(SHOPS)]
    issued_at = now()
    issued_on = issued_at.date()
    until = date(issued_on.year + 1, issued_on.month, min(issued_on.day, 28)) - timedelta(days=1)
    document_id = uuid.uuid4()
    holder = {"th": who["full_name_th"], "en": who["full_name_en"]}
    address = f"{10 + i}/3 ถนนรัตนาธิเบศร์ ตำบลบางกระสอ อำเภอเมืองนนทบุรี จังหวัดนนทบุรี 11000"
    area = 220 + 5 * i
    return {
        "schema": "https://eservice.example/schemas/issued-document/1",
        "document_id": str(document_id),
        "number": f"{i + 1}/{issued_on.year + 543}",
        "title": SERVICE["title"],
        "service": {"code": SERVICE["code"], "version": 1, "name": SERVICE["name"]},
        "application": tracking.generate(),
        "holder": {
            "kind": "person",
            "name": holder,
            "id_label": HOLDER_ID_LABEL,
            "id": pin.format(who["national_id"]),
        },
        "body": {
            "th": f"อนุญาตให้ {holder['th']} จัดตั้งสถานที่จำหน่ายอาหารชื่อ {shop_th} "
            f"ตั้งอยู่ที่ {address} พื้นที่ประกอบการ {area} ตารางเมตร",
            "en": f"{holder['en']} is permitted to operate the food shop {shop_en} at "
            f"{address}, with a floor area of {area} square metres.",
        },
        "conditions": CONDITIONS,
        "issued_at": issued_at.isoformat(),
        "issued_on": issued_on.isoformat(),
        "valid_from": issued_on.isoformat(),
        "valid_until": until.isoformat(),
        "agency": AGENCY,
        "signed_by": {
            "username": "bench-approver",
            "name": {"th": "นางสาวกาญจนา ศรีสุข", "en": "Ms Kanchana Srisuk"},
            "position": POSITION,
        },
        "verify_url": f"{base_url}/verify/{document_id}/",
        "replaces": None,
    }


def flip_middle_byte(pdf: bytes) -> bytes:
    middle = len(pdf) // 2
    return pdf[:middle] + bytes([pdf[middle] ^ 0xFF]) + pdf[middle + 1 :]


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="eservice-bench-docs-"))
    os.environ.update(
        {
            "ESERVICE_VAR_DIR": str(work),
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "eservice.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "SIGNING_KEY_PASSPHRASE": secrets.token_urlsafe(24),
            "LOG_LEVEL": "WARNING",
        }
    )
    try:
        return run(args, work)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    n = args.count
    print(f"Setting up a fresh SQLite database in {work} …")
    env = setup(args)

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from pyhanko.pdf_utils.reader import PdfFileReader
    from weasyprint import HTML

    from eservice.documents import actions, verification
    from eservice.documents.rendering import render
    from eservice.documents.signing import sign

    signing_key = env["signing_key"]
    print(
        f"  migrated in {env['migrate_s']:.1f}s; CA and agency key (RSA-3072) made in "
        f"{env['key_s']:.1f}s"
    )
    reason = f"{SERVICE['title']['en']} no. {{}}"
    location = AGENCY["name"]["en"]

    def sign_one(pdf_and_number: tuple[bytes, str]) -> bytes:
        pdf, number = pdf_and_number
        return sign(pdf, signing_key, reason=reason.format(number), location=location)

    datas = [document_data(i, settings.PUBLIC_BASE_URL) for i in range(2 * n + 1)]
    results: dict[str, dict[str, float]] = {}

    # Rendering first, so that the peak memory it reaches is its own.
    rss_before = max_rss_mb()
    t0 = time.perf_counter()
    cold = render(datas[-1], args.layout)  # fonts, templates, Pango: loaded once per process
    cold_ms = (time.perf_counter() - t0) * 1000
    sign_one((cold, datas[-1]["number"]))
    unsigned, results["render"] = timed(lambda d: render(d, args.layout), datas[:n])
    rss_render = max_rss_mb()

    trivial = HTML(string="<p>Hello, world.</p>")
    trivial.write_pdf()
    _, results["floor_render"] = timed(lambda _: trivial.write_pdf(), range(n))
    signed, results["sign"] = timed(
        sign_one, [(pdf, d["number"]) for pdf, d in zip(unsigned, datas[:n], strict=True)]
    )
    _, results["floor_sha"] = timed(lambda pdf: hashlib.sha256(pdf).hexdigest(), signed * 10)
    _, results["render_sign"] = timed(
        lambda d: sign_one((render(d, args.layout), d["number"])), datas[n : 2 * n]
    )

    def issue(app: Any) -> Any:
        with actions.files_guard(), transaction.atomic():
            return actions.issue(app, env["officer"])

    issued, results["issue"] = timed(issue, env["applications"])

    # Verification of the issued documents (their files are in the temporary media).
    outcomes: dict[str, Counter[str]] = {}
    files = []
    for document in issued:
        with document.file.open("rb") as handle:
            files.append(handle.read())
    verification.by_id(issued[0].public_id)  # warm: trust roots, validation code
    for name, fn, items in (
        ("by_id", verification.by_id, [d.public_id for d in issued]),
        (
            "by_file",
            verification.by_file,
            [SimpleUploadedFile("document.pdf", f, "application/pdf") for f in files],
        ),
        (
            "tampered",
            verification.by_file,
            [
                SimpleUploadedFile("document.pdf", flip_middle_byte(f), "application/pdf")
                for f in files
            ],
        ),
    ):
        verdicts, results[name] = timed(fn, items)
        outcomes[name] = Counter(v.outcome for v in verdicts)

    # Memory of one render as Python sees it, against the trivial page.
    traced_doc = traced_peak_mb(lambda: render(datas[0], args.layout))
    traced_trivial = traced_peak_mb(trivial.write_pdf)

    sizes = [len(pdf) for pdf in signed]
    pages = PdfFileReader(io.BytesIO(cold), strict=False).root["/Pages"]["/Count"]
    print(
        f"\n{n} documents, layout {args.layout}, {pages} page(s), signed PDF "
        f"{min(sizes) / 1024:.0f}–{max(sizes) / 1024:.0f} KB; one process, one at a time"
    )
    print(
        f"Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, "
        f"pyHanko {version('pyhanko')}, {os.cpu_count()} CPUs ({platform.machine()})"
    )
    floor = results["floor_render"]["p50_ms"]
    rows = [
        ("floor_render", "floor: WeasyPrint, one-line page"),
        ("floor_sha", "floor: SHA-256 of a signed PDF"),
        ("render", "render (PDF/A-3b, Thai + English)"),
        ("sign", "sign (PAdES B-B, RSA-3072)"),
        ("render_sign", "render + sign"),
        ("issue", "actions.issue (+ store, save)"),
        ("by_id", "verify by id"),
        ("by_file", "verify by file, genuine"),
        ("tampered", "verify by file, 1 byte flipped"),
    ]
    print(f"{'operation':<36}{'per s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p50 / floor':>13}")
    for key, label in rows:
        r = results[key]
        print(
            f"{label:<36}{r['per_s']:>9.1f}{short(r['p50_ms']):>10}{short(r['p95_ms']):>10}"
            f"{short(r['p50_ms'] / floor):>12}x"
        )
    print(f"cold first render in this process: {cold_ms:.0f} ms")
    for name in ("by_id", "by_file", "tampered"):
        print(f"outcomes {name}: {dict(outcomes[name])}")
    print(
        f"peak RSS: {rss_before:.0f} MB before the first render, {rss_render:.0f} MB after "
        f"{n + 1} renders (+{rss_render - rss_before:.0f} MB)"
    )
    print(
        f"Python allocations (tracemalloc) peak in one render: {traced_doc:.1f} MB "
        f"(one-line page: {traced_trivial:.1f} MB); Pango/cairo memory is not traced"
    )
    expected = {"by_id": "genuine", "by_file": "genuine", "tampered": "tampered"}
    wrong = [name for name, want in expected.items() if set(outcomes[name]) != {want}]
    if wrong:
        print(f"unexpected verification outcomes: {', '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
