"""GET /api/v1/search/ and the law and section endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def test_search_returns_ranked_results_with_the_fields_clients_use(demo_laws: Any) -> None:
    body = Client().get("/api/v1/search/", {"q": "มาตรา 38 พระราชบัญญัติการสาธารณสุข"}).json()
    first = body["results"][0]
    assert first["kind"] == "section" and first["exact"] is True
    assert first["law_name"] == "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535"
    assert first["section_num"] == "38"
    assert first["url"] == "/laws/public-health-act-2535/38/"
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert body["count"] >= len(body["results"])
    assert all(set(r) >= {"law_name", "section_num", "score", "snippet"} for r in body["results"])


def test_search_marks_words_in_snippets_and_pages(demo_laws: Any) -> None:
    first = Client().get("/api/v1/search/", {"q": "ใบอนุญาตประกอบธุรกิจโรงแรม", "limit": 3}).json()
    assert len(first["results"]) == 3
    assert any("<mark>" in r["snippet"] for r in first["results"])
    second = (
        Client()
        .get("/api/v1/search/", {"q": "ใบอนุญาตประกอบธุรกิจโรงแรม", "limit": 3, "offset": 3})
        .json()
    )
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}


def test_search_filters_leave_out_services_when_asking_for_law_types(
    demo_laws: Any, catalog: Any
) -> None:
    everything = Client().get("/api/v1/search/", {"q": "อาหาร", "limit": 100}).json()["results"]
    assert {"law", "section", "service"} <= {r["kind"] for r in everything}
    acts = Client().get("/api/v1/search/", {"q": "อาหาร", "type": "act", "limit": 100}).json()
    assert acts["results"] and {r["law_type"] for r in acts["results"]} == {"act"}
    services = Client().get("/api/v1/search/", {"q": "อาหาร", "kind": "service"}).json()
    assert {r["kind"] for r in services["results"]} == {"service"}
    assert services["results"][0]["service_code"] == catalog.food_shop.code


def test_a_bad_search_is_a_400_in_the_users_language(db: None) -> None:
    thai = Client().get("/api/v1/search/", {"q": " "})
    assert thai.status_code == 400 and thai.json()["code"] == "invalid"
    assert thai.json()["errors"]["q"] == ["พิมพ์สิ่งที่ต้องการค้นหา"]
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/search/", {"q": "x", "type": "treaty"})
    assert english.status_code == 400
    assert "treaty" in english.json()["errors"]["type"][0]


def test_a_law_lists_the_services_it_creates_and_its_amendments(
    demo_laws: Any, catalog: Any
) -> None:
    body = Client().get("/api/v1/laws/public-health-act-2535/").json()
    assert body["law_type"] == "act" and body["year_be"] == 2535
    assert [s["code"] for s in body["services"]] == [catalog.food_shop.code]
    assert body["services"][0]["sections"] == ["38", "40"]
    assert body["amendments"] and "38" in body["section_numbers"]
    assert Client().get("/api/v1/laws/no-such-law/").status_code == 404


def test_a_section_shows_what_it_cites_and_what_cites_it(demo_laws: Any, catalog: Any) -> None:
    body = Client().get("/api/v1/laws/public-health-act-2535/sections/38/").json()
    assert body["section_num"] == "38"
    assert body["cited_by"], "the penalty and licensing sections cite section 38"
    assert all(link["law_code"] for link in body["cites"] + body["cited_by"])
    assert [s["code"] for s in body["services"]] == [catalog.food_shop.code]
    listed = Client().get("/api/v1/laws/", {"type": "local_ordinance"}).json()
    assert [law["code"] for law in listed] == ["nonthaburi-city-food-premises-ordinance-2562"]


def test_the_count_covers_every_result_so_pages_reach_them_all(demo_laws: Any) -> None:
    first = Client().get("/api/v1/search/", {"q": "ใบอนุญาต", "limit": 5}).json()
    assert first["count"] > 5 and len(first["results"]) == 5
    last = (
        Client()
        .get("/api/v1/search/", {"q": "ใบอนุญาต", "limit": 5, "offset": first["count"] - 2})
        .json()
    )
    assert len(last["results"]) == 2 and last["count"] == first["count"]
    page = Client().get("/search/", {"q": "ใบอนุญาต"}).content.decode()
    # The next page is a button of the search form, which carries the question.
    assert 'form="search-form" name="page" value="2"' in page
    assert '<textarea id="q" name="q"' in page and ">ใบอนุญาต</textarea>" in page
    second = Client().post("/search/", {"q": "ใบอนุญาต", "page": "2"}).content.decode()
    assert 'name="page" value="1"' in second  # and back


def test_a_long_question_is_posted_as_json_and_answered_like_a_get(demo_laws: Any) -> None:
    params = {"q": "มาตรา 38 พระราชบัญญัติการสาธารณสุข", "limit": 5}
    got = Client().get("/api/v1/search/", params).json()
    posted = Client().post("/api/v1/search/", params, content_type="application/json")
    assert posted.status_code == 200 and posted.json() == got
    # Filters are lists in a JSON body.
    only = Client().post(
        "/api/v1/search/", {"q": "อาหาร", "kind": ["service"]}, content_type="application/json"
    )
    assert {r["kind"] for r in only.json()["results"]} == {"service"}
    # A question far beyond what a URL holds, its question at the very end.
    facts = "ร้านของข้าพเจ้าขายอาหารตามสั่งในตลาด มีลูกจ้างสามคน ลูกค้ามาทุกวัน " * 300
    question = facts + "ต้องขอใบอนุญาตตามมาตรา 38 แห่งพระราชบัญญัติการสาธารณสุข หรือไม่"
    assert len(question) > 20_000
    body = Client().post("/api/v1/search/", {"q": question}, content_type="application/json").json()
    first = body["results"][0]
    assert (first["section_num"], first["exact"]) == ("38", True)
    assert body["query"] == question  # read whole, and nothing cut


def test_a_signed_in_browser_posts_a_search_without_a_csrf_token(
    demo_laws: Any, applicant: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    answer = client.post("/api/v1/search/", {"q": "โรงแรม"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["count"] > 0


def test_a_question_over_the_limit_is_a_400_that_says_the_limit_in_the_users_language(
    db: None,
) -> None:
    from eservice.laws.search import MAX_QUERY

    too_long = "ก" * (MAX_QUERY + 1)
    thai = Client().post("/api/v1/search/", {"q": too_long}, content_type="application/json")
    assert thai.status_code == 400
    assert thai.json()["errors"]["q"] == [f"คำถามยาวเกินไป: ค้นหาได้ไม่เกิน {MAX_QUERY} ตัวอักษร"]
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/search/", {"q": too_long}, content_type="application/json"
    )
    assert english.json()["errors"]["q"] == [
        f"The question is too long: at most {MAX_QUERY} characters can be searched."
    ]
    at_limit = Client().post(
        "/api/v1/search/", {"q": "ก" * MAX_QUERY}, content_type="application/json"
    )
    assert at_limit.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        '{"q": "\\ud800 ภาษี"}',  # half of a character
        '{"q": "ภาษี\\u0000"}',
        '["ภาษี"]',
        '"ภาษี"',
        '{"q": "ภาษี", "limit": 100000}',
        '{"q": "ภาษี", "kind": "section"}',
    ],
)
def test_a_bad_body_is_a_400_that_names_what_is_wrong(db: None, body: str) -> None:
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/search/", body, content_type="application/json"
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["detail"]


def test_searches_are_limited_per_client_address_on_the_page_and_the_api_together(
    db: None, settings: Any
) -> None:
    settings.SEARCH_RATE_LIMIT = "3/m"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/v1/search/", {"q": "ภาษี"}).status_code == 200
    assert client.post("/api/v1/search/", {"q": "ภาษี"}, "application/json").status_code == 200
    assert client.get("/search/", {"q": "ภาษี"}).status_code == 200
    refused = client.post("/api/v1/search/", {"q": "ภาษี"}, "application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert client.post("/search/", {"q": "ภาษี"}).status_code == 429


@pytest.mark.parametrize("value", ["\x00", "x" * 500, "a b", "<script>"])
def test_a_filter_that_is_not_a_code_is_no_filter_on_the_page(db: None, value: str) -> None:
    for name in ("law", "agency"):
        page = Client().get("/search/", {"q": "ภาษี", name: value})
        # A NUL is refused before the page (core.middleware); the rest is no filter.
        assert page.status_code == (400 if "\x00" in value else 200)
        assert "<script>" not in page.content.decode()


def test_the_first_searches_of_a_new_process_load_the_dictionary_once(tmp_path: Any) -> None:
    """Threads that search at once in a fresh process share one dictionary load."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup()\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from eservice.laws.text import words\n"
        "with ThreadPoolExecutor(8) as pool:\n"
        "    found = list(pool.map(lambda _: words('ผู้ค้ำประกันต้องรับผิด'), range(16)))\n"
        "assert all(f == found[0] and f for f in found), found\n"
        "print('ok')\n"
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "eservice.settings", "TMPDIR": str(temporary)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert list(temporary.iterdir()) == []  # the dictionary file was not left behind
