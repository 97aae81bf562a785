"""Real servers on loopback for the notify tests: an SMTP server and an HTTP server.

``smtp_server`` is aiosmtpd listening on 127.0.0.1, with Django's SMTP email
backend pointed at it; it keeps every message it accepted and can be told to
refuse a recipient (550, 451...). ``http_server`` is the standard library's
threading HTTP server, standing in for the SMS provider and an agency's system:
it records every request and answers with the statuses it is given.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- SMTP ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """The aiosmtpd handler: stores what arrives and refuses what it is told to."""

    messages: list[Received] = field(default_factory=list)
    # Every RCPT TO the server was given, accepted or not: how often delivery was tried.
    recipients_tried: list[str] = field(default_factory=list)
    refusals: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        with self.lock:
            self.recipients_tried.append(address)
            replies = self.refusals.get(address.lower())
            if replies:
                return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox

    @property
    def messages(self) -> list[Received]:
        with self.mailbox.lock:
            return list(self.mailbox.messages)

    @property
    def recipients_tried(self) -> list[str]:
        with self.mailbox.lock:
            return list(self.mailbox.recipients_tried)

    def refuse(self, address: str, reply: str, times: int = 1) -> None:
        """Answer RCPT TO ``address`` with ``reply`` (e.g. ``"550 5.1.1 No such user"``)."""
        with self.mailbox.lock:
            self.mailbox.refusals.setdefault(address.lower(), []).extend([reply] * times)


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 that Django's SMTP email backend sends to."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield SmtpServer("127.0.0.1", port, mailbox)
    finally:
        controller.stop()


# --- HTTP ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request the HTTP server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpServer:
    url: str
    received: list[Request] = field(default_factory=list)
    answers: list[tuple[int, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> list[Request]:
        with self.lock:
            return list(self.received)

    def respond(self, *answers: int | tuple[int, Any]) -> None:
        """Answer the next requests, in order, with these statuses (and JSON bodies).

        Once they are used up, every request gets 200 ``{}``.
        """
        with self.lock:
            for answer in answers:
                self.answers.append(answer if isinstance(answer, tuple) else (answer, {}))

    def _take(self, request: Request) -> tuple[int, Any]:
        with self.lock:
            self.received.append(request)
            return self.answers.pop(0) if self.answers else (200, {})


def _handler(server: HttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, data = server._take(Request("POST", self.path, headers, body))
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    """An HTTP server on 127.0.0.1 that records requests and answers as it is told."""
    state = HttpServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
