"""The wire protocol: X-Road style headers, signed with HTTP Message Signatures (RFC 9421).

A request is ``POST /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}`` with the
parameters as a JSON body (so no personal data is ever in a URL) and the headers:

- ``X-Road-Client``: the calling member and subsystem;
- ``X-Road-Id``: a fresh UUID per request (a repeated id is a replay);
- ``X-Road-UserId``: on whose behalf (``officer:<username>`` or ``applicant:<user id>``);
- ``X-Road-Issue``: the application the call is for;
- ``X-Road-Purpose``: ``consent:<consent id>`` or ``law``.

Both sides sign with their agency's key (RSASSA-PSS SHA-512 over the RFC 9421
signature base, which covers these headers and the body's Content-Digest) using
the ``http-message-signatures`` library. The response echoes the request id and
adds ``X-Road-Request-Hash``: the SHA-256 of the request's signature, which both
message logs record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    VerifyResult,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from eservice.core.clock import now
from eservice.documents import signing

CLIENT = "X-Road-Client"
ID = "X-Road-Id"
USER = "X-Road-UserId"
ISSUE = "X-Road-Issue"
PURPOSE = "X-Road-Purpose"
SERVICE = "X-Road-Service"
REQUEST_HASH = "X-Road-Request-Hash"
ERROR = "X-Road-Error"

REQUEST_TAG = "x-road-request"
RESPONSE_TAG = "x-road-response"
REQUEST_COMPONENTS = (
    "@method",
    "@path",
    "content-type",
    "x-road-client",
    "x-road-id",
    "x-road-userid",
    "x-road-issue",
    "x-road-purpose",
)
RESPONSE_COMPONENTS = (
    "@status",
    "content-type",
    "x-road-id",
    "x-road-service",
    "x-road-request-hash",
)
ALGORITHM = algorithms.RSA_PSS_SHA512
MEMBER_CLASS = "GOV"
CLIENT_SUBSYSTEM = "eservice"
PROVIDER_SUBSYSTEM = "registry"


class BadSignature(Exception):
    """A message's signature is missing, malformed, stale, or does not match."""


def member_identifier(agency_code: str) -> str:
    return f"{settings.EXCHANGE_INSTANCE}/{MEMBER_CLASS}/{agency_code}"


def client_identifier(member_id: str) -> str:
    return f"{member_id}/{CLIENT_SUBSYSTEM}"


def member_of(identifier: str) -> str:
    """``INSTANCE/CLASS/MEMBER[/SUBSYSTEM[/SERVICE]]`` -> ``INSTANCE/CLASS/MEMBER``."""
    return "/".join(identifier.split("/")[:3])


def body_of(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature_hash(headers: httpx.Headers) -> str:
    """SHA-256 (hex) of a message's Signature header: the same on both sides."""
    return hashlib.sha256(headers.get("signature", "").encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class Key:
    """A private key and the fingerprint of its certificate (the RFC 9421 keyid)."""

    key_id: str
    private: rsa.RSAPrivateKey


class _Keys(HTTPSignatureKeyResolver):
    def __init__(self, *, private: Key | None = None, certificates: list[str] | None = None):
        self.private = private
        self.public = {signing.fingerprint_of(pem): pem for pem in certificates or []}

    def resolve_private_key(self, key_id: str) -> rsa.RSAPrivateKey:
        assert self.private is not None and key_id == self.private.key_id
        return self.private.private

    def resolve_public_key(self, key_id: str) -> Any:
        pem = self.public.get(key_id)
        if pem is None:
            raise InvalidSignature("the key is not one of the sender's certificates")
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
        moment = now()
        if not (cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc):
            raise InvalidSignature("the sender's certificate is not valid now")
        return cert.public_key()


def _max_age() -> timedelta:
    return timedelta(seconds=settings.EXCHANGE_MAX_AGE)


def _created() -> datetime:
    return now().astimezone(UTC)


def sign_request(request: httpx.Request, body: bytes, key: Key) -> None:
    """Sign a request in place: headers, path and the body's digest."""
    HTTPMessageSigner(signature_algorithm=ALGORITHM, key_resolver=_Keys(private=key)).sign(
        request,
        key_id=key.key_id,
        created=_created(),
        nonce=request.headers[ID],
        tag=REQUEST_TAG,
        covered_component_ids=REQUEST_COMPONENTS,
        body=body,
    )


def verify_request(request: httpx.Request, body: bytes, certificates: list[str]) -> None:
    """Check a received request's signature against the sender's certificates."""
    results = _verify(request, body, certificates, REQUEST_TAG, REQUEST_COMPONENTS)
    if any(result.nonce != request.headers.get(ID) for result in results):
        raise BadSignature("the signed nonce is not the request id")


def sign_response(response: httpx.Response, body: bytes, key: Key) -> None:
    components = RESPONSE_COMPONENTS + (("x-road-error",) if ERROR in response.headers else ())
    HTTPMessageSigner(signature_algorithm=ALGORITHM, key_resolver=_Keys(private=key)).sign(
        response,
        key_id=key.key_id,
        created=_created(),
        tag=RESPONSE_TAG,
        covered_component_ids=components,
        body=body,
    )


def verify_response(response: httpx.Response, body: bytes, certificates: list[str]) -> None:
    components = RESPONSE_COMPONENTS + (("x-road-error",) if ERROR in response.headers else ())
    _verify(response, body, certificates, RESPONSE_TAG, components)


def _verify(
    message: Any, body: bytes, certificates: list[str], tag: str, components: tuple[str, ...]
) -> list[VerifyResult]:
    verifier = HTTPMessageVerifier(
        signature_algorithm=ALGORITHM, key_resolver=_Keys(certificates=certificates)
    )
    try:
        return verifier.verify(
            message,
            max_age=_max_age(),
            expect_tag=tag,
            require_components=components,
            body=body,
        )
    except (InvalidSignature, HTTPMessageSignaturesException, ValueError) as exc:
        raise BadSignature(str(exc)) from exc


def error_body(kind: str, message: str, detail: str = "") -> dict[str, str]:
    """X-Road's infrastructure error body."""
    return {"type": kind, "message": message, "detail": detail}


def json_object(body: bytes) -> dict[str, Any]:
    data = json.loads(body or b"{}")
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data
