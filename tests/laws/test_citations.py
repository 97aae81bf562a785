"""A section cited in a question resolves to the law it names, as a lawyer reads it.

Over the demo laws and the Revenue Code of the shared corpus: section 40
exists in both the Revenue Code and the Public Health Act, section 12 in
several demo laws, so a citation read wrongly shows up as the wrong law's
section.
"""

from __future__ import annotations

from typing import Any

import pytest

from eservice.demo.loader import LAWS_FILE
from eservice.laws.search import search
from tests.laws.conftest import REVENUE_CODE, corpus_file

# Facts a taxpayer writes before the question; no section, no law.
FACTS = (
    "บริษัทของข้าพเจ้าประกอบกิจการผลิตและจำหน่ายเครื่องใช้ไฟฟ้า มีพนักงานประจำประมาณสองร้อยคน "
    "ในปีที่ผ่านมาบริษัทได้จ่ายเงินรางวัลพิเศษให้แก่พนักงานขายที่ทำยอดขายได้ตามเป้าหมาย "
    "นอกเหนือจากเงินเดือนประจำ และจ่ายค่านายหน้าให้แก่ตัวแทนอิสระที่หาลูกค้าให้บริษัท "
) * 8


@pytest.fixture
def laws(catalog: Any) -> Any:
    from eservice.laws.importer import import_paths

    return import_paths([LAWS_FILE, corpus_file(REVENUE_CODE)])


def named(text: str) -> list[tuple[str, str]]:
    """(law code, section) of the sections the search puts first as named in ``text``."""
    return [(h.law.code, h.section_num) for h in search(text, limit=100).hits if h.exact]


def test_the_law_is_read_from_the_words_right_after_haeng_in_the_middle_of_long_text(
    laws: Any,
) -> None:
    text = (
        f"{FACTS}เงินรางวัลดังกล่าวถือเป็นเงินได้ตามมาตรา 40 (2) แห่งประมวลรัษฎากร "
        f"ของพนักงานหรือไม่ {FACTS}ขอหารือว่าบริษัทต้องหักภาษี ณ ที่จ่ายอย่างไร"
    )
    assert len(text) > 2000
    assert named(text) == [("revenue-code", "40")]


def test_several_citations_in_one_sentence_share_the_law_named_after_them(laws: Any) -> None:
    text = f"{FACTS}ตามมาตรา 40 (2) และมาตรา 50 ทวิ แห่งประมวลรัษฎากร บริษัทต้องทำอย่างไร"
    assert named(text) == [("revenue-code", "40"), ("revenue-code", "50 ทวิ")]


@pytest.mark.parametrize(
    "text",
    [
        "มาตรา 40 (2) แห่งประมวลรัษฎากรของผู้มีเงินได้",  # name run into the next words
        "มาตรา 40 วรรคหนึ่ง ป.รัษฎากร",  # short title
        "มาตรา 40 แห่ง ป. รัษฎากร ที่ใช้บังคับ",  # short title, spaced
        "มาตรา 40 ของกฎหมายรัษฎากร",  # a common name
        "ตาม Revenue Code section 40(2)",  # the English title, before the number
        "section 40(2) of the Revenue Code of Thailand",
    ],
)
def test_short_and_common_names_and_trailing_words_name_the_law(laws: Any, text: str) -> None:
    assert named(text) == [("revenue-code", "40")]


def test_a_law_named_before_the_citation_is_its_law(laws: Any) -> None:
    text = (
        f"ข้าพเจ้าได้ศึกษาประมวลรัษฎากรแล้ว {FACTS}ซึ่งน่าจะเข้ามาตรา 40 (8) "
        "และตามมาตรา 50 ทวิ แห่งกฎหมายดังกล่าว บริษัทต้องออกหนังสือรับรองใช่หรือไม่"
    )
    assert named(text) == [("revenue-code", "40"), ("revenue-code", "50 ทวิ")]
    # The nearest law before it, not the first one named.
    text = (
        "ประมวลรัษฎากรกำหนดเรื่องภาษี ส่วนพระราชบัญญัติการสาธารณสุข พ.ศ. 2535 "
        "กำหนดเรื่องกิจการที่เป็นอันตรายต่อสุขภาพ ตามมาตรา 40 ผู้ประกอบกิจการต้องแจ้งอะไรบ้าง"
    )
    assert named(text) == [("public-health-act-2535", "40")]


@pytest.mark.parametrize(
    "text",
    [
        "ลูกจ้างได้รับค่าชดเชยตามมาตรา 40 แห่งพระราชบัญญัติคุ้มครองแรงงาน พ.ศ. 2541",
        "อาจมีความผิดตามประมวลกฎหมายอาญา มาตรา 40 และมาตรา 50 ทวิ ด้วยหรือไม่",
        "มาตรา 21 แห่งพระราชบัญญัติควบคุมอาคาร พ.ศ. 2479",  # another year: another law
        "see section 40 of the Labour Protection Act",
    ],
)
def test_a_law_the_catalog_does_not_have_finds_no_section_of_other_laws(
    laws: Any, text: str
) -> None:
    assert named(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A law we do not have named right after the numbers, with no "แห่ง".
        (
            "ตามประมวลรัษฎากร มาตรา 42 เงินได้บางประเภทได้รับยกเว้น "
            "ส่วนค่าชดเชยตามมาตรา 118 พระราชบัญญัติคุ้มครองแรงงาน",
            [("revenue-code", "42")],
        ),
        ("ลูกหนี้อาจมีความผิดตามมาตรา 40 ป.อ. ด้วย", []),
        ("ผู้ใดกระทำตาม ป.อ. มาตรา 40", []),
        ("see section 40 of the Labour Protection Act B.E. 2541 as well", []),
        # English names after the numbers, read in the text (not its key form).
        ("section 40 in accordance with the Revenue Code", [("revenue-code", "40")]),
        ("Revenue Code section 40 of the same Code", [("revenue-code", "40")]),
        # "ปี 2567" after a name is a date, not the law's year.
        (
            "มาตรา 21 พ.ร.บ.ควบคุมอาคาร ปี 2567 กำหนดไว้อย่างไร",
            [("building-control-act-2522", "21")],
        ),
        # Mentions that point back, or name the constitution in passing, do not hide the law.
        (
            "ตามพระราชบัญญัติการสาธารณสุข พ.ศ. 2535 และตามพระราชบัญญัติดังกล่าว มาตรา 40",
            [("public-health-act-2535", "40")],
        ),
        (
            "ตามประมวลรัษฎากร ซึ่งไม่ขัดต่อรัฐธรรมนูญ มาตรา 40 (2) ใช้บังคับอย่างไร",
            [("revenue-code", "40")],
        ),
    ],
)
def test_what_follows_or_precedes_the_numbers_is_read_for_what_it_is(
    laws: Any, text: str, expected: list[tuple[str, str]]
) -> None:
    assert named(text) == expected


def test_a_section_of_a_regulation_issued_under_a_law_is_that_laws(laws: Any) -> None:
    text = (
        "ประมวลรัษฎากร มาตรา 42 กำหนดเงินได้ที่ได้รับยกเว้น และกฎกระทรวงที่ออกตามมาตรา 40 ก็กำหนดรายละเอียดไว้"
    )
    assert ("revenue-code", "40") in named(text)


def test_a_year_that_fits_keeps_the_law_and_a_name_cut_short_names_the_law_it_begins(
    laws: Any,
) -> None:
    assert named("มาตรา 21 แห่งพระราชบัญญัติควบคุมอาคาร พ.ศ. 2522") == [
        ("building-control-act-2522", "21")
    ]
    assert named("มาตรา 21 แห่ง พ.ร.บ. ควบคุมอาคาร ซึ่งใช้บังคับ") == [("building-control-act-2522", "21")]
    assert named("มาตรา 10 แห่ง พ.ร.บ.รักษาความสะอาดฯ") == [
        ("cleanliness-and-orderliness-act-2535", "10")
    ]


def test_a_section_named_without_any_law_keeps_the_laws_the_question_is_about(
    laws: Any,
) -> None:
    # Nothing else to go by: that section of every law.
    every = {code for code, number in named("มาตรา 12") if number == "12"}
    assert {"drug-act-2510", "factory-act-2535", "commercial-registration-act-2499"} <= every
    # With the question's words, the law they are about comes first.
    about = named("จะเปิดร้านขายยาแผนปัจจุบัน ต้องขอใบอนุญาตขายยาตามมาตรา 12 อย่างไร")
    assert about[0] == ("drug-act-2510", "12")
    assert len(about) < len(every)


def test_a_question_at_the_end_of_a_long_case_is_read_whole(laws: Any) -> None:
    from eservice.laws.search import MAX_QUERY

    padding = FACTS * (MAX_QUERY // len(FACTS) + 1)
    tail = "ขอหารือตามมาตรา 50 ทวิ แห่งประมวลรัษฎากร"
    text = (padding[: MAX_QUERY - len(tail)] + tail)[:MAX_QUERY]
    assert len(text) == MAX_QUERY and text.endswith(tail)
    assert named(text) == [("revenue-code", "50 ทวิ")]


@pytest.mark.parametrize(
    "text", ["", "   ", "a b.c  d", "มาตรา 40 แห่ง ป. รัษฎากร ", " พ.ร.บ. การบัญชี"]
)
def test_the_key_form_of_a_text_maps_back_to_it(text: str) -> None:
    from eservice.laws.citations import KeyText, key

    keyed = KeyText(text)
    assert keyed.text == key(text)
    for offset, char in enumerate(keyed.text):
        assert text.lower()[keyed.origin(offset)] == char
        assert keyed.at(keyed.origin(offset)) == offset


def test_the_civil_and_commercial_code_by_its_initials_is_not_the_criminal_code(laws: Any) -> None:
    # "ป.พ.พ." holds "ป.พ." but is not ป.อ. or ป.วิ.พ.
    assert named("ดิฉันอ่านเจอว่าตาม ป.พ.พ. มาตรา 1097 ผู้เริ่มก่อการต้องมีกี่คน") == [
        ("civil-and-commercial-code", "1097")
    ]
    assert named("ตาม ป.วิ.พ. มาตรา 1097 ศาลต้องทำอย่างไร") == []
