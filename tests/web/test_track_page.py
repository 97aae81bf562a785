"""The public tracking page: status in plain words, Thai dates, nothing personal."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eservice.cases import actions
from eservice.cases.models import Application
from eservice.core import tracking
from tests.factories import REQUESTED_DOCUMENT, personal_data


def _page(number: str) -> str:
    return reverse("cases:track-number", args=[number])


def _mistyped(number: str) -> str:
    wrong = next(ch for ch in tracking.ALPHABET if ch != number[4])
    return number[:4] + wrong + number[5:]


def _unknown_number() -> str:
    body = "7K3MXQ9P2RTV"
    return body + tracking.check_symbol(body)


def test_it_shows_the_status_in_plain_thai_with_buddhist_era_dates(
    make_case: Any, client: Client
) -> None:
    app = make_case("checking")  # submitted on Monday 9 March 2026, due 19 March

    response = client.get(_page(tracking.display(app.tracking_number)))

    assert response.status_code == 200
    html = response.text
    assert tracking.display(app.tracking_number) in html
    assert "การขออนุญาตจัดตั้งสถานที่จำหน่ายอาหาร (ร้านอาหาร)" in html
    assert "เทศบาลนครเชียงใหม่" in html
    assert "กำลังตรวจสอบเอกสาร" in html
    assert "เจ้าหน้าที่กำลังตรวจสอบความครบถ้วนของเอกสาร" in html
    assert "9 มีนาคม 2569" in html
    assert "19 มีนาคม 2569" in html
    assert "2026" not in html.split("<main", 1)[1]


def test_it_shows_the_page_in_english_with_the_language_cookie(
    make_case: Any, client: Client
) -> None:
    app = make_case("checking")
    client.cookies["django_language"] = "en"

    html = client.get(_page(app.tracking_number)).text

    assert "Food shop licence (restaurant)" in html
    assert "Checking documents" in html
    assert "An officer is checking that your documents are complete." in html
    assert "9 March 2026" in html
    assert "19 March 2026" in html


def test_it_says_when_the_clock_is_paused(make_case: Any, client: Client) -> None:
    html = client.get(_page(make_case("returned").tracking_number)).text
    assert "รอเอกสารเพิ่มเติมจากผู้ยื่นคำขอ" in html
    assert "คาดว่าจะทราบผลภายใน" not in html


def test_it_shows_no_name_national_id_or_answer(
    make_case: Any, applicant: Any, clerk_a: Any, client: Client
) -> None:
    app = make_case("checking")
    actions.add_note(app, clerk_a, "โทรหาคุณสมชายที่ 081-234-5678 แล้ว")
    app = actions.request_documents(
        app, clerk_a, [{"code": REQUESTED_DOCUMENT}], note="ทะเบียนบ้านของสมชาย ใจดี ไม่ชัด"
    )

    for language in ("th", "en"):
        client.cookies["django_language"] = language
        html = client.get(_page(app.tracking_number)).text
        secrets = personal_data(app, clerk_a)
        for secret in secrets:
            assert secret not in html, (language, secret)


# --- wrong numbers -----------------------------------------------------------------


def test_it_explains_a_mistyped_number_without_touching_the_database(
    make_case: Any, client: Client, django_assert_num_queries: Any
) -> None:
    app = make_case("submitted")
    number = _mistyped(app.tracking_number)

    with django_assert_num_queries(0):
        response = client.get(_page(number))

    assert response.status_code == 400
    assert "เลขติดตามคำขอนี้พิมพ์ไม่ถูกต้อง กรุณาตรวจสอบทีละตัวอักษร" in response.text


def test_it_never_looks_up_a_mistyped_number_for_a_signed_in_visitor(
    make_case: Any, applicant: Any, client: Client
) -> None:
    # Signed in, the session and user are read; the applications table never is.
    app = make_case("submitted")
    client.force_login(applicant)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_page(_mistyped(app.tracking_number)))

    assert response.status_code == 400
    table = Application._meta.db_table
    assert not [q["sql"] for q in queries if table in q["sql"]]


@pytest.mark.parametrize("number", ["7K3M-XQ9P", "7K3M-XQ9P-2RTVH-2", "ก" * 13, "U" * 13])
def test_it_explains_what_a_tracking_number_looks_like(
    catalog: Any, client: Client, number: str, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get(_page(number))

    assert response.status_code == 400
    assert "เลขติดตามคำขอประกอบด้วยตัวอักษรและตัวเลข 13 ตัว เช่น 7K3M-XQ9P-2RTVH" in response.text


def test_it_says_no_application_has_an_unknown_number(catalog: Any, client: Client) -> None:
    response = client.get(_page(_unknown_number()))

    assert response.status_code == 404
    assert "ไม่พบคำขอที่มีเลขติดตามนี้" in response.text


def test_it_explains_a_mistyped_number_in_english(make_case: Any, client: Client) -> None:
    app = make_case("submitted")
    response = client.get(_page(_mistyped(app.tracking_number)), headers={"accept-language": "en"})
    assert response.status_code == 400
    assert (
        "This tracking number has a typing mistake: please check each character." in response.text
    )


# --- the form ----------------------------------------------------------------------


def test_it_takes_a_number_typed_in_lower_case_to_its_page(make_case: Any, client: Client) -> None:
    app = make_case("submitted")
    typed = tracking.display(app.tracking_number).lower().replace("-", " ")

    response = client.get(reverse("cases:track"), {"number": typed})

    assert response.status_code == 302
    assert response["Location"] == _page(tracking.display(app.tracking_number))


def test_it_keeps_a_mistyped_number_on_the_form_with_the_message(
    make_case: Any, client: Client, django_assert_num_queries: Any
) -> None:
    app = make_case("submitted")
    number = _mistyped(app.tracking_number)

    with django_assert_num_queries(0):
        response = client.get(reverse("cases:track"), {"number": number})

    assert response.status_code == 400
    assert "เลขติดตามคำขอนี้พิมพ์ไม่ถูกต้อง" in response.text
    assert f'value="{number}"' in response.text


# --- rate limit ----------------------------------------------------------------------


def test_it_limits_lookups_per_address(make_case: Any, client: Client, settings: Any) -> None:
    settings.TRACK_RATE_LIMIT = "3/m"
    page = _page(make_case("submitted").tracking_number)  # time is frozen: one window

    answers = [client.get(page, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    other = client.get(page, REMOTE_ADDR="203.0.113.8")

    assert answers == [200, 200, 200, 429]
    assert other.status_code == 200


def test_it_answers_429_with_a_page_in_the_visitors_language(
    make_case: Any, client: Client, settings: Any
) -> None:
    settings.TRACK_RATE_LIMIT = "3/m"
    page = _page(make_case("submitted").tracking_number)
    for _ in range(3):
        client.get(page)

    thai = client.get(page)
    english = client.get(page, headers={"accept-language": "en"})
    form = client.get(reverse("cases:track"), {"number": "anything"})

    assert thai.status_code == english.status_code == form.status_code == 429
    assert thai["Content-Type"].startswith("text/html")
    assert "มีการใช้งานมากเกินไป กรุณารอ 1 นาทีแล้วลองใหม่อีกครั้ง" in thai.text
    assert "Too many requests. Please wait a minute and try again." in english.text
