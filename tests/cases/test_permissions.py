"""Who may act on a case: its agency's officers by role, its applicant or company."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eservice.cases import access, actions
from eservice.cases.models import Application, TimelineEvent
from eservice.cases.states import Status
from eservice.core.errors import Forbidden, NotFound, ValidationFailed
from eservice.documents.models import EvidenceFile
from tests.factories import (
    FOOD_SHOP,
    REQUESTED_DOCUMENT,
    advance_to_last_step,
    pdf_upload,
    submitted_application,
    valid_answers,
)

# action -> (state the case is in, how the intruder tries it)
OFFICER_ACTIONS: dict[str, tuple[str, Callable[[Application, Any], Any]]] = {
    "assign": ("submitted", lambda app, who: actions.assign(app, who, who)),
    "start_check": ("submitted", lambda app, who: actions.start_check(app, who)),
    "request_documents": (
        "checking",
        lambda app, who: actions.request_documents(app, who, [{"code": "id-card"}]),
    ),
    "accept_documents": ("checking", lambda app, who: actions.accept_documents(app, who)),
    "complete_step": ("in_review", lambda app, who: actions.complete_step(app, who, "x")),
    "approve": ("last_step", lambda app, who: actions.approve(app, who, "x")),
    "reject": ("in_review", lambda app, who: actions.reject(app, who, "x", "y")),
    "close": ("approved", lambda app, who: actions.close(app, who)),
    "note": ("checking", lambda app, who: actions.add_note(app, who, "บันทึกภายใน")),
}


@pytest.fixture
def case_at(make_case: Any, clerk_a: Any, reviewer_a: Any) -> Callable[[str], Application]:
    def build(state: str) -> Application:
        if state == "last_step":
            return advance_to_last_step(make_case("in_review"), clerk=clerk_a, reviewer=reviewer_a)
        return make_case(state)

    return build


@pytest.mark.parametrize("action", list(OFFICER_ACTIONS))
@pytest.mark.parametrize("intruder", ["approver_b", "clerk_b", "outsider", "applicant"])
def test_it_hides_a_case_from_anyone_not_an_officer_of_its_agency(
    case_at: Any, request: pytest.FixtureRequest, action: str, intruder: str
) -> None:
    state, attempt = OFFICER_ACTIONS[action]
    app = case_at(state)
    who = request.getfixturevalue(intruder)
    snapshot = Application.objects.values().get(pk=app.pk)
    events = TimelineEvent.objects.count()

    with pytest.raises(NotFound):
        attempt(app, who)

    assert Application.objects.values().get(pk=app.pk) == snapshot
    assert TimelineEvent.objects.count() == events


@pytest.mark.parametrize("state", [s.value for s in Status])
@pytest.mark.parametrize("action", list(OFFICER_ACTIONS))
def test_it_hides_a_case_from_another_agency_whatever_its_state(
    make_case: Any, approver_b: Any, action: str, state: str
) -> None:
    # Another agency's officer must not learn a case's state from the error either.
    app = make_case(state)
    with pytest.raises(NotFound):
        OFFICER_ACTIONS[action][1](app, approver_b)


def test_it_lets_the_agencys_officers_find_a_case_by_number(
    make_case: Any, clerk_a: Any, approver_b: Any, outsider: Any, applicant: Any
) -> None:
    app = make_case("submitted")
    spoken = f"{app.tracking_number[:4]} {app.tracking_number[4:8]}-{app.tracking_number[8:]}"
    assert access.case_for_officer(clerk_a, spoken.lower()).pk == app.pk
    for who in (approver_b, outsider, applicant):
        with pytest.raises(NotFound):
            access.case_for_officer(who, app.tracking_number)
    with pytest.raises(NotFound):
        access.case_for_officer(clerk_a, "not a number")


def test_it_hides_agency_as_queue_from_agency_bs_officers(
    catalog: Any, clerk_b: Any, applicant: Any
) -> None:
    with pytest.raises(NotFound):
        access.queue(clerk_b, catalog.agency_a, access.QueueFilters())
    with pytest.raises(NotFound):
        access.queue(applicant, catalog.agency_a, access.QueueFilters())


def test_it_assigns_only_to_officers_of_the_same_agency(
    make_case: Any, clerk_a: Any, reviewer_a: Any, clerk_b: Any
) -> None:
    app = make_case("submitted")
    with pytest.raises(ValidationFailed):
        actions.assign(app, clerk_a, clerk_b)
    assert actions.assign(app, clerk_a, reviewer_a).assigned_to == reviewer_a
    assert actions.assign(app, clerk_a, None).assigned_to is None


# --- the applicant's side -------------------------------------------------------------

APPLICANT_ACTIONS: dict[str, tuple[str, Callable[[Application, Any], Any]]] = {
    "save_answers": ("draft", lambda app, who: actions.save_answers(app, who, {"shop_name": "x"})),
    "upload_document": (
        "draft",
        lambda app, who: actions.upload_document(app, who, "id-card", pdf_upload()),
    ),
    "remove_document": (
        "draft",
        lambda app, who: actions.remove_document(
            app, who, str(EvidenceFile.objects.filter(application=app).first().public_id)
        ),
    ),
    "submit": ("draft", lambda app, who: actions.submit(app, who)),
    "discard_draft": ("draft", lambda app, who: actions.discard_draft(app, who)),
    "resubmit": ("returned", lambda app, who: actions.resubmit(app, who)),
    "withdraw": ("submitted", lambda app, who: actions.withdraw(app, who)),
    "read": ("submitted", lambda app, who: access.application_for_applicant(who, app.public_id)),
}


@pytest.mark.parametrize("action", list(APPLICANT_ACTIONS))
@pytest.mark.parametrize("intruder", ["other_applicant", "clerk_a", "company_rep"])
def test_it_hides_an_application_from_everyone_but_its_applicant(
    make_case: Any, request: pytest.FixtureRequest, action: str, intruder: str
) -> None:
    state, attempt = APPLICANT_ACTIONS[action]
    app = make_case(state)
    who = request.getfixturevalue(intruder)
    snapshot = Application.objects.values().get(pk=app.pk)
    files = EvidenceFile.objects.count()

    with pytest.raises(NotFound):
        attempt(app, who)

    assert Application.objects.values().get(pk=app.pk) == snapshot
    assert EvidenceFile.objects.count() == files


def test_it_does_not_list_someone_elses_applications(
    make_case: Any, applicant: Any, other_applicant: Any
) -> None:
    app = make_case("submitted")
    assert list(access.applications_of(applicant)) == [app]
    assert list(access.applications_of(other_applicant)) == []


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "../../etc/passwd", ""])
def test_it_answers_not_found_for_a_malformed_application_id(
    make_case: Any, applicant: Any, bad_id: str
) -> None:
    # Ids come from URLs: a malformed one is just another id that does not exist.
    make_case("draft")
    with pytest.raises(NotFound):
        access.application_for_applicant(applicant, bad_id)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "../../etc/passwd", ""])
def test_it_answers_not_found_for_a_malformed_file_id(
    make_case: Any, applicant: Any, bad_id: str
) -> None:
    app = make_case("draft")
    with pytest.raises(NotFound):
        actions.remove_document(app, applicant, bad_id)
    assert EvidenceFile.objects.filter(application=app).count() == 2


# --- juristic persons -----------------------------------------------------------------


@pytest.fixture
def colleague(company: Any) -> Any:
    """A second person holding the company's proxy."""
    from eservice.accounts.models import Representation, User

    user = User.objects.create_user("proxy", full_name_th="ผู้รับมอบอำนาจ")
    Representation.objects.create(user=user, juristic_person=company, capacity="proxy")
    return user


def test_it_lets_the_companys_representatives_act_on_its_application(
    catalog: Any, company: Any, company_rep: Any, colleague: Any, clerk_a: Any, monday: Any
) -> None:
    app = actions.start_application(company_rep, catalog.food_shop, on_behalf_of=company)
    assert app.on_behalf_of == company
    # The colleague fills in, attaches and submits the director's draft.
    app = actions.save_answers(app, colleague, valid_answers(FOOD_SHOP))
    for code in ("id-card", "house-registration"):
        actions.upload_document(app, colleague, code, pdf_upload())
    app = actions.submit(app, colleague)
    assert app.status == Status.SUBMITTED

    assert access.application_for_applicant(colleague, app.public_id).pk == app.pk
    assert list(access.applications_of(company_rep)) == [app]
    app = actions.request_documents(app, clerk_a, [{"code": REQUESTED_DOCUMENT}])
    actions.upload_document(app, company_rep, REQUESTED_DOCUMENT, pdf_upload())
    app = actions.resubmit(app, company_rep)
    app = actions.withdraw(app, colleague, "บริษัทเปลี่ยนแผน")
    assert app.status == Status.WITHDRAWN


def test_it_refuses_to_apply_for_a_company_one_does_not_represent(
    catalog: Any, company: Any, applicant: Any
) -> None:
    with pytest.raises(Forbidden):
        actions.start_application(applicant, catalog.food_shop, on_behalf_of=company)
    assert not Application.objects.exists()


def test_it_hides_a_companys_application_from_people_outside_it(
    catalog: Any, company: Any, company_rep: Any, other_applicant: Any
) -> None:
    app = submitted_application(company_rep, catalog.food_shop, on_behalf_of=company)
    with pytest.raises(NotFound):
        access.application_for_applicant(other_applicant, app.public_id)
    with pytest.raises(NotFound):
        actions.withdraw(app, other_applicant)


def test_it_refuses_to_start_an_inactive_service(catalog: Any, applicant: Any) -> None:
    catalog.food_shop.is_active = False
    catalog.food_shop.save()
    with pytest.raises(NotFound):
        actions.start_application(applicant, catalog.food_shop)
