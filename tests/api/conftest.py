"""Fixtures of the API tests: a client per persona."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient


def token_client(user: Any | None, **meta: str) -> APIClient:
    """Return an API client that sends the user's token (none for ``None``).

    ``meta`` are request META defaults sent with every request, e.g.
    ``HTTP_ACCEPT_LANGUAGE="en"`` or ``REMOTE_ADDR="10.0.0.2"``.
    """
    from rest_framework.authtoken.models import Token

    client = APIClient(**meta)
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Callable[..., APIClient]:
    """Return ``api(persona, **meta)``: a client with that persona's token.

    ``None`` or ``"anonymous"`` gives a client without credentials.
    """

    def make(persona: str | None, **meta: str) -> APIClient:
        user = None if persona in (None, "anonymous") else request.getfixturevalue(persona)
        return token_client(user, **meta)

    return make
