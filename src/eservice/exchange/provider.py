"""Answering a signed request for one of the data services hosted here.

Every request is checked in this order, and each refusal is logged and answered
with X-Road's error body: a known service, a known client, a valid signature,
a request id never seen before, an access right, well-formed parameters, and
consent or a legal basis for a person's data. Then the request is logged, the
register is read, and the signed answer is logged before it is sent. If the log
cannot be written, the request is refused (fails closed).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import httpx
import jsonschema

from eservice.exchange import log as message_log
from eservice.exchange import protocol, registry
from eservice.exchange.models import DataService, Member
from eservice.registries.queries import RecordNotFound
from eservice.registries.queries import lookup as find_lookup

logger = logging.getLogger(__name__)


class Refusal(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def _response(
    status: int,
    data: dict[str, Any],
    *,
    request: httpx.Request,
    service_id: str,
    request_hash: str,
    error: str = "",
    agency_service: DataService | None,
) -> httpx.Response:
    body = protocol.body_of(data)
    headers = {
        "content-type": "application/json",
        protocol.ID: request.headers.get(protocol.ID, ""),
        protocol.SERVICE: service_id,
        protocol.REQUEST_HASH: request_hash,
    }
    if error:
        headers[protocol.ERROR] = error
    response = httpx.Response(status, headers=headers, content=body, request=request)
    provider = agency_service.provider if agency_service else None
    if provider is not None and provider.agency is not None:
        protocol.sign_response(response, body, registry.key_for(provider.agency))
    return response


def handle(service_id: str, url: str, headers: Mapping[str, str], body: bytes) -> httpx.Response:
    """Check, log and answer one request for ``service_id``."""
    request = httpx.Request("POST", url, headers=dict(headers), content=body)
    request_hash = protocol.signature_hash(request.headers)
    client_id = request.headers.get(protocol.CLIENT, "")
    request_id = request.headers.get(protocol.ID, "")
    service = (
        DataService.objects.select_related("provider__agency")
        .filter(identifier=service_id, provider__agency__isnull=False)
        .first()
    )
    common = {
        "side": "server",
        "member": service.provider.identifier if service else "",
        "client": client_id[:255],
        "service": service_id[:255],
        "request_id": request_id[:64],
        "user_id": request.headers.get(protocol.USER, "")[:150],
        "issue": request.headers.get(protocol.ISSUE, "")[:64],
        "purpose": request.headers.get(protocol.PURPOSE, "")[:128],
        "request_hash": request_hash,
    }
    try:
        params = _check(service, request, body, client_id, request_id)
        assert service is not None
        try:
            message_log.append(kind="request", signature=request.headers["signature"], **common)
        except message_log.AlreadyLogged as exc:
            raise Refusal(409, "Server.ServerProxy.Replay", "This request id was used.") from exc
        except message_log.LogUnavailable as exc:
            raise Refusal(
                503, "Server.ServerProxy.LogUnavailable", "The message log cannot be written."
            ) from exc
        status, data = _answer(service, params)
    except Refusal as refusal:
        try:
            message_log.append(kind="refused", status=refusal.status, error=refusal.kind, **common)
        except message_log.LogUnavailable:
            logger.error("could not log a refused exchange request %s", request_id)
        return _response(
            refusal.status,
            protocol.error_body(refusal.kind, refusal.message),
            request=request,
            service_id=service_id,
            request_hash=request_hash,
            error=refusal.kind,
            agency_service=service,
        )
    response = _response(
        status,
        data,
        request=request,
        service_id=service_id,
        request_hash=request_hash,
        agency_service=service,
    )
    try:
        message_log.append(
            kind="response",
            status=status,
            response_hash=hashlib.sha256(response.content).hexdigest(),
            signature=response.headers.get("signature", ""),
            **common,
        )
    except message_log.LogUnavailable:
        kind = "Server.ServerProxy.LogUnavailable"
        return _response(
            503,
            protocol.error_body(kind, "The message log cannot be written."),
            request=request,
            service_id=service_id,
            request_hash=request_hash,
            error=kind,
            agency_service=service,
        )
    return response


def _check(
    service: DataService | None,
    request: httpx.Request,
    body: bytes,
    client_id: str,
    request_id: str,
) -> dict[str, Any]:
    """Check everything about the request; return its parameters or raise a Refusal."""
    if service is None:
        raise Refusal(404, "Server.ServerProxy.UnknownService", "No such service here.")
    client = Member.objects.filter(identifier=protocol.member_of(client_id)).first()
    if client is None or not client_id.startswith(client.identifier + "/"):
        raise Refusal(403, "Server.ServerProxy.UnknownMember", "The client is not a member.")
    try:
        protocol.verify_request(request, body, registry.certificates_for(client))
    except protocol.BadSignature as exc:
        raise Refusal(
            403, "Server.ServerProxy.InvalidSignature", f"The signature does not verify: {exc}"
        ) from exc
    if message_log.seen(client_id, request_id):
        raise Refusal(409, "Server.ServerProxy.Replay", "This request id was used.")
    right = registry.right_of(service, client.identifier)
    if right is None:
        raise Refusal(
            403, "Server.ServerProxy.AccessDenied", "The client may not call this service."
        )
    found = find_lookup(service.lookup)
    if found is None:
        raise Refusal(500, "Server.ServerProxy.ServiceFailed", "The service has no backend.")
    try:
        params = protocol.json_object(body)
        jsonschema.validate(params, found.params)
    except (ValueError, jsonschema.ValidationError) as exc:
        raise Refusal(400, "Server.ServerProxy.BadRequest", "Bad parameters.") from exc
    purpose = request.headers.get(protocol.PURPOSE, "")
    if service.personal:
        consent = purpose.startswith("consent:") and len(purpose) > len("consent:")
        law = purpose == "law" and bool(right.legal_basis_en or right.legal_basis_th)
        if not (consent or law):
            raise Refusal(
                403,
                "Server.ServerProxy.ConsentRequired",
                "A person's data needs their consent or a legal basis for this client.",
            )
    return params


def _answer(service: DataService, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    found = find_lookup(service.lookup)
    assert found is not None
    try:
        return 200, found.run(params)
    except RecordNotFound:
        return 404, {"detail": "No record for this key."}
