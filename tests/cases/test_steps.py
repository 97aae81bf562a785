"""Consideration runs through the manual's steps, each with its role and time limit."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.cases import actions
from eservice.cases.models import StepInstance, TimelineEvent
from eservice.cases.states import Status
from eservice.core.errors import Forbidden, InvalidTransition
from tests.factories import bangkok, submitted_application


@pytest.fixture
def submitted(catalog: Any, applicant: Any, clock: Any) -> Any:
    clock.set(bangkok(2026, 6, 15, 9, 0))  # Monday; agency A is closed on Friday 19 June
    return submitted_application(applicant, catalog.food_shop)


def test_it_starts_the_first_step_when_documents_are_accepted(
    submitted: Any, clerk_a: Any, clock: Any
) -> None:
    now = clock.set(bangkok(2026, 6, 16, 11, 0))
    app = actions.accept_documents(submitted, clerk_a)

    assert app.status == Status.IN_REVIEW
    assert app.current_step == 1
    assert app.assigned_to == clerk_a
    [step] = StepInstance.objects.filter(application=app)
    assert (step.position, step.step.role, step.started_at) == (1, "clerk", now)
    assert step.due_at == bangkok(2026, 6, 17, 16, 30)  # 1 working day
    assert step.completed_at is None


def test_it_moves_to_the_next_step_with_its_own_deadline(
    submitted: Any, clerk_a: Any, reviewer_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 6, 16, 11, 0))
    app = actions.accept_documents(submitted, clerk_a)
    done_at = clock.set(bangkok(2026, 6, 17, 10, 0))

    app = actions.complete_step(app, clerk_a, "เอกสารครบ")

    assert app.current_step == 2
    first, second = StepInstance.objects.filter(application=app).order_by("position")
    assert (first.completed_at, first.completed_by, first.note) == (done_at, clerk_a, "เอกสารครบ")
    assert second.started_at == done_at
    # 5 working days on agency A's calendar: Thu 18, (Fri 19 off), Mon 22 ... Thu 25.
    assert second.due_at == bangkok(2026, 6, 25, 16, 30)
    event = TimelineEvent.objects.get(application=app, kind="step_done")
    assert (event.actor, event.step_position, event.text) == (clerk_a, 1, "เอกสารครบ")


def test_it_lets_only_the_steps_role_or_higher_complete_it(
    submitted: Any, clerk_a: Any, reviewer_a: Any, approver_a: Any
) -> None:
    app = actions.accept_documents(submitted, clerk_a)
    app = actions.complete_step(app, reviewer_a)  # a reviewer may do a clerk's step
    assert app.current_step == 2

    with pytest.raises(Forbidden):
        actions.complete_step(app, clerk_a, "ผ่าน")

    assert StepInstance.objects.get(application=app, position=2).completed_at is None
    app.refresh_from_db()
    assert app.current_step == 2
    assert not TimelineEvent.objects.filter(application=app, step_position=2).exists()
    app = actions.complete_step(app, reviewer_a, "สถานที่ผ่านการตรวจ")
    assert app.current_step == 3
    assert StepInstance.objects.get(application=app, position=3).step.role == "approver"


def test_it_ends_the_last_step_only_with_a_decision(
    submitted: Any, clerk_a: Any, reviewer_a: Any, approver_a: Any
) -> None:
    app = actions.accept_documents(submitted, clerk_a)
    app = actions.complete_step(app, clerk_a)
    app = actions.complete_step(app, reviewer_a)

    with pytest.raises(InvalidTransition):
        actions.complete_step(app, approver_a)
    assert StepInstance.objects.filter(application=app).count() == 3

    app = actions.approve(app, approver_a, "อนุญาตตามคำขอ")
    last = StepInstance.objects.get(application=app, position=3)
    assert (last.completed_by, last.note) == (approver_a, "อนุญาตตามคำขอ")
    assert last.completed_at is not None


def test_it_has_no_step_to_complete_before_documents_are_accepted(
    submitted: Any, clerk_a: Any
) -> None:
    with pytest.raises(InvalidTransition):
        actions.complete_step(submitted, clerk_a)


def test_it_counts_step_limits_in_hours(
    catalog: Any, applicant: Any, clerk_b: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 6, 18, 15, 0))
    app = submitted_application(applicant, catalog.house_copy)
    clock.set(bangkok(2026, 6, 18, 15, 30))
    app = actions.accept_documents(app, clerk_b)
    assert app.steps.get(position=1).due_at == bangkok(2026, 6, 18, 16, 30)
    clock.set(bangkok(2026, 6, 18, 16, 15))
    app = actions.complete_step(app, clerk_b)
    # 15 minutes on Thursday, 45 on Friday (agency B works on 19 June).
    assert app.steps.get(position=2).due_at == bangkok(2026, 6, 19, 9, 15)
