"""Calling another agency's data service: sign, log, send, check, log again.

The log is written before a request leaves and after its answer arrives; when
either write fails the call fails (fails closed) and the answer is not used.
Call :func:`fetch` outside any transaction that holds locks: it waits on the
network, and on SQLite the provider (possibly this same platform) must be able to
write its own log meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from eservice.catalog.models import Agency
from eservice.core.errors import DomainError
from eservice.exchange import log as message_log
from eservice.exchange import protocol, registry
from eservice.exchange.gateways import (
    BadReply,
    Call,
    Gateway,
    GDXGateway,
    Unreachable,
    XRoadGateway,
)
from eservice.exchange.models import DataService, Member

logger = logging.getLogger(__name__)


class ExchangeFailed(DomainError):
    """The data could not be fetched; ``reason`` says why (timeout, down, refused, ...)."""

    code = "exchange_failed"
    status_code = 503

    def __init__(self, message: str, reason: str, detail: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail


class RecordMissing(DomainError):
    """The provider answered that it holds no record for this key."""

    code = "record_not_found"
    status_code = 404


@dataclass
class Answer:
    data: dict[str, Any]
    request_id: str
    at: datetime
    service: DataService


def gateway_for(service: DataService) -> Gateway:
    provider = service.provider
    if provider.transport == Member.Transport.GDX:
        return GDXGateway(
            provider.base_url,
            settings.GDX_CONSUMER_KEY,
            settings.GDX_CONSUMER_SECRET,
            settings.GDX_AGENT_ID,
        )
    return XRoadGateway(registry.base_url_for(provider), registry.certificates_for(provider))


def _log(**fields: Any) -> message_log.MessageRecord:
    return message_log.append(side="client", **fields)


def _log_quietly(**fields: Any) -> None:
    """Log a failure; a log that cannot be written must not hide the first failure."""
    try:
        _log(**fields)
    except message_log.LogUnavailable:
        logger.error("could not log a failed exchange call %s", fields.get("request_id"))


def fetch(
    service: DataService,
    params: dict[str, Any],
    *,
    agency: Agency,
    user_id: str,
    issue: str,
    purpose: str,
) -> Answer:
    """Read one record from a data service on behalf of ``agency``."""
    member = registry.local_member(agency)
    call = Call(
        service=service,
        params=params,
        client_id=protocol.client_identifier(member.identifier),
        user_id=user_id,
        issue=issue,
        purpose=purpose,
        key=registry.key_for(agency) if service.provider.transport == "xroad" else None,
    )
    gateway = gateway_for(service)
    prepared = gateway.prepare(call)
    common = {
        "member": member.identifier,
        "client": call.client_id,
        "service": service.identifier,
        "request_id": call.request_id,
        "user_id": user_id,
        "issue": issue,
        "purpose": purpose,
        "request_hash": prepared.request_hash,
    }
    try:
        at = _log(kind="request", signature=prepared.signature, **common).at
    except message_log.LogUnavailable as exc:
        raise ExchangeFailed(
            _("The exchange log cannot be written, so no data was requested."), "log"
        ) from exc
    try:
        reply = gateway.send(call, prepared)
    except Unreachable as exc:
        reason = "timeout" if exc.timeout else "down"
        _log_quietly(kind="failed", error=f"Client.{reason.title()}", **common)
        raise ExchangeFailed(
            _("%(agency)s did not answer in time.") % {"agency": service.provider.name}
            if exc.timeout
            else _("%(agency)s cannot be reached.") % {"agency": service.provider.name},
            reason,
        ) from exc
    except BadReply as exc:
        _log_quietly(kind="failed", error="Client.InvalidResponse", **common)
        raise ExchangeFailed(
            _("The answer from %(agency)s could not be trusted.")
            % {"agency": service.provider.name},
            "invalid",
            str(exc),
        ) from exc
    error = reply.error or ("" if reply.status < 400 else f"HTTP {reply.status}")
    try:
        _log(
            kind="response",
            status=reply.status,
            response_hash=reply.response_hash,
            error=error,
            signature=reply.signature,
            **common,
        )
    except message_log.LogUnavailable as exc:
        raise ExchangeFailed(
            _("The exchange log cannot be written, so the answer was not used."), "log"
        ) from exc
    if reply.status == 404 and not reply.error:
        raise RecordMissing(
            _("%(agency)s holds no record for you.") % {"agency": service.provider.name}
        )
    if reply.status >= 400:
        raise ExchangeFailed(
            _("%(agency)s refused the request.") % {"agency": service.provider.name},
            "refused",
            str(reply.data.get("type", error)),
        )
    return Answer(reply.data, call.request_id, at, service)
