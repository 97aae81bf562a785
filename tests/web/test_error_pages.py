"""Error pages as a person meets them: styled, in their language; JSON under /api/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def broken_search(monkeypatch: Any) -> None:
    """A search that fails in a way nobody planned for (the database gone, a bug)."""

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("eservice.laws.api.search", fail)
    monkeypatch.setattr("eservice.laws.views.search", fail)


def test_an_api_server_error_is_the_documented_json_error(db: None, broken_search: None) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/search/", {"q": "ภาษี"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again in a few minutes.",
        "code": "server_error",
    }
    assert "disk is on fire" not in response.content.decode()


def test_a_page_server_error_is_a_page_in_the_users_language(db: None, broken_search: None) -> None:
    response = Client(raise_request_exception=False).get("/search/", {"q": "ภาษี"})
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="th">' in body and "ระบบขัดข้อง" in body
    assert "Traceback" not in body and "disk is on fire" not in body


def test_a_page_that_does_not_exist_is_a_styled_page_not_the_debug_list_of_urls(db: None) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This page does not exist, or you may not see it." in body
    assert "site.css" in body and "URLconf" not in body
    api = Client().get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
