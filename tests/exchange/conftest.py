"""A second, real platform instance (the provider) on a loopback port.

The provider runs ``eservice serve`` (gunicorn) on its own SQLite file with the
population and company registries. The consumer is the platform under test (the
test database). They trust each other the way two operators would: each imports
the other's registry file with the other's CA certificate, obtained out of band.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import override_settings

from eservice.documents import signing
from eservice.exchange import registry
from tests.factories import thai_id

EXE = Path(sys.executable).with_name("eservice")
PASSPHRASE = "provider test passphrase"
PERSON_ID = thai_id("110170020703")  # somchai, the applicant persona
COMPANY_ID = "0105558012349"

SETUP = f"""
import random
from eservice.catalog.models import Agency
from eservice.exchange import registry
from eservice.registries import generate
dopa = Agency.objects.create(code="dopa", name_th="กรมการปกครอง", name_en="Department of Provincial Administration", kind="department")
dbd = Agency.objects.create(code="dbd", name_th="กรมพัฒนาธุรกิจการค้า", name_en="Department of Business Development", kind="department")
registry.publish(dopa, "person", "population.person", "ข้อมูลบุคคล", "Person")
registry.publish(dopa, "house-registration", "population.house-registration", "ทะเบียนบ้าน", "House registration")
registry.publish(dbd, "company", "companies.company", "ข้อมูลนิติบุคคล", "Juristic person")
rng = random.Random(7)
generate.add_people([generate.PersonSeed("{PERSON_ID}", "สมชาย", "ใจดี", "Somchai", "Jaidee")], rng)
generate.add_company("{COMPANY_ID}", "บริษัท ตัวอย่าง จำกัด", "Example Co., Ltd.", ["สมชาย ใจดี"], rng)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Provider:
    """The provider platform: its commands, its address and its database file."""

    def __init__(self, var: Path, port: int) -> None:
        self.var, self.port = var, port
        self.url = f"http://127.0.0.1:{port}"
        self.db = var / "eservice.sqlite3"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        environment = {
            **os.environ,
            "ESERVICE_VAR_DIR": str(self.var),
            "SIGNING_KEY_PASSPHRASE": PASSPHRASE,
            "EXCHANGE_SELF_URL": self.url,
            "PUBLIC_BASE_URL": self.url,
            "EXCHANGE_INSTANCE": "TH-DEMO",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "1",
            "WEB_THREADS": "4",
            "DEBUG": "false",
            "SECRET_KEY": "provider-test-secret-key-not-for-production-000000000",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        environment.pop("DATABASE_URL", None)
        environment.pop("REDIS_URL", None)
        return environment

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(EXE), *args],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=300,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"eservice {' '.join(args)} failed:\n{result.stderr}")
        return result

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(EXE), "serve", "--log-level", "warning", "--access-logfile", "/dev/null"],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("the provider instance did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
        return rows

    def log(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.db) as conn:
            conn.row_factory = sqlite3.Row
            return [
                dict(r) for r in conn.execute("SELECT * FROM exchange_messagerecord ORDER BY seq")
            ]


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    var = tmp_path_factory.mktemp("provider")
    instance = Provider(var, free_port())
    instance.run("migrate", "-v", "0")
    instance.run("manage", "shell", "-c", SETUP)
    instance.run("exchange", "export-registry", "--out", str(var / "registry.json"))
    (var / "ca.pem").write_text(instance.run("signing", "ca-pem").stdout, encoding="ascii")
    instance.start()
    yield instance
    instance.stop()


SERVICE_PERSON = "TH-DEMO/GOV/dopa/registry/person"
SERVICE_HOUSE = "TH-DEMO/GOV/dopa/registry/house-registration"
SERVICE_COMPANY = "TH-DEMO/GOV/dbd/registry/company"


GRANTS = f"""
from eservice.exchange import registry
from eservice.exchange.models import AccessRight
AccessRight.objects.all().delete()
client = registry.member("{{client}}")
registry.grant(registry.service("{SERVICE_PERSON}"), client, "test")
registry.grant(registry.service("{SERVICE_COMPANY}"), client, "test")
"""

# The consumer's CA and agency key, made once per session: each test's database is
# fresh, and the provider trusts the keys it imported at the start.
_consumer_keys: dict[str, list[dict[str, Any]]] = {}


def _restore_keys() -> None:
    from eservice.documents.models import CertificateAuthority, SigningKey

    for values in _consumer_keys["authorities"]:
        CertificateAuthority.objects.create(**values)
    from eservice.catalog.models import Agency

    for values in _consumer_keys["keys"]:
        # Ids of agencies differ between tests on PostgreSQL (sequences do not roll back).
        agency = Agency.objects.get(code=values["agency_code"])
        fields = {k: v for k, v in values.items() if k != "agency_code"}
        SigningKey.objects.create(**fields, agency_id=agency.pk)


def _remember_keys() -> None:
    from django.forms.models import model_to_dict

    from eservice.documents.models import CertificateAuthority, SigningKey

    _consumer_keys["authorities"] = [
        model_to_dict(ca) | {"id": ca.pk} for ca in CertificateAuthority.objects.all()
    ]
    _consumer_keys["keys"] = [
        {k: v for k, v in model_to_dict(key).items() if k not in ("agency", "authority")}
        | {"id": key.pk, "agency_code": key.agency.code, "authority_id": key.authority_id}
        for key in SigningKey.objects.all()
    ]


@pytest.fixture
def linked(db: None, provider: Provider, agency_a: Any, tmp_path: Path) -> Provider:
    """The consumer (agency A, here) and the provider trust each other; A may call the
    person and company services (not the house registration: that needs a grant)."""
    registry.import_registry(
        json.loads((provider.var / "registry.json").read_text(encoding="utf-8")),
        (provider.var / "ca.pem").read_text(encoding="ascii"),
        "test",
    )
    if _consumer_keys:
        _restore_keys()
        registry.local_member(agency_a)
        provider.run("manage", "shell", "-c", GRANTS.replace("{client}", _client(agency_a)))
        return provider
    with override_settings(EXCHANGE_SELF_URL="http://127.0.0.1:9"):
        registry.local_member(agency_a)
        mine = tmp_path / "consumer.json"
        mine.write_text(json.dumps(registry.export()), encoding="utf-8")
        ca = tmp_path / "consumer-ca.pem"
        ca.write_text(signing.authority_pem(), encoding="ascii")
    _remember_keys()
    provider.run(
        "manage",
        "shell",
        "-c",
        "import json, pathlib\n"
        "from eservice.exchange import registry\n"
        f"registry.import_registry(json.loads(pathlib.Path({str(mine)!r}).read_text()), "
        f"pathlib.Path({str(ca)!r}).read_text(), 'test')\n"
        + GRANTS.replace("{client}", _client(agency_a)),
    )
    return provider


def _client(agency: Any) -> str:
    return registry.local_member(agency).identifier


class BlackHole:
    """A server that accepts connections and never answers: a provider that is too slow."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


@pytest.fixture
def agency_a(catalog: Any) -> Any:
    return catalog.agency_a
