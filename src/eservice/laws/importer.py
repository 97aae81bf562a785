"""Import laws: the agency format (YAML or JSON, docs/law-format.md) and the
section-by-section JSON of the nitibench corpus (../shared/data/laws).

Every file is read and checked before anything is written; a bad file is
refused with one line per problem naming the file, the law, the section and
the field. An import is one transaction. A law whose content has not changed
is left alone; a changed law has its sections replaced, and references from
other laws are re-attached by law title and section number.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.db import transaction
from django.utils import timezone

from eservice.catalog.importer import ImportFailed, load_file
from eservice.laws import index
from eservice.laws.fileformat import CORPUS_ITEM_SCHEMA, FILE_SCHEMA
from eservice.laws.models import Amendment, Law, LawStatus, LawType, Reference, Section
from eservice.laws.numbers import BadNumber, normalize_number, slug, sort_key
from eservice.laws.text import DATA, normalize

__all__ = ["ImportFailed", "ImportReport", "import_paths", "read_paths", "title_key"]

# "... พ.ศ. 2535 ซึ่งแก้ไขเพิ่มเติมโดย ..." and "... และที่แก้ไขเพิ่มเติม" name the base law.
_AMENDED_TAIL = re.compile(r"\s*(ซึ่งแก้ไขเพิ่มเติมโดย|และที่แก้ไขเพิ่มเติม|แก้ไขเพิ่มเติมโดย).*$")
_YEAR = re.compile(r"พ\.\s*ศ\.\s*(\d{4})\s*$")
_TYPE_PREFIXES = [
    ("พระราชบัญญัติประกอบรัฐธรรมนูญ", LawType.ORGANIC_ACT),
    ("พระราชบัญญัติ", LawType.ACT),
    ("พระราชกำหนด", LawType.EMERGENCY_DECREE),
    ("พระราชกฤษฎีกา", LawType.ROYAL_DECREE),
    ("ประมวล", LawType.CODE),
    ("กฎกระทรวง", LawType.MINISTERIAL_REGULATION),
    ("ประกาศ", LawType.NOTIFICATION),
    ("เทศบัญญัติ", LawType.LOCAL_ORDINANCE),
    ("ข้อบัญญัติ", LawType.LOCAL_ORDINANCE),
]


def title_key(title: str) -> str:
    """The key that matches two spellings of one law's Thai title.

    Digits, spaces and case do not matter, and an "as amended by ..." tail is
    dropped, so a reference to the amended law finds the law itself.
    """
    text = _AMENDED_TAIL.sub("", normalize(title))
    return re.sub(r"\s+", "", text)


@dataclass
class SectionData:
    number: str
    text_th: str
    text_en: str = ""
    status: str = LawStatus.IN_FORCE
    # (law key, law title as written, section number)
    references: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class LawData:
    code: str
    title_th: str
    title_en: str
    law_type: str
    status: str
    source: str
    short_title_th: str = ""
    short_title_en: str = ""
    aliases: list[str] = field(default_factory=list)
    year_be: int | None = None
    agency_code: str = ""
    amendments: list[dict[str, Any]] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)

    @property
    def key(self) -> str:
        return title_key(self.title_th)

    def content_hash(self) -> str:
        data = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sections: int = 0
    references: int = 0
    resolved: int = 0


# --- reading -----------------------------------------------------------------


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".json", ".yaml", ".yml")
            )
        elif path.exists():
            out.append(path)
        else:
            raise ImportFailed([f"{path}: no such file or directory"])
    if not out:
        raise ImportFailed([f"{', '.join(map(str, paths))}: no .json, .yaml or .yml files"])
    return out


def read_paths(paths: list[Path]) -> list[LawData]:
    """Read and check every file; raise ImportFailed listing every problem."""
    laws: list[LawData] = []
    errors: list[str] = []
    for path in _files(paths):
        try:
            data = load_file(path)
        except ImportFailed as exc:
            errors += exc.errors
            continue
        if isinstance(data, list):
            found, problems = parse_corpus(data, path.name, source=path.stem)
        else:
            found, problems = parse_agency(data, path.name)
        laws += found
        errors += problems
    errors += _check_together(laws)
    if errors:
        raise ImportFailed(errors)
    return laws


def _check_together(laws: list[LawData]) -> list[str]:
    """Problems that only show across files: one code or title imported twice."""
    errors = []
    by_code: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for law in laws:
        if law.code in by_code:
            errors.append(f"{law.source}: law {law.code}: code also used in {by_code[law.code]}")
        if law.key in by_key and by_key[law.key] != law.code:
            errors.append(
                f"{law.source}: law {law.code}: title {law.title_th!r} also used by "
                f"{by_key[law.key]}"
            )
        by_code.setdefault(law.code, law.source)
        by_key.setdefault(law.key, law.code)
    # A title already in the catalog under another code would be a second copy of that law.
    existing = dict(Law.objects.filter(title_key__in=list(by_key)).values_list("title_key", "code"))
    for law in laws:
        other = existing.get(law.key)
        if other and other != law.code:
            errors.append(
                f"{law.source}: law {law.code}: title {law.title_th!r} is already in the "
                f"catalog as {other}"
            )
    return errors


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _where(data: dict[str, Any], parts: list[Any]) -> tuple[str, list[Any]]:
    """('laws[2] (code) › sections[5] (มาตรา 21)', rest of the path) for an error path."""
    labels = []
    node: Any = data
    rest = list(parts)
    for name in ("laws", "sections"):
        if len(rest) >= 2 and rest[0] == name and isinstance(rest[1], int):
            items = node.get(name) if isinstance(node, dict) else None
            item = items[rest[1]] if isinstance(items, list) and rest[1] < len(items) else None
            label = f"{name}[{rest[1]}]"
            if isinstance(item, dict):
                if name == "laws" and isinstance(item.get("code"), str):
                    label += f" ({item['code']})"
                if name == "sections" and isinstance(item.get("number"), str):
                    label += f" (มาตรา {item['number']})"
            labels.append(label)
            node = item
            rest = rest[2:]
    return " › ".join(labels) or "(top level)", rest


def parse_agency(data: Any, filename: str) -> tuple[list[LawData], list[str]]:
    """Read one agency law file; return the laws and the problems found."""
    if not isinstance(data, dict):
        return [], [f"{filename}: the file must hold a mapping with a list of laws"]
    validator = jsonschema.Draft202012Validator(FILE_SCHEMA)
    errors = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where, rest = _where(data, list(err.absolute_path))
        errors.append(f"{filename}: {where}: {_path(rest) or '(item)'}: {err.message}")
    if errors:
        return [], errors

    codes_in_file = {law["code"]: law for law in data["laws"]}
    known_codes = dict(Law.objects.values_list("code", "title_th"))
    laws = []
    for i, raw in enumerate(data["laws"]):
        where = f"{filename}: laws[{i}] ({raw['code']})"
        law = LawData(
            code=raw["code"],
            title_th=normalize_title(raw["title"]["th"]),
            title_en=raw["title"].get("en", ""),
            short_title_th=(raw.get("short_title") or {}).get("th", ""),
            short_title_en=(raw.get("short_title") or {}).get("en", ""),
            aliases=[normalize_title(a) for a in raw.get("aliases", [])],
            law_type=raw["type"],
            status=raw["status"],
            year_be=raw.get("year"),
            agency_code=raw.get("agency") or "",
            source=filename,
            amendments=[
                {
                    "title_th": a["title"]["th"],
                    "title_en": a["title"].get("en", ""),
                    "year_be": a.get("year"),
                    "sections": a.get("sections", []),
                }
                for a in raw.get("amendments", [])
            ],
        )
        numbers: set[str] = set()
        for j, sec in enumerate(raw["sections"]):
            here = f"{where} › sections[{j}] (มาตรา {sec['number']})"
            try:
                number = normalize_number(sec["number"])
            except BadNumber:
                errors.append(f"{here}: number: {sec['number']!r} is not a section number")
                continue
            if number in numbers:
                errors.append(f"{here}: number: section {number} appears twice in this law")
            numbers.add(number)
            section = SectionData(
                number=number,
                text_th=sec["text"]["th"].strip(),
                text_en=sec["text"].get("en", "").strip(),
                status=sec.get("status", LawStatus.IN_FORCE),
            )
            for k, ref in enumerate(sec.get("references", [])):
                there = f"{here}: references[{k}]"
                target = _agency_reference(ref, law, codes_in_file, known_codes, there, errors)
                if target:
                    section.references.append(target)
            law.sections.append(section)
        laws.append(law)
    errors += _check_targets(data, laws, filename)
    return laws, errors


def normalize_title(title: str) -> str:
    return normalize(title).replace("พ.ศ.", "พ.ศ. ").replace("พ.ศ.  ", "พ.ศ. ")


def _agency_reference(
    ref: Any,
    law: LawData,
    in_file: dict[str, Any],
    known: dict[str, str],
    there: str,
    errors: list[str],
) -> tuple[str, str, str] | None:
    raw_number = ref if isinstance(ref, str) else ref["section"]
    try:
        number = normalize_number(raw_number)
    except BadNumber:
        errors.append(f"{there}: section: {raw_number!r} is not a section number")
        return None
    if isinstance(ref, str):
        return (law.key, law.title_th, number)
    if "law" in ref and "law_title" in ref:
        errors.append(f"{there}: give either law (a code) or law_title, not both")
        return None
    if "law_title" in ref:
        return (title_key(ref["law_title"]), normalize_title(ref["law_title"]), number)
    code = ref.get("law", law.code)
    if code in in_file:
        title = normalize_title(in_file[code]["title"]["th"])
    elif code in known:
        title = known[code]
    else:
        errors.append(
            f"{there}: law: unknown law {code!r} (not in this file nor in the catalog;"
            " use law_title for a law not in the catalog)"
        )
        return None
    return (title_key(title), title, number)


def _check_targets(data: dict[str, Any], laws: list[LawData], filename: str) -> list[str]:
    """A reference to a law in the catalog or the file must name one of its sections."""
    errors = []
    numbers = {law.key: {s.number for s in law.sections} for law in laws}
    in_db: dict[str, set[str]] = {}
    for key, number in Section.objects.values_list("law__title_key", "number"):
        in_db.setdefault(key, set()).add(number)
    for i, law in enumerate(laws):
        for j, section in enumerate(law.sections):
            for k, (key, title, number) in enumerate(section.references):
                known = numbers.get(key, in_db.get(key))
                if known is not None and number not in known:
                    errors.append(
                        f"{filename}: laws[{i}] ({law.code}) › sections[{j}] "
                        f"(มาตรา {section.number}): references[{k}]: {title} has no "
                        f"section {number}"
                    )
    return errors


@lru_cache(maxsize=1)
def corpus_metadata() -> dict[str, dict[str, Any]]:
    """English titles, codes and types of the corpus laws (data/corpus_laws.yaml)."""
    path = DATA / "corpus_laws.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {title_key(item["th"]): item for item in data.get("laws", [])}


def _guess_type(title: str) -> str:
    for prefix, law_type in _TYPE_PREFIXES:
        if title.startswith(prefix):
            return law_type
    return LawType.ACT


def parse_corpus(items: list[Any], filename: str, source: str) -> tuple[list[LawData], list[str]]:
    """Read one nitibench file: a list of sections, each naming its law."""
    validator = jsonschema.Draft202012Validator(CORPUS_ITEM_SCHEMA)
    errors: list[str] = []
    laws: dict[str, LawData] = {}
    numbers: dict[str, set[str]] = {}
    for i, item in enumerate(items):
        label = f"{filename}: [{i}]"
        if isinstance(item, dict) and isinstance(item.get("law_name"), str):
            label += f" ({item['law_name']} มาตรา {item.get('section_num', '?')})"
        problems = sorted(validator.iter_errors(item), key=lambda e: list(map(str, e.path)))
        if problems:
            errors += [f"{label}: {_path(list(p.path)) or '(item)'}: {p.message}" for p in problems]
            continue
        name = normalize_title(item["law_name"])
        try:
            number = normalize_number(item["section_num"])
        except BadNumber:
            errors.append(f"{label}: section_num: {item['section_num']!r} is not a section number")
            continue
        law = laws.get(name)
        if law is None:
            meta = corpus_metadata().get(title_key(name), {})
            year = _YEAR.search(name)
            law = laws[name] = LawData(
                code=meta.get("code") or slug_code(source, len(laws)),
                title_th=name,
                title_en=meta.get("en", ""),
                short_title_th=(meta.get("short") or {}).get("th", ""),
                short_title_en=(meta.get("short") or {}).get("en", ""),
                aliases=list(meta.get("aliases") or []),
                law_type=meta.get("type") or _guess_type(name),
                status=meta.get("status", LawStatus.IN_FORCE),
                year_be=int(year.group(1)) if year else None,
                agency_code=meta.get("agency") or "",
                source=filename,
            )
            numbers[name] = set()
        if number in numbers[name]:
            errors.append(f"{label}: section_num: section {number} appears twice in this law")
            continue
        numbers[name].add(number)
        text = item["section_content"].strip()
        header = f"{item['law_name']} มาตรา {item['section_num']}"
        if text.startswith(header):
            text = text[len(header) :].strip()
        section = SectionData(number=number, text_th=text or item["section_content"].strip())
        for k, ref in enumerate(item.get("reference") or []):
            try:
                ref_number = normalize_number(ref["section_num"])
            except BadNumber:
                errors.append(
                    f"{label}: reference[{k}].section_num: {ref['section_num']!r} is not a "
                    "section number"
                )
                continue
            target = (title_key(ref["law_name"]), normalize_title(ref["law_name"]), ref_number)
            if target not in section.references:
                section.references.append(target)
        law.sections.append(section)
    return list(laws.values()), errors


def slug_code(stem: str, n: int) -> str:
    code = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "law"
    return code if n == 0 else f"{code}-{n + 1}"


# --- writing -----------------------------------------------------------------


def import_paths(paths: list[Path]) -> ImportReport:
    """Read, check and import the files; raise ImportFailed if any file is bad."""
    return save(read_paths(paths))


@transaction.atomic
def save(laws: list[LawData]) -> ImportReport:
    report = ImportReport()
    now = timezone.now()
    changed: list[int] = []
    for data in laws:
        digest = data.content_hash()
        law = Law.objects.filter(code=data.code).first()
        if law is not None and law.content_hash == digest:
            report.unchanged.append(data.code)
            continue
        fields = {
            "title_th": data.title_th,
            "title_en": data.title_en,
            "short_title_th": data.short_title_th,
            "short_title_en": data.short_title_en,
            "aliases": data.aliases,
            "title_key": data.key,
            "law_type": data.law_type,
            "year_be": data.year_be,
            "status": data.status,
            "agency_code": data.agency_code,
            "source": data.source,
            "content_hash": digest,
            "imported_at": now,
        }
        if law is None:
            law = Law.objects.create(code=data.code, **fields)
            report.created.append(data.code)
        else:
            for name, value in fields.items():
                setattr(law, name, value)
            law.save()
            law.sections.all().delete()  # references to them are kept, unattached
            law.amendments.all().delete()
            report.updated.append(data.code)
        changed.append(law.pk)
        Amendment.objects.bulk_create(
            Amendment(law=law, position=i, **amendment)
            for i, amendment in enumerate(data.amendments)
        )
        sections = Section.objects.bulk_create(
            Section(
                law=law,
                number=s.number,
                slug=slug(s.number),
                sort_key=sort_key(s.number),
                text_th=s.text_th,
                text_en=s.text_en,
                status=s.status,
            )
            for s in data.sections
        )
        report.sections += len(sections)
        refs = [
            Reference(
                source=section,
                target_law_key=key,
                target_law_title=title,
                target_number=number,
            )
            for section, s in zip(sections, data.sections, strict=True)
            for key, title, number in s.references
        ]
        Reference.objects.bulk_create(refs, batch_size=1000)
        report.references += len(refs)
    if changed:
        report.resolved = attach_references()
        index.index_laws(changed)
    return report


def attach_references() -> int:
    """Point unattached references at their sections where those now exist."""
    sections = {
        (key, number): pk
        for pk, key, number in Section.objects.values_list("pk", "law__title_key", "number")
    }
    pending = list(Reference.objects.filter(target__isnull=True))
    found = []
    for ref in pending:
        target = sections.get((ref.target_law_key, ref.target_number))
        if target is not None:
            ref.target_id = target
            found.append(ref)
    Reference.objects.bulk_update(found, ["target"], batch_size=1000)
    return len(found)
