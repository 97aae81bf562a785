"""The back office over the API: the queue, and each action as the case's timeline shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from eservice.cases import actions
from eservice.catalog.models import Service
from tests.factories import (
    AGENCY_A,
    RENEWAL,
    REQUESTED_DOCUMENT,
    pdf_upload,
    submitted_application,
)

API = "/api/v1"


@pytest.fixture
def cases(queue_cases: dict[str, Any]) -> dict[str, str]:
    """Tracking numbers of the queue's cases (the draft has none)."""
    return {name: app.tracking_number for name, app in queue_cases.items() if app.tracking_number}


def _numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["tracking_number"] for c in response.json()["results"]]


# --- the queue ------------------------------------------------------------------------


def test_it_lists_the_cases_to_act_on_due_soonest_first(cases: dict[str, str], api: Any) -> None:
    # Without a status: the cases whose clock runs; decided, withdrawn, drafts and
    # cases waiting for the applicant's documents are not in it (docs/api.md).
    response = api("clerk_a").get(f"{API}/cases/")

    assert _numbers(response) == [cases["renewal"], cases["oldest"], cases["in_review"]]
    by_number = {c["tracking_number"]: c for c in response.json()["results"]}
    assert by_number[cases["renewal"]]["overdue"] is True
    assert by_number[cases["renewal"]]["assigned_to"] == "clerk_a"
    assert by_number[cases["oldest"]]["assigned_to"] is None
    assert by_number[cases["in_review"]]["current_step"] == 1
    assert by_number[cases["oldest"]]["service"]["code"] == "food-shop-licence"
    assert by_number[cases["oldest"]]["status_label"] == "ยื่นคำขอแล้ว"


def test_it_lists_the_cases_waiting_for_documents_as_paused(
    cases: dict[str, str], api: Any
) -> None:
    response = api("clerk_a").get(f"{API}/cases/", {"status": "returned"})

    assert _numbers(response) == [cases["returned"]]
    (case,) = response.json()["results"]
    assert (case["paused"], case["due_at"], case["overdue"]) == (True, None, False)


def test_it_never_lists_drafts(cases: dict[str, str], api: Any) -> None:
    response = api("clerk_a").get(f"{API}/cases/", {"status": "draft"})
    assert _numbers(response) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "returned"}, ["returned"]),
        ({"status": "approved"}, ["approved"]),
        ({"status": "withdrawn"}, ["withdrawn"]),
        ({"service": RENEWAL}, ["renewal"]),
        ({"overdue": "true"}, ["renewal"]),
        ({"mine": "true"}, ["renewal"]),
        ({"agency": AGENCY_A, "service": "food-shop-licence"}, ["oldest", "in_review"]),
        ({"status": "returned", "service": "food-shop-licence"}, ["returned"]),
        ({"status": "checking", "mine": "true"}, ["renewal"]),
        ({"status": "submitted"}, ["oldest"]),
    ],
)
def test_it_filters_the_queue(
    cases: dict[str, str], api: Any, query: dict[str, str], expected: list[str]
) -> None:
    response = api("clerk_a").get(f"{API}/cases/", query)
    assert _numbers(response) == [cases[name] for name in expected]


def test_it_shows_each_officer_their_own_cases(cases: dict[str, str], api: Any) -> None:
    response = api("reviewer_a").get(f"{API}/cases/", {"mine": "true"})
    assert _numbers(response) == [cases["in_review"]]


def test_it_pages_the_queue(cases: dict[str, str], api: Any) -> None:
    response = api("clerk_a").get(f"{API}/cases/", {"limit": 2, "offset": 1})
    body = response.json()
    assert body["count"] == 3
    assert _numbers(response) == [cases["oldest"], cases["in_review"]]
    assert body["next"] is None
    assert body["previous"] is not None


def test_it_names_a_wrong_filter(cases: dict[str, str], api: Any) -> None:
    response = api("clerk_a", HTTP_ACCEPT_LANGUAGE="en").get(
        f"{API}/cases/", {"status": "lost", "overdue": "perhaps"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"status", "overdue"}


# --- a fixed number of queries -----------------------------------------------------------


def _count_queries(client: APIClient, path: str, expected: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] == expected
    return len(queries)


def _more_cases(
    n: int, *, applicants: list[Any], services: list[Any], clerk: Any, reviewer: Any
) -> None:
    """Submit ``n`` cases of varied applicants and services; take some of them."""
    for i in range(n):
        app = submitted_application(applicants[i % len(applicants)], services[i % len(services)])
        if i % 3 == 1:
            actions.start_check(app, clerk)
        elif i % 3 == 2:
            actions.assign(app, clerk, reviewer)


def test_it_reads_the_queue_with_as_many_queries_for_30_cases_as_for_3(
    catalog: Any,
    renewal: Service,
    applicant: Any,
    other_applicant: Any,
    clerk_a: Any,
    reviewer_a: Any,
    api: Any,
    monday: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def more(n: int) -> None:
        _more_cases(
            n,
            applicants=[applicant, other_applicant],
            services=[catalog.food_shop, renewal],
            clerk=clerk_a,
            reviewer=reviewer_a,
        )

    client = api("clerk_a")
    path = f"{API}/cases/?agency={AGENCY_A}"
    more(3)
    few = _count_queries(client, path, 3)
    more(27)

    with django_assert_max_num_queries(few):
        many = _count_queries(client, path, 30)

    assert many == few


def test_it_lists_my_applications_with_as_many_queries_for_30_as_for_3(
    catalog: Any,
    renewal: Service,
    company_rep: Any,
    company: Any,
    api: Any,
    monday: Any,
    django_assert_max_num_queries: Any,
) -> None:
    services = [catalog.food_shop, catalog.house_copy, renewal]

    def more(n: int) -> None:
        for i in range(n):
            submitted_application(
                company_rep, services[i % 3], on_behalf_of=company if i % 2 else None
            )

    client = api("company_rep")
    path = f"{API}/applications/"
    more(3)
    few = _count_queries(client, path, 3)
    more(27)

    with django_assert_max_num_queries(few):
        many = _count_queries(client, path, 30)

    assert many == few


# --- the actions and the timeline -------------------------------------------------------


@dataclass(frozen=True)
class Step:
    state: str
    officer: str
    body: dict[str, Any] = field(default_factory=dict)
    # What the case detail shows afterwards: its status and the last timeline entry.
    status: str = ""
    event: dict[str, Any] = field(default_factory=dict)
    check: Callable[[dict[str, Any]], bool] = lambda case: True


ACTIONS: dict[str, Step] = {
    "start_check": Step(
        "submitted",
        "clerk_a",
        status="checking",
        event={"kind": "transition", "from_status": "submitted", "to_status": "checking"},
        check=lambda case: case["assigned_to"]["username"] == "clerk_a",
    ),
    "request_documents": Step(
        "checking",
        "clerk_a",
        {"items": [{"code": REQUESTED_DOCUMENT}], "note": "สำเนาไม่ชัด", "respond_within_days": 5},
        status="returned",
        event={"kind": "transition", "to_status": "returned", "text": "สำเนาไม่ชัด"},
        check=lambda case: (
            case["paused"] is True
            and case["due_at"] is None
            and [i["code"] for i in case["document_request"]["items"]] == [REQUESTED_DOCUMENT]
        ),
    ),
    "accept_documents": Step(
        "checking",
        "clerk_a",
        status="in_review",
        event={"kind": "transition", "to_status": "in_review"},
        check=lambda case: case["current_step"] == 1 and case["steps"][0]["started_at"] is not None,
    ),
    "complete_step": Step(
        "in_review",
        "clerk_a",
        {"note": "ครบถ้วน"},
        status="in_review",
        event={"kind": "step_done", "step_position": 1, "text": "ครบถ้วน"},
        check=lambda case: (
            case["current_step"] == 2 and case["steps"][0]["completed_by"] == "clerk_a"
        ),
    ),
    "approve": Step(
        "last_step",
        "approver_a",
        {"reasons": "อนุญาตตามคำขอ"},
        status="approved",
        event={"kind": "transition", "to_status": "approved", "text": "อนุญาตตามคำขอ"},
        check=lambda case: case["decision"]["result"] == "approved",
    ),
    "reject": Step(
        "in_review",
        "approver_a",
        {"reasons": "ไม่ถูกสุขลักษณะ", "appeal_info": "อุทธรณ์ได้ภายใน 30 วัน"},
        status="rejected",
        event={"kind": "transition", "to_status": "rejected"},
        check=lambda case: case["decision"]["appeal_info"] == "อุทธรณ์ได้ภายใน 30 วัน",
    ),
    "close": Step(
        "approved",
        "clerk_a",
        status="closed",
        event={"kind": "transition", "from_status": "approved", "to_status": "closed"},
        check=lambda case: case["closed_at"] is not None,
    ),
    "assign": Step(
        "submitted",
        "clerk_a",
        {"assignee": "reviewer_a"},
        status="submitted",
        event={"kind": "assigned", "internal": True},
        check=lambda case: case["assigned_to"]["username"] == "reviewer_a",
    ),
    "note": Step(
        "checking",
        "clerk_a",
        {"text": "โทรแจ้งผู้ยื่นแล้ว"},
        status="checking",
        event={"kind": "note", "internal": True, "text": "โทรแจ้งผู้ยื่นแล้ว"},
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_takes_each_action_and_shows_it_in_the_case_timeline(
    case_at: Any, api: Any, action: str
) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    client = api(spec.officer)

    answer = client.post(
        f"{API}/cases/{app.tracking_number}/actions/{action}/", spec.body, format="json"
    )
    case = client.get(f"{API}/cases/{app.tracking_number}/").json()

    assert answer.status_code == 200, answer.content
    assert answer.json() == case
    assert case["status"] == spec.status
    # Approving also issues the document, recorded right after the decision.
    last = [event for event in case["timeline"] if event["action"] != "document_issued"][-1]
    assert last["action"] == action
    assert last["actor"]["username"] == spec.officer
    assert {k: last[k] for k in spec.event} == spec.event
    assert spec.check(case)


def test_it_follows_a_case_from_receipt_to_closing(
    make_case: Any, api: Any, applicant: Any
) -> None:
    app = make_case("submitted")
    case = f"{API}/cases/{app.tracking_number}"
    clerk, reviewer, approver = api("clerk_a"), api("reviewer_a"), api("approver_a")
    owner = api("applicant")

    def act(client: APIClient, action: str, body: dict[str, Any] | None = None) -> None:
        response = client.post(f"{case}/actions/{action}/", body or {}, format="json")
        assert response.status_code == 200, (action, response.content)

    act(clerk, "start_check")
    act(clerk, "request_documents", {"items": [{"code": REQUESTED_DOCUMENT}]})
    owner.post(
        f"{API}/applications/{app.public_id}/documents/",
        {"requirement": REQUESTED_DOCUMENT, "file": pdf_upload("again.pdf")},
        format="multipart",
    )
    assert owner.post(f"{API}/applications/{app.public_id}/resubmit/").status_code == 200
    act(clerk, "accept_documents")
    act(clerk, "complete_step")
    act(reviewer, "complete_step")
    act(approver, "approve")
    act(clerk, "close")

    timeline = clerk.get(f"{case}/").json()["timeline"]
    assert [(e["action"], e["to_status"]) for e in timeline] == [
        ("submit", "submitted"),
        ("start_check", "checking"),
        ("request_documents", "returned"),
        ("resubmit", "checking"),
        ("accept_documents", "in_review"),
        ("complete_step", ""),
        ("complete_step", ""),
        ("approve", "approved"),
        ("document_issued", ""),
        ("close", "closed"),
    ]
    # The applicant sees the same history, without who did it.
    public = owner.get(f"{API}/applications/{app.public_id}/").json()["timeline"]
    assert [e["action"] for e in public] == [e["action"] for e in timeline]
    assert all("actor" not in e for e in public)


def test_it_keeps_internal_notes_from_the_applicant(
    make_case: Any, api: Any, applicant: Any
) -> None:
    app = make_case("checking")
    api("clerk_a").post(
        f"{API}/cases/{app.tracking_number}/actions/note/", {"text": "ภายใน"}, format="json"
    )

    public = api("applicant").get(f"{API}/applications/{app.public_id}/").json()

    assert "ภายใน" not in str(public)
    assert [e["action"] for e in public["timeline"]] == ["submit", "start_check"]


# --- refusals ---------------------------------------------------------------------------


def test_it_refuses_an_action_the_state_does_not_allow(make_case: Any, api: Any) -> None:
    app = make_case("submitted")

    response = api("approver_a", HTTP_ACCEPT_LANGUAGE="en").post(
        f"{API}/cases/{app.tracking_number}/actions/close/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This cannot be done while the application is “Submitted”.",
        "code": "invalid_transition",
    }


def test_it_asks_documents_only_once(make_case: Any, api: Any) -> None:
    app = make_case("returned")
    response = api("clerk_a").post(
        f"{API}/cases/{app.tracking_number}/actions/request_documents/",
        {"items": [{"code": "id-card"}]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_it_names_what_a_refusal_lacks(make_case: Any, api: Any) -> None:
    app = make_case("in_review")
    response = api("approver_a", HTTP_ACCEPT_LANGUAGE="en").post(
        f"{API}/cases/{app.tracking_number}/actions/reject/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reasons": ["This field is required."],
        "appeal_info": ["This field is required."],
    }


def test_it_assigns_only_to_an_officer_of_the_agency(
    make_case: Any, api: Any, clerk_b: Any
) -> None:
    app = make_case("submitted")
    for username in ("clerk_b", "somchai", "nobody"):
        response = api("clerk_a", HTTP_ACCEPT_LANGUAGE="en").post(
            f"{API}/cases/{app.tracking_number}/actions/assign/",
            {"assignee": username},
            format="json",
        )
        assert response.status_code == 400, username
        assert response.json()["errors"] == {"assignee": ["Choose an officer of this agency."]}


def test_it_counts_a_long_queue_only_up_to_the_cap(
    cases: dict[str, str], api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eservice.cases import access

    # Three cases are to act on; with a cap of 1 the count stops at 2 ("more than 1")
    # while the page still lists all three.
    monkeypatch.setattr(access, "QUEUE_COUNT_CAP", 1)
    body = api("clerk_a").get(f"{API}/cases/").json()
    assert body["count"] == 2
    assert len(body["results"]) == 3

    monkeypatch.setattr(access, "QUEUE_COUNT_CAP", 10_000)
    assert api("clerk_a").get(f"{API}/cases/").json()["count"] == 3
