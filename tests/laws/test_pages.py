"""The law catalog pages people read, in Thai and English, and the service page's links."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_the_search_page_shows_sections_laws_and_services(demo_laws: Any, catalog: Any) -> None:
    page = Client().get("/search/", {"q": "ร้านอาหาร ใบอนุญาต"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "<mark>" in body
    assert f"/services/{catalog.food_shop.code}/" in body
    assert "/laws/public-health-act-2535/" in body
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        "/search/", {"q": "section 21 Building Control Act"}
    )
    assert "The section you named" in english.content.decode()
    assert "Section 21" in english.content.decode()


def test_a_law_page_lists_its_services_sections_and_amendments(
    demo_laws: Any, catalog: Any
) -> None:
    body = Client().get("/laws/public-health-act-2535/").content.decode()
    assert "บริการที่กฎหมายนี้กำหนด" in body
    assert f"/services/{catalog.food_shop.code}/" in body
    assert "/laws/public-health-act-2535/38/" in body
    assert "พ.ศ. 2535" in body
    assert Client().get("/laws/no-such-law/").status_code == 404


def test_a_section_page_links_both_ways(demo_laws: Any) -> None:
    body = Client().get("/laws/public-health-act-2535/38/").content.decode()
    assert 'id="cited-by"' in body
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/laws/building-control-act-2522/39-ทวิ/")
    assert english.status_code == 200
    assert "Section 39 ทวิ" in english.content.decode()
    assert Client().get("/laws/public-health-act-2535/9999/").status_code == 404


def test_the_service_page_links_its_legal_basis_to_the_sections(
    demo_laws: Any, catalog: Any
) -> None:
    body = Client().get(f"/services/{catalog.food_shop.code}/").content.decode()
    assert 'href="/laws/public-health-act-2535/"' in body
    assert 'href="/laws/public-health-act-2535/38/"' in body
    assert 'href="/laws/public-health-act-2535/40/"' in body


def test_the_law_list_filters_by_type(demo_laws: Any) -> None:
    body = Client().get("/laws/", {"type": "ministerial_regulation"}).content.decode()
    assert "/laws/food-premises-hygiene-regulation-2561/" in body
    assert "/laws/hotel-act-2547/" not in body


def test_the_search_form_posts_a_long_question_from_a_textarea_and_keeps_it(
    demo_laws: Any,
) -> None:
    facts = "ข้าพเจ้าจะเปิดร้านอาหารตามสั่งในหมู่บ้าน มีโต๊ะสิบตัว ขายทุกวัน " * 200
    question = facts + "ต้องขออนุญาตตามมาตรา 38 แห่งพระราชบัญญัติการสาธารณสุขหรือไม่"
    page = Client(enforce_csrf_checks=True).post("/search/", {"q": question})
    body = page.content.decode()
    assert page.status_code == 200
    form = body[body.index('<form method="post" action="/search/"') :]
    assert '<textarea id="q" name="q"' in form and "maxlength" not in form.split("</textarea>")[0]
    assert question in body  # the whole question is kept in the box
    first = body[body.index('id="results"') :]
    assert "/laws/public-health-act-2535/38/" in first.split("</li>")[0]


def test_a_question_over_the_limit_is_refused_at_the_box_and_kept(db: None) -> None:
    from eservice.laws.search import MAX_QUERY

    question = "ภาษีเงินได้ " * (MAX_QUERY // 10)
    assert len(question.strip()) > MAX_QUERY
    page = Client().post("/search/", {"q": question})
    body = page.content.decode()
    assert page.status_code == 400
    assert 'aria-invalid="true"' in body and 'id="q-error"' in body
    assert "แต่ระบบค้นหาได้ไม่เกิน 50,000 ตัวอักษร" in body
    assert question.strip() in body  # nothing lost
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post("/search/", {"q": question}).content.decode()
    assert "the search reads at most 50,000" in english
    control = Client().post("/search/", {"q": "ภาษี\x00"})
    assert control.status_code == 400
    assert "อักขระที่ไม่ใช่ข้อความ" in control.content.decode()


def test_search_this_law_searches_that_law_only(demo_laws: Any) -> None:
    page = Client().get("/search/", {"q": "ใบอนุญาต", "law": "building-control-act-2522"})
    body = page.content.decode()
    results = body[body.index('id="results"') :]
    assert "/laws/building-control-act-2522/" in results
    assert "/laws/public-health-act-2535/" not in results
    assert 'name="law" value="building-control-act-2522"' in body  # kept for the next page
    everything = Client().post("/search/", {"q": "ใบอนุญาต", "law": ""}).content.decode()
    assert "/laws/public-health-act-2535/" in everything
