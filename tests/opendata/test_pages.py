"""The open-data pages people read: list, search, charts and downloads, in Thai and English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from eservice.opendata.publish import publish
from tests.factories import bangkok, submitted_application


@pytest.fixture
def published(catalog: Any, applicant: Any, settings: Any, clock: Any) -> Any:
    settings.OPENDATA_PUBLISHER = catalog.agency_a.code
    settings.OPENDATA_MIN_COUNT = 2
    for day in (9, 10, 11):
        clock.set(bangkok(2026, 2, day, 9, 0))
        submitted_application(applicant, catalog.food_shop)
    for day in (9, 10):
        clock.set(bangkok(2026, 3, day, 9, 0))
        submitted_application(applicant, catalog.food_shop)
    clock.set(bangkok(2026, 3, 9, 10, 0))
    submitted_application(applicant, catalog.house_copy)  # a single case: suppressed
    publish()
    return catalog


def test_the_list_finds_datasets_in_thai_and_english(published: Any) -> None:
    thai = Client().get("/dataset/", {"q": "ผลการให้บริการ"})
    assert thai.status_code == 200
    assert "ข้อมูลเปิด" in thai.content.decode()
    assert f"/dataset/{published.agency_a.code}-service-performance" in thai.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/dataset/", {"q": "catalog"})
    body = english.content.decode()
    assert "Government service catalog" in body
    assert "service-performance" not in re.sub(r"service-catalog", "", body.split("<h2")[0])
    by_agency = Client().get("/dataset/", {"organization": published.agency_b.code})
    assert by_agency.content.decode().count('class="title"') == 1


def test_a_performance_page_draws_the_published_figures(published: Any) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        f"/dataset/{published.agency_a.code}-service-performance"
    )
    assert response.status_code == 200
    body = response.content.decode()
    # Received and pending are drawn; nothing is decided yet, so the shares and days are not.
    assert body.count("<svg") == 2
    assert body.count("Nothing to draw") == 2
    # February's three and March's two applications received: two bars of the first chart.
    first_chart = body.split("<svg")[1].split("</svg>")[0]
    bars = re.findall(r"<title>([^<]+): (\d+)</title></rect>", first_chart)
    assert [v for _, v in bars[:2]] == ["3", "2"]
    for fmt in ("CSV", "JSON", "Parquet"):
        assert f"Download {fmt}" in body
    assert "Feb 26" in first_chart and "March 2026" in body


def test_a_suppressed_month_shows_a_dash_not_a_number(published: Any) -> None:
    response = Client().get("/dataset/service-performance", {"s": published.house_copy.code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "มีนาคม 2569" in body  # Buddhist-era month in Thai
    figures = body.split('class="list figures"')[1].split("</table>")[0]
    assert 'data-label="ได้รับ">–<' in figures
    assert "ค่าถูกปกปิดหรือไม่มีข้อมูล" in body


def test_the_catalog_dataset_lists_its_services(published: Any) -> None:
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get("/dataset/service-catalog").content.decode()
    assert f"/services/{published.food_shop.code}/" in body
    assert published.food_shop.current_version.name_en in body


def test_unknown_datasets_and_files_are_not_found(published: Any) -> None:
    client = Client()
    assert client.get("/dataset/no-such-dataset").status_code == 404
    assert client.get("/dataset/no-such-dataset.jsonld").status_code == 404
    fake = "/dataset/service-catalog/resource/00000000-0000-0000-0000-000000000000/download/x.csv"
    assert client.get(fake).status_code == 404


def test_a_download_is_not_sent_again_when_unchanged(published: Any) -> None:
    page = Client().get("/dataset/service-catalog").content.decode()
    url = re.search(r'href="http://[^/]+(/dataset/service-catalog/resource/[^"]+\.csv)"', page)
    assert url is not None
    first = Client().get(url.group(1))
    assert first.status_code == 200
    assert first["Content-Disposition"].startswith("attachment")
    again = Client().get(url.group(1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
