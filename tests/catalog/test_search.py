"""Catalog search with Thai word segmentation (catalog.search, catalog.services)."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.catalog.importer import import_data
from eservice.catalog.models import Service
from eservice.catalog.services import find_services
from tests import factories
from tests.factories import FOOD_SHOP, HOUSE_COPY, bi

SIGNBOARD = "signboard-permit"


def _codes(query: str) -> list[str]:
    return [s.code for s in find_services(query)]


@pytest.fixture
def signboard(catalog: Any) -> Service:
    """A service that mentions restaurants only in its description."""
    svc = factories.house_copy_service(
        code=SIGNBOARD,
        agency=factories.AGENCY_A,
        name=bi("การขออนุญาตติดตั้งป้ายโฆษณา", "Advertising sign permit"),
        description=bi(
            "สำหรับเจ้าของร้านค้าหรือร้านอาหารที่ต้องการติดตั้งป้ายโฆษณาหน้าร้าน",
            "For shop or restaurant owners who want to put up a sign in front of the shop.",
        ),
        output_document=bi("หนังสืออนุญาตติดตั้งป้าย", "Sign permit"),
        legal_basis=[
            {
                "law": bi(
                    "พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522", "Building Control Act B.E. 2522 (1979)"
                ),
                "sections": ["มาตรา 21"],
            }
        ],
    )
    import_data({"services": [svc]}, "signboard.yaml")
    return Service.objects.get(code=SIGNBOARD)


@pytest.mark.parametrize("query", ["ใบอนุญาตร้านอาหาร", "ร้านอาหาร", "สถานที่จำหน่ายอาหาร"])
def test_it_finds_the_food_shop_with_a_thai_query(catalog: Any, query: str) -> None:
    assert _codes(query)[:1] == [FOOD_SHOP]


@pytest.mark.parametrize("query", ["food shop", "Food Shop", "restaurant licence"])
def test_it_finds_the_food_shop_with_an_english_query(catalog: Any, query: str) -> None:
    assert _codes(query)[:1] == [FOOD_SHOP]


def test_it_finds_a_compound_by_its_first_word(catalog: Any) -> None:
    # ร้านอาหาร (restaurant) is one segmented word; ร้าน (shop) starts it.
    assert FOOD_SHOP in _codes("ร้าน")


@pytest.mark.parametrize(
    "query",
    [
        "ญาต",  # the tail of ใบอนุญาต / ขออนุญาต, not a word of its own
        "หาร",  # "to divide": only inside อาหาร (food), never as a word here
        "หน่าย",  # the tail of จำหน่าย
    ],
)
def test_it_does_not_match_text_inside_a_word(catalog: Any, query: str) -> None:
    food = Service.objects.get(code=FOOD_SHOP).current_version
    # The text is there as a substring: a LIKE search would wrongly find it.
    assert query in food.name_th + food.output_document_th + food.description_th
    assert FOOD_SHOP not in _codes(query)


def test_it_ranks_a_match_in_the_name_above_a_match_in_the_description(
    signboard: Service,
) -> None:
    # The signboard service was published last, so a tie would not favour the food shop.
    codes = _codes("ร้านอาหาร")
    assert codes[:2] == [FOOD_SHOP, SIGNBOARD]
    codes = _codes("ป้ายโฆษณา")
    assert codes[:1] == [SIGNBOARD]


def test_it_ranks_services_matching_more_query_words_first(signboard: Service) -> None:
    # Both mention restaurants; only the signboard service is about signs.
    assert _codes("ป้ายโฆษณาร้านอาหาร")[:1] == [SIGNBOARD]


def test_it_leaves_out_inactive_services(catalog: Any) -> None:
    Service.objects.filter(code=FOOD_SHOP).update(is_active=False)
    assert FOOD_SHOP not in _codes("ร้านอาหาร")
    assert FOOD_SHOP not in _codes("food shop")
    assert FOOD_SHOP not in [s.code for s in find_services("")]


def test_it_finds_nothing_for_stopwords_or_punctuation(catalog: Any) -> None:
    assert _codes("และ ที่ ของ") == []
    assert _codes(" ... !!! ") == []
    assert _codes("the of") == []


def test_it_filters_by_agency_and_category(catalog: Any) -> None:
    assert [s.code for s in find_services(agency=factories.AGENCY_B)] == [HOUSE_COPY]
    assert [s.code for s in find_services(category="health")] == [FOOD_SHOP]
    assert _codes("สำเนาทะเบียนบ้าน") == [HOUSE_COPY]


def test_it_searches_the_new_manual_after_a_new_version(catalog: Any) -> None:
    data = factories.service_file()
    data["services"][1]["name"] = bi(
        "การขอคัดและรับรองสำเนาทะเบียนบ้าน (ท.ร.14)",
        "Certified copy of a house registration (form Tor Ror 14)",
    )
    data["services"][1]["description"] = bi(
        "บริการคัดสำเนาเอกสารทะเบียน", "Copies of registration records."
    )
    import_data(data, "catalog.yaml")
    assert HOUSE_COPY in _codes("Tor Ror")
    assert HOUSE_COPY not in _codes("household")  # only in the old description
