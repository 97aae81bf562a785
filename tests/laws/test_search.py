"""The one search box: Thai questions, section references, English, filters, snippets.

These run on the database the suite runs on, so CI checks both backends
(SQLite FTS5 and PostgreSQL); ``test_the_backend_is_the_databases_own`` says
which one answered.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from eservice.laws.backends import Filters, PostgresBackend, SqliteBackend, Term, backend
from eservice.laws.search import PLAIN, rank_sections, search


def _top(query: str, n: int = 5, **kw: Any) -> list[tuple[str, str]]:
    return [
        (h.kind, h.section_num or (h.law.code if h.law else h.service.code))
        for h in search(query, **kw).hits[:n]
    ]


def test_the_backend_is_the_databases_own(demo_laws: Any) -> None:
    expected = PostgresBackend if connection.vendor == "postgresql" else SqliteBackend
    assert isinstance(backend(), expected)
    ids = backend().candidates([Term("โรงแรม")], Filters(kinds=["section"]), 50)
    assert ids, "the full-text index finds a Thai word"


def test_a_section_reference_puts_that_section_first(revenue_code: Any) -> None:
    hits = search("มาตรา 65 ทวิ ประมวลรัษฎากร").hits
    assert (hits[0].law_name, hits[0].section_num, hits[0].exact) == ("ประมวลรัษฎากร", "65 ทวิ", True)
    hits = search("ม.๖๕ ทวิ แห่งประมวลรัษฎากร").hits
    assert hits[0].section_num == "65 ทวิ"  # Thai digits are Arabic digits


def test_an_english_section_reference_finds_the_law_by_its_english_title(demo_laws: Any) -> None:
    hits = search("section 21 Building Control Act").hits
    assert (hits[0].law.code, hits[0].section_num) == ("building-control-act-2522", "21")
    # Section 21 of other demo laws is not mixed in ahead of it.
    assert all(h.law.code == "building-control-act-2522" for h in hits if h.exact)


def test_a_reference_without_a_law_lists_that_section_of_every_law(demo_laws: Any) -> None:
    exact = [h for h in search("มาตรา 12").hits if h.exact]
    assert {h.law.code for h in exact} >= {
        "factory-act-2535",
        "drug-act-2510",
        "commercial-registration-act-2499",
    }


def test_thai_questions_find_the_sections_that_answer_them(revenue_code: Any) -> None:
    # Questions of benchmarks/data/law_questions.yaml, asked over two laws.
    cases = {
        "เงินเดือนหักค่าใช้จ่ายแบบเหมาได้เท่าไร": "42 ทวิ",
        "ลดหย่อนภาษีลูกได้คนละเท่าไร": "47",
        "จ่ายภาษีช้า ต้องเสียเงินเพิ่มเดือนละเท่าไร": "27",
        "ไม่เห็นด้วยกับการประเมินภาษีของสรรพากร อุทธรณ์ได้ภายในกี่วัน": "30",
        "ยื่น ภ.พ.30 ต้องยื่นภายในวันที่เท่าไรของเดือน": "83",
        "ร้านที่จด VAT แล้ว ต้องออกใบกำกับภาษีให้ลูกค้าเมื่อไร": "86",
    }
    for question, number in cases.items():
        assert rank_sections(question, limit=1) == [("ประมวลรัษฎากร", number)], question
    top = rank_sections("ป้ายชื่อร้านต้องเขียนเป็นภาษาไทยไหม", limit=1)
    assert top == [("พระราชบัญญัติทะเบียนพาณิชย์ พ.ศ. 2499", "15")]


def test_the_full_ranking_beats_plain_bm25_where_people_use_everyday_words(
    revenue_code: Any,
) -> None:
    # Plain BM25 misses these or ranks them lower; the legal-term dictionary,
    # field weights and the other features bring the answer up.
    question = "ได้รับมรดกจากพ่อแม่ ต้องเสียภาษีเงินได้ไหม"
    assert rank_sections(question, limit=1) == [("ประมวลรัษฎากร", "42")]
    assert rank_sections(question, ranking=PLAIN, limit=1) != [("ประมวลรัษฎากร", "42")]
    question = "มนุษย์เงินเดือนต้องยื่นภาษีประจำปีภายในเดือนไหน รายได้เท่าไรถึงต้องยื่น"
    assert ("ประมวลรัษฎากร", "56") in rank_sections(question, limit=10)
    assert ("ประมวลรัษฎากร", "56") not in rank_sections(question, ranking=PLAIN, limit=10)


def test_one_box_finds_laws_and_services(demo_laws: Any, catalog: Any) -> None:
    kinds = {kind for kind, _ in _top("ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", n=20)}
    assert {"service", "section"} <= kinds
    assert ("law", "hotel-act-2547") in _top("พระราชบัญญัติโรงแรม", n=3)


def test_english_words_search_english_titles_and_texts(demo_laws: Any) -> None:
    top = _top("hotel business licence", n=5)
    assert any(kind == "section" for kind, _ in top)
    assert all(
        h.law.code == "hotel-act-2547"
        for h in search("hotel business licence", filters=Filters(kinds=["section"])).hits[:3]
    )


def test_filters_by_type_status_and_agency(demo_laws: Any) -> None:
    repealed = search("สาธารณสุข", filters=Filters(statuses=["repealed"])).hits
    assert repealed and all(h.law.status == "repealed" for h in repealed)
    local = search("อาหาร", filters=Filters(law_types=["local_ordinance"])).hits
    assert local and all(h.law.law_type == "local_ordinance" for h in local)
    agency = search("อาหาร", filters=Filters(agencies=["nonthaburi-city"])).hits
    assert agency and all(
        (h.law and h.law.agency_code == "nonthaburi-city")
        or (h.service and h.service.agency.code == "nonthaburi-city")
        for h in agency
    )


def test_snippets_are_escaped_and_mark_the_query_words(demo_laws: Any) -> None:
    hit = search("ใบอนุญาตประกอบธุรกิจโรงแรม", filters=Filters(kinds=["section"])).hits[0]
    assert "<mark>" in hit.snippet
    from eservice.laws.search import snippet

    assert (
        str(snippet("<b>โรงแรม</b> & ภาษี", ["โรงแรม"]))
        == "&lt;b&gt;<mark>โรงแรม</mark>&lt;/b&gt; &amp; ภาษี"
    )


def test_a_query_of_nothing_finds_nothing(demo_laws: Any) -> None:
    assert search("").hits == []
    assert search("ไหม ที่ และ").hits == []
