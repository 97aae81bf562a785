"""Public track & trace over the API: status by number, nothing personal, rate-limited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from eservice.cases import actions
from eservice.core import tracking
from tests.factories import REQUESTED_DOCUMENT, personal_data

API = "/api/v1"


def _mistyped(number: str) -> str:
    wrong = next(ch for ch in tracking.ALPHABET if ch != number[4])
    return number[:4] + wrong + number[5:]


def _unknown_number() -> str:
    body = "7K3MXQ9P2RTV"
    return body + tracking.check_symbol(body)


def test_it_answers_the_public_status_without_sign_in(make_case: Any, api: Any) -> None:
    app = make_case("checking")

    response = api(None).get(f"{API}/track/{tracking.display(app.tracking_number).lower()}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == app.tracking_number
    assert body["service_name_en"] == "Food shop licence (restaurant)"
    assert body["agency_name_th"] == "เทศบาลนครเชียงใหม่"
    assert body["status"] == "checking"
    assert body["status_label"] == "กำลังตรวจสอบเอกสาร"
    assert body["explanation"] == "เจ้าหน้าที่กำลังตรวจสอบความครบถ้วนของเอกสาร"
    assert body["submitted_at"] == "2026-03-09T09:00:00+07:00"
    assert body["expected_by"] == "2026-03-19T16:30:00+07:00"
    assert (body["paused"], body["overdue"], body["decided_at"]) == (False, False, None)
    assert [e["status"] for e in body["timeline"]] == ["submitted", "checking"]
    assert [e["label"] for e in body["timeline"]] == ["ยื่นคำขอแล้ว", "กำลังตรวจสอบเอกสาร"]


def test_it_answers_in_english_with_accept_language(make_case: Any, api: Any) -> None:
    app = make_case("checking")

    body = api(None, HTTP_ACCEPT_LANGUAGE="en").get(f"{API}/track/{app.tracking_number}/").json()

    assert body["status_label"] == "Checking documents"
    assert body["explanation"] == "An officer is checking that your documents are complete."
    assert [e["label"] for e in body["timeline"]] == ["Submitted", "Checking documents"]


def test_it_answers_no_name_national_id_or_answer(
    make_case: Any, applicant: Any, clerk_a: Any, api: Any
) -> None:
    app = make_case("checking")
    actions.add_note(app, clerk_a, "โทรหาคุณสมชายที่ 081-234-5678 แล้ว")
    app = actions.request_documents(
        app, clerk_a, [{"code": REQUESTED_DOCUMENT}], note="ทะเบียนบ้านของสมชาย ใจดี ไม่ชัด"
    )

    response = api(None).get(f"{API}/track/{app.tracking_number}/")

    text = json.dumps(response.json(), ensure_ascii=False)
    assert response.json()["paused"] is True
    secrets = personal_data(app, clerk_a)
    for secret in secrets:
        assert secret not in text, secret


def test_it_answers_404_mistyped_without_touching_the_database(
    make_case: Any, api: Any, django_assert_num_queries: Any
) -> None:
    app = make_case("submitted")
    client = api(None)

    with django_assert_num_queries(0):
        response = client.get(f"{API}/track/{_mistyped(app.tracking_number)}/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "เลขติดตามคำขอนี้พิมพ์ไม่ถูกต้อง กรุณาตรวจสอบทีละตัวอักษร",
        "code": "mistyped",
    }


@pytest.mark.parametrize("number", ["7K3M-XQ9P", "not-a-number", "ก" * 13])
def test_it_answers_404_mistyped_for_a_number_of_the_wrong_shape(
    catalog: Any, api: Any, number: str, django_assert_num_queries: Any
) -> None:
    client = api(None, HTTP_ACCEPT_LANGUAGE="en")

    with django_assert_num_queries(0):
        response = client.get(reverse("api-track", args=[number]))

    assert response.status_code == 404
    assert response.json() == {
        "detail": "A tracking number has 13 letters and digits, like 7K3M-XQ9P-2RTVH.",
        "code": "mistyped",
    }


def test_it_answers_404_not_found_for_an_unknown_number(catalog: Any, api: Any) -> None:
    response = api(None, HTTP_ACCEPT_LANGUAGE="en").get(f"{API}/track/{_unknown_number()}/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No application has this tracking number.",
        "code": "not_found",
    }


# --- rate limit ----------------------------------------------------------------------


def test_it_limits_lookups_per_address(make_case: Any, api: Any, settings: Any) -> None:
    settings.TRACK_RATE_LIMIT = "3/m"
    path = f"{API}/track/{make_case('submitted').tracking_number}/"  # time is frozen
    client = api(None, REMOTE_ADDR="198.51.100.7")

    answers = [client.get(path) for _ in range(4)]
    other = api(None, REMOTE_ADDR="198.51.100.8").get(path)

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[-1]["Content-Type"] == "application/json"
    assert answers[-1].json()["code"] == "rate_limited"
    assert other.status_code == 200


def test_it_answers_429_in_the_language_asked(make_case: Any, api: Any, settings: Any) -> None:
    settings.TRACK_RATE_LIMIT = "3/m"
    path = f"{API}/track/{make_case('submitted').tracking_number}/"
    for _ in range(3):
        api(None).get(path)

    assert api(None, HTTP_ACCEPT_LANGUAGE="en").get(path).json() == {
        "detail": "Too many requests. Please wait a minute and try again.",
        "code": "rate_limited",
    }
    assert api(None).get(path).json()["detail"] == ("มีการใช้งานมากเกินไป กรุณารอ 1 นาทีแล้วลองใหม่อีกครั้ง")


def test_it_counts_the_web_page_and_the_api_against_one_budget(
    make_case: Any, api: Any, client: Any, settings: Any
) -> None:
    settings.TRACK_RATE_LIMIT = "3/m"
    number = make_case("submitted").tracking_number
    for _ in range(3):
        assert client.get(reverse("cases:track-number", args=[number])).status_code == 200

    response = api(None).get(f"{API}/track/{number}/")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_it_limits_mistyped_numbers_too(make_case: Any, api: Any, settings: Any) -> None:
    # Guessing numbers costs the same as looking them up.
    settings.TRACK_RATE_LIMIT = "3/m"
    path = f"{API}/track/{_mistyped(make_case('submitted').tracking_number)}/"
    client = api(None)

    assert [client.get(path).status_code for _ in range(4)] == [404, 404, 404, 429]
