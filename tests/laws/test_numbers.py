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
    ("text", "numbers", "after"),
    [
        ("มาตรา 65 ทวิ ประมวลรัษฎากร", ["65 ทวิ"], " ประมวลรัษฎากร"),
        ("ม.65ทวิ", ["65 ทวิ"], ""),
        ("section 44 Building Control Act", ["44"], " Building Control Act"),
        ("Building Control Act s. 44", ["44"], ""),
        ("มาตรา ๑๒๐๘ แห่งประมวลกฎหมายแพ่งและพาณิชย์", ["1208"], " แห่งประมวลกฎหมายแพ่งและพาณิชย์"),
        ("มาตรา 31, 32 และ 33 พ.ร.บ.การสาธารณสุข", ["31", "32", "33"], " พ.ร.บ.การสาธารณสุข"),
        ("มาตรา 31 ถึง 34", ["31", "32", "33", "34"], ""),
        ("section 12 bis of the Revenue Code", ["12 ทวิ"], " of the Revenue Code"),
        ("มาตรา 1111/1", ["1111/1"], ""),
        # A paragraph, subsection or item belongs to the reference; the law follows it.
        ("มาตรา 40 (2) แห่งประมวลรัษฎากร ของพนักงาน", ["40"], " แห่งประมวลรัษฎากร ของพนักงาน"),
        ("มาตรา 40 (2) และมาตรา 50 ทวิ แห่งประมวลรัษฎากร", ["40", "50 ทวิ"], " แห่งประมวลรัษฎากร"),
        ("มาตรา 81 (1) (ก) แห่ง", ["81"], " แห่ง"),
        ("มาตรา 91/2 วรรคหนึ่ง (5) ป.รัษฎากร", ["91/2"], " ป.รัษฎากร"),
        ("มาตรา 40(2)ประกอบมาตรา 50 ทวิ", ["40", "50 ทวิ"], ""),
        ("มาตรา 65 ทวิแห่งประมวลรัษฎากร", ["65 ทวิ"], "แห่งประมวลรัษฎากร"),
        ("sections 40(2) and 50 bis of the Revenue Code", ["40", "50 ทวิ"], " of the Revenue Code"),
        ("section 4 paragraph two", ["4"], ""),
        # A number after "และ" followed by a unit is a quantity, not a section.
        ("ตามมาตรา 40 และ 2 ปีต่อมา", ["40"], " และ 2 ปีต่อมา"),
        ("มาตรา 5 ฉบับนี้", ["5"], " ฉบับนี้"),
    ],
)
def test_references_are_found_with_their_numbers_and_where_they_end(
    text: str, numbers: list[str], after: str
) -> None:
    (ref,) = find_references(text)
    assert ref.numbers == numbers
    assert text[ref.end :] == after


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # Quantities after a joiner are not sections, however many digits they have.
        ("มาตรา 5 ถึง 30 วัน", ["5"]),
        ("มาตรา 3 และ 15 วันทำการ", ["3"]),
        ("มาตรา 5 หรือ 10,000 บาท", ["5"]),
        ("section 5 to 30 days", ["5"]),
        # A number is never read from part of a longer one, and has five digits at most.
        ("มาตรา 123456", []),
        ("มาตรา 1-" + "9" * 5000, ["1"]),
        # "ม." of a school grade or of a village in an address is not a section.
        ("นักเรียนชั้น ม.6", []),
        ("บ้านเลขที่ 12 ม.3 ต.บางรัก", []),
        ("บ้านเลขที่ 12 ม. 3 ตำบลบางรัก", []),
        ("ม.65 ทวิ ประมวลรัษฎากร", ["65 ทวิ"]),
        # English prefixes start a word.
        ("3 years. 5 months", []),
        ("at the intersection 5", []),
        ("ss. 5 and 6", ["5", "6"]),
    ],
)
def test_what_only_looks_like_a_section_is_not_read_as_one(text: str, numbers: list[str]) -> None:
    assert [n for ref in find_references(text) for n in ref.numbers] == numbers


def test_one_reference_names_at_most_max_numbers_sections() -> None:
    from eservice.laws.numbers import MAX_NUMBERS

    chain = "-".join(str(n) for n in range(1, 20_000, 50))
    (ref,) = find_references(f"มาตรา {chain}")
    assert len(ref.numbers) == MAX_NUMBERS and ref.numbers[:3] == ["1", "2", "3"]


def test_a_question_without_a_section_has_no_reference() -> None:
    assert find_references("ให้คนอื่นยืมเงินแล้วไม่คืน ต้องฟ้องภายในกี่ปี") == []
    assert find_references("the 2 sections of the Act") == []
