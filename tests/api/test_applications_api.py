"""Applying over the API: sign in, start (retry-safe), answer, upload, submit, withdraw."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from eservice.cases.models import Application
from tests.factories import FOOD_SHOP, HOUSE_COPY, pdf_upload, valid_answers

API = "/api/v1"
KEY = "5f0c8f3e-2b1a-4c55-9e0f-6a1d2b3c4d5e"


@pytest.fixture
def somchai(api: Any, catalog: Any, monday: Any) -> APIClient:
    return api("applicant")


def _start(client: APIClient, key: str | None = KEY, **body: Any) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"{API}/applications/", {"service": FOOD_SHOP, **body}, format="json", headers=headers
    )


def _upload(client: APIClient, app_id: str, code: str, upload: Any) -> Any:
    return client.post(
        f"{API}/applications/{app_id}/documents/",
        {"requirement": code, "file": upload},
        format="multipart",
    )


def _ready(client: APIClient) -> str:
    """Start an application with valid answers and the required documents; return its id."""
    app_id = _start(client, answers=valid_answers(FOOD_SHOP)).json()["id"]
    for code in ("id-card", "house-registration"):
        assert _upload(client, app_id, code, pdf_upload(f"{code}.pdf")).status_code == 201
    return app_id


# --- signing in ----------------------------------------------------------------------


def test_it_gives_a_token_for_the_right_password_and_the_same_one_again(
    applicant: Any,
) -> None:
    client = APIClient()
    credentials = {"username": "somchai", "password": "correct horse battery"}

    first = client.post(f"{API}/auth/token/", credentials, format="json")
    second = client.post(f"{API}/auth/token/", credentials, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["token"] == second.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {first.json()['token']}")
    assert client.get(f"{API}/applications/").status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "ไม่สามารถเข้าสู่ระบบได้"),
        ("th", "ไม่สามารถเข้าสู่ระบบได้"),
        ("en", "Unable to log in with provided credentials."),
    ],
)
def test_it_refuses_a_wrong_password_in_the_language_asked(
    applicant: Any, language: str | None, message: str
) -> None:
    headers = {"Accept-Language": language} if language else {}
    response = APIClient().post(
        f"{API}/auth/token/",
        {"username": "somchai", "password": "wrong"},
        format="json",
        headers=headers,
    )

    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "invalid_credentials"}


def test_it_names_a_missing_field_of_the_sign_in(applicant: Any) -> None:
    response = APIClient().post(
        f"{API}/auth/token/",
        {"username": "somchai"},
        format="json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"password": ["This field is required."]}


# --- starting ------------------------------------------------------------------------


def test_it_returns_the_same_application_when_a_start_is_retried_with_its_key(
    somchai: APIClient,
) -> None:
    first = _start(somchai, answers={"shop_name": "ร้านแรก"})
    retry = _start(somchai, answers={"shop_name": "ร้านที่สอง"})

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert first.json()["status"] == "draft"
    assert Application.objects.count() == 1
    # A retry replays the first request: its answers are not stored again.
    assert retry.json()["answers"] == {"shop_name": "ร้านแรก"}


def test_it_refuses_the_same_key_for_another_service(somchai: APIClient) -> None:
    _start(somchai)

    response = somchai.post(
        f"{API}/applications/",
        {"service": HOUSE_COPY},
        format="json",
        headers={"Idempotency-Key": KEY, "Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This idempotency key was already used for another service.",
        "code": "invalid",
        "errors": {"Idempotency-Key": ["Use a new key for each new application."]},
    }
    assert Application.objects.count() == 1


def test_it_refuses_a_key_longer_than_64_characters(somchai: APIClient) -> None:
    response = _start(somchai, key="k" * 65)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Application.objects.exists()


def test_it_returns_the_open_draft_when_started_again_without_a_key(somchai: APIClient) -> None:
    first = _start(somchai, key=None)
    again = _start(somchai, key=None)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_it_answers_404_for_an_unknown_service(somchai: APIClient) -> None:
    response = somchai.post(f"{API}/applications/", {"service": "no-such"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_asks_for_json(somchai: APIClient) -> None:
    response = somchai.post(f"{API}/applications/", {"service": FOOD_SHOP})  # a form post
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


# --- answers and documents ----------------------------------------------------------


def test_it_replaces_a_drafts_answers(somchai: APIClient) -> None:
    app_id = _start(somchai, answers={"shop_name": "ร้านแรก", "seats": 10}).json()["id"]

    response = somchai.patch(
        f"{API}/applications/{app_id}/",
        {"answers": {"shop_name": "ร้านข้าวซอยป้าศรี", "area_sqm": 240.5, "colour": "red"}},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["answers"] == {"shop_name": "ร้านข้าวซอยป้าศรี", "area_sqm": 240.5}
    assert somchai.get(f"{API}/applications/{app_id}/").json()["answers"] == {
        "shop_name": "ร้านข้าวซอยป้าศรี",
        "area_sqm": 240.5,
    }


def test_it_uploads_a_document_as_multipart(somchai: APIClient) -> None:
    app_id = _start(somchai).json()["id"]

    response = _upload(somchai, app_id, "id-card", pdf_upload("my-id.pdf"))

    assert response.status_code == 201
    document = response.json()
    assert (document["requirement_code"], document["original_name"]) == ("id-card", "my-id.pdf")
    assert document["content_type"] == "application/pdf"
    assert "sha256" not in document
    listed = somchai.get(f"{API}/applications/{app_id}/").json()["documents"]
    assert [d["id"] for d in listed] == [document["id"]]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("th", "รับเฉพาะไฟล์ PDF, JPEG และ PNG เท่านั้น"),
        ("en", "Only PDF, JPEG and PNG files are accepted."),
    ],
)
def test_it_refuses_a_text_file_named_pdf(
    api: Any, catalog: Any, monday: Any, language: str, message: str
) -> None:
    client = api("applicant", HTTP_ACCEPT_LANGUAGE=language)
    app_id = _start(client).json()["id"]
    fake = SimpleUploadedFile("id.pdf", b"not a pdf at all\n", "application/pdf")

    response = _upload(client, app_id, "id-card", fake)

    assert response.status_code == 400
    assert response.json()["detail"] == message


# --- submitting -----------------------------------------------------------------------


def test_it_submits_once_however_often_submit_is_sent(somchai: APIClient) -> None:
    app_id = _ready(somchai)

    first = somchai.post(f"{API}/applications/{app_id}/submit/")
    again = somchai.post(f"{API}/applications/{app_id}/submit/")

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "submitted"
    number = first.json()["tracking_number"]
    assert len(number) == 13
    assert again.json()["tracking_number"] == number
    assert [e["action"] for e in again.json()["timeline"]] == ["submit"]


@pytest.mark.parametrize(
    ("language", "errors"),
    [
        (
            "th",
            {
                "area_sqm": ["กรุณากรอกค่าไม่น้อยกว่า 1"],
                "opening_date": ["กรุณากรอกข้อมูลในช่องนี้"],
                "document:house-registration": ["กรุณาอัปโหลดเอกสารนี้"],
            },
        ),
        (
            "en",
            {
                "area_sqm": ["Enter a value of at least 1."],
                "opening_date": ["This field is required."],
                "document:house-registration": ["Upload this document."],
            },
        ),
    ],
)
def test_it_names_each_problem_of_a_submission_in_the_language_asked(
    api: Any, catalog: Any, monday: Any, language: str, errors: dict[str, list[str]]
) -> None:
    client = api("applicant", HTTP_ACCEPT_LANGUAGE=language)
    answers = {**valid_answers(FOOD_SHOP), "area_sqm": 0}
    del answers["opening_date"]
    app_id = _start(client, answers=answers).json()["id"]
    _upload(client, app_id, "id-card", pdf_upload())

    response = client.post(f"{API}/applications/{app_id}/submit/")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == errors
    assert Application.objects.get().status == "draft"


def test_it_names_a_malformed_request_field(somchai: APIClient) -> None:
    response = somchai.post(
        f"{API}/applications/",
        {"service": FOOD_SHOP, "answers": "not an object"},
        format="json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["answers"]


def test_it_refuses_to_change_answers_after_submission(somchai: APIClient) -> None:
    app_id = _ready(somchai)
    somchai.post(f"{API}/applications/{app_id}/submit/")

    response = somchai.patch(
        f"{API}/applications/{app_id}/", {"answers": {"shop_name": "อื่น"}}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "แก้ไขได้เฉพาะคำขอฉบับร่างเท่านั้น",
        "code": "invalid_transition",
    }


# --- withdrawing ----------------------------------------------------------------------


def test_it_withdraws_a_submitted_application(somchai: APIClient) -> None:
    app_id = _ready(somchai)
    somchai.post(f"{API}/applications/{app_id}/submit/")

    response = somchai.post(
        f"{API}/applications/{app_id}/withdraw/", {"reason": "เปลี่ยนใจ"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["due_at"], body["status_label"]) == (
        "withdrawn",
        None,
        "ยกเลิกโดยผู้ยื่นคำขอ",
    )
    assert body["closed_at"] is not None
    assert [(e["action"], e["text"]) for e in body["timeline"]][-1] == ("withdraw", "เปลี่ยนใจ")


def test_it_refuses_to_withdraw_twice(somchai: APIClient) -> None:
    app_id = _ready(somchai)
    somchai.post(f"{API}/applications/{app_id}/submit/")
    somchai.post(f"{API}/applications/{app_id}/withdraw/", {}, format="json")

    response = somchai.post(f"{API}/applications/{app_id}/withdraw/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_it_deletes_a_draft_but_not_a_submitted_application(somchai: APIClient) -> None:
    draft_id = _start(somchai, key="draft").json()["id"]
    submitted_id = _ready(somchai)
    somchai.post(f"{API}/applications/{submitted_id}/submit/")

    assert somchai.delete(f"{API}/applications/{draft_id}/").status_code == 204
    refused = somchai.delete(f"{API}/applications/{submitted_id}/")

    assert refused.status_code == 409
    assert Application.objects.filter(public_id=submitted_id).exists()
    assert not Application.objects.filter(public_id=draft_id).exists()


@pytest.mark.django_db(transaction=True)
def test_five_requests_at_once_with_one_key_store_one_application_and_one_201(
    api: Any, catalog: Any, monday: Any
) -> None:
    from tests.jobs.support import at_once, needs_row_locks

    needs_row_locks()  # real concurrent transactions: PostgreSQL
    answers = valid_answers(FOOD_SHOP)
    clients = [api("applicant") for _ in range(5)]  # fixtures are not for threads

    def start(i: int) -> tuple[int, str, dict[str, Any]]:
        from django.db import connection

        try:
            response = _start(clients[i], key="k-at-once", answers=answers)
            return response.status_code, response.json()["id"], response.json()["answers"]
        finally:
            connection.close()

    results = at_once(5, start)
    assert sorted(code for code, _, _ in results) == [200, 200, 200, 200, 201]
    assert len({app_id for _, app_id, _ in results}) == 1
    assert all(stored == answers for _, _, stored in results)
    assert Application.objects.filter(client_key="k-at-once").count() == 1
