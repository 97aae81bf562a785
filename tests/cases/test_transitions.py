"""Every transition of cases.states.TRANSITIONS, from every state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eservice.audit.models import AuditEvent
from eservice.cases import actions
from eservice.cases.models import Application, TimelineEvent
from eservice.cases.states import TRANSITIONS, Status
from eservice.core.errors import InvalidTransition
from tests.factories import MONDAY_MORNING, REQUESTED_DOCUMENT, advance_to_last_step, pdf_upload

STATES = [s.value for s in Status]


@pytest.fixture
def perform(
    applicant: Any, clerk_a: Any, reviewer_a: Any, approver_a: Any
) -> Callable[[str, Application], tuple[Application, Any]]:
    """Return ``perform(action, app)``: take the action as the right person with valid input.

    Returns the application and the person who acted.
    """

    def run(action: str, app: Application) -> tuple[Application, Any]:
        if action == "submit":
            return actions.submit(app, applicant), applicant
        if action == "start_check":
            return actions.start_check(app, clerk_a), clerk_a
        if action == "request_documents":
            items = [{"code": REQUESTED_DOCUMENT}]
            return actions.request_documents(app, clerk_a, items, note="ขอสำเนาใหม่"), clerk_a
        if action == "resubmit":
            if app.status == Status.RETURNED:
                actions.upload_document(app, applicant, REQUESTED_DOCUMENT, pdf_upload())
            return actions.resubmit(app, applicant, "ส่งเอกสารแล้ว"), applicant
        if action == "accept_documents":
            return actions.accept_documents(app, clerk_a), clerk_a
        if action == "complete_step":
            return actions.complete_step(app, approver_a, "ตรวจแล้ว"), approver_a
        if action == "approve":
            if app.status == Status.IN_REVIEW:
                app = advance_to_last_step(app, clerk=clerk_a, reviewer=reviewer_a)
            return actions.approve(app, approver_a, "อนุญาต"), approver_a
        if action == "reject":
            return actions.reject(app, approver_a, "ไม่ผ่านการตรวจ", "อุทธรณ์ภายใน 15 วัน"), approver_a
        if action == "withdraw":
            return actions.withdraw(app, applicant, "ไม่ประสงค์ดำเนินการต่อ"), applicant
        if action == "close":
            return actions.close(app, clerk_a), clerk_a
        raise AssertionError(action)

    return run


ALLOWED = [
    (action, source) for action, (sources, _) in TRANSITIONS.items() for source in sorted(sources)
]
REFUSED = [
    (action, state)
    for action, (sources, _) in TRANSITIONS.items()
    for state in STATES
    if state not in sources
]


def test_it_covers_every_state_and_action() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(TRANSITIONS) * len(Status)
    assert set(TRANSITIONS) == {
        "submit",
        "start_check",
        "request_documents",
        "resubmit",
        "accept_documents",
        "complete_step",
        "approve",
        "reject",
        "withdraw",
        "close",
    }


# Refusing a case that waits for documents needs its deadline to have passed:
# tests/cases/test_documents_request.py covers it with the clock moved on.
@pytest.mark.parametrize(("action", "source"), [a for a in ALLOWED if a != ("reject", "returned")])
def test_it_allows_the_transition_from_its_sources(
    make_case: Any, perform: Any, action: str, source: str
) -> None:
    app = make_case(source)
    app, actor = perform(action, app)
    before_status = app.status  # after any preparation the helper needed

    target = TRANSITIONS[action][1]
    app.refresh_from_db()
    assert app.status == target == before_status

    event = TimelineEvent.objects.filter(application=app, action=action).latest("id")
    assert event.actor == actor
    assert event.at == MONDAY_MORNING
    if action == "complete_step":
        # The status stays "in review"; the entry says which step was done.
        assert (event.kind, event.step_position) == ("step_done", 1)
    else:
        assert (event.kind, event.from_status, event.to_status) == ("transition", source, target)
    audit = AuditEvent.objects.filter(action=f"case.{action}", object_id=str(app.public_id))
    assert audit.latest("seq").actor == actor.username
    assert audit.latest("seq").data["status"] == target


@pytest.mark.parametrize(("action", "state"), [r for r in REFUSED if r[0] != "submit"])
def test_it_refuses_the_transition_from_every_other_state(
    make_case: Any, perform: Any, action: str, state: str
) -> None:
    app = make_case(state)
    events, audits = TimelineEvent.objects.count(), AuditEvent.objects.count()
    snapshot = Application.objects.values().get(pk=app.pk)

    with pytest.raises(InvalidTransition):
        perform(action, app)

    assert Application.objects.values().get(pk=app.pk) == snapshot
    assert TimelineEvent.objects.count() == events
    # Preparation the helper did (an upload) may be audited, but not the action.
    assert not AuditEvent.objects.filter(
        action=f"case.{action}", object_id=str(app.public_id), seq__gt=audits
    ).exists()


@pytest.mark.parametrize("state", [s for s in STATES if s != Status.DRAFT])
def test_it_treats_submit_after_submission_as_a_retry_that_changes_nothing(
    make_case: Any, perform: Any, state: str
) -> None:
    app = make_case(state)
    events, audits = TimelineEvent.objects.count(), AuditEvent.objects.count()
    snapshot = Application.objects.values().get(pk=app.pk)

    again, _ = perform("submit", app)

    assert again.pk == app.pk
    assert again.tracking_number == app.tracking_number
    assert Application.objects.values().get(pk=app.pk) == snapshot
    assert (TimelineEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_it_writes_the_whole_history_of_a_case(make_case: Any) -> None:
    app = make_case("closed")
    history = list(
        TimelineEvent.objects.filter(application=app, kind="transition").values_list(
            "action", "from_status", "to_status"
        )
    )
    assert history == [
        ("submit", "draft", "submitted"),
        ("start_check", "submitted", "checking"),
        ("accept_documents", "checking", "in_review"),
        ("approve", "in_review", "approved"),
        ("close", "approved", "closed"),
    ]
    steps_done = TimelineEvent.objects.filter(application=app, kind="step_done")
    assert list(steps_done.values_list("step_position", flat=True)) == [1, 2]
