"""Approving and refusing: at the right step, by an approver, with reasons for a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.cases import actions
from eservice.cases.models import Application, StepInstance, TimelineEvent
from eservice.cases.states import Status
from eservice.core.errors import Forbidden, InvalidTransition, ValidationFailed
from tests.factories import MONDAY_MORNING, advance_to_last_step


@pytest.fixture
def at_last_step(make_case: Any, clerk_a: Any, reviewer_a: Any) -> Application:
    return advance_to_last_step(make_case("in_review"), clerk=clerk_a, reviewer=reviewer_a)


def test_it_approves_at_the_last_step(at_last_step: Application, approver_a: Any) -> None:
    app = actions.approve(at_last_step, approver_a, "ให้มีถังดับเพลิงอย่างน้อย 2 ถัง")
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    assert app.decided_at == MONDAY_MORNING
    assert app.decision_reasons == "ให้มีถังดับเพลิงอย่างน้อย 2 ถัง"
    event = TimelineEvent.objects.filter(application=app, action="approve").get()
    assert (event.actor, event.text, event.internal) == (approver_a, app.decision_reasons, False)


@pytest.mark.parametrize("steps_done", [0, 1])
def test_it_refuses_to_approve_before_the_last_step(
    make_case: Any, clerk_a: Any, approver_a: Any, steps_done: int
) -> None:
    app = make_case("in_review")
    for _ in range(steps_done):
        app = actions.complete_step(app, approver_a)
    with pytest.raises(InvalidTransition):
        actions.approve(app, approver_a)
    app.refresh_from_db()
    assert (app.status, app.decided_at) == (Status.IN_REVIEW, None)


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a"])
def test_it_lets_only_an_approver_decide(
    at_last_step: Application, request: pytest.FixtureRequest, who: str
) -> None:
    officer = request.getfixturevalue(who)
    with pytest.raises(Forbidden):
        actions.approve(at_last_step, officer)
    with pytest.raises(Forbidden):
        actions.reject(at_last_step, officer, "ไม่ผ่าน", "อุทธรณ์ภายใน 15 วัน")
    assert Application.objects.get(pk=at_last_step.pk).status == Status.IN_REVIEW


def test_it_lets_the_agency_administrator_decide(at_last_step: Application, admin_a: Any) -> None:
    assert actions.approve(at_last_step, admin_a).status == Status.APPROVED


@pytest.mark.parametrize(
    ("reasons", "appeal_info", "missing"),
    [
        ("", "", {"reasons", "appeal_info"}),
        ("สถานที่ไม่ถูกสุขลักษณะ", "", {"appeal_info"}),
        ("", "อุทธรณ์ต่อผู้ว่าราชการจังหวัดภายใน 30 วัน", {"reasons"}),
        ("   ", "\n\t", {"reasons", "appeal_info"}),
    ],
)
def test_it_refuses_a_refusal_without_reasons_and_appeal_information(
    make_case: Any, approver_a: Any, reasons: str, appeal_info: str, missing: set[str]
) -> None:
    app = make_case("in_review")
    with pytest.raises(ValidationFailed) as caught:
        actions.reject(app, approver_a, reasons, appeal_info)
    assert set(caught.value.errors) == missing
    app.refresh_from_db()
    assert (app.status, app.decided_at) == (Status.IN_REVIEW, None)
    assert StepInstance.objects.get(application=app, position=1).completed_at is None


def test_it_refuses_in_writing_with_reasons_and_how_to_appeal(
    make_case: Any, approver_a: Any
) -> None:
    app = make_case("in_review")
    app = actions.reject(
        app, approver_a, "  สถานที่ไม่ถูกสุขลักษณะ  ", "อุทธรณ์ต่อผู้ว่าราชการจังหวัดภายใน 30 วัน"
    )
    app.refresh_from_db()
    assert app.status == Status.REJECTED
    assert app.decision_reasons == "สถานที่ไม่ถูกสุขลักษณะ"
    assert app.appeal_info == "อุทธรณ์ต่อผู้ว่าราชการจังหวัดภายใน 30 วัน"
    assert app.decided_at == MONDAY_MORNING
    step = StepInstance.objects.get(application=app, position=1)
    assert (step.completed_by, step.completed_at) == (approver_a, MONDAY_MORNING)


def test_it_can_refuse_before_consideration(make_case: Any, approver_a: Any) -> None:
    app = actions.reject(make_case("submitted"), approver_a, "ไม่อยู่ในเขตเทศบาล", "อุทธรณ์ภายใน 15 วัน")
    assert app.status == Status.REJECTED
    assert not StepInstance.objects.filter(application=app).exists()


def test_it_refuses_reasons_that_are_too_long(make_case: Any, approver_a: Any) -> None:
    app = make_case("in_review")
    with pytest.raises(ValidationFailed) as caught:
        actions.reject(app, approver_a, "ก" * 4001, "อุทธรณ์ภายใน 15 วัน")
    assert "reasons" in caught.value.errors


def test_it_closes_a_decided_case(make_case: Any, clerk_a: Any) -> None:
    app = actions.close(make_case("rejected"), clerk_a)
    app.refresh_from_db()
    assert (app.status, app.closed_at) == (Status.CLOSED, MONDAY_MORNING)
