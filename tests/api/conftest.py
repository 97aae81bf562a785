"""Fixtures of the API tests: a client per persona and cases in any state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import REQUESTED_DOCUMENT, advance_to_last_step, pdf_upload


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


@pytest.fixture
def case_at(make_case: Any, applicant: Any, clerk_a: Any, reviewer_a: Any) -> Callable[[str], Any]:
    """Return ``case_at(state)``: ``make_case`` plus two states of its own.

    last_step: in review at the last step, ready for the approver's decision;
    returned_ready: returned, with the requested document uploaded again.
    """
    from eservice.cases import actions

    def build(state: str) -> Any:
        if state == "last_step":
            return advance_to_last_step(make_case("in_review"), clerk=clerk_a, reviewer=reviewer_a)
        if state == "returned_ready":
            app = make_case("returned")
            actions.upload_document(app, applicant, REQUESTED_DOCUMENT, pdf_upload("again.pdf"))
            return app
        return make_case(state)

    return build
