"""The message log: append-only, hash-chained, and the exchange fails closed without it."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction

from eservice.core.clock import now
from eservice.exchange.models import LogHead, MessageRecord

log = logging.getLogger(__name__)

CHAINED = [
    "seq",
    "at",
    "side",
    "kind",
    "member",
    "client",
    "service",
    "request_id",
    "user_id",
    "issue",
    "purpose",
    "request_hash",
    "response_hash",
    "status",
    "error",
    "signature",
]


class LogUnavailable(Exception):
    """The log could not be written; the message must not be sent or answered."""


class AlreadyLogged(Exception):
    """A received request id was already logged for this client: a replay."""


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    values = [prev_hash] + [fields[name] for name in CHAINED]
    at = fields["at"]
    values[CHAINED.index("at") + 1] = at.astimezone(UTC).isoformat()
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(**fields: Any) -> MessageRecord:
    """Append one record and commit it, or raise :class:`LogUnavailable`.

    Runs in its own transaction: a record of a message that was sent stays even if
    the caller's later work fails.
    """
    try:
        with transaction.atomic():
            head, _ = LogHead.objects.select_for_update().get_or_create(id=1)
            values = {name: fields.get(name, "") for name in CHAINED}
            values["seq"] = head.count + 1
            values["at"] = now()
            values["status"] = fields.get("status")
            digest = _digest(head.last_hash, values)
            record = MessageRecord.objects.create(**values, prev_hash=head.last_hash, hash=digest)
            head.count, head.last_hash = values["seq"], digest
            head.save(update_fields=["count", "last_hash"])
    except IntegrityError as exc:
        replay = fields.get("side") == "server" and fields.get("kind") == "request"
        if replay and seen(fields.get("client", ""), fields.get("request_id", "")):
            raise AlreadyLogged(fields.get("request_id")) from exc
        log.error("message log write failed: %s", exc)
        raise LogUnavailable(str(exc)) from exc
    except DatabaseError as exc:
        log.error("message log write failed: %s", exc)
        raise LogUnavailable(str(exc)) from exc
    return record


def seen(client: str, request_id: str) -> bool:
    """Return whether a request with this id from this client was already received."""
    return MessageRecord.objects.filter(
        side="server", kind="request", client=client, request_id=request_id
    ).exists()


@dataclass
class Verdict:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify() -> Verdict:
    """Recompute the chain from the first record; report the first that does not match."""
    prev = "0" * 64
    count = 0
    expected_seq = 1
    for record in MessageRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return Verdict(False, count, expected_seq, "a record is missing")
        values = {name: getattr(record, name) for name in CHAINED}
        if record.prev_hash != prev:
            return Verdict(False, count, record.seq, "the link to the previous record is broken")
        if _digest(prev, values) != record.hash:
            return Verdict(False, count, record.seq, "the record was changed after it was written")
        prev = record.hash
        count += 1
        expected_seq += 1
    head = LogHead.objects.filter(id=1).first()
    if head is not None and (head.count != count or head.last_hash != prev):
        return Verdict(False, count, count + 1, "records were removed from the end")
    return Verdict(True, count)
