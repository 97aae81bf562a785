"""The GDX-style central token gateway, against a real HTTP server speaking that style.

The gateway sells a token for the consumer key and secret (``GET /ws/auth/validate``);
data calls carry ``Consumer-Key`` and ``Token``. A 401 on a data call means the token
expired: the adapter gets a new token and retries once.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.utils import translation

from eservice.exchange import client, gateways, registry
from eservice.exchange import log as message_log
from eservice.exchange.models import MessageRecord
from tests.exchange.conftest import free_port
from tests.factories import thai_id

KEY = "consumer-key-0001"
SECRET = "consumer-secret-0001"
AGENT = "agent-0001"
PATH = "/ws/dopa/personal"
MEMBER = "TH/GOV/dopa-gdx"
SERVICE = f"{MEMBER}/gdx/personal"
PERSON_ID = thai_id("110170020703")
NOBODY_ID = thai_id("310050123456")
RECORD = {
    "national_id": PERSON_ID,
    "full_name_th": "นายสมชาย ใจดี",
    "full_name_en": "Mr. Somchai Jaidee",
}


class GDX:
    """What the gateway holds and what it saw; shared with the request handler."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key, self.secret, self.agent = KEY, SECRET, AGENT
        self.paths = {PATH}
        self.people = {PERSON_ID: RECORD}
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.data_calls = 0
        self.refuse_tokens = False  # every data call answers 401
        self.seen: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        self.issued: list[str] = []

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()


class Handler(BaseHTTPRequestHandler):
    server: GDXServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _see(self) -> GDX:
        gdx = self.server.gdx
        with gdx.lock:
            gdx.seen.append((self.command, self.path, dict(self.headers.items())))
        return gdx

    def do_GET(self) -> None:
        gdx = self._see()
        url = urlsplit(self.path)
        if url.path != "/ws/auth/validate":
            self._answer(404, {"Error": "no such path"})
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with gdx.lock:
            gdx.token_requests += 1
            if (
                self.headers.get("Consumer-Key") != gdx.key
                or query.get("ConsumerSecret") != gdx.secret
            ):
                status, data = 401, {"Error": "invalid consumer key or secret"}
            elif query.get("AgentID") != gdx.agent:
                status, data = 403, {"Error": "unknown agent"}
            else:
                token = secrets.token_urlsafe(24)
                gdx.tokens.add(token)
                gdx.issued.append(token)
                status, data = 200, {"Result": token}
        self._answer(status, data)

    def do_POST(self) -> None:
        gdx = self._see()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path not in gdx.paths:
            self._answer(404, {"Error": "no such path"})
            return
        with gdx.lock:
            gdx.data_calls += 1
            valid = (
                not gdx.refuse_tokens
                and self.headers.get("Consumer-Key") == gdx.key
                and self.headers.get("Token") in gdx.tokens
            )
        if not valid:
            self._answer(401, {"Error": "invalid or expired token"})
            return
        person = gdx.people.get(json.loads(body or b"{}").get("national_id", ""))
        if person is None:
            self._answer(404, {"Error": "no such person"})
            return
        self._answer(200, person)


class GDXServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.gdx = GDX()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def gdx_server() -> Iterator[GDXServer]:
    server = GDXServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_cached_tokens() -> Iterator[None]:
    gateways._tokens.tokens.clear()
    yield
    gateways._tokens.tokens.clear()


@pytest.fixture
def gdx(db: None, gdx_server: GDXServer) -> Iterator[GDX]:
    """The consumer knows the DOPA service behind the gateway and holds valid credentials."""
    registry.add_gateway_service(
        MEMBER,
        "กรมการปกครอง (GDX)",
        "DOPA via GDX",
        gdx_server.url,
        "personal",
        PATH,
        "ข้อมูลบุคคล",
        "Person",
    )
    with override_settings(GDX_CONSUMER_KEY=KEY, GDX_CONSUMER_SECRET=SECRET, GDX_AGENT_ID=AGENT):
        yield gdx_server.gdx


def _fetch(agency: Any, national_id: str = PERSON_ID) -> client.Answer:
    return client.fetch(
        registry.service(SERVICE),
        {"national_id": national_id},
        agency=agency,
        user_id="officer:clerk-a",
        issue="7b2f9a64-1d7e-4a55-9b1e-3f0c2e4d5a61",
        purpose="consent:0b7e4c43-6f2c-4b8e-9d6f-6a5c8f6c2a10",
    )


def _data_calls(gdx: GDX) -> list[dict[str, str]]:
    return [headers for method, path, headers in gdx.seen if (method, path) == ("POST", PATH)]


def _kinds(request_id: str) -> list[tuple[str, str, str, int | None]]:
    return list(
        MessageRecord.objects.filter(request_id=request_id)
        .order_by("seq")
        .values_list("side", "kind", "error", "status")
    )


def test_a_call_gets_a_token_once_and_then_reuses_it(gdx: GDX, agency_a: Any) -> None:
    first = _fetch(agency_a)
    second = _fetch(agency_a)

    assert first.data == RECORD and second.data == RECORD
    assert (gdx.token_requests, gdx.data_calls) == (1, 2)
    auth = [(m, p, h) for m, p, h in gdx.seen if m == "GET"]
    assert auth[0][2]["Consumer-Key"] == KEY
    assert f"ConsumerSecret={SECRET}" in auth[0][1] and f"AgentID={AGENT}" in auth[0][1]
    token = gdx.issued[0]
    for headers in _data_calls(gdx):
        assert headers["Consumer-Key"] == KEY
        assert headers["Token"] == token
    assert first.request_id != second.request_id


def test_an_expired_token_is_renewed_and_the_call_retried_once(gdx: GDX, agency_a: Any) -> None:
    _fetch(agency_a)
    gdx.expire_tokens()

    answer = _fetch(agency_a)

    assert answer.data == RECORD
    assert gdx.token_requests == 2
    assert gdx.data_calls == 3  # the first call, the refused one and its retry
    calls = _data_calls(gdx)
    assert [h["Token"] for h in calls] == [gdx.issued[0], gdx.issued[0], gdx.issued[1]]
    # The retry is invisible in the log: one request, one answer.
    assert _kinds(answer.request_id) == [
        ("client", "request", "", None),
        ("client", "response", "", 200),
    ]
    # The new token is kept for the next call.
    _fetch(agency_a)
    assert (gdx.token_requests, gdx.data_calls) == (2, 4)


def test_a_token_the_gateway_keeps_refusing_is_retried_only_once(gdx: GDX, agency_a: Any) -> None:
    gdx.refuse_tokens = True

    with pytest.raises(client.ExchangeFailed) as failed:
        _fetch(agency_a)

    assert failed.value.reason == "invalid"
    assert (gdx.token_requests, gdx.data_calls) == (2, 2)


def test_a_wrong_consumer_secret_is_an_invalid_answer_and_is_logged(
    gdx: GDX, agency_a: Any
) -> None:
    with (
        override_settings(GDX_CONSUMER_SECRET="not-the-secret"),
        translation.override("en"),
        pytest.raises(client.ExchangeFailed) as failed,
    ):
        _fetch(agency_a)

    assert failed.value.reason == "invalid"
    assert "DOPA via GDX" in str(failed.value.message)
    assert gdx.token_requests == 1
    assert gdx.data_calls == 0  # no data call without a token
    records = list(MessageRecord.objects.filter(side="client").order_by("seq"))
    assert [(r.kind, r.error) for r in records] == [
        ("request", ""),
        ("failed", "Client.InvalidResponse"),
    ]
    assert records[0].request_id == records[1].request_id
    assert records[0].request_hash == records[1].request_hash
    assert message_log.verify().ok


def test_an_unknown_person_is_a_missing_record(gdx: GDX, agency_a: Any) -> None:
    with pytest.raises(client.RecordMissing):
        _fetch(agency_a, NOBODY_ID)

    assert gdx.data_calls == 1
    last = MessageRecord.objects.order_by("-seq").first()
    assert last is not None and (last.kind, last.status) == ("response", 404)


def test_each_call_is_logged_with_one_request_hash_and_no_national_id(
    gdx: GDX, agency_a: Any
) -> None:
    answers = [_fetch(agency_a), _fetch(agency_a)]
    with pytest.raises(client.RecordMissing):
        _fetch(agency_a, NOBODY_ID)

    for answer in answers:
        request, response = MessageRecord.objects.filter(request_id=answer.request_id).order_by(
            "seq"
        )
        assert (request.side, request.kind) == ("client", "request")
        assert (response.side, response.kind, response.status) == ("client", "response", 200)
        assert response.error == ""
        assert request.request_hash == response.request_hash
        assert len(request.request_hash) == 64
        assert response.response_hash
    assert answers[0].request_id != answers[1].request_id
    hashes = {
        MessageRecord.objects.get(request_id=a.request_id, kind="request").request_hash
        for a in answers
    }
    assert len(hashes) == 2
    assert message_log.verify().ok
    logged = json.dumps(list(MessageRecord.objects.values()), default=str)
    assert PERSON_ID not in logged
    assert NOBODY_ID not in logged
    assert MessageRecord.objects.count() == 6


def test_a_gateway_that_is_down_is_a_clear_failure(gdx: GDX, agency_a: Any) -> None:
    member = registry.service(SERVICE).provider
    member.base_url = f"http://127.0.0.1:{free_port()}"
    member.save()

    with pytest.raises(client.ExchangeFailed) as failed:
        _fetch(agency_a)

    assert failed.value.reason == "down"
    kinds = list(MessageRecord.objects.order_by("seq").values_list("side", "kind", "error"))
    assert kinds == [("client", "request", ""), ("client", "failed", "Client.Down")]
    assert gdx.token_requests == 0 and gdx.data_calls == 0
