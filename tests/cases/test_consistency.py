"""Cases written around the actions are found by `eservice check-cases`, and refused clearly.

The demo once bulk-loaded cases "under consideration" at step 1 without the
step's record: completing the step or refusing them answered 500, so they
could never be decided. Every state the actions leave keeps the rules; a state
they cannot reach is named by the checker and refused by the next action.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eservice.cases import actions
from eservice.cases.consistency import check
from eservice.cases.models import Application, StepInstance
from eservice.core.errors import InvalidTransition
from tests.factories import case_in

STATES = [
    "draft",
    "submitted",
    "checking",
    "returned",
    "in_review",
    "approved",
    "rejected",
    "withdrawn",
    "closed",
]


@pytest.fixture
def people(applicant: Any, clerk_a: Any, reviewer_a: Any, approver_a: Any) -> dict[str, Any]:
    return {
        "applicant": applicant,
        "clerk": clerk_a,
        "reviewer": reviewer_a,
        "approver": approver_a,
    }


def _case(status: str, catalog: Any, people: dict[str, Any]) -> Application:
    return case_in(status, service=catalog.food_shop, **people)


def test_every_state_the_actions_reach_keeps_every_rule(
    catalog: Any, people: dict[str, Any]
) -> None:
    for status in STATES:
        _case(status, catalog, people)
    findings = {f.rule: f.count for f in check()}
    assert findings and all(n == 0 for n in findings.values()), findings
    out = StringIO()
    call_command("check_cases", stdout=out)
    assert "All cases keep every rule." in out.getvalue()


def test_a_case_at_a_step_without_its_record_is_named_and_refused_not_a_500(
    catalog: Any, people: dict[str, Any]
) -> None:
    from rest_framework.test import APIClient

    app = _case("in_review", catalog, people)
    StepInstance.objects.filter(application=app).delete()  # as the old demo loader left it
    broken = {f.rule: f for f in check()}[
        "a case under consideration is at a step whose record is open"
    ]
    assert broken.count == 1 and broken.examples == [app.tracking_number]
    with pytest.raises(CommandError):
        call_command("check_cases", stdout=StringIO())
    with pytest.raises(InvalidTransition) as refused:
        actions.reject(app, people["approver"], "เหตุผล", "อุทธรณ์ได้")
    assert "eservice check-cases" in str(refused.value.message)
    # Over the API: a 409 with the reason, not a 500.
    client = APIClient()
    client.force_authenticate(people["reviewer"])
    response = client.post(
        f"/api/v1/cases/{app.tracking_number}/actions/complete_step/", {"note": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("status", "change", "rule"),
    [
        ("draft", {"tracking_number": "ABCD1234EFGH5"}, "a draft has no tracking number"),
        ("in_review", {"due_at": None}, "a case the agency must act on has a due time"),
        ("rejected", {"appeal_info": ""}, "a refusal gives its reasons and how to appeal"),
        ("withdrawn", {"closed_at": None}, "a withdrawn or closed case has its closing time"),
        ("submitted", {"status": "in_review"}, "the timeline's last change leads to"),
    ],
)
def test_each_rule_names_a_case_that_breaks_it(
    catalog: Any, people: dict[str, Any], status: str, change: dict[str, Any], rule: str
) -> None:
    app = _case(status, catalog, people)
    Application.objects.filter(pk=app.pk).update(**change)
    broken = [f for f in check() if f.count]
    assert any(f.rule.startswith(rule) for f in broken), [f.rule for f in broken]
