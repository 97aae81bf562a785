"""Transports to other agencies behind one interface.

- :class:`XRoadGateway`: the platform's own signed protocol, to another platform
  instance (or to a provider hosted on this one, over the same HTTP path).
- :class:`GDXGateway`: a central token gateway in the style of Thailand's GDX: the
  consumer key and secret buy a token, and calls carry the key and the token.

The client (:mod:`eservice.exchange.client`) builds a request, logs it, sends it,
and logs the reply; a gateway only knows how to build, send and check messages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from django.conf import settings

from eservice.exchange import protocol
from eservice.exchange.models import DataService


@dataclass
class Call:
    """One call for data: what, for whom, on whose behalf and why."""

    service: DataService
    params: dict[str, Any]
    client_id: str
    user_id: str
    issue: str
    purpose: str
    key: protocol.Key | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Prepared:
    request: httpx.Request
    body: bytes
    request_hash: str
    signature: str


@dataclass
class Reply:
    status: int
    data: dict[str, Any]
    response_hash: str
    error: str = ""
    signature: str = ""


class Unreachable(Exception):
    """The provider did not answer: connection refused, or no answer within the timeout."""

    def __init__(self, message: str, *, timeout: bool) -> None:
        super().__init__(message)
        self.timeout = timeout


class BadReply(Exception):
    """The provider's answer cannot be trusted: bad signature or a different request hash."""


class Gateway(Protocol):
    def prepare(self, call: Call) -> Prepared: ...

    def send(self, call: Call, prepared: Prepared) -> Reply: ...


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(settings.EXCHANGE_TIMEOUT)


_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def http() -> httpx.Client:
    """One HTTP client per process: a new one costs ~20 ms (it loads the CA bundle)
    and would not reuse connections to the provider."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = httpx.Client(limits=httpx.Limits(max_connections=64))
        return _shared


def _send(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    request.extensions["timeout"] = _timeout().as_dict()
    try:
        return client.send(request)
    except httpx.TimeoutException as exc:
        raise Unreachable(str(exc) or "timeout", timeout=True) from exc
    except httpx.TransportError as exc:
        raise Unreachable(str(exc) or "connection failed", timeout=False) from exc


def _json(content: bytes) -> dict[str, Any]:
    try:
        data = json.loads(content or b"{}")
    except ValueError as exc:
        raise BadReply("the answer is not JSON") from exc
    if not isinstance(data, dict):
        raise BadReply("the answer is not a JSON object")
    return data


class XRoadGateway:
    """Signed requests to a member's platform, signed answers back (RFC 9421)."""

    def __init__(self, base_url: str, provider_certificates: list[str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.certificates = provider_certificates

    def prepare(self, call: Call) -> Prepared:
        assert call.key is not None
        body = protocol.body_of(call.params)
        request = httpx.Request(
            "POST",
            f"{self.base_url}/r1/{call.service.identifier}",
            headers={
                "content-type": "application/json",
                protocol.CLIENT: call.client_id,
                protocol.ID: call.request_id,
                protocol.USER: call.user_id,
                protocol.ISSUE: call.issue,
                protocol.PURPOSE: call.purpose,
            },
            content=body,
        )
        protocol.sign_request(request, body, call.key)
        return Prepared(
            request,
            body,
            protocol.signature_hash(request.headers),
            request.headers["signature"],
        )

    def send(self, call: Call, prepared: Prepared) -> Reply:
        response = _send(http(), prepared.request)
        content = response.content
        try:
            protocol.verify_response(response, content, self.certificates)
        except protocol.BadSignature as exc:
            raise BadReply(f"the answer's signature does not verify: {exc}") from exc
        if response.headers.get(protocol.ID) != call.request_id:
            raise BadReply("the answer is for another request")
        if response.headers.get(protocol.REQUEST_HASH) != prepared.request_hash:
            raise BadReply("the provider received a different request")
        return Reply(
            status=response.status_code,
            data=_json(content),
            response_hash=hashlib.sha256(content).hexdigest(),
            error=response.headers.get(protocol.ERROR, ""),
            signature=response.headers.get("signature", ""),
        )


def _log_key() -> bytes:
    return hashlib.sha256(b"eservice exchange log\n" + settings.SECRET_KEY.encode()).digest()


class _TokenCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def get(self, key: tuple[str, str]) -> str | None:
        with self.lock:
            found = self.tokens.get(key)
        if found and found[1] > time.monotonic():
            return found[0]
        return None

    def put(self, key: tuple[str, str], token: str, ttl: float) -> None:
        with self.lock:
            self.tokens[key] = (token, time.monotonic() + ttl)


_tokens = _TokenCache()


class GDXGateway:
    """A central gateway: ``Consumer-Key`` + secret -> token; calls carry key and token.

    Authentication is ``GET {base}/ws/auth/validate`` with the ``Consumer-Key`` header
    and ``ConsumerSecret`` and ``AgentID`` parameters, answered ``{"Result": token}``.
    Data calls send ``Consumer-Key`` and ``Token``; a 401 means the token expired:
    the gateway gets a new one once and retries.
    """

    def __init__(
        self, base_url: str, consumer_key: str, consumer_secret: str, agent_id: str
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.agent_id = agent_id

    def prepare(self, call: Call) -> Prepared:
        body = protocol.body_of(call.params)
        request = httpx.Request(
            "POST",
            f"{self.base_url}/{call.service.path.lstrip('/')}",
            headers={"content-type": "application/json", "X-Request-Id": call.request_id},
            content=body,
        )
        # Keyed: the body holds a national ID, and a plain hash of so few possible
        # values could be reversed by anyone holding the log.
        digest = hmac.new(
            _log_key(),
            b"\n".join([b"POST", str(request.url).encode(), call.request_id.encode(), body]),
            hashlib.sha256,
        ).hexdigest()
        return Prepared(request, body, digest, "")

    def _token(self, client: httpx.Client, *, fresh: bool = False) -> str:
        key = (self.base_url, self.consumer_key)
        if not fresh:
            cached = _tokens.get(key)
            if cached:
                return cached
        response = _send(
            client,
            client.build_request(
                "GET",
                f"{self.base_url}/ws/auth/validate",
                headers={"Consumer-Key": self.consumer_key},
                params={"ConsumerSecret": self.consumer_secret, "AgentID": self.agent_id},
            ),
        )
        if response.status_code != 200:
            raise BadReply(f"the gateway refused the consumer key ({response.status_code})")
        token = str(_json(response.content).get("Result", ""))
        if not token:
            raise BadReply("the gateway returned no token")
        _tokens.put(key, token, settings.GDX_TOKEN_TTL)
        return token

    def send(self, call: Call, prepared: Prepared) -> Reply:
        client = http()
        response = None
        for fresh in (False, True):
            token = self._token(client, fresh=fresh)
            request = client.build_request(
                "POST",
                prepared.request.url,
                headers={
                    **dict(prepared.request.headers),
                    "Consumer-Key": self.consumer_key,
                    "Token": token,
                },
                content=prepared.body,
            )
            response = _send(client, request)
            if response.status_code != 401:
                break
        assert response is not None
        if response.status_code == 401:
            raise BadReply("the gateway refused the token")
        return Reply(
            status=response.status_code,
            data=_json(response.content),
            response_hash=hashlib.sha256(response.content).hexdigest(),
        )
