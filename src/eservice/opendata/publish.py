"""Generate the datasets: bring the figures up to date, then rewrite what changed.

``publish()`` is what the scheduled job and ``eservice opendata publish`` run.
A dataset is rewritten only when its table or its description changed, so its
``metadata_modified`` tells harvesters truthfully what is new.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from eservice.catalog.models import Agency, Service
from eservice.catalog.search import terms
from eservice.core.clock import now
from eservice.opendata import facts, tables
from eservice.opendata.models import (
    Dataset,
    DatasetFacet,
    DatasetTerm,
    PublishState,
    Resource,
)

log = logging.getLogger(__name__)

LICENSE_ID = "Creative Commons Attributions"  # the Thai government catalog's choice
LICENSE_TITLE = "Creative Commons Attribution 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

# Search weights: a word in the title counts most.
TITLE, TAG, ORGANIZATION, NOTES = 10, 6, 4, 2

GEO_BY_KIND: dict[str, str] = {
    Agency.Kind.MINISTRY: "ประเทศ",
    Agency.Kind.DEPARTMENT: "ประเทศ",
    Agency.Kind.PROVINCIAL: "จังหวัด",
    Agency.Kind.DISTRICT: "อำเภอ",
    Agency.Kind.LOCAL: "เทศบาล/อบต.",
}


@dataclass
class Spec:
    name: str
    kind: str
    owner: Agency
    title_th: str
    title_en: str
    notes_th: str
    notes_en: str
    table: tables.Table
    tags: list[str]
    groups: list[str]
    thai_fields: dict[str, Any]
    months: tuple[date, date] | None = None

    def digest(self) -> str:
        meta: list[Any] = [self.kind, self.owner.code, self.title_th, self.title_en, self.notes_th]
        meta += [self.notes_en, self.tags, self.groups, self.thai_fields]
        text = json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256((text + self.table.digest()).encode()).hexdigest()


@dataclass
class Report:
    cases: int = 0
    cells: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _be_year(month: date) -> str:
    return str(month.year + 543)


def _thai_fields(kind: str, owner: Agency, months: tuple[date, date] | None) -> dict[str, Any]:
    """The Thai government catalog's fields (data.go.th's dataset schema) for a dataset."""
    statistical = kind != Dataset.Kind.CATALOG
    fields: dict[str, Any] = {
        "data_type": "ข้อมูลสถิติ" if statistical else "ข้อมูลระเบียน",
        "objective": ["เพื่อการให้บริการประชาชน", "กฎหมายที่เกี่ยวข้อง"],
        "update_frequency_unit": "วัน",
        "update_frequency_interval": "1",
        "geo_coverage": GEO_BY_KIND.get(owner.kind, "ประเทศ")
        if kind == Dataset.Kind.AGENCY_PERFORMANCE
        else "ประเทศ",
        "data_source": f"ระบบ eservice: {owner.name_th}",
        "data_format": ["CSV", "JSON", "อื่นๆ"],
        "data_format_other": "Parquet",
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "accessible_condition": "",
        "data_language": ["ไทย", "อังกฤษ"],
        "allow_harvest": "True",
        "high_value_dataset": "False",
        "reference_data": "False" if statistical else "True",
        "official_statistics": "False",
        "data_support": "ไม่มี",
        "data_collect": "อื่นๆ",
        "data_collect_other": "คำขอรับบริการ รวมเป็นรายเดือน"
        if statistical
        else "งานบริการตามคู่มือสำหรับประชาชน",
    }
    if statistical:
        fields |= {
            "disaggregate": ["อื่นๆ"],
            "disaggregate_other": "งานบริการ หน่วยงาน และเดือน",
            "unit_of_measure": "คำขอ; วันทำการ; สัดส่วน (0 ถึง 1)",
            "unit_of_multiplier": "หน่วย",
            "calculation_method": (
                "นับจากคำขอที่ยื่นในระบบ: รับคำขอตามเดือนที่ยื่น พิจารณาแล้วเสร็จตามเดือนที่มีคำวินิจฉัย"
                " วันทำการนับเฉพาะเวลาราชการของหน่วยงาน ไม่นับช่วงที่รอเอกสารจากผู้ยื่นคำขอ"
                f" ตัวเลขที่น้อยกว่า {tables.min_count()} ถูกปกปิด"
            ),
        }
        if months:
            fields["first_year_of_data"] = _be_year(months[0])
            fields["last_year_of_data"] = _be_year(months[1])
    return fields


def _notes(kind: str, owner: Agency) -> tuple[str, str]:
    k = tables.min_count()
    suppressed_th = f"ไม่มีข้อมูลส่วนบุคคล ตัวเลขตั้งแต่ 1 ถึง {k - 1} แสดงเป็นค่าว่างเพื่อไม่ให้ระบุตัวผู้ยื่นคำขอได้"
    suppressed_en = (
        f"No personal data. Counts from 1 to {k - 1} are left empty so that no applicant can be"
        " singled out."
    )
    figures_th = (
        "จำนวนคำขอที่ได้รับ พิจารณาแล้วเสร็จ อนุมัติ ไม่อนุมัติ แล้วเสร็จภายในระยะเวลาตามคู่มือ"
        " มัธยฐานและเปอร์เซ็นไทล์ที่ 90 ของจำนวนวันทำการที่ใช้ คำขอค้างและเกินกำหนด ณ สิ้นเดือน"
        " คำขอที่ขอเอกสารเพิ่มเติม และคำขอที่ผู้ยื่นยกเลิก"
    )
    figures_en = (
        "Applications received, decided, approved and rejected; decided within the manual's time"
        " limit; median and 90th-percentile working days to decide; pending and overdue at month"
        " end; returned for documents; withdrawn by the applicant."
    )
    if kind == Dataset.Kind.CATALOG:
        return (
            "งานบริการทุกงานที่ยื่นคำขอผ่านระบบได้ พร้อมหน่วยงานเจ้าของเรื่อง กฎหมายที่ให้อำนาจ"
            " ระยะเวลาดำเนินการ ค่าธรรมเนียม เอกสารที่ต้องใช้ และช่องทางการให้บริการ"
            " ตามคู่มือสำหรับประชาชนตามพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ"
            " พ.ศ. 2558",
            "Every service that can be applied for on the platform, with the responsible agency,"
            " legal basis, time limit, fees, required documents and channels, as published in its"
            " manual under the Licensing Facilitation Act B.E. 2558 (2015).",
        )
    if kind == Dataset.Kind.AGENCIES:
        return (
            f"ผลการให้บริการของแต่ละหน่วยงานรายเดือน รวมทุกงานบริการของหน่วยงาน: {figures_th}"
            f" {suppressed_th}",
            f"Each agency's performance by month, all its services together: {figures_en}"
            f" {suppressed_en}",
        )
    if kind == Dataset.Kind.AGENCY_PERFORMANCE:
        return (
            f"ผลการให้บริการรายเดือนของแต่ละงานบริการของ{owner.name_th}: {figures_th} {suppressed_th}",
            f"Performance by month of each service of {owner.name_en}: {figures_en}"
            f" {suppressed_en}",
        )
    return (
        f"ผลการให้บริการรายเดือนของทุกงานบริการ: {figures_th} {suppressed_th}",
        f"Performance by month of every service: {figures_en} {suppressed_en}",
    )


def _months(table: tables.Table) -> tuple[date, date] | None:
    if not table.rows or table.columns[0].name != "month":
        return None
    labels = [row[0] for row in table.rows]
    first, last = min(labels), max(labels)
    return (
        date(int(first[:4]), int(first[5:7]), 1),
        date(int(last[:4]), int(last[5:7]), 1),
    )


def _spec(
    name: str,
    kind: str,
    owner: Agency,
    titles: tuple[str, str],
    table: tables.Table,
    tags: list[str],
    groups: list[str],
) -> Spec:
    months = _months(table)
    notes_th, notes_en = _notes(kind, owner)
    return Spec(
        name=name,
        kind=kind,
        owner=owner,
        title_th=titles[0],
        title_en=titles[1],
        notes_th=notes_th,
        notes_en=notes_en,
        table=table,
        tags=tags,
        groups=sorted(set(groups)),
        thai_fields=_thai_fields(kind, owner, months),
        months=months,
    )


PERFORMANCE_TAGS = ["ผลการให้บริการ", "การอำนวยความสะดวก", "service-performance", "e-service"]
CATALOG_TAGS = ["คู่มือสำหรับประชาชน", "งานบริการภาครัฐ", "service-catalog", "e-service"]


def _services() -> list[Service]:
    return list(
        Service.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("agency", "category", "current_version")
        .prefetch_related(
            "current_version__legal_basis", "current_version__fees", "current_version__documents"
        )
        .order_by("code")
    )


def specs(
    moment: datetime, agencies_to_build: set[int] | None
) -> tuple[list[Spec], set[str], list[str]]:
    """Return the datasets to build, the names of all datasets wanted, and warnings.

    ``agencies_to_build`` None means every dataset; otherwise only the national
    datasets and those agencies' performance datasets are built.
    """
    last = facts.month_of(moment)
    services = _services()
    warnings: list[str] = []
    by_agency: dict[int, list[Service]] = defaultdict(list)
    for service in services:
        by_agency[service.agency_id].append(service)
    owners = {s.agency_id: s.agency for s in services}
    wanted = {f"{a.code}-service-performance" for a in owners.values()}
    out: list[Spec] = []
    publisher = Agency.objects.filter(code=settings.OPENDATA_PUBLISHER).first()
    if publisher is None:
        warnings.append(
            f"OPENDATA_PUBLISHER names agency {settings.OPENDATA_PUBLISHER!r}, which does not"
            " exist: the national datasets are not published."
        )
    else:
        all_groups = [s.category.code for s in services]
        wanted |= {"service-catalog", "service-performance", "agency-performance"}
        out.append(
            _spec(
                "service-catalog",
                Dataset.Kind.CATALOG,
                publisher,
                ("ทะเบียนงานบริการภาครัฐ", "Government service catalog"),
                tables.catalog(services, settings.PUBLIC_BASE_URL),
                CATALOG_TAGS,
                all_groups,
            )
        )
        out.append(
            _spec(
                "service-performance",
                Dataset.Kind.PERFORMANCE,
                publisher,
                ("ผลการให้บริการรายงานบริการรายเดือน", "Service performance by month"),
                tables.performance(services, last),
                PERFORMANCE_TAGS,
                all_groups,
            )
        )
        counts = Counter(s.agency_id for s in services)
        agency_list = sorted(owners.values(), key=lambda a: a.code)
        out.append(
            _spec(
                "agency-performance",
                Dataset.Kind.AGENCIES,
                publisher,
                ("สรุปผลการให้บริการรายหน่วยงาน", "Agency performance summary by month"),
                tables.agencies(agency_list, dict(counts), last),
                PERFORMANCE_TAGS,
                all_groups,
            )
        )
    for agency_id, agency in sorted(owners.items(), key=lambda item: item[1].code):
        if agencies_to_build is not None and agency_id not in agencies_to_build:
            continue
        own = by_agency[agency_id]
        out.append(
            _spec(
                f"{agency.code}-service-performance",
                Dataset.Kind.AGENCY_PERFORMANCE,
                agency,
                (
                    f"ผลการให้บริการรายเดือน: {agency.name_th}",
                    f"Monthly service performance: {agency.name_en}",
                ),
                tables.performance(own, last),
                PERFORMANCE_TAGS,
                [s.category.code for s in own],
            )
        )
    return out, wanted, warnings


def _index(dataset: Dataset, spec: Spec) -> None:
    weights: dict[str, int] = {}
    texts = [
        (spec.title_th, TITLE),
        (spec.title_en, TITLE),
        (" ".join(spec.tags), TAG),
        (f"{spec.owner.name_th} {spec.owner.name_en} {spec.owner.code}", ORGANIZATION),
        (spec.notes_th, NOTES),
        (spec.notes_en, NOTES),
    ]
    for text, weight in texts:
        for term in terms(text):
            weights[term] = max(weights.get(term, 0), weight)
    DatasetTerm.objects.filter(dataset=dataset).delete()
    DatasetTerm.objects.bulk_create(
        DatasetTerm(dataset=dataset, term=t, weight=w) for t, w in weights.items()
    )
    values = [("organization", spec.owner.code), ("license_id", LICENSE_ID)]
    values += [("tags", t) for t in spec.tags] + [("groups", g) for g in spec.groups]
    values += [("res_format", f) for f in tables.FORMATS]
    for key in ("data_type", "data_category", "update_frequency_unit", "geo_coverage"):
        values.append((key, spec.thai_fields[key]))
    values += [("data_language", lang) for lang in spec.thai_fields["data_language"]]
    DatasetFacet.objects.filter(dataset=dataset).delete()
    DatasetFacet.objects.bulk_create(
        DatasetFacet(dataset=dataset, field=f, value=v) for f, v in values
    )


def write(spec: Spec, moment: datetime) -> Dataset | None:
    """Write one dataset and its files if anything changed; return it, or None if unchanged."""
    digest = spec.digest()
    dataset = Dataset.objects.filter(name=spec.name).first()
    if dataset is not None and dataset.content_hash == digest:
        return None
    if dataset is None:
        dataset = Dataset(name=spec.name, created=moment)
    for attr in ("kind", "owner", "title_th", "title_en", "notes_th", "notes_en", "tags"):
        setattr(dataset, attr, getattr(spec, attr))
    dataset.groups, dataset.thai_fields = spec.groups, spec.thai_fields
    dataset.first_month, dataset.last_month = spec.months or (None, None)
    dataset.content_hash, dataset.modified = digest, moment
    dataset.save()
    existing = {r.format: r for r in Resource.objects.filter(dataset=dataset).defer("content")}
    for position, (fmt, (mimetype, extension)) in enumerate(tables.FORMATS.items()):
        content = tables.WRITERS[fmt](spec.table)
        sha = hashlib.sha256(content).hexdigest()
        resource = existing.get(fmt) or Resource(dataset=dataset, format=fmt, created=moment)
        if resource.pk and resource.sha256 == sha and resource.position == position:
            continue
        resource.position, resource.mimetype = position, mimetype
        resource.filename = f"{spec.name}.{extension}"
        resource.content, resource.size, resource.sha256 = content, len(content), sha
        resource.modified = moment
        resource.save()
    _index(dataset, spec)
    return dataset


def publish(moment: datetime | None = None, *, full: bool = False) -> Report:
    """Bring the figures up to date and rewrite the datasets that changed."""
    moment = moment or now()
    report = Report()
    with transaction.atomic():
        state = PublishState.objects.select_for_update().order_by("id").first()
        first_run = state is None or state.last_run_at is None
        previous = state.last_run_at if state and state.last_run_at else None
        result = facts.rebuild(moment) if full or first_run else facts.update(moment)
        report.cases, report.cells = result.cases, result.cells
        new_month = previous is None or facts.month_of(previous) != facts.month_of(moment)
        touched_agencies = {key for scope, key, _ in result.touched if scope == "agency"}
        rebuild_all = full or first_run or new_month or not Dataset.objects.exists()
        to_build, wanted, report.warnings = specs(moment, None if rebuild_all else touched_agencies)
        for spec in to_build:
            if write(spec, moment) is None:
                report.unchanged += 1
            else:
                report.written.append(spec.name)
        gone = Dataset.objects.exclude(name__in=wanted)
        report.removed = sorted(gone.values_list("name", flat=True))
        gone.delete()
    for warning in report.warnings:
        log.warning("open data: %s", warning)
    return report
