"""Who may call each endpoint of an application: its owner, its agency's officers, nobody else.

Anyone else gets the same 404 as for an application that does not exist, so
ids cannot be probed; a client without a token gets DRF's 401.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from eservice.cases import actions
from eservice.cases.models import Application, TimelineEvent
from eservice.core import tracking
from eservice.documents.models import EvidenceFile
from eservice.documents.services import evidence_for
from tests.factories import (
    AGENCY_A,
    AGENCY_B,
    REQUESTED_DOCUMENT,
    UNKNOWN_UUID,
    draft_application,
    mistyped_number,
    pdf_upload,
    unknown_number,
    valid_answers,
)

API = "/api/v1"


def _file_id(app: Application) -> str:
    return str(evidence_for(app.pk).order_by("id").first().public_id)


def _snapshot(app: Application) -> tuple[Any, ...]:
    """Return everything a refused request must leave as it was."""
    return (
        Application.objects.filter(pk=app.pk).values().first(),
        list(TimelineEvent.objects.filter(application_id=app.pk).values_list("id", flat=True)),
        list(EvidenceFile.objects.filter(application_id=app.pk).values_list("id", flat=True)),
    )


def _status(app: Application) -> str | None:
    return Application.objects.filter(pk=app.pk).values_list("status", flat=True).first()


@dataclass(frozen=True)
class Call:
    state: str
    method: str
    path: str  # formatted with id, number and file
    data: Callable[[], Any] = dict
    format: str = "json"
    ok: int = 200


def _send(client: APIClient, call: Call, app: Application) -> Any:
    path = API + call.path.format(
        id=app.public_id,
        number=app.tracking_number,
        file=_file_id(app) if "{file}" in call.path else "",
    )
    if call.method == "get":
        return client.get(path)
    if call.method == "delete":
        return client.delete(path)
    return getattr(client, call.method)(path, call.data(), format=call.format)


# --- applications ---------------------------------------------------------------------

APPLICATION_CALLS: dict[str, Call] = {
    "retrieve": Call("submitted", "get", "/applications/{id}/"),
    "patch": Call(
        "draft",
        "patch",
        "/applications/{id}/",
        lambda: {"answers": {**valid_answers("food-shop-licence"), "seats": 12}},
    ),
    "delete": Call("draft", "delete", "/applications/{id}/", ok=204),
    "upload": Call(
        "draft",
        "post",
        "/applications/{id}/documents/",
        lambda: {"requirement": "building-consent", "file": pdf_upload("consent.pdf")},
        format="multipart",
        ok=201,
    ),
    "remove_document": Call("draft", "delete", "/applications/{id}/documents/{file}/", ok=204),
    "submit": Call("draft", "post", "/applications/{id}/submit/"),
    "resubmit": Call(
        "returned_ready", "post", "/applications/{id}/resubmit/", lambda: {"note": "ส่งแล้ว"}
    ),
    "withdraw": Call(
        "submitted", "post", "/applications/{id}/withdraw/", lambda: {"reason": "เปลี่ยนใจ"}
    ),
}

OWNER_RESULT: dict[str, Callable[[Application], bool]] = {
    "retrieve": lambda app: _status(app) == "submitted",
    "patch": lambda app: Application.objects.get(pk=app.pk).answers["seats"] == 12,
    "delete": lambda app: _status(app) is None,
    "upload": lambda app: evidence_for(app.pk).filter(requirement_code="building-consent").exists(),
    "remove_document": lambda app: evidence_for(app.pk).count() == 1,
    "submit": lambda app: _status(app) == "submitted",
    "resubmit": lambda app: _status(app) == "checking",
    "withdraw": lambda app: _status(app) == "withdrawn",
}


@pytest.mark.parametrize("call", list(APPLICATION_CALLS))
def test_it_serves_each_application_endpoint_to_the_owner(
    case_at: Any, api: Any, call: str
) -> None:
    spec = APPLICATION_CALLS[call]
    app = case_at(spec.state)

    response = _send(api("applicant"), spec, app)

    assert response.status_code == spec.ok, response.content
    if spec.ok == 200:
        assert response.json()["id"] == str(app.public_id)
    assert OWNER_RESULT[call](app)


@pytest.mark.parametrize("persona", ["other_applicant", "clerk_a", "approver_b"])
@pytest.mark.parametrize("call", list(APPLICATION_CALLS))
def test_it_answers_404_on_application_endpoints_to_anyone_but_the_owner(
    case_at: Any, api: Any, call: str, persona: str
) -> None:
    spec = APPLICATION_CALLS[call]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = _send(api(persona), spec, app)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _snapshot(app) == before


@pytest.mark.parametrize("call", list(APPLICATION_CALLS))
def test_it_answers_401_on_application_endpoints_without_a_token(
    case_at: Any, api: Any, call: str
) -> None:
    spec = APPLICATION_CALLS[call]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = _send(api(None), spec, app)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    ("persona", "listed"),
    [("applicant", True), ("other_applicant", False), ("clerk_a", False), ("approver_b", False)],
)
def test_it_lists_an_application_only_for_its_owner(
    make_case: Any, api: Any, persona: str, listed: bool
) -> None:
    app = make_case("submitted")
    response = api(persona).get(f"{API}/applications/")
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["results"]]
    assert (str(app.public_id) in ids) is listed


def test_it_answers_401_on_the_application_list_without_a_token(api: Any) -> None:
    response = api(None).get(f"{API}/applications/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_answers_401_to_an_unknown_token(catalog: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(f"{API}/applications/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# --- cases ---------------------------------------------------------------------------


def test_it_shows_the_case_in_the_queue_of_its_agencys_officers(make_case: Any, api: Any) -> None:
    app = make_case("submitted")
    response = api("clerk_a").get(f"{API}/cases/", {"agency": AGENCY_A})
    assert response.status_code == 200
    assert [c["tracking_number"] for c in response.json()["results"]] == [app.tracking_number]


@pytest.mark.parametrize("persona", ["applicant", "other_applicant", "approver_b"])
def test_it_answers_404_for_agency_as_queue_to_anyone_outside_it(
    make_case: Any, api: Any, persona: str
) -> None:
    make_case("submitted")
    response = api(persona).get(f"{API}/cases/", {"agency": AGENCY_A})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_keeps_agency_as_cases_out_of_agency_bs_own_queue(make_case: Any, api: Any) -> None:
    make_case("submitted")
    response = api("approver_b").get(f"{API}/cases/", {"agency": AGENCY_B})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_it_answers_404_for_a_queue_to_someone_who_is_no_officer(make_case: Any, api: Any) -> None:
    make_case("submitted")
    response = api("applicant").get(f"{API}/cases/")
    assert response.status_code == 404


def test_it_answers_401_on_the_queue_without_a_token(make_case: Any, api: Any) -> None:
    make_case("submitted")
    response = api(None).get(f"{API}/cases/", {"agency": AGENCY_A})
    assert response.status_code == 401


def test_it_shows_the_case_to_an_officer_of_its_agency(make_case: Any, api: Any) -> None:
    app = make_case("submitted")
    response = api("clerk_a").get(f"{API}/cases/{app.tracking_number}/")
    assert response.status_code == 200
    assert response.json()["tracking_number"] == app.tracking_number


@pytest.mark.parametrize("persona", ["applicant", "other_applicant", "approver_b"])
def test_it_answers_404_for_a_case_to_anyone_outside_its_agency(
    make_case: Any, api: Any, persona: str
) -> None:
    app = make_case("submitted")
    response = api(persona).get(f"{API}/cases/{app.tracking_number}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_answers_401_for_a_case_without_a_token(make_case: Any, api: Any) -> None:
    app = make_case("submitted")
    assert api(None).get(f"{API}/cases/{app.tracking_number}/").status_code == 401


@dataclass(frozen=True)
class Action:
    state: str
    officer: str  # an officer of agency A whose role allows the action
    body: dict[str, Any] = field(default_factory=dict)


ACTIONS: dict[str, Action] = {
    "start_check": Action("submitted", "clerk_a"),
    "request_documents": Action(
        "checking", "clerk_a", {"items": [{"code": REQUESTED_DOCUMENT}], "note": "สำเนาไม่ชัด"}
    ),
    "accept_documents": Action("checking", "clerk_a"),
    "complete_step": Action("in_review", "clerk_a", {"note": "ครบถ้วน"}),
    "approve": Action("last_step", "approver_a", {"reasons": "อนุญาต"}),
    "reject": Action(
        "in_review", "approver_a", {"reasons": "ไม่ถูกสุขลักษณะ", "appeal_info": "อุทธรณ์ได้"}
    ),
    "close": Action("approved", "clerk_a"),
    "assign": Action("submitted", "clerk_a", {"assignee": "reviewer_a"}),
    "note": Action("checking", "clerk_a", {"text": "โทรแจ้งแล้ว"}),
}


def _act(client: APIClient, app: Application, action: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/cases/{app.tracking_number}/actions/{action}/", body, format="json")


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_lets_an_officer_of_the_agency_take_each_action(
    case_at: Any, api: Any, action: str
) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    events = TimelineEvent.objects.filter(application_id=app.pk).count()

    response = _act(api(spec.officer), app, action, spec.body)

    assert response.status_code == 200, response.content
    assert response.json()["tracking_number"] == app.tracking_number
    assert TimelineEvent.objects.filter(application_id=app.pk).count() > events


@pytest.mark.parametrize("persona", ["applicant", "other_applicant", "approver_b"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_answers_404_to_an_action_by_anyone_outside_the_agency(
    case_at: Any, api: Any, action: str, persona: str
) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = _act(api(persona), app, action, spec.body)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _snapshot(app) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_answers_401_to_an_action_without_a_token(case_at: Any, api: Any, action: str) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = _act(api(None), app, action, spec.body)

    assert response.status_code == 401
    assert _snapshot(app) == before


# --- a role too low ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state", "officer", "body"),
    [
        ("approve", "last_step", "clerk_a", {"reasons": "อนุญาต"}),
        ("approve", "last_step", "reviewer_a", {"reasons": "อนุญาต"}),
        ("reject", "in_review", "clerk_a", {"reasons": "ไม่ผ่าน", "appeal_info": "อุทธรณ์ได้"}),
    ],
)
def test_it_answers_403_to_an_officer_whose_role_is_too_low(
    case_at: Any, api: Any, action: str, state: str, officer: str, body: dict[str, Any]
) -> None:
    app = case_at(state)
    before = _snapshot(app)

    response = _act(api(officer, HTTP_ACCEPT_LANGUAGE="en"), app, action, body)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role in this agency does not allow this action.",
        "code": "forbidden",
    }
    assert _snapshot(app) == before


# --- malformed and unknown ids -------------------------------------------------------


PROBES = [
    ("get", "/applications/not-a-uuid/"),
    ("patch", "/applications/not-a-uuid/"),
    ("delete", "/applications/8f14e45f-ceea-467f-a0e6/"),
    ("get", f"/applications/{UNKNOWN_UUID}/"),
    ("patch", f"/applications/{UNKNOWN_UUID}/"),
    ("delete", f"/applications/{UNKNOWN_UUID}/"),
    ("post", "/applications/not-a-uuid/submit/"),
    ("post", f"/applications/{UNKNOWN_UUID}/submit/"),
    ("post", "/applications/not-a-uuid/withdraw/"),
    ("post", f"/applications/{UNKNOWN_UUID}/resubmit/"),
    ("post", "/applications/%E0%B8%81/documents/"),
    ("delete", "/applications/{id}/documents/not-a-uuid/"),
    ("delete", "/applications/{id}/documents/" + UNKNOWN_UUID + "/"),
    ("get", "/cases/not-a-number/"),
    ("get", "/cases/%E0%B8%81%E0%B8%82/"),
    ("get", "/cases/" + "A" * 500 + "/"),
    ("get", "/cases/{mistyped}/"),
    ("get", "/cases/{unknown}/"),
    ("post", "/cases/not-a-number/actions/approve/"),
    ("post", "/cases/{mistyped}/actions/start_check/"),
    ("post", "/cases/{unknown}/actions/note/"),
    ("post", "/cases/{number}/actions/launch_rockets/"),
    ("get", "/cases/?agency=no-such-agency"),
]


@pytest.mark.parametrize(("method", "path"), PROBES)
@pytest.mark.parametrize("persona", ["applicant", "approver_a"])
def test_it_answers_a_json_404_to_a_malformed_or_unknown_id(
    make_case: Any, api: Any, persona: str, method: str, path: str
) -> None:
    app = make_case("submitted")
    before = _snapshot(app)
    url = API + path.format(
        id=app.public_id,
        number=app.tracking_number,
        mistyped=mistyped_number(app.tracking_number),
        unknown=unknown_number(),
    )
    client = api(persona)
    if method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, {}, format="json")
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert _snapshot(app) == before


def test_it_accepts_a_tracking_number_in_lower_case_with_hyphens(make_case: Any, api: Any) -> None:
    app = make_case("submitted")
    number = tracking.display(app.tracking_number).lower()
    response = api("clerk_a").get(f"{API}/cases/{number}/")
    assert response.status_code == 200
    assert response.json()["tracking_number"] == app.tracking_number


def test_it_does_not_remove_another_applications_file_under_ones_own(
    make_case: Any, catalog: Any, other_applicant: Any, api: Any
) -> None:
    mine = make_case("draft")
    theirs = draft_application(other_applicant, catalog.food_shop)
    actions.upload_document(theirs, other_applicant, "id-card", pdf_upload())
    before = _snapshot(theirs)

    response = api("applicant").delete(
        f"{API}/applications/{mine.public_id}/documents/{_file_id(theirs)}/"
    )

    assert response.status_code == 404
    assert _snapshot(theirs) == before
