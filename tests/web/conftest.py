"""Fixtures of the web tests: a browser per persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Callable[[str | None], Client]:
    """Return ``browser(persona)``: a test client signed in as that persona's fixture.

    ``None`` or ``"anonymous"`` gives a visitor who has not signed in.
    """

    def make(persona: str | None) -> Client:
        client = Client()
        if persona not in (None, "anonymous"):
            client.force_login(request.getfixturevalue(persona))
        return client

    return make
