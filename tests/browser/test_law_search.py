"""The law search on a phone, in Thai and English: a whole case pasted into the box.

A person pastes the facts of their case and their question (several thousand
characters) into the search box, sends it, and reads the section they cite
first; a question over the limit is refused at the box with the text kept.
Each page state is checked by axe-core (WCAG 2.1 AA) and for sideways
scrolling at 390 px; screenshots go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, accessibility_violations, overflow, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTS = (
    "บริษัทของข้าพเจ้าจ่ายเงินรางวัลพิเศษให้พนักงานขายที่ทำยอดได้ตามเป้า นอกจากเงินเดือนประจำ "
    "และจ่ายค่านายหน้าให้ตัวแทนอิสระที่หาลูกค้าให้บริษัท โดยโอนเงินเข้าบัญชีทุกสิ้นเดือน "
)
QUESTION = "ขอหารือว่าเงินรางวัลนี้เป็นเงินได้ตามมาตรา 40 (2) แห่งประมวลรัษฎากร หรือไม่"


@pytest.fixture
def laws(transactional_db: None) -> Any:
    from eservice.catalog.importer import import_file
    from eservice.demo.loader import CATALOG_FILE, LAWS_FILE
    from eservice.laws.importer import import_paths
    from tests.laws.conftest import REVENUE_CODE, corpus_file

    import_file(CATALOG_FILE, actor="tests")
    return import_paths([LAWS_FILE, corpus_file(REVENUE_CODE)])


def _check(page: Any, name: str, full_page: bool = True) -> None:
    shot(page, name, full_page)
    assert accessibility_violations(page) == [], name
    assert overflow(page) == 0, name


@pytest.mark.parametrize(("locale", "lang"), [("th-TH", "th"), ("en-US", "en")])
def test_a_case_pasted_into_the_search_box_finds_the_section_it_cites(
    browser: Any, live_server: Any, laws: Any, locale: str, lang: str
) -> None:
    from eservice.laws.search import MAX_QUERY

    context = browser.new_context(**PHONE, locale=locale)
    page = context.new_page()
    page.goto(f"{live_server.url}/search/")
    _check(page, f"law-search-01-empty-{lang}")

    case = FACTS * 40 + QUESTION  # about 6,500 characters, the question at the end
    assert len(case) > 5000
    page.fill("#q", case)
    page.click("#search-form button[type=submit]:not([name])")
    page.wait_for_load_state()
    first = page.locator("#results li").first
    assert "/laws/revenue-code/40/" in first.locator("a.title").get_attribute("href")
    assert first.locator(".tag").count() == 1  # "the section you named"
    assert page.input_value("#q") == case  # the question is kept, whole
    _check(page, f"law-search-02-results-{lang}")

    if page.locator(".pager button[value='2']").count():
        page.click(".pager button[value='2']")
        page.wait_for_load_state()
        assert page.input_value("#q") == case
        _check(page, f"law-search-03-page-2-{lang}")

    page.fill("#q", "ก" * (MAX_QUERY + 1))
    page.click("#search-form button[type=submit]:not([name])")
    page.wait_for_load_state()
    error = page.locator("#q-error")
    assert error.is_visible()
    assert ("50,000" in error.inner_text()) and page.locator("#results").count() == 0
    assert page.get_attribute("#q", "aria-invalid") == "true"
    assert len(page.input_value("#q")) == MAX_QUERY + 1  # nothing lost
    # The screen as the person sees it (a whole-page picture of a box holding
    # 50,000 characters takes Chromium longer than a test should wait).
    _check(page, f"law-search-04-too-long-{lang}", full_page=False)
    context.close()
