"""Input that would break a case for good is refused at the edge, and nothing is stored.

A lone surrogate ("\\ud800" in JSON) stored in an answer made the draft, then
the case, answer 500 for ever; a JSON body nested 5,000 deep answered 500 on
every endpoint. Both are now a 400 that names the field, in the user's
language, and the pages show what was stored before the check.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from eservice.cases.models import Application
from tests.factories import FOOD_SHOP, valid_answers

API = "/api/v1"


@pytest.fixture
def somchai(api: Any, catalog: Any, monday: Any) -> APIClient:
    return api("applicant")


def _post_raw(client: APIClient, path: str, body: str, method: str = "post") -> Any:
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("shop_name", "ร้าน\ud800อร่อย"),  # half of a character
        ("shop_name", "ร้าน\x00"),
        ("shop_name", "bell\x07"),
        ("shop_name", "\ufffe"),
    ],
)
def test_an_answer_that_is_not_text_is_a_400_naming_it_and_nothing_is_stored(
    somchai: APIClient, field: str, value: str
) -> None:
    answers = {**valid_answers(FOOD_SHOP), field: value}
    body = json.dumps({"service": FOOD_SHOP, "answers": answers})  # "\ud800" stays escaped
    response = _post_raw(somchai, f"{API}/applications/", body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"answers.{field}"]
    assert "ไม่ใช่ข้อความ" in response.json()["errors"][f"answers.{field}"][0]
    assert Application.objects.count() == 0


def test_the_message_is_in_the_users_language(somchai: APIClient) -> None:
    body = json.dumps({"service": FOOD_SHOP, "answers": {"shop_name": "\ud800"}})
    thai = somchai.post(f"{API}/applications/", body, content_type="application/json")
    assert "ไม่ใช่ข้อความ" in thai.json()["errors"]["answers.shop_name"][0]


def test_a_key_that_is_not_text_and_a_draft_update_are_refused_too(somchai: APIClient) -> None:
    app_id = somchai.post(f"{API}/applications/", {"service": FOOD_SHOP}, format="json").json()[
        "id"
    ]
    bad = '{"answers": {"shop_name": "ok", "x\\u0000": "y"}}'
    response = _post_raw(somchai, f"{API}/applications/{app_id}/", bad, "patch")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answers.(key)"]
    assert Application.objects.get(public_id=app_id).answers == {}
    # The draft still opens.
    assert somchai.get(f"{API}/applications/{app_id}/").status_code == 200


def test_notification_preferences_refuse_text_that_is_not_text(somchai: APIClient) -> None:
    body = '{"email": true, "sms": false, "language": "th\\ud800"}'
    response = _post_raw(somchai, f"{API}/me/notification-preferences/", body, "put")
    assert response.status_code == 400
    assert somchai.get(f"{API}/me/notification-preferences/").status_code == 200


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_a_json_body_nested_too_deep_is_a_400_on_any_endpoint(
    somchai: APIClient, depth: int
) -> None:
    body = "[" * depth + "]" * depth
    for path in (f"{API}/applications/", f"{API}/search/"):
        response = _post_raw(somchai, path, body)
        assert response.status_code == 400, path
        assert response.json()["code"] == "parse_error"
    anonymous = Client().post(f"{API}/search/", body, content_type="application/json")
    assert anonymous.status_code == 400


def test_a_form_field_or_query_that_is_not_text_is_a_400_page_naming_it(db: None) -> None:
    page = Client().post("/login/", {"username": "somchai\x00", "password": "x"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "“username”" in body and "ไม่ใช่ข้อความ" in body
    track = Client().get("/track/", {"number": "ABCD\x00"})
    assert track.status_code == 400 and "“number”" in track.content.decode()
    query = Client(HTTP_ACCEPT_LANGUAGE="en").get("/services/", {"q": "food\x1b"})
    assert query.status_code == 400 and "“q”" in query.content.decode()
    api = Client().get(f"{API}/services/", {"q": "\x00"})
    assert api.status_code == 400 and list(api.json()["errors"]) == ["q"]


def test_text_stored_before_the_check_is_repaired_so_the_case_opens_again(
    somchai: APIClient, applicant: Any, catalog: Any
) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL never stored it: jsonb refuses a lone surrogate")
    from importlib import import_module

    from eservice.cases import actions

    app = actions.start_application(applicant, catalog.food_shop)
    # As the platform stored it before inputs were checked (SQLite kept the escape).
    Application.objects.filter(pk=app.pk).update(answers={"shop_name": "ร้าน\ud800"})
    repair = import_module("eservice.cases.migrations.0008_repair_text").repair_answers
    from django.apps import apps

    repair(apps, None)
    app.refresh_from_db()
    assert app.answers == {"shop_name": "ร้าน\ufffd"}
    assert somchai.get(f"{API}/applications/{app.public_id}/").status_code == 200
