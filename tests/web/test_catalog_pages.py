"""The public catalog: home, search and filters, and the service manual, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AGENCY_A, AGENCY_B, FOOD_SHOP, HOUSE_COPY


def _results(html: str) -> list[str]:
    """Return the service codes listed as results, in order."""
    listing = html.split('id="results"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="/services/([^/"]+)/"', listing)


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_it_shows_the_search_box_categories_and_agencies_on_the_home_page(
    catalog: Any, client: Client
) -> None:
    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    html = response.text
    assert 'name="q"' in html
    assert "สาธารณสุข" in html and "ทะเบียนราษฎร" in html
    assert "เทศบาลนครเชียงใหม่" in html and "สำนักงานเขตจตุจักร" in html
    assert f'href="{reverse("catalog:services")}?category=health"' in html
    assert f'href="{reverse("catalog:services")}?agency={AGENCY_A}"' in html


def test_it_shows_the_home_page_in_english(catalog: Any, client: Client) -> None:
    html = _english(client).get(reverse("catalog:home")).text
    assert '<html lang="en">' in html
    assert "Health" in html and "Civil registration" in html
    assert "Chiang Mai City Municipality" in html
    assert "เทศบาลนครเชียงใหม่" not in html


def test_it_lists_every_active_service_without_a_query(catalog: Any, client: Client) -> None:
    response = client.get(reverse("catalog:services"))
    assert response.status_code == 200
    assert sorted(_results(response.text)) == sorted([FOOD_SHOP, HOUSE_COPY])


@pytest.mark.parametrize("query", ["ร้านอาหาร", "ใบอนุญาตร้านอาหาร", "food shop", "restaurant"])
def test_it_finds_the_food_shop_in_thai_and_english(
    catalog: Any, client: Client, query: str
) -> None:
    response = client.get(reverse("catalog:services"), {"q": query})
    assert response.status_code == 200
    assert _results(response.text) == [FOOD_SHOP]
    assert f'value="{query}"' in response.text


@pytest.mark.parametrize("query", ["ทะเบียนบ้าน", "house registration"])
def test_it_finds_the_house_registration_copy(catalog: Any, client: Client, query: str) -> None:
    assert _results(client.get(reverse("catalog:services"), {"q": query}).text) == [HOUSE_COPY]


def test_it_says_when_nothing_matches(catalog: Any, client: Client) -> None:
    response = _english(client).get(reverse("catalog:services"), {"q": "spaceship"})
    assert response.status_code == 200
    assert _results(response.text) == []
    assert "No service matches." in response.text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"agency": AGENCY_A}, [FOOD_SHOP]),
        ({"agency": AGENCY_B}, [HOUSE_COPY]),
        ({"category": "health"}, [FOOD_SHOP]),
        ({"category": "civil-registration"}, [HOUSE_COPY]),
        ({"agency": AGENCY_A, "category": "civil-registration"}, []),
        ({"agency": AGENCY_B, "q": "ร้านอาหาร"}, []),
        ({"category": "health", "q": "food shop"}, [FOOD_SHOP]),
        ({"agency": "no-such-agency"}, []),
    ],
)
def test_it_filters_by_agency_and_category(
    catalog: Any, client: Client, filters: dict[str, str], expected: list[str]
) -> None:
    response = client.get(reverse("catalog:services"), filters)
    assert response.status_code == 200
    assert _results(response.text) == expected


# --- the service manual ----------------------------------------------------------------


def test_it_shows_the_whole_manual_in_thai(catalog: Any, client: Client) -> None:
    response = client.get(reverse("catalog:service", args=[FOOD_SHOP]))

    assert response.status_code == 200
    html = response.text
    # Legal basis
    assert "กฎหมายที่เกี่ยวข้อง" in html
    assert "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535: มาตรา 38, มาตรา 40" in html
    # Conditions
    assert "สถานที่ต้องถูกสุขลักษณะตามข้อบัญญัติท้องถิ่น" in html
    # Steps, each with its time limit, and the total
    assert "ขั้นตอนและระยะเวลาการให้บริการ" in html
    steps = html.split('class="steps-manual"', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r"<strong>([^<]+)</strong> — (\d+) ([^<]+)<br>", steps) == [
        ("ตรวจสอบความครบถ้วนของคำขอ", "1", "วันทำการ"),
        ("ตรวจสถานที่และพิจารณา", "5", "วันทำการ"),
        ("พิจารณาอนุญาตและลงนาม", "2", "วันทำการ"),
    ]
    assert "งานสุขาภิบาลอาหาร" in html
    # Documents
    assert "รายการเอกสารหลักฐานประกอบ" in html
    for name in ("บัตรประจำตัวประชาชน", "ทะเบียนบ้าน", "หนังสือยินยอมให้ใช้อาคาร"):
        assert name in html
    assert "กรณีไม่ได้เป็นเจ้าของอาคาร" in html
    # Fees
    assert "ค่าธรรมเนียมใบอนุญาต: 1000.00 บาท" in html
    assert "ต่อปี" in html
    # Channels and complaints
    assert "กองสาธารณสุข ชั้น 2" in html
    assert "ศูนย์ดำรงธรรม โทร 1567" in html


def test_it_shows_the_whole_manual_in_english(catalog: Any, client: Client) -> None:
    html = _english(client).get(reverse("catalog:service", args=[FOOD_SHOP])).text

    assert "Food shop licence (restaurant)" in html
    assert "Legal basis" in html
    assert "Public Health Act B.E. 2535 (1992)" in html
    assert "Steps and time limits" in html
    assert "Inspect the premises and consider</strong> — 5 working days" in html
    assert "Documents required" in html
    assert "Owner&#x27;s consent to use the building" in html
    assert "Licence fee: 1000.00 baht" in html
    assert "Damrongdhama Centre, call 1567" in html
    assert "การขออนุญาตจัดตั้งสถานที่จำหน่ายอาหาร" not in html


def test_it_shows_hour_limits_in_hours(catalog: Any, client: Client) -> None:
    html = _english(client).get(reverse("catalog:service", args=[HOUSE_COPY])).text
    assert "Registrar certifies</strong> — 1 working hours" in html


def test_it_asks_a_visitor_to_sign_in_to_apply(catalog: Any, client: Client) -> None:
    url = reverse("catalog:service", args=[FOOD_SHOP])
    html = client.get(url).text
    assert f'href="{reverse("accounts:login")}?next={url}"' in html
    assert reverse("cases:start", args=[FOOD_SHOP]) not in html


def test_it_offers_a_signed_in_person_to_apply(
    catalog: Any, applicant: Any, client: Client
) -> None:
    client.force_login(applicant)
    html = client.get(reverse("catalog:service", args=[FOOD_SHOP])).text
    assert f'action="{reverse("cases:start", args=[FOOD_SHOP])}"' in html


@pytest.mark.parametrize("code", ["no-such-service", "FOOD-SHOP-LICENCE", "food-shop"])
def test_it_answers_404_for_an_unknown_service(catalog: Any, client: Client, code: str) -> None:
    response = client.get(reverse("catalog:service", args=[code]))
    assert response.status_code == 404
    assert "ไม่พบบริการนี้" in response.text or "No such service" in response.text


def test_it_switches_language_with_the_language_form(catalog: Any, client: Client) -> None:
    url = reverse("catalog:service", args=[FOOD_SHOP])

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})

    assert (switched.status_code, switched["Location"]) == (302, url)
    assert switched.cookies["django_language"].value == "en"
    assert "Food shop licence (restaurant)" in client.get(url).text
