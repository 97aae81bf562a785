"""Who may open each page of an application: its owner, its agency's officers, nobody else.

Anyone else gets the same 404 as for an application that does not exist, so
ids cannot be probed; a visitor who has not signed in is sent to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.test import Client
from django.urls import reverse

from eservice.cases.models import Application, TimelineEvent
from eservice.core import tracking
from eservice.documents.models import EvidenceFile
from eservice.documents.services import evidence_for
from tests.factories import (
    AGENCY_A,
    AGENCY_B,
    REQUESTED_DOCUMENT,
    UNKNOWN_UUID,
    mistyped_number,
    pdf_upload,
    submitted_application,
    unknown_number,
)

LOGIN = reverse("accounts:login")


def _file_id(app: Application) -> str:
    return str(evidence_for(app.pk).order_by("id").first().public_id)


def _applicant_url(name: str) -> Callable[[Application], str]:
    def url(app: Application) -> str:
        kwargs: dict[str, Any] = {"public_id": app.public_id}
        if name == "file":
            kwargs["file_id"] = _file_id(app)
        return reverse(f"cases:{name}", kwargs=kwargs)

    return url


def _officer_url(name: str) -> Callable[[Application], str]:
    def url(app: Application) -> str:
        kwargs: dict[str, Any] = {"number": app.tracking_number}
        if name == "case-file":
            kwargs["file_id"] = _file_id(app)
        return reverse(f"cases:{name}", kwargs=kwargs)

    return url


def _status(app: Application) -> str | None:
    return Application.objects.filter(pk=app.pk).values_list("status", flat=True).first()


def _snapshot(app: Application) -> tuple[Any, ...]:
    """Return everything a refused request must leave as it was."""
    return (
        Application.objects.filter(pk=app.pk).values().first(),
        list(TimelineEvent.objects.filter(application_id=app.pk).values_list("id", flat=True)),
        list(EvidenceFile.objects.filter(application_id=app.pk).values_list("id", flat=True)),
    )


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data) if method == "post" else client.get(url)


def _assert_sent_to_sign_in(response: Any, url: str) -> None:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    assert parse_qs(location.query)[REDIRECT_FIELD_NAME] == [url]


def _assert_download(response: Any) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- the applicant's pages -------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    state: str
    method: str
    url: Callable[[Application], str]
    form: Callable[[Application], dict[str, Any]] = lambda app: {}

    def send(self, client: Client, app: Application) -> Any:
        return _send(client, self.method, self.url(app), self.form(app))


APPLICANT_PAGES: dict[str, Page] = {
    "detail": Page("submitted", "get", _applicant_url("application")),
    "form": Page("draft", "get", _applicant_url("form")),
    "documents": Page("draft", "get", _applicant_url("documents")),
    "upload": Page(
        "draft",
        "post",
        _applicant_url("documents"),
        lambda app: {"requirement": "building-consent", "file": pdf_upload("consent.pdf")},
    ),
    "remove-file": Page(
        "draft", "post", _applicant_url("documents"), lambda app: {"remove": _file_id(app)}
    ),
    "check": Page("draft", "get", _applicant_url("check")),
    "done": Page("submitted", "get", _applicant_url("done")),
    "file": Page("submitted", "get", _applicant_url("file")),
    "withdraw": Page(
        "submitted", "post", _applicant_url("withdraw"), lambda app: {"reason": "เปลี่ยนใจ"}
    ),
    "resubmit": Page(
        "returned_ready", "post", _applicant_url("resubmit"), lambda app: {"note": "ส่งแล้ว"}
    ),
    "discard": Page("draft", "post", _applicant_url("discard")),
}


def _owner_sees(page: str, response: Any, app: Application) -> None:
    """Check the owner got what the page is for."""
    detail = reverse("cases:application", kwargs={"public_id": app.public_id})
    documents = reverse("cases:documents", kwargs={"public_id": app.public_id})
    if page == "upload":
        assert (response.status_code, response["Location"]) == (302, documents)
        assert evidence_for(app.pk).filter(requirement_code="building-consent").exists()
    elif page == "remove-file":
        assert (response.status_code, response["Location"]) == (302, documents)
        assert evidence_for(app.pk).count() == 1
    elif page == "file":
        _assert_download(response)
    elif page == "withdraw":
        assert (response.status_code, response["Location"]) == (302, detail)
        assert _status(app) == "withdrawn"
    elif page == "resubmit":
        assert (response.status_code, response["Location"]) == (302, detail)
        assert _status(app) == "checking"
    elif page == "discard":
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("cases:my-applications"),
        )
        assert not Application.objects.filter(pk=app.pk).exists()
    else:
        assert response.status_code == 200
        if app.tracking_number:
            assert tracking.display(app.tracking_number) in response.text


@pytest.mark.parametrize("page", list(APPLICANT_PAGES))
def test_it_serves_each_applicant_page_to_the_owner(case_at: Any, browser: Any, page: str) -> None:
    spec = APPLICANT_PAGES[page]
    app = case_at(spec.state)
    response = spec.send(browser("applicant"), app)
    _owner_sees(page, response, app)


@pytest.mark.parametrize("persona", ["other_applicant", "clerk_a", "approver_b"])
@pytest.mark.parametrize("page", list(APPLICANT_PAGES))
def test_it_answers_404_on_applicant_pages_to_anyone_but_the_owner(
    case_at: Any, browser: Any, page: str, persona: str
) -> None:
    # Officers of the case's own agency work on it in the back office, not here.
    spec = APPLICANT_PAGES[page]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = spec.send(browser(persona), app)

    assert response.status_code == 404
    assert _snapshot(app) == before


@pytest.mark.parametrize("page", list(APPLICANT_PAGES))
def test_it_sends_an_anonymous_visitor_of_applicant_pages_to_sign_in(
    case_at: Any, browser: Any, page: str
) -> None:
    spec = APPLICANT_PAGES[page]
    app = case_at(spec.state)
    url = spec.url(app)
    before = _snapshot(app)

    response = spec.send(browser(None), app)

    _assert_sent_to_sign_in(response, url)
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    ("persona", "listed"),
    [("applicant", True), ("other_applicant", False), ("clerk_a", False), ("approver_b", False)],
)
def test_it_lists_an_application_only_under_its_owners_applications(
    make_case: Any, browser: Any, persona: str, listed: bool
) -> None:
    app = make_case("submitted")
    response = browser(persona).get(reverse("cases:my-applications"))
    assert response.status_code == 200
    assert (tracking.display(app.tracking_number) in response.text) is listed
    assert (str(app.public_id) in response.text) is listed


def test_it_sends_an_anonymous_visitor_of_my_applications_to_sign_in(browser: Any) -> None:
    url = reverse("cases:my-applications")
    _assert_sent_to_sign_in(browser(None).get(url), url)


# --- the back office ---------------------------------------------------------------


OFFICER_PAGES: dict[str, Page] = {
    "case": Page("submitted", "get", _officer_url("case")),
    "case-file": Page("submitted", "get", _officer_url("case-file")),
    "queue": Page("submitted", "get", lambda app: reverse("cases:queue", args=[AGENCY_A])),
}


@pytest.mark.parametrize("page", list(OFFICER_PAGES))
def test_it_serves_each_back_office_page_to_an_officer_of_the_agency(
    case_at: Any, browser: Any, page: str
) -> None:
    spec = OFFICER_PAGES[page]
    app = case_at(spec.state)
    response = browser("clerk_a").get(spec.url(app))
    if page == "case-file":
        _assert_download(response)
    else:
        assert response.status_code == 200
        assert tracking.display(app.tracking_number) in response.text


@pytest.mark.parametrize("persona", ["applicant", "other_applicant", "approver_b"])
@pytest.mark.parametrize("page", list(OFFICER_PAGES))
def test_it_answers_404_on_back_office_pages_to_anyone_outside_the_agency(
    case_at: Any, browser: Any, page: str, persona: str
) -> None:
    spec = OFFICER_PAGES[page]
    app = case_at(spec.state)
    response = browser(persona).get(spec.url(app))
    assert response.status_code == 404


@pytest.mark.parametrize("page", list(OFFICER_PAGES))
def test_it_sends_an_anonymous_visitor_of_back_office_pages_to_sign_in(
    case_at: Any, browser: Any, page: str
) -> None:
    spec = OFFICER_PAGES[page]
    url = spec.url(case_at(spec.state))
    _assert_sent_to_sign_in(browser(None).get(url), url)


@pytest.mark.parametrize(
    ("persona", "queue_of"),
    [("clerk_a", AGENCY_A), ("approver_b", AGENCY_B), ("applicant", None), ("outsider", None)],
)
def test_it_sends_an_officer_from_the_office_to_their_own_queue(
    catalog: Any, browser: Any, persona: str, queue_of: str | None
) -> None:
    response = browser(persona).get(reverse("cases:office"))
    if queue_of is None:
        assert response.status_code == 404
    else:
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("cases:queue", args=[queue_of]),
        )


def test_it_sends_an_anonymous_visitor_of_the_office_to_sign_in(browser: Any) -> None:
    url = reverse("cases:office")
    _assert_sent_to_sign_in(browser(None).get(url), url)


# --- the officer's actions ---------------------------------------------------------


@dataclass(frozen=True)
class Action:
    state: str
    officer: str  # an officer of agency A whose role allows the action
    data: dict[str, Any]
    done: Callable[[Application], bool]


def _app(app: Application) -> Application:
    return Application.objects.get(pk=app.pk)


def _has_event(app: Application, kind: str) -> bool:
    return TimelineEvent.objects.filter(application_id=app.pk, kind=kind).exists()


ACTIONS: dict[str, Action] = {
    "start_check": Action("submitted", "clerk_a", {}, lambda a: _app(a).status == "checking"),
    "request_documents": Action(
        "checking",
        "clerk_a",
        {"items": [REQUESTED_DOCUMENT], "note": "สำเนาไม่ชัด", "respond_within_days": "7"},
        lambda a: _app(a).status == "returned",
    ),
    "accept_documents": Action("checking", "clerk_a", {}, lambda a: _app(a).status == "in_review"),
    "complete_step": Action(
        "in_review", "clerk_a", {"note": "ครบถ้วน"}, lambda a: _app(a).current_step == 2
    ),
    "approve": Action(
        "last_step", "approver_a", {"reasons": "อนุญาต"}, lambda a: _app(a).status == "approved"
    ),
    "reject": Action(
        "in_review",
        "approver_a",
        {"reasons": "ไม่ถูกสุขลักษณะ", "appeal_info": "อุทธรณ์ได้ภายใน 30 วัน"},
        lambda a: _app(a).status == "rejected",
    ),
    "close": Action("approved", "clerk_a", {}, lambda a: _app(a).status == "closed"),
    "assign": Action(
        "submitted",
        "clerk_a",
        {"assignee": "reviewer_a"},
        lambda a: _app(a).assigned_to.username == "reviewer_a",
    ),
    "note": Action("checking", "clerk_a", {"text": "โทรแจ้งแล้ว"}, lambda a: _has_event(a, "note")),
}


def _act_url(app: Application, action: str) -> str:
    return reverse("cases:act", args=[app.tracking_number, action])


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_lets_an_officer_of_the_agency_take_each_action(
    case_at: Any, browser: Any, action: str
) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)

    response = browser(spec.officer).post(_act_url(app, action), spec.data)

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[app.tracking_number])
    assert spec.done(app)


@pytest.mark.parametrize("persona", ["applicant", "other_applicant", "approver_b"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_answers_404_to_an_action_by_anyone_outside_the_agency(
    case_at: Any, browser: Any, action: str, persona: str
) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    before = _snapshot(app)

    response = browser(persona).post(_act_url(app, action), spec.data)

    assert response.status_code == 404
    assert _snapshot(app) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_sends_an_anonymous_actor_to_sign_in(case_at: Any, browser: Any, action: str) -> None:
    spec = ACTIONS[action]
    app = case_at(spec.state)
    before = _snapshot(app)
    url = _act_url(app, action)

    _assert_sent_to_sign_in(browser(None).post(url, spec.data), url)
    assert _snapshot(app) == before


# --- a role too low ----------------------------------------------------------------

NOT_ALLOWED_TH = "บทบาทของท่านในหน่วยงานนี้ไม่มีสิทธิ์ดำเนินการนี้"


def test_it_tells_a_clerk_who_tries_to_approve_that_their_role_does_not_allow_it(
    case_at: Any, browser: Any
) -> None:
    app = case_at("last_step")
    before = _snapshot(app)
    case_url = reverse("cases:case", args=[app.tracking_number])

    response = browser("clerk_a").post(
        _act_url(app, "approve"), {"reasons": "อนุญาต"}, HTTP_REFERER=case_url, follow=True
    )

    assert response.redirect_chain[-1][0] == case_url
    assert response.status_code == 200
    assert NOT_ALLOWED_TH in response.text
    assert _snapshot(app) == before


def test_it_shows_the_clerk_the_case_with_the_error_even_without_a_referer(
    case_at: Any, browser: Any
) -> None:
    # Browsers may leave the Referer out (privacy settings); the officer must still land
    # on the case page with the message, not on the action URL (which only takes POST).
    app = case_at("last_step")
    case_url = reverse("cases:case", args=[app.tracking_number])

    response = browser("clerk_a").post(_act_url(app, "approve"), {"reasons": "อนุญาต"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == case_url
    assert NOT_ALLOWED_TH in response.text
    assert _status(app) == "in_review"


# --- malformed and unknown ids -------------------------------------------------------


APPLICANT_PROBES = [
    ("get", "/my/applications/not-a-uuid/"),
    ("get", "/my/applications/not-a-uuid/form/"),
    ("get", "/my/applications/8f14e45f-ceea-467f-a0e6/documents/"),
    ("get", "/my/applications/%E0%B8%81/check/"),
    ("get", f"/my/applications/{UNKNOWN_UUID}/"),
    ("get", f"/my/applications/{UNKNOWN_UUID}/done/"),
    ("post", "/my/applications/not-a-uuid/withdraw/"),
    ("post", f"/my/applications/{UNKNOWN_UUID}/discard/"),
    ("get", "/my/applications/{app}/files/not-a-uuid/"),
    ("get", "/my/applications/{app}/files/" + "9" * 40 + "/"),
    ("get", "/my/applications/{app}/files/" + UNKNOWN_UUID + "/"),
]


@pytest.mark.parametrize(("method", "url"), APPLICANT_PROBES)
def test_it_answers_404_to_a_malformed_or_unknown_application_id(
    make_case: Any, browser: Any, method: str, url: str
) -> None:
    app = make_case("submitted")
    response = _send(browser("applicant"), method, url.format(app=app.public_id), {})
    assert response.status_code == 404


OFFICER_PROBES = [
    ("get", "/office/cases/not-a-number/"),
    ("get", "/office/cases/%E0%B8%81%E0%B8%82/"),
    ("get", "/office/cases/" + "A" * 500 + "/"),
    ("get", "/office/cases/{mistyped}/"),
    ("get", "/office/cases/{unknown}/"),
    ("get", "/office/cases/{number}/files/not-a-uuid/"),
    ("get", "/office/cases/{number}/files/" + UNKNOWN_UUID + "/"),
    ("post", "/office/cases/not-a-number/approve/"),
    ("post", "/office/cases/{mistyped}/start_check/"),
    ("post", "/office/cases/{number}/launch_rockets/"),
    ("get", "/office/queue/no-such-agency/"),
]


@pytest.mark.parametrize(("method", "url"), OFFICER_PROBES)
def test_it_answers_404_to_a_malformed_or_unknown_tracking_number(
    make_case: Any, browser: Any, method: str, url: str
) -> None:
    app = make_case("submitted")
    before = _snapshot(app)
    full = url.format(
        number=app.tracking_number,
        mistyped=mistyped_number(app.tracking_number),
        unknown=unknown_number(),
    )
    response = _send(browser("approver_a"), method, full, {})
    assert response.status_code == 404
    assert _snapshot(app) == before


def test_it_accepts_a_tracking_number_in_lower_case_with_hyphens(
    make_case: Any, browser: Any
) -> None:
    app = make_case("submitted")
    url = reverse("cases:case", args=[tracking.display(app.tracking_number).lower()])
    assert browser("clerk_a").get(url).status_code == 200


@pytest.mark.parametrize("removed", ["not-a-uuid", UNKNOWN_UUID, "'; DROP TABLE x; --"])
def test_it_answers_404_to_removing_a_file_that_is_not_there(
    make_case: Any, browser: Any, removed: str
) -> None:
    app = make_case("draft")
    before = _snapshot(app)
    response = browser("applicant").post(
        reverse("cases:documents", kwargs={"public_id": app.public_id}), {"remove": removed}
    )
    assert response.status_code == 404
    assert _snapshot(app) == before


# --- a file of another application -----------------------------------------------------


def test_it_does_not_serve_another_applications_file_under_ones_own(
    make_case: Any, catalog: Any, other_applicant: Any, browser: Any
) -> None:
    mine = make_case("submitted")
    theirs = submitted_application(other_applicant, catalog.food_shop)
    url = reverse("cases:file", kwargs={"public_id": mine.public_id, "file_id": _file_id(theirs)})
    assert browser("applicant").get(url).status_code == 404


def test_it_does_not_serve_another_agencys_file_under_ones_own_case(
    make_case: Any, catalog: Any, other_applicant: Any, browser: Any
) -> None:
    ours = make_case("submitted")
    theirs = submitted_application(other_applicant, catalog.house_copy)  # agency B
    url = reverse("cases:case-file", args=[ours.tracking_number, _file_id(theirs)])
    assert browser("clerk_a").get(url).status_code == 404
