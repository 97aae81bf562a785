"""Retried requests do not create or submit twice."""

from __future__ import annotations

from typing import Any

import pytest

from eservice.audit.models import AuditEvent
from eservice.cases import actions
from eservice.cases.models import Application, TimelineEvent
from tests.factories import draft_application, submitted_application


def test_it_returns_the_first_submission_when_submit_is_retried(
    catalog: Any, applicant: Any
) -> None:
    app = submitted_application(applicant, catalog.food_shop)
    first = (app.tracking_number, app.submitted_at, app.due_at)

    again = actions.submit(app, applicant)
    stale = Application.objects.get(pk=app.pk)
    once_more = actions.submit(stale, applicant)

    assert again.pk == once_more.pk == app.pk
    assert (again.tracking_number, again.submitted_at, again.due_at) == first
    assert once_more.tracking_number == first[0]
    assert TimelineEvent.objects.filter(application=app, action="submit").count() == 1
    assert AuditEvent.objects.filter(action="case.submit").count() == 1


def test_it_returns_the_same_application_for_the_same_client_key(
    catalog: Any, applicant: Any
) -> None:
    first = actions.start_application(applicant, catalog.food_shop, client_key="k-3f9a")
    again = actions.start_application(applicant, catalog.food_shop, client_key="k-3f9a")
    assert again.pk == first.pk
    assert Application.objects.filter(applicant=applicant).count() == 1
    assert AuditEvent.objects.filter(action="case.start").count() == 1


def test_it_returns_the_application_for_a_key_even_after_submission(
    catalog: Any, applicant: Any
) -> None:
    app = submitted_application(applicant, catalog.food_shop, client_key="k-retry")
    again = actions.start_application(applicant, catalog.food_shop, client_key="k-retry")
    assert again.pk == app.pk
    assert again.tracking_number == app.tracking_number


def test_it_creates_a_new_application_for_a_new_key(catalog: Any, applicant: Any) -> None:
    first = actions.start_application(applicant, catalog.food_shop, client_key="k-1")
    second = actions.start_application(applicant, catalog.food_shop, client_key="k-2")
    assert first.pk != second.pk


def test_it_refuses_a_key_reused_for_another_service(catalog: Any, applicant: Any) -> None:
    from eservice.core.errors import ValidationFailed

    actions.start_application(applicant, catalog.food_shop, client_key="k-once")
    with pytest.raises(ValidationFailed):
        actions.start_application(applicant, catalog.house_copy, client_key="k-once")
    assert Application.objects.filter(applicant=applicant).count() == 1


def test_it_keeps_client_keys_per_applicant(
    catalog: Any, applicant: Any, other_applicant: Any
) -> None:
    mine = actions.start_application(applicant, catalog.food_shop, client_key="same-key")
    theirs = actions.start_application(other_applicant, catalog.food_shop, client_key="same-key")
    assert mine.pk != theirs.pk
    assert theirs.applicant == other_applicant


def test_it_reopens_the_open_draft_without_a_key(catalog: Any, applicant: Any) -> None:
    draft = draft_application(applicant, catalog.food_shop)
    assert actions.start_application(applicant, catalog.food_shop).pk == draft.pk
    # Another service, or after submission, starts afresh.
    assert actions.start_application(applicant, catalog.house_copy).pk != draft.pk
    submitted = submitted_application(applicant, catalog.food_shop)
    assert submitted.pk == draft.pk
    assert actions.start_application(applicant, catalog.food_shop).pk != draft.pk


def test_a_new_draft_is_stored_with_its_answers_in_one_transaction(
    catalog: Any, applicant: Any, monkeypatch: Any
) -> None:
    """A server that dies between creating the draft and saving its answers leaves nothing,
    so the retry creates the whole draft (it used to find an empty one for ever)."""
    from tests.factories import valid_answers

    answers = valid_answers(catalog.food_shop.code)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(actions, "record", crash)  # dies after the row, before the commit
    with pytest.raises(SystemExit):
        actions.open_application(
            applicant, catalog.food_shop, client_key="k-crash", answers=answers
        )
    assert not Application.objects.filter(client_key="k-crash").exists()
    monkeypatch.undo()
    app, created = actions.open_application(
        applicant, catalog.food_shop, client_key="k-crash", answers=answers
    )
    assert created and app.answers == answers
    again, created_again = actions.open_application(
        applicant, catalog.food_shop, client_key="k-crash", answers={"other": "x"}
    )
    assert (again.pk, created_again, again.answers) == (app.pk, False, answers)


def test_of_requests_racing_with_one_key_exactly_one_creates(
    catalog: Any, applicant: Any, monkeypatch: Any
) -> None:
    """The request that loses the race to insert is told it replayed, not that it created."""
    first, created = actions.open_application(applicant, catalog.food_shop, client_key="k-race")
    assert created
    # The loser looked before the winner's row was there, then hit the unique key.
    looks = iter([None])
    real = actions._by_key

    def by_key(*args: Any) -> Any:
        try:
            return next(looks)
        except StopIteration:
            return real(*args)

    monkeypatch.setattr(actions, "_by_key", by_key)
    second, created_second = actions.open_application(
        applicant, catalog.food_shop, client_key="k-race"
    )
    assert (second.pk, created_second) == (first.pk, False)
    assert Application.objects.filter(client_key="k-race").count() == 1


def test_the_same_file_sent_again_for_a_document_is_kept_once(catalog: Any, applicant: Any) -> None:
    """A retried upload whose answer was lost does not store a second copy."""
    from eservice.documents.models import EvidenceFile
    from tests.factories import pdf_upload

    app = draft_application(applicant, catalog.food_shop)
    first = actions.upload_document(app, applicant, "id-card", pdf_upload("id.pdf"))
    again = actions.upload_document(app, applicant, "id-card", pdf_upload("id.pdf"))
    other = actions.upload_document(app, applicant, "id-card", pdf_upload("other.pdf", 10))
    assert again.pk == first.pk and other.pk != first.pk
    assert EvidenceFile.objects.filter(application=app, requirement_code="id-card").count() == 2
    assert AuditEvent.objects.filter(action="case.upload").count() == 2
