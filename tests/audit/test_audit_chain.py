"""The audit log is a hash chain: any edit or removal is found by verify()."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eservice.audit.actions import _digest, record, verify
from eservice.audit.models import AuditEvent
from eservice.cases import actions
from eservice.core.errors import InvalidTransition


@pytest.fixture
def history(make_case: Any) -> Any:
    """A closed case: the catalog import plus a dozen case events in the log."""
    app = make_case("closed")
    assert AuditEvent.objects.count() > 10
    return app


def test_it_verifies_an_untouched_chain(history: Any) -> None:
    result = verify()
    assert result.ok, result
    assert result.checked == AuditEvent.objects.count()
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    call_command("verify_audit")


def test_it_records_the_case_actions(history: Any, approver_a: Any) -> None:
    events = AuditEvent.objects.filter(object_id=str(history.public_id))
    assert list(events.values_list("action", flat=True)) == [
        "case.start",
        "case.upload",
        "case.upload",
        "case.submit",
        "case.start_check",
        "case.accept_documents",
        "case.complete_step",
        "case.complete_step",
        "case.approve",
        "case.document_issued",
        "case.close",
    ]
    approve = events.get(action="case.approve")
    assert approve.actor == approver_a.username
    assert approve.data == {"status": "approved", "tracking_number": history.tracking_number}


def test_it_stays_intact_when_an_action_is_refused(history: Any, applicant: Any) -> None:
    count = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        actions.withdraw(history, applicant)
    assert AuditEvent.objects.count() == count
    record("tests", "after.refusal", "test", "1", {"n": 1})
    assert verify().ok


def test_it_finds_edited_data(history: Any) -> None:
    target = AuditEvent.objects.get(action="case.approve")
    AuditEvent.objects.filter(pk=target.pk).update(data={"status": "rejected"})

    result = verify()
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert result.checked == target.seq - 1
    assert "changed" in result.reason
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("verify_audit")


@pytest.mark.parametrize(
    "change", [{"actor": "someone_else"}, {"action": "case.reject"}, {"object_id": "x"}]
)
def test_it_finds_any_edited_field(history: Any, change: dict[str, str]) -> None:
    target = AuditEvent.objects.get(action="case.submit")
    AuditEvent.objects.filter(pk=target.pk).update(**change)
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, target.seq)


def test_it_finds_an_edit_whose_hash_was_recomputed(history: Any) -> None:
    target = AuditEvent.objects.get(action="case.approve")
    forged = {"status": "rejected"}
    AuditEvent.objects.filter(pk=target.pk).update(
        data=forged,
        hash=_digest(
            target.prev_hash,
            target.seq,
            target.at,
            target.actor,
            target.action,
            target.object_type,
            target.object_id,
            forged,
        ),
    )
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == target.seq + 1


def test_it_finds_a_deleted_event_in_the_middle(history: Any) -> None:
    target = AuditEvent.objects.get(action="case.start_check")
    target.delete()
    result = verify()
    assert (result.ok, result.first_bad_seq) == (False, target.seq)


def test_it_finds_the_last_event_deleted(history: Any) -> None:
    last = AuditEvent.objects.order_by("seq").last()
    last.delete()
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == last.seq
    assert result.checked == last.seq - 1


def test_it_keeps_chaining_after_verification(history: Any) -> None:
    before = AuditEvent.objects.order_by("seq").last()
    event = record("tests", "manual.check", "test", "1", {"ok": True})
    assert (event.seq, event.prev_hash) == (before.seq + 1, before.hash)
    assert verify().ok
