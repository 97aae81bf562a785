"""One paging rule for every list: limit 1 to 100, offset 0 to 1,000,000, a 400 beyond.

`limit=9223372036854775808` on /api/v1/cases/ and /api/v1/applications/, and
`start=99999999999999999999` on CKAN's package_search, answered 500 (an
integer overflow in SQLite).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

API = "/api/v1"
WRONG = ["9223372036854775808", "99999999999999999999", "-1", "abc", "null", "1.5", "١٢", "0x10"]


@pytest.fixture
def lists(api: Any, catalog: Any) -> dict[str, Any]:
    return {
        f"{API}/applications/": api("applicant"),
        f"{API}/cases/?agency={catalog.agency_a.code}": api("clerk_a"),
        f"{API}/services/": api(None),
        f"{API}/me/messages/": api("applicant"),
    }


@pytest.mark.parametrize("value", WRONG)
def test_a_limit_or_offset_out_of_bounds_or_not_a_number_is_a_400_naming_it(
    lists: dict[str, Any], value: str
) -> None:
    for path, client in lists.items():
        joiner = "&" if "?" in path else "?"
        for name in ("limit", "offset"):
            response = client.get(f"{path}{joiner}{name}={value}", HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 400, (path, name, response.content)
            assert list(response.json()["errors"]) == [name]
            assert "whole number" in response.json()["errors"][name][0]


def test_the_bounds_themselves_are_accepted(lists: dict[str, Any]) -> None:
    for path, client in lists.items():
        joiner = "&" if "?" in path else "?"
        for query in ("limit=1", "limit=100", "offset=0", "offset=1000000", "limit=&offset="):
            assert client.get(f"{path}{joiner}{query}").status_code == 200, (path, query)
        assert client.get(f"{path}{joiner}limit=101").status_code == 400


def test_ckan_paging_is_bounded_with_ckans_validation_error(db: None) -> None:
    client = Client()
    for name, value in (("start", "99999999999999999999"), ("start", "1000001")):
        response = client.get("/api/3/action/package_search", {name: value})
        assert response.status_code == 409, response.content
        assert response.json()["error"]["__type"] == "Validation Error"
        assert name in response.json()["error"]
    # rows are clamped to 1,000 as CKAN does, however large.
    assert client.get("/api/3/action/package_search", {"rows": "10" * 15}).status_code == 409
    assert client.get("/api/3/action/package_search", {"rows": "5000"}).status_code == 200
    assert client.get("/api/3/action/package_list", {"offset": "1000000"}).status_code == 200
