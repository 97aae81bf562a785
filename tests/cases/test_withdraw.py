"""The applicant may withdraw before the decision, and discard a draft."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.cases import access, actions
from eservice.cases.models import Application, TimelineEvent
from eservice.cases.states import Status
from eservice.core.errors import InvalidTransition, ValidationFailed
from tests.factories import MONDAY_MORNING


@pytest.mark.parametrize("state", ["submitted", "checking", "returned", "in_review"])
def test_it_withdraws_an_open_application_and_stops_the_clock(
    make_case: Any, applicant: Any, state: str
) -> None:
    app = actions.withdraw(make_case(state), applicant, "  ย้ายไปเปิดร้านที่อื่น ")
    app.refresh_from_db()
    assert app.status == Status.WITHDRAWN
    assert app.closed_at == MONDAY_MORNING
    assert (app.due_at, app.paused_at, app.remaining_minutes) == (None, None, None)
    event = TimelineEvent.objects.get(application=app, action="withdraw")
    assert (event.actor, event.from_status, event.text) == (applicant, state, "ย้ายไปเปิดร้านที่อื่น")


@pytest.mark.parametrize("state", ["draft", "approved", "rejected", "withdrawn", "closed"])
def test_it_cannot_withdraw_a_draft_or_a_decided_application(
    make_case: Any, applicant: Any, state: str
) -> None:
    app = make_case(state)
    snapshot = Application.objects.values().get(pk=app.pk)
    with pytest.raises(InvalidTransition):
        actions.withdraw(app, applicant)
    assert Application.objects.values().get(pk=app.pk) == snapshot


def test_it_refuses_an_overlong_reason(make_case: Any, applicant: Any) -> None:
    app = make_case("submitted")
    with pytest.raises(ValidationFailed) as caught:
        actions.withdraw(app, applicant, "x" * 4001)
    assert "reason" in caught.value.errors
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED


def test_it_takes_a_withdrawn_case_off_the_officers_queue(
    make_case: Any, applicant: Any, clerk_a: Any, catalog: Any
) -> None:
    app = make_case("checking")
    filters = access.QueueFilters()
    assert list(access.queue(clerk_a, catalog.agency_a, filters)) == [app]
    actions.withdraw(app, applicant)
    assert list(access.queue(clerk_a, catalog.agency_a, filters)) == []


def test_it_discards_a_draft_but_not_a_submitted_application(
    make_case: Any, applicant: Any
) -> None:
    draft = make_case("draft")
    actions.discard_draft(draft, applicant)
    assert not Application.objects.filter(pk=draft.pk).exists()

    submitted = make_case("submitted")
    with pytest.raises(InvalidTransition):
        actions.discard_draft(submitted, applicant)
    assert Application.objects.filter(pk=submitted.pk).exists()
