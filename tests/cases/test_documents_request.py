"""The one request for more documents (Licensing Facilitation Act s.8)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eservice.cases import actions
from eservice.cases.models import DocumentRequest
from eservice.cases.states import Status
from eservice.core.errors import InvalidTransition, NotFound, ValidationFailed
from eservice.documents.models import EvidenceFile
from tests.factories import bangkok, pdf_upload, submitted_application

ITEMS = [{"code": "house-registration"}]


@pytest.fixture
def checking(catalog: Any, applicant: Any, clerk_a: Any, clock: Any) -> Any:
    clock.set(bangkok(2026, 4, 2, 10, 0))  # Thursday; due Monday 20 April 16:30
    app = submitted_application(applicant, catalog.food_shop)
    return actions.start_check(app, clerk_a)


def test_it_records_what_is_missing_and_by_when(checking: Any, clerk_a: Any, clock: Any) -> None:
    now = clock.set(bangkok(2026, 4, 3, 14, 30))
    app = actions.request_documents(checking, clerk_a, ITEMS, note="สำเนาทะเบียนบ้านไม่ชัด")

    assert app.status == Status.RETURNED
    request = DocumentRequest.objects.get(application=app)
    assert request.requested_at == now
    assert request.requested_by == clerk_a
    assert request.items == [
        {"code": "house-registration", "name_th": "ทะเบียนบ้าน", "name_en": "House registration"}
    ]
    assert request.note == "สำเนาทะเบียนบ้านไม่ชัด"
    # 7 working days after Friday 3 April 2026: Chakri Day and Songkran skipped.
    assert request.respond_by == date(2026, 4, 20)
    assert request.responded_at is None


def test_it_pauses_the_clock_and_keeps_the_remaining_working_time(
    checking: Any, clerk_a: Any, clock: Any
) -> None:
    now = clock.set(bangkok(2026, 4, 3, 14, 30))
    app = actions.request_documents(checking, clerk_a, ITEMS)
    app.refresh_from_db()
    assert app.due_at is None
    assert app.paused_at == now
    # Friday 2 h + Tue 7 to Fri 10 April + Thu 16, Fri 17, Mon 20 April.
    assert app.remaining_minutes == 120 + 7 * 480
    assert not app.is_overdue


def test_it_allows_only_one_request(checking: Any, applicant: Any, clerk_a: Any) -> None:
    app = actions.request_documents(checking, clerk_a, ITEMS)
    with pytest.raises(InvalidTransition):
        actions.request_documents(app, clerk_a, [{"code": "id-card"}])

    actions.upload_document(app, applicant, "house-registration", pdf_upload())
    app = actions.resubmit(app, applicant)
    assert app.status == Status.CHECKING
    # Back in checking, where a request would otherwise be allowed: still refused.
    with pytest.raises(InvalidTransition):
        actions.request_documents(app, clerk_a, [{"code": "id-card"}])
    assert DocumentRequest.objects.filter(application=app).count() == 1
    assert app.due_at is not None


def test_it_asks_only_for_documents_of_the_manual(checking: Any, clerk_a: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        actions.request_documents(checking, clerk_a, [{"code": "passport"}])
    assert "items" in caught.value.errors
    with pytest.raises(ValidationFailed):
        actions.request_documents(checking, clerk_a, [])
    for days in (0, 91):
        with pytest.raises(ValidationFailed) as caught:
            actions.request_documents(checking, clerk_a, ITEMS, respond_within_days=days)
        assert "respond_within_days" in caught.value.errors
    checking.refresh_from_db()
    assert checking.status == Status.CHECKING
    assert checking.due_at is not None
    assert not DocumentRequest.objects.filter(application=checking).exists()


def test_it_can_be_asked_right_after_submission(catalog: Any, applicant: Any, clerk_a: Any) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    assert actions.request_documents(app, clerk_a, ITEMS).status == Status.RETURNED


def test_it_requires_every_requested_document_before_resubmission(
    checking: Any, applicant: Any, clerk_a: Any
) -> None:
    app = actions.request_documents(
        checking, clerk_a, [{"code": "house-registration"}, {"code": "building-consent"}]
    )
    actions.upload_document(app, applicant, "house-registration", pdf_upload())

    with pytest.raises(ValidationFailed) as caught:
        actions.resubmit(app, applicant)

    assert caught.value.errors == {
        "document:building-consent": [caught.value.errors["document:building-consent"][0]]
    }
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    assert app.due_at is None


def test_it_takes_only_the_requested_documents_while_returned(
    checking: Any, applicant: Any, clerk_a: Any
) -> None:
    app = actions.request_documents(checking, clerk_a, ITEMS)
    with pytest.raises(ValidationFailed):
        actions.upload_document(app, applicant, "id-card", pdf_upload())
    evidence = actions.upload_document(app, applicant, "house-registration", pdf_upload())
    assert evidence.round == 1


def test_it_lets_the_applicant_replace_a_new_file_but_not_one_already_sent(
    checking: Any, applicant: Any, clerk_a: Any
) -> None:
    app = actions.request_documents(checking, clerk_a, ITEMS)
    sent = EvidenceFile.objects.get(application=app, requirement_code="id-card")
    new = actions.upload_document(app, applicant, "house-registration", pdf_upload())

    with pytest.raises(NotFound):
        actions.remove_document(app, applicant, str(sent.public_id))
    actions.remove_document(app, applicant, str(new.public_id))

    assert EvidenceFile.objects.filter(pk=sent.pk).exists()
    assert not EvidenceFile.objects.filter(pk=new.pk).exists()


def test_it_resumes_with_the_remaining_time_and_records_the_reply(
    checking: Any, applicant: Any, clerk_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 4, 3, 14, 30))
    app = actions.request_documents(checking, clerk_a, ITEMS)
    now = clock.set(bangkok(2026, 4, 10, 15, 0))
    actions.upload_document(app, applicant, "house-registration", pdf_upload())

    app = actions.resubmit(app, applicant, "แนบสำเนาใหม่แล้ว")

    app.refresh_from_db()
    assert app.status == Status.CHECKING
    assert app.paused_at is None and app.remaining_minutes is None
    assert app.due_at == bangkok(2026, 4, 27, 9, 0)
    assert DocumentRequest.objects.get(application=app).responded_at == now


def test_it_lets_the_agency_refuse_once_the_applicant_missed_the_deadline(
    checking: Any, clerk_a: Any, approver_a: Any, clock: Any
) -> None:
    clock.set(bangkok(2026, 4, 3, 14, 30))
    app = actions.request_documents(checking, clerk_a, ITEMS)  # respond by Monday 20 April

    clock.set(bangkok(2026, 4, 20, 16, 0))
    with pytest.raises(InvalidTransition):
        actions.reject(app, approver_a, "ไม่ส่งเอกสาร", "อุทธรณ์ภายใน 15 วัน")
    assert DocumentRequest.objects.get(application=app).application.status == Status.RETURNED

    clock.set(bangkok(2026, 4, 21, 9, 0))
    app = actions.reject(app, approver_a, "ไม่ส่งเอกสารภายในกำหนด", "อุทธรณ์ภายใน 15 วัน")
    app.refresh_from_db()
    assert app.status == Status.REJECTED
    assert app.paused_at is None and app.remaining_minutes is None
    assert not app.is_overdue
