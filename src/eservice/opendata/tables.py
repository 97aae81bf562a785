"""The published tables: what each dataset holds, built from monthly figures and the catalog.

Small counts are suppressed here, before anything is written: a count from 1
to ``OPENDATA_MIN_COUNT - 1`` is published as empty, and so are shares,
medians and percentiles computed from fewer decided cases than that.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from eservice.catalog.models import Agency, Service
from eservice.opendata.models import MonthFigures


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "text", "int" or "float"
    th: str
    en: str


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def digest(self) -> str:
        body = json.dumps([[c.name for c in self.columns], self.rows], ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


def _c(name: str, type_: str, th: str, en: str) -> Column:
    return Column(name, type_, th, en)


MONTH = _c("month", "text", "เดือน (ค.ศ. ปี-เดือน)", "Month (YYYY-MM)")
AGENCY = [
    _c("agency_code", "text", "รหัสหน่วยงาน", "Agency code"),
    _c("agency_name_th", "text", "ชื่อหน่วยงาน (ไทย)", "Agency name (Thai)"),
    _c("agency_name_en", "text", "ชื่อหน่วยงาน (อังกฤษ)", "Agency name (English)"),
]
SERVICE = [
    _c("service_code", "text", "รหัสงานบริการ", "Service code"),
    _c("service_name_th", "text", "ชื่องานบริการ (ไทย)", "Service name (Thai)"),
    _c("service_name_en", "text", "ชื่องานบริการ (อังกฤษ)", "Service name (English)"),
]
LIMIT = [
    _c("time_limit", "int", "ระยะเวลาดำเนินการตามคู่มือ", "Time limit in the manual"),
    _c("time_limit_unit", "text", "หน่วยของระยะเวลา", "Unit of the time limit"),
]
FIGURES = [
    _c("received", "int", "คำขอที่ได้รับ", "Applications received"),
    _c("completed", "int", "คำขอที่พิจารณาแล้วเสร็จ", "Applications decided"),
    _c("approved", "int", "อนุมัติ", "Approved"),
    _c("rejected", "int", "ไม่อนุมัติ", "Rejected"),
    _c("completed_within_limit", "int", "แล้วเสร็จภายในกำหนด", "Decided within the time limit"),
    _c("within_limit_share", "float", "สัดส่วนที่แล้วเสร็จภายในกำหนด", "Share decided in time"),
    _c("median_working_days", "float", "มัธยฐานวันทำการ", "Median working days to decide"),
    _c("p90_working_days", "float", "เปอร์เซ็นไทล์ที่ 90 ของวันทำการ", "90th percentile days"),
    _c("pending", "int", "ค้างพิจารณา ณ สิ้นเดือน", "Pending at month end"),
    _c("overdue", "int", "เกินกำหนด ณ สิ้นเดือน", "Overdue at month end"),
    _c("returned_for_documents", "int", "ขอเอกสารเพิ่มเติม", "Returned for documents"),
    _c("withdrawn", "int", "ยกเลิกโดยผู้ยื่นคำขอ", "Withdrawn by the applicant"),
]

PERFORMANCE_COLUMNS = [MONTH, *AGENCY, *SERVICE, *LIMIT, *FIGURES]
AGENCY_COLUMNS = [
    MONTH,
    *AGENCY,
    _c("services", "int", "จำนวนงานบริการ", "Services offered"),
    *FIGURES,
]
CATALOG_COLUMNS = [
    *SERVICE,
    *AGENCY,
    _c("category_code", "text", "รหัสหมวดหมู่", "Category code"),
    _c("category_name_th", "text", "หมวดหมู่ (ไทย)", "Category (Thai)"),
    _c("category_name_en", "text", "หมวดหมู่ (อังกฤษ)", "Category (English)"),
    _c("legal_basis_th", "text", "กฎหมายที่ให้อำนาจ (ไทย)", "Legal basis (Thai)"),
    _c("legal_basis_en", "text", "กฎหมายที่ให้อำนาจ (อังกฤษ)", "Legal basis (English)"),
    *LIMIT,
    _c("steps", "int", "จำนวนขั้นตอน", "Steps"),
    _c("fee_total_baht", "float", "ค่าธรรมเนียมรวม (บาท)", "Total fees (baht)"),
    _c("fees_th", "text", "ค่าธรรมเนียม (ไทย)", "Fees (Thai)"),
    _c("fees_en", "text", "ค่าธรรมเนียม (อังกฤษ)", "Fees (English)"),
    _c("documents", "int", "จำนวนเอกสารที่ต้องใช้", "Documents required"),
    _c("documents_th", "text", "เอกสารที่ต้องใช้ (ไทย)", "Documents (Thai)"),
    _c("documents_en", "text", "เอกสารที่ต้องใช้ (อังกฤษ)", "Documents (English)"),
    _c("channels_th", "text", "ช่องทางการให้บริการ (ไทย)", "Service channels (Thai)"),
    _c("channels_en", "text", "ช่องทางการให้บริการ (อังกฤษ)", "Service channels (English)"),
    _c("online", "int", "ยื่นคำขอออนไลน์ได้ (1 = ได้)", "Can apply online (1 = yes)"),
    _c("output_document_th", "text", "เอกสารที่ได้รับ (ไทย)", "Document issued (Thai)"),
    _c("output_document_en", "text", "เอกสารที่ได้รับ (อังกฤษ)", "Document issued (English)"),
    _c("manual_version", "int", "ฉบับของคู่มือ", "Manual version"),
    _c("manual_published", "text", "วันที่ประกาศคู่มือ", "Manual published (YYYY-MM-DD)"),
    _c("url", "text", "หน้ารายละเอียดงานบริการ", "Service page"),
]


def min_count() -> int:
    return int(settings.OPENDATA_MIN_COUNT)


def _suppress(count: int) -> int | None:
    return None if 0 < count < min_count() else count


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")


def months_between(first: date, last: date) -> list[date]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def series(figures: Iterable[MonthFigures], last: date) -> list[tuple[date, list[Any]]]:
    """Return each month from the first with figures to ``last``, FIGURES columns suppressed.

    Pending and overdue are stocks at the month's end (for the current month:
    now), the running sums of what entered and left.
    """
    by_month = {f.month: f for f in figures}
    if not by_month:
        return []
    pending = overdue = 0
    out = []
    for month in months_between(min(by_month), max(last, max(by_month))):
        f = by_month.get(month) or MonthFigures(month=month)
        pending += f.received - f.ended
        overdue += f.overdue_in - f.overdue_out
        enough = f.completed >= min_count()
        share = round(f.within_limit / f.completed, 3) if enough and f.completed else None
        out.append(
            (
                month,
                [
                    _suppress(f.received),
                    _suppress(f.completed),
                    _suppress(f.approved),
                    _suppress(f.rejected),
                    _suppress(f.within_limit),
                    share,
                    f.median_days if enough else None,
                    f.p90_days if enough else None,
                    _suppress(pending),
                    _suppress(overdue),
                    _suppress(f.returned),
                    _suppress(f.withdrawn),
                ],
            )
        )
    return out


def _figures(scope: str, keys: Iterable[int]) -> dict[int, list[MonthFigures]]:
    grouped: dict[int, list[MonthFigures]] = defaultdict(list)
    for f in MonthFigures.objects.filter(scope=scope, key__in=list(keys)).order_by("month"):
        grouped[f.key].append(f)
    return grouped


def _agency_cells(agency: Agency) -> list[str]:
    return [agency.code, agency.name_th, agency.name_en]


def performance(services: list[Service], last: date) -> Table:
    """Monthly figures of these services (a row per service per month)."""
    table = Table(PERFORMANCE_COLUMNS)
    grouped = _figures("service", [s.pk for s in services])
    for service in services:
        version = service.current_version
        if version is None:
            continue
        head = [
            *_agency_cells(service.agency),
            service.code,
            version.name_th,
            version.name_en,
            version.time_limit_value,
            version.time_limit_unit,
        ]
        for month, values in series(grouped.get(service.pk, []), last):
            table.rows.append([month_label(month), *head, *values])
    table.rows.sort(key=lambda r: (r[0], r[1], r[4]))
    return table


def agencies(agency_list: list[Agency], service_counts: dict[int, int], last: date) -> Table:
    """Monthly figures of each agency's services together (a row per agency per month)."""
    table = Table(AGENCY_COLUMNS)
    grouped = _figures("agency", [a.pk for a in agency_list])
    for agency in agency_list:
        head = [*_agency_cells(agency), service_counts.get(agency.pk, 0)]
        for month, values in series(grouped.get(agency.pk, []), last):
            table.rows.append([month_label(month), *head, *values])
    table.rows.sort(key=lambda r: (r[0], r[1]))
    return table


def _lines(items: Iterable[str]) -> str:
    return "; ".join(i.strip() for i in items if i.strip())


def catalog(services: list[Service], base_url: str) -> Table:
    """Every active service with its manual's published facts (a row per service)."""
    table = Table(CATALOG_COLUMNS)
    for service in services:
        v = service.current_version
        if v is None:
            continue
        bases = list(v.legal_basis.all())
        fees = list(v.fees.all())
        documents = list(v.documents.all())
        total = sum((f.amount for f in fees), Decimal(0))
        table.rows.append(
            [
                service.code,
                v.name_th,
                v.name_en,
                *_agency_cells(service.agency),
                service.category.code,
                service.category.name_th,
                service.category.name_en,
                _lines(f"{b.law_th} {_sections(b.sections)}" for b in bases),
                _lines(f"{b.law_en} {_sections(b.sections)}" for b in bases),
                v.time_limit_value,
                v.time_limit_unit,
                v.steps.count(),
                float(total),
                _lines(f"{f.name_th} {f.amount:,.2f} บาท" for f in fees),
                _lines(f"{f.name_en} {f.amount:,.2f} baht" for f in fees),
                len(documents),
                _lines(d.name_th for d in documents),
                _lines(d.name_en for d in documents),
                _lines(c.get("th", "") for c in v.channels),
                _lines(c.get("en", "") for c in v.channels),
                1,
                v.output_document_th,
                v.output_document_en,
                v.number,
                v.published_at.date().isoformat(),
                f"{base_url}/services/{service.code}/",
            ]
        )
    return table


def _sections(sections: list[Any]) -> str:
    return ", ".join(str(s) for s in sections)


# --- files ---------------------------------------------------------------------------

FORMATS = {
    "CSV": ("text/csv", "csv"),
    "JSON": ("application/json", "json"),
    "Parquet": ("application/vnd.apache.parquet", "parquet"),
}


def to_csv(table: Table) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that Excel shows Thai."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_json(table: Table) -> bytes:
    """The table in CKAN DataStore's shape: field descriptions and records."""
    types = {"text": "text", "int": "int", "float": "numeric"}
    body = {
        "fields": [
            {"id": c.name, "type": types[c.type], "info": {"label_th": c.th, "label_en": c.en}}
            for c in table.columns
        ],
        "records": table.records(),
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def to_parquet(table: Table) -> bytes:
    """Parquet with typed columns and each column's Thai and English label as metadata."""
    types = {"text": pa.string(), "int": pa.int64(), "float": pa.float64()}
    schema = pa.schema(
        [
            pa.field(
                c.name,
                types[c.type],
                metadata={"label_th": c.th.encode(), "label_en": c.en.encode()},
            )
            for c in table.columns
        ]
    )
    columns: list[Any] = (
        list(zip(*table.rows, strict=True)) if table.rows else [[] for _ in table.columns]
    )
    arrays = [
        pa.array(list(values), type=types[c.type])
        for c, values in zip(table.columns, columns, strict=True)
    ]
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), out, compression="zstd")
    return out.getvalue()


WRITERS = {"CSV": to_csv, "JSON": to_json, "Parquet": to_parquet}
