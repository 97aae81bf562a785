"""The health check a load balancer polls."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_answers_200_with_the_database_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_it_needs_no_sign_in_and_sets_no_cookie(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
