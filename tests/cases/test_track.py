"""Public track and trace: status and dates by number, nothing personal."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.cases import access, actions
from eservice.cases.states import Status
from eservice.core import tracking
from eservice.core.errors import NotFound
from tests.factories import REQUESTED_DOCUMENT, bangkok, personal_data


def _typo(number: str) -> str:
    """Return the number with its fifth symbol mistyped."""
    wrong = next(ch for ch in tracking.ALPHABET if ch != number[4])
    return number[:4] + wrong + number[5:]


def test_it_shows_status_dates_and_history(make_case: Any, clerk_a: Any) -> None:
    app = make_case("checking")
    view = access.track(tracking.display(app.tracking_number).lower())

    assert view.number == app.tracking_number
    assert view.status == Status.CHECKING
    assert view.service_name_en == "Food shop licence (restaurant)"
    assert view.agency_name_th == "เทศบาลนครเชียงใหม่"
    assert view.submitted_at == app.submitted_at
    assert view.expected_by == app.due_at == bangkok(2026, 3, 19, 16, 30)
    assert (view.paused, view.overdue, view.decided_at) == (False, False, None)
    assert [e.status for e in view.timeline] == ["submitted", "checking"]


def test_it_shows_no_personal_data(make_case: Any, applicant: Any, clerk_a: Any) -> None:
    app = make_case("checking")
    actions.add_note(app, clerk_a, "โทรหาคุณสมชายที่ 081-234-5678 แล้ว")
    app = actions.request_documents(
        app, clerk_a, [{"code": REQUESTED_DOCUMENT}], note="ทะเบียนบ้านของสมชาย ใจดี ไม่ชัด"
    )

    shown = repr(access.track(app.tracking_number))

    secrets = [
        *personal_data(app, clerk_a),
        "เจ้าหน้าที่",
        *(str(value) for value in app.answers.values() if not isinstance(value, bool)),
    ]
    for secret in secrets:
        assert secret not in shown, secret


def test_it_says_when_the_clock_is_paused(make_case: Any) -> None:
    view = access.track(make_case("returned").tracking_number)
    assert view.status == Status.RETURNED
    assert view.paused is True
    assert view.expected_by is None
    assert "paused" in view.explanation or "หยุด" in view.explanation


def test_it_shows_the_decision_without_a_deadline(make_case: Any) -> None:
    app = make_case("approved")
    view = access.track(app.tracking_number)
    assert (view.status, view.expected_by, view.decided_at) == (
        Status.APPROVED,
        None,
        app.decided_at,
    )
    assert [e.status for e in view.timeline][-1] == "approved"


def test_it_flags_an_overdue_case(make_case: Any, clock: Any) -> None:
    app = make_case("submitted")
    clock.set(bangkok(2026, 3, 20, 9, 0))
    assert access.track(app.tracking_number).overdue is True


def test_it_rejects_a_mistyped_number_without_touching_the_database(
    make_case: Any, django_assert_num_queries: Any
) -> None:
    app = make_case("submitted")
    with django_assert_num_queries(0), pytest.raises(access.Mistyped) as caught:
        access.track(_typo(app.tracking_number))
    assert caught.value.code == "mistyped"
    with django_assert_num_queries(0), pytest.raises(access.Mistyped):
        access.track("7K3M-XQ9P")  # too short


def test_it_says_not_found_for_a_well_formed_unknown_number(db: None) -> None:
    number = tracking.generate()
    with pytest.raises(NotFound) as caught:
        access.track(number)
    assert not isinstance(caught.value, access.Mistyped)
