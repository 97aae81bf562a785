"""Importing and exporting service manuals (catalog.importer, docs/service-format.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from eservice.audit.models import AuditEvent
from eservice.catalog.importer import ImportFailed, export_data, import_data, import_file
from eservice.catalog.models import (
    Agency,
    AgencyDayOff,
    Category,
    DocumentRequirement,
    Fee,
    Service,
    ServiceTerm,
    ServiceVersion,
    Step,
)
from tests import factories
from tests.factories import AGENCY_A, FOOD_SHOP, HOUSE_COPY, bangkok, submitted_application

pytestmark = pytest.mark.django_db

MODELS = [
    Agency,
    AgencyDayOff,
    Category,
    Service,
    ServiceVersion,
    Step,
    DocumentRequirement,
    Fee,
    ServiceTerm,
    AuditEvent,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_imports_agencies_categories_and_services() -> None:
    report = import_data(factories.service_file(), "catalog.yaml")

    assert report.agencies == 2
    assert report.categories == 2
    assert report.published == [FOOD_SHOP, HOUSE_COPY]
    agency = Agency.objects.get(code=AGENCY_A)
    assert agency.name_en == "Chiang Mai City Municipality"
    assert agency.kind == "local"
    assert list(agency.days_off.values_list("day", flat=True)) == [bangkok(2026, 6, 19).date()]
    service = Service.objects.get(code=FOOD_SHOP)
    version = service.current_version
    assert (version.number, version.time_limit_value, version.time_limit_unit) == (1, 8, "days")
    assert [(s.position, s.role, s.time_limit_value) for s in version.steps.all()] == [
        (1, "clerk", 1),
        (2, "reviewer", 5),
        (3, "approver", 2),
    ]
    assert [(d.code, d.required) for d in version.documents.all()] == [
        ("id-card", True),
        ("house-registration", True),
        ("building-consent", False),
    ]
    assert version.total_fee == Decimal("1000.00")
    assert version.form_schema["properties"]["owner_national_id"]["format"] == "th-national-id"
    assert Service.objects.get(code=HOUSE_COPY).current_version.time_limit_unit == "hours"
    assert ServiceTerm.objects.filter(service=service).exists()
    assert AuditEvent.objects.filter(action="catalog.publish", object_id=FOOD_SHOP).exists()


def _bad(mutate: Any) -> dict[str, Any]:
    data = factories.service_file()
    # A valid new service before the bad one: it must not be written either.
    extra = factories.house_copy_service(code="house-registration-extract")
    data["services"].insert(0, extra)
    mutate(data["services"][2])  # the second service of the original file
    return data


def _set_unit(svc: dict[str, Any]) -> None:
    svc["steps"][1]["time_limit"]["unit"] = "weeks"


def _unknown_agency(svc: dict[str, Any]) -> None:
    svc["agency"] = "no-such-office"


def _ui_missing(svc: dict[str, Any]) -> None:
    del svc["form"]["ui"]["copies"]


def _options_not_enum(svc: dict[str, Any]) -> None:
    svc["form"]["ui"]["purpose"]["options"].pop("bank")
    svc["form"]["ui"]["purpose"]["options"]["visa"] = factories.bi("ยื่นขอวีซ่า", "For a visa")


def _duplicate_document(svc: dict[str, Any]) -> None:
    svc["documents"].append(dict(svc["documents"][0]))


@pytest.mark.parametrize(
    ("mutate", "field", "detail"),
    [
        (_set_unit, "steps[1].time_limit.unit", "weeks"),
        (_unknown_agency, "agency", "no-such-office"),
        (_ui_missing, "form.ui", "copies"),
        (_options_not_enum, "form.ui.purpose.options", "bank"),
        (_duplicate_document, "documents", "id-card"),
    ],
    ids=["unit", "agency", "ui", "options", "documents"],
)
def test_it_refuses_a_file_with_one_bad_service_and_writes_nothing(
    catalog: Any, mutate: Any, field: str, detail: str
) -> None:
    data = _bad(mutate)
    data["agencies"].append(
        {"code": "new-office", "name": factories.bi("ใหม่", "New"), "kind": "district"}
    )
    before = _counts()

    with pytest.raises(ImportFailed) as caught:
        import_data(data, "catalog.yaml")

    errors = caught.value.errors
    assert errors
    prefix = f"catalog.yaml: services[2] ({HOUSE_COPY}): {field}"
    assert any(e.startswith(prefix) and detail in e for e in errors), errors
    assert all(e.startswith("catalog.yaml: ") for e in errors)
    assert _counts() == before
    assert not Agency.objects.filter(code="new-office").exists()
    assert not Service.objects.filter(code="house-registration-extract").exists()


def test_it_refuses_a_file_before_any_catalog_exists_without_writing() -> None:
    data = factories.service_file()
    data["services"][0]["steps"][1]["time_limit"]["unit"] = "weeks"
    with pytest.raises(ImportFailed) as caught:
        import_data(data, "catalog.yaml")
    [error] = caught.value.errors
    assert error.startswith(f"catalog.yaml: services[0] ({FOOD_SHOP}): steps[1].time_limit.unit: ")
    assert "weeks" in error
    assert set(_counts().values()) == {0}


def test_it_publishes_nothing_when_the_same_file_is_imported_again(catalog: Any) -> None:
    before = _counts()
    report = import_data(factories.service_file(), "catalog.yaml")
    assert report.published == []
    assert report.unchanged == [FOOD_SHOP, HOUSE_COPY]
    assert _counts()["ServiceVersion"] == before["ServiceVersion"]
    assert Service.objects.get(code=FOOD_SHOP).current_version.number == 1


def test_it_treats_the_same_amount_written_differently_as_unchanged(catalog: Any) -> None:
    data = factories.service_file()
    data["services"][0]["fees"][0]["amount"] = "1000"
    assert import_data(data, "catalog.yaml").published == []


def test_it_publishes_a_new_version_and_keeps_old_applications_on_theirs(
    catalog: Any, applicant: Any, clerk_a: Any, clock: Any
) -> None:
    from eservice.cases import actions

    clock.set(bangkok(2026, 3, 9, 10, 0))
    app = submitted_application(applicant, catalog.food_shop)
    v1 = app.service_version

    data = factories.service_file()
    data["services"][0]["fees"][0]["amount"] = "1500.00"
    data["services"][0]["steps"][0]["time_limit"] = {"value": 3, "unit": "days"}
    report = import_data(data, "catalog.yaml")

    assert report.published == [FOOD_SHOP]
    service = Service.objects.get(code=FOOD_SHOP)
    assert service.current_version.number == 2
    assert service.current_version.total_fee == Decimal("1500.00")
    app.refresh_from_db()
    assert app.service_version_id == v1.id
    assert v1.number == 1
    assert v1.total_fee == Decimal("1000.00")
    # The case goes on under version 1: its first step takes 1 day, not 3.
    app = actions.accept_documents(app, clerk_a)
    step = app.steps.get(position=1)
    assert step.step.version_id == v1.id
    assert step.due_at == bangkok(2026, 3, 10, 16, 30)
    # New applications use version 2.
    other = actions.start_application(applicant, service, client_key="after-v2")
    assert other.service_version.number == 2


def test_it_round_trips_an_export(catalog: Any) -> None:
    exported = export_data()

    # The export is the file format: it validates and re-imports without change.
    through_yaml = yaml.safe_load(yaml.safe_dump(exported, allow_unicode=True, sort_keys=False))
    report = import_data(through_yaml, "export.yaml")
    assert report.published == []
    assert sorted(report.unchanged) == [FOOD_SHOP, HOUSE_COPY]
    assert export_data() == exported

    original = {s["code"]: s for s in factories.service_file()["services"]}
    for svc in exported["services"]:
        assert json.dumps(svc, sort_keys=True) == json.dumps(original[svc["code"]], sort_keys=True)
    assert {a["code"]: a.get("days_off") for a in exported["agencies"]}[AGENCY_A] == (
        factories.agency_a()["days_off"]
    )


def test_it_imports_a_yaml_file_from_disk(db: None, tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(factories.service_file(), allow_unicode=True), encoding="utf-8")
    report = import_file(path)
    assert report.published == [FOOD_SHOP, HOUSE_COPY]


@pytest.mark.parametrize(
    "content",
    [
        b"agencies: [\n  - code: a\n    name: {th: x\n",  # broken YAML
        factories.png_bytes(),  # not text at all
        "แค่ข้อความธรรมดา ไม่ใช่ไฟล์บริการ".encode(),  # YAML, but not a mapping
    ],
    ids=["broken-yaml", "binary", "not-a-mapping"],
)
def test_it_names_the_file_it_cannot_read(db: None, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "services-2026.yaml"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as caught:
        import_file(path)
    assert caught.value.errors
    assert caught.value.errors[0].startswith("services-2026.yaml: ")
    assert Service.objects.count() == 0


HAND_WRITTEN = """\
agencies:
  - code: chiang-mai-city
    name: {th: เทศบาลนครเชียงใหม่, en: Chiang Mai City Municipality}
    kind: local
    parent: null
    days_off:
      - {date: 2026-12-31, reason: {th: วันหยุดพิเศษ, en: Special day off}}
"""


def test_it_reads_dates_written_plainly_in_yaml(db: None, tmp_path: Path) -> None:
    # As in docs/service-format.md: an unquoted date, which YAML would make a date object.
    path = tmp_path / "agencies.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    report = import_file(path)
    assert report.agencies == 1
    assert list(AgencyDayOff.objects.values_list("day", flat=True)) == [
        bangkok(2026, 12, 31).date()
    ]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_it_reimports_what_the_export_command_writes(
    catalog: Any, tmp_path: Path, fmt: str
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("export_services", *(["--json"] if fmt == "json" else []), stdout=out)
    path = tmp_path / f"export.{fmt}"
    path.write_text(out.getvalue(), encoding="utf-8")
    before = _counts()

    report = import_file(path)

    assert report.published == []
    assert sorted(report.unchanged) == [FOOD_SHOP, HOUSE_COPY]
    assert _counts()["ServiceVersion"] == before["ServiceVersion"]


def test_it_moves_an_unsubmitted_draft_to_the_newly_published_manual(
    catalog: Any, applicant: Any, clock: Any
) -> None:
    from eservice.cases import actions
    from tests.factories import draft_application, pdf_upload

    clock.set(bangkok(2026, 3, 9, 10, 0))
    draft = draft_application(applicant, catalog.food_shop)
    v1 = draft.service_version_id
    for doc in draft.service_version.documents.filter(required=True):
        actions.upload_document(draft, applicant, doc.code, pdf_upload())

    data = factories.service_file()
    data["services"][0]["fees"][0]["amount"] = "1500.00"
    import_data(data, "catalog.yaml")

    app = actions.submit(draft, applicant)
    app.refresh_from_db()
    assert app.service_version_id != v1
    assert app.service_version.number == 2
    assert app.service_version.total_fee == Decimal("1500.00")
