"""Fixtures of the web tests: a browser per persona and cases in any state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import REQUESTED_DOCUMENT, advance_to_last_step, pdf_upload


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
