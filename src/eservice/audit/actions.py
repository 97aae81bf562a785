"""Append to and verify the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from eservice.audit.models import AuditEvent, AuditHead
from eservice.core.clock import now


def _digest(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> str:
    # UTC, so the hash does not depend on the zone the time was created in.
    payload = json.dumps(
        [
            prev_hash,
            seq,
            at.astimezone(UTC).isoformat(),
            actor,
            action,
            object_type,
            object_id,
            data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    actor: str, action: str, object_type: str, object_id: str, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    data = json.loads(json.dumps(data or {}, default=str))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq = head.count + 1
        at = now()
        digest = _digest(head.last_hash, seq, at, actor, action, object_type, object_id, data)
        event = AuditEvent.objects.create(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=data,
            prev_hash=head.last_hash,
            hash=digest,
        )
        head.last_hash, head.count = digest, seq
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Recompute the chain from the first event; report the first break."""
    prev = "0" * 64
    expected_seq = 1
    checked = 0
    for ev in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if ev.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "event missing")
        if ev.prev_hash != prev:
            return VerifyResult(False, checked, ev.seq, "previous hash does not match")
        digest = _digest(
            prev, ev.seq, ev.at, ev.actor, ev.action, ev.object_type, ev.object_id, ev.data
        )
        if digest != ev.hash:
            return VerifyResult(False, checked, ev.seq, "content was changed")
        prev, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.count != checked or head.last_hash != prev):
        return VerifyResult(False, checked, checked + 1, "events after the last one were removed")
    return VerifyResult(True, checked)
