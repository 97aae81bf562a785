"""Section numbers and references as people write them."""

from __future__ import annotations

import pytest

from eservice.laws.numbers import BadNumber, find_references, normalize_number, slug, sort_key


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("24/1", "24/1"),
        ("๒๔ / ๑", "24/1"),
        ("มาตรา 12 ทวิ", "12 ทวิ"),
        ("12ทวิ", "12 ทวิ"),
        ("12 bis", "12 ทวิ"),
        ("section 65 ter", "65 ตรี"),
        ("12 อัฏฐ/1", "12 อัฏฐ/1"),
        ("บัญชีอัตราอากรแสตมป์ 1", "บัญชีอัตราอากรแสตมป์ 1"),
    ],
)
def test_numbers_are_stored_one_way_however_they_are_written(written: str, stored: str) -> None:
    assert normalize_number(written) == stored


@pytest.mark.parametrize("bad", ["", "12-", "!!", "24/"])
def test_what_is_not_a_section_number_is_refused(bad: str) -> None:
    with pytest.raises(BadNumber):
        normalize_number(bad)


def test_sections_sort_in_the_laws_order() -> None:
    numbers = ["25", "24 ทวิ", "3", "24/1", "24", "24 ตรี", "100", "24 สัตตรส", "24 สัตต"]
    assert sorted(numbers, key=sort_key) == [
        "3",
        "24",
        "24 ทวิ",
        "24 ตรี",
        "24 สัตต",
        "24 สัตตรส",
        "24/1",
        "25",
        "100",
    ]


def test_a_section_slug_is_a_url_segment() -> None:
    assert slug("24/1") == "24-1"
    assert slug("12 ทวิ") == "12-ทวิ"


@pytest.mark.parametrize(
    ("text", "numbers", "hint"),
    [
        ("มาตรา 65 ทวิ ประมวลรัษฎากร", ["65 ทวิ"], "ประมวลรัษฎากร"),
        ("ม.65ทวิ", ["65 ทวิ"], ""),
        ("section 44 Building Control Act", ["44"], "Building Control Act"),
        ("Building Control Act s. 44", ["44"], "Building Control Act"),
        ("มาตรา ๑๒๐๘ แห่งประมวลกฎหมายแพ่งและพาณิชย์", ["1208"], "ประมวลกฎหมายแพ่งและพาณิชย์"),
        ("มาตรา 31, 32 และ 33 พ.ร.บ.การสาธารณสุข", ["31", "32", "33"], "พ.ร.บ.การสาธารณสุข"),
        ("มาตรา 31 ถึง 34", ["31", "32", "33", "34"], ""),
        ("section 12 bis of the Revenue Code", ["12 ทวิ"], "the Revenue Code"),
        ("มาตรา 1111/1", ["1111/1"], ""),
    ],
)
def test_references_are_found_with_the_law_they_name(
    text: str, numbers: list[str], hint: str
) -> None:
    (ref,) = find_references(text)
    assert ref.numbers == numbers
    assert ref.law_hint == hint


def test_a_question_without_a_section_has_no_reference() -> None:
    assert find_references("ให้คนอื่นยืมเงินแล้วไม่คืน ต้องฟ้องภายในกี่ปี") == []
    assert find_references("the 2 sections of the Act") == []
