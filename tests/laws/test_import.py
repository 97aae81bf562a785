"""Importing laws: the agency format, the shared corpus, and refusing bad files whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from eservice.laws.importer import ImportFailed, import_paths
from eservice.laws.models import Amendment, Law, Reference, SearchDoc, Section
from tests.laws.conftest import COMMERCIAL_REGISTRATION, REVENUE_CODE, corpus_file


def _write(tmp_path: Path, data: Any, name: str = "laws.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _law(code: str = "hotel-act-2547", **extra: Any) -> dict[str, Any]:
    law = {
        "code": code,
        "title": {"th": "พระราชบัญญัติโรงแรม พ.ศ. ๒๕๔๗", "en": "Hotel Act B.E. 2547 (2004)"},
        "type": "act",
        "year": 2547,
        "status": "in_force",
        "sections": [
            {"number": "15", "text": {"th": "ผู้ใดประสงค์จะประกอบธุรกิจโรงแรมต้องได้รับใบอนุญาต"}},
            {
                "number": "๑๖",
                "text": {"th": "การขอใบอนุญาตตามมาตรา 15", "en": "Applying under section 15"},
                "references": ["15"],
            },
        ],
    }
    law.update(extra)
    return law


def test_the_demo_laws_load_with_types_amendments_and_cross_references(demo_laws: Any) -> None:
    assert len(demo_laws.created) >= 10
    building = Law.objects.get(code="building-control-act-2522")
    assert building.law_type == "act" and building.year_be == 2522
    assert building.status == "amended"
    assert Amendment.objects.filter(law=building).count() >= 1
    assert Section.objects.filter(law=building, number="39 ทวิ").exists()
    assert set(Law.objects.values_list("law_type", flat=True)) >= {
        "act",
        "code",
        "ministerial_regulation",
        "local_ordinance",
    }
    assert Law.objects.filter(status="repealed").exists()
    # Every reference in the demo file points at a section it holds.
    assert Reference.objects.count() > 20
    assert not Reference.objects.filter(target__isnull=True).exists()


def test_digits_and_numbers_are_normalized_on_import(db: None, tmp_path: Path) -> None:
    import_paths([_write(tmp_path, {"laws": [_law()]})])
    law = Law.objects.get(code="hotel-act-2547")
    assert law.title_th == "พระราชบัญญัติโรงแรม พ.ศ. 2547"
    s16 = Section.objects.get(law=law, number="16")
    assert s16.references.get().target == Section.objects.get(law=law, number="15")


def test_a_bad_file_is_refused_whole_with_errors_naming_law_section_and_field(
    db: None, tmp_path: Path
) -> None:
    good = _law("good-act-2550", title={"th": "พระราชบัญญัติดี พ.ศ. 2550", "en": "Good Act"})
    bad = _law()
    bad["sections"][1]["references"] = ["99"]
    bad["sections"][0]["text"] = {"en": "no Thai text"}
    bad["status"] = "valid"
    path = _write(tmp_path, {"laws": [good, bad]})
    with pytest.raises(ImportFailed) as failed:
        import_paths([path])
    errors = "\n".join(failed.value.errors)
    assert (
        "laws.yaml: laws[1] (hotel-act-2547) › sections[0] (มาตรา 15): text: 'th' is a required property"
        in errors
    )
    assert "laws[1] (hotel-act-2547): status:" in errors
    assert not Law.objects.exists()  # the good law was not imported either

    bad["status"] = "in_force"
    bad["sections"][0]["text"] = {"th": "ข้อความ"}
    with pytest.raises(ImportFailed) as failed:
        import_paths([_write(tmp_path, {"laws": [good, bad]})])
    assert failed.value.errors == [
        "laws.yaml: laws[1] (hotel-act-2547) › sections[1] (มาตรา 16): references[0]: "
        "พระราชบัญญัติโรงแรม พ.ศ. 2547 has no section 99"
    ]


def test_a_section_number_twice_or_an_unknown_law_is_refused(db: None, tmp_path: Path) -> None:
    law = _law()
    law["sections"][1]["number"] = "15"
    law["sections"][0]["references"] = [{"law": "no-such-act", "section": "1"}]
    with pytest.raises(ImportFailed) as failed:
        import_paths([_write(tmp_path, {"laws": [law]})])
    errors = "\n".join(failed.value.errors)
    assert "sections[1] (มาตรา 15): number: section 15 appears twice in this law" in errors
    assert "sections[0] (มาตรา 15): references[0]: law: unknown law 'no-such-act'" in errors


def test_a_file_that_is_not_yaml_says_so(db: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("laws: [\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_paths([path])
    assert failed.value.errors[0].startswith("broken.yaml: not valid yaml")


def test_the_corpus_format_loads_with_english_titles_and_references(revenue_code: Any) -> None:
    law = Law.objects.get(title_th="ประมวลรัษฎากร")
    assert law.code == "revenue-code" and law.law_type == "code" and law.title_en
    assert law.sections.count() == 361
    s65 = Section.objects.get(law=law, number="65 ทวิ")
    assert not s65.text_th.startswith("ประมวลรัษฎากร มาตรา")  # the heading is not the text
    assert Section.objects.filter(law=law, number="บัญชีอัตราอากรแสตมป์ 1").exists()
    assert Reference.objects.filter(source__law=law, target__law=law).count() > 100
    # A reference to a law not in the catalog is kept, unattached, with its title.
    assert Reference.objects.filter(source__law=law, target__isnull=True).exists()
    assert SearchDoc.objects.filter(law=law).count() == 362  # the law and each section


def test_importing_again_changes_nothing_and_a_changed_law_keeps_incoming_links(
    revenue_code: Any, tmp_path: Path
) -> None:
    again = import_paths([corpus_file(REVENUE_CODE), corpus_file(COMMERCIAL_REGISTRATION)])
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == 2

    # Edit the Revenue Code: sections are replaced, references from other laws
    # are attached again to the new rows.
    items = json.loads(corpus_file(REVENUE_CODE).read_text(encoding="utf-8"))
    items[0]["section_content"] += " (แก้ไข)"
    edited = tmp_path / REVENUE_CODE
    edited.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    citing = Reference.objects.filter(target__law__code="revenue-code").count()
    report = import_paths([edited])
    assert report.updated == ["revenue-code"]
    assert Reference.objects.filter(target__law__code="revenue-code").count() == citing


def test_a_corpus_item_without_its_number_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            [{"law_name": "พระราชบัญญัติทดสอบ พ.ศ. 2560", "section_content": "ข้อความ"}],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failed:
        import_paths([path])
    assert failed.value.errors == [
        "x.json: [0] (พระราชบัญญัติทดสอบ พ.ศ. 2560 มาตรา ?): (item): 'section_num' is a required property"
    ]
