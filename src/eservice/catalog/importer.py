"""Import and export service manuals (docs/service-format.md).

An import is checked whole first; it writes nothing unless every agency,
category and service in the file is valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.db import transaction

from eservice.audit.actions import record
from eservice.catalog import search
from eservice.catalog.fileformat import FILE_SCHEMA
from eservice.catalog.models import (
    Agency,
    AgencyDayOff,
    Category,
    DocumentRequirement,
    Fee,
    LegalBasis,
    Service,
    ServiceVersion,
    Step,
)
from eservice.catalog.signals import service_published
from eservice.core.clock import now


class _TextDatesLoader(yaml.SafeLoader):
    """YAML loader that keeps dates as text, as JSON files have them."""


_TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ImportFailed(Exception):
    """The file was refused; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    agencies: int = 0
    categories: int = 0
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_file(path: Path) -> Any:
    """Read YAML or JSON; raise ImportFailed naming the file when it cannot be parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path.name}: cannot read file: {exc}"]) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed(
            [f"{path.name}: not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}"]
        ) from exc


def _where(data: dict[str, Any], parts: list[Any]) -> tuple[str, list[Any]]:
    """Return ('services[3] (code)', rest-of-path) for an error path."""
    if len(parts) >= 2 and isinstance(parts[1], int):
        section, index = parts[0], parts[1]
        items = data.get(section) or []
        code = (
            items[index].get("code")
            if index < len(items) and isinstance(items[index], dict)
            else None
        )
        label = f"{section}[{index}]" + (f" ({code})" if code else "")
        return label, parts[2:]
    return _path(parts) or "(top level)", []


def validate(data: Any, filename: str) -> list[str]:
    """Return every problem in a parsed file; an empty list means it may be imported."""
    if not isinstance(data, dict):
        return [f"{filename}: the file must hold a mapping with agencies, categories and services"]
    errors: list[str] = []
    validator = jsonschema.Draft202012Validator(
        FILE_SCHEMA, format_checker=jsonschema.FormatChecker()
    )
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where, rest = _where(data, list(err.absolute_path))
        errors.append(f"{filename}: {where}: {_path(rest) or '(item)'}: {err.message}")
    if errors:
        return errors

    agency_codes = set(Agency.objects.values_list("code", flat=True))
    category_codes = set(Category.objects.values_list("code", flat=True))
    for i, agency in enumerate(data.get("agencies", [])):
        parent = agency.get("parent")
        if parent and parent not in agency_codes:
            errors.append(
                f"{filename}: agencies[{i}] ({agency['code']}): parent: unknown agency {parent!r}"
                " (define it earlier in the file)"
            )
        agency_codes.add(agency["code"])
    category_codes |= {c["code"] for c in data.get("categories", [])}

    seen: set[str] = set()
    for i, svc in enumerate(data.get("services", [])):
        where = f"{filename}: services[{i}] ({svc['code']})"
        if svc["code"] in seen:
            errors.append(f"{where}: code: appears twice in the file")
        seen.add(svc["code"])
        if svc["agency"] not in agency_codes:
            errors.append(f"{where}: agency: unknown agency {svc['agency']!r}")
        if svc["category"] not in category_codes:
            errors.append(f"{where}: category: unknown category {svc['category']!r}")
        codes = [d["code"] for d in svc["documents"]]
        for code in {c for c in codes if codes.count(c) > 1}:
            errors.append(f"{where}: documents: code {code!r} appears twice")
        errors.extend(f"{where}: {msg}" for msg in _form_problems(svc["form"]))
        errors.extend(f"{where}: {msg}" for msg in _prefill_problems(svc))
    return errors


def _prefill_problems(svc: dict[str, Any]) -> list[str]:
    props = svc["form"]["schema"].get("properties", {})
    codes = {d["code"] for d in svc["documents"]}
    problems: list[str] = []
    seen: set[str] = set()
    for i, source in enumerate(svc.get("prefill", [])):
        if source["service"] in seen:
            problems.append(f"prefill[{i}].service: appears twice")
        seen.add(source["service"])
        if not source.get("fields") and not source.get("replaces"):
            problems.append(f"prefill[{i}]: fills no field and replaces no document")
        for name in source.get("fields", {}):
            if name not in props:
                problems.append(f"prefill[{i}].fields.{name}: no such property in form.schema")
        for code in source.get("replaces", []):
            if code not in codes:
                problems.append(f"prefill[{i}].replaces: unknown document {code!r}")
    return problems


def _form_problems(form: dict[str, Any]) -> list[str]:
    schema, ui = form["schema"], form["ui"]
    problems: list[str] = []
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return [
            f"form.schema.{_path(list(exc.absolute_path))}: not valid JSON Schema: {exc.message}"
        ]
    props = schema.get("properties", {})
    for name in props:
        if name not in ui:
            problems.append(f"form.ui: no UI hint for property {name!r}")
    for name, hint in ui.items():
        if name not in props:
            problems.append(f"form.ui.{name}: no such property in form.schema")
            continue
        if hint["widget"] == "select":
            enum = props[name].get("enum")
            if not enum:
                problems.append(f"form.schema.properties.{name}: a select needs an enum")
            elif set(map(str, enum)) != set(hint.get("options", {})):
                problems.append(
                    f"form.ui.{name}.options: must label exactly the enum values {enum}"
                )
    for name in schema.get("required", []):
        if name not in props:
            problems.append(f"form.schema.required: {name!r} is not a property")
    return problems


def content_hash(svc: dict[str, Any]) -> str:
    """Return a fingerprint of a service's manual content (amounts normalised)."""
    svc = {**svc, "fees": [{**f, "amount": f"{Decimal(f['amount']):.2f}"} for f in svc["fees"]]}
    canonical = json.dumps(svc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def import_data(data: Any, filename: str, actor: str = "system") -> ImportReport:
    """Validate then write a parsed file in one transaction; raise ImportFailed on any error."""
    errors = validate(data, filename)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport()
    with transaction.atomic():
        for agency in data.get("agencies", []):
            _upsert_agency(agency)
            report.agencies += 1
        for cat in data.get("categories", []):
            Category.objects.update_or_create(
                code=cat["code"],
                defaults={"name_th": cat["name"]["th"], "name_en": cat["name"]["en"]},
            )
            report.categories += 1
        for svc in data.get("services", []):
            if _publish(svc, actor):
                report.published.append(svc["code"])
            else:
                report.unchanged.append(svc["code"])
    return report


def import_file(path: Path, actor: str = "system") -> ImportReport:
    """Import a YAML or JSON file of agencies, categories and services."""
    return import_data(load_file(path), path.name, actor)


def _upsert_agency(agency: dict[str, Any]) -> None:
    parent = Agency.objects.get(code=agency["parent"]) if agency.get("parent") else None
    obj, _ = Agency.objects.update_or_create(
        code=agency["code"],
        defaults={
            "name_th": agency["name"]["th"],
            "name_en": agency["name"]["en"],
            "kind": agency["kind"],
            "parent": parent,
        },
    )
    for off in agency.get("days_off", []):
        AgencyDayOff.objects.update_or_create(
            agency=obj,
            day=date.fromisoformat(off["date"]),
            defaults={"reason_th": off["reason"]["th"], "reason_en": off["reason"]["en"]},
        )


def _publish(svc: dict[str, Any], actor: str) -> bool:
    """Publish a new version when the content changed; return whether one was published."""
    digest = content_hash(svc)
    agency = Agency.objects.get(code=svc["agency"])
    category = Category.objects.get(code=svc["category"])
    service, _ = Service.objects.select_for_update().get_or_create(
        code=svc["code"], defaults={"agency": agency, "category": category}
    )
    service.agency, service.category = agency, category
    current = service.current_version
    if current is not None and current.content_hash == digest:
        service.save(update_fields=["agency", "category"])
        return False
    number = (current.number + 1) if current else 1
    version = ServiceVersion.objects.create(
        service=service,
        number=number,
        published_at=now(),
        content_hash=digest,
        name_th=svc["name"]["th"],
        name_en=svc["name"]["en"],
        description_th=svc["description"]["th"],
        description_en=svc["description"]["en"],
        conditions_th=svc["conditions"]["th"],
        conditions_en=svc["conditions"]["en"],
        output_document_th=svc["output_document"]["th"],
        output_document_en=svc["output_document"]["en"],
        time_limit_value=svc["time_limit"]["value"],
        time_limit_unit=svc["time_limit"]["unit"],
        channels=svc["channels"],
        complaints=svc["complaints"],
        form_schema=svc["form"]["schema"],
        form_ui=svc["form"]["ui"],
        prefill=svc.get("prefill", []),
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(
            version=version,
            position=i,
            law_th=b["law"]["th"],
            law_en=b["law"]["en"],
            sections=b["sections"],
        )
        for i, b in enumerate(svc["legal_basis"], 1)
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            position=i,
            name_th=s["name"]["th"],
            name_en=s["name"]["en"],
            unit_th=s["unit"]["th"],
            unit_en=s["unit"]["en"],
            role=s["role"],
            time_limit_value=s["time_limit"]["value"],
            time_limit_unit=s["time_limit"]["unit"],
        )
        for i, s in enumerate(svc["steps"], 1)
    )
    DocumentRequirement.objects.bulk_create(
        DocumentRequirement(
            version=version,
            position=i,
            code=d["code"],
            name_th=d["name"]["th"],
            name_en=d["name"]["en"],
            issuer_th=d.get("issuer", {}).get("th", ""),
            issuer_en=d.get("issuer", {}).get("en", ""),
            original=d["original"],
            copies=d["copies"],
            required=d["required"],
            note_th=d.get("note", {}).get("th", ""),
            note_en=d.get("note", {}).get("en", ""),
        )
        for i, d in enumerate(svc["documents"], 1)
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            name_th=f["name"]["th"],
            name_en=f["name"]["en"],
            amount=Decimal(f["amount"]),
            note_th=f.get("note", {}).get("th", ""),
            note_en=f.get("note", {}).get("en", ""),
        )
        for i, f in enumerate(svc["fees"], 1)
    )
    service.current_version = version
    service.save(update_fields=["agency", "category", "current_version"])
    search.index_service(service)
    service_published.send(sender=Service, code=service.code)
    record(actor, "catalog.publish", "service", service.code, {"version": number})
    return True


def _bi(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


def _optional_bi(out: dict[str, Any], key: str, th: str, en: str) -> None:
    if th or en:
        out[key] = _bi(th, en)


def export_data() -> dict[str, Any]:
    """Return every agency, category and active service's current manual in file format."""
    agencies = []
    # Parents before children so the file imports in order.
    pending = list(Agency.objects.prefetch_related("days_off").order_by("code"))
    done: set[int] = set()
    while pending:
        ready = [a for a in pending if a.parent_id is None or a.parent_id in done]
        for agency in ready:
            item: dict[str, Any] = {
                "code": agency.code,
                "name": _bi(agency.name_th, agency.name_en),
                "kind": agency.kind,
                "parent": agency.parent.code if agency.parent else None,
            }
            offs = [
                {"date": d.day.isoformat(), "reason": _bi(d.reason_th, d.reason_en)}
                for d in agency.days_off.order_by("day")
            ]
            if offs:
                item["days_off"] = offs
            agencies.append(item)
            done.add(agency.id)
        pending = [a for a in pending if a.id not in done]
    services = []
    qs = (
        Service.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("agency", "category", "current_version")
        .prefetch_related(
            "current_version__legal_basis",
            "current_version__steps",
            "current_version__documents",
            "current_version__fees",
        )
    )
    for service in qs:
        services.append(version_to_dict(service.current_version))  # type: ignore[arg-type]
    return {
        "agencies": agencies,
        "categories": [
            {"code": c.code, "name": _bi(c.name_th, c.name_en)} for c in Category.objects.all()
        ],
        "services": services,
    }


def version_to_dict(v: ServiceVersion) -> dict[str, Any]:
    """Return one manual version in file format."""
    docs = []
    for d in v.documents.all():
        item: dict[str, Any] = {"code": d.code, "name": _bi(d.name_th, d.name_en)}
        _optional_bi(item, "issuer", d.issuer_th, d.issuer_en)
        item.update(original=d.original, copies=d.copies, required=d.required)
        _optional_bi(item, "note", d.note_th, d.note_en)
        docs.append(item)
    fees = []
    for f in v.fees.all():
        fee: dict[str, Any] = {"name": _bi(f.name_th, f.name_en), "amount": f"{f.amount:.2f}"}
        _optional_bi(fee, "note", f.note_th, f.note_en)
        fees.append(fee)
    return {
        "code": v.service.code,
        "agency": v.service.agency.code,
        "category": v.service.category.code,
        "name": _bi(v.name_th, v.name_en),
        "description": _bi(v.description_th, v.description_en),
        "output_document": _bi(v.output_document_th, v.output_document_en),
        "legal_basis": [
            {"law": _bi(b.law_th, b.law_en), "sections": b.sections} for b in v.legal_basis.all()
        ],
        "conditions": _bi(v.conditions_th, v.conditions_en),
        "time_limit": {"value": v.time_limit_value, "unit": v.time_limit_unit},
        "steps": [
            {
                "name": _bi(s.name_th, s.name_en),
                "unit": _bi(s.unit_th, s.unit_en),
                "role": s.role,
                "time_limit": {"value": s.time_limit_value, "unit": s.time_limit_unit},
            }
            for s in v.steps.all()
        ],
        "documents": docs,
        "fees": fees,
        "channels": v.channels,
        "complaints": v.complaints,
        "form": {"schema": v.form_schema, "ui": v.form_ui},
        **({"prefill": v.prefill} if v.prefill else {}),
    }
