"""The operator's console command, run as a real process on its own database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

EXE = Path(sys.executable).with_name("eservice")

# Every process here runs on its own SQLite file whatever DATABASE_URL says, so
# the PostgreSQL pass of CI would only repeat them (minutes of demo loading).
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its processes on their own SQLite database: covered by the SQLite pass",
)


def _eservice(var: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ESERVICE_VAR_DIR": str(var), **env}
    environment.pop("DATABASE_URL", None)  # always its own SQLite file
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, env=environment, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("var")
    assert _eservice(path, "migrate", "-v", "0").returncode == 0
    return path


def test_it_refuses_a_bad_service_file_naming_each_error_and_importing_nothing(
    var: Path, tmp_path: Path
) -> None:
    from tests.factories import service_file

    data = service_file()
    data["services"][0]["steps"][1]["time_limit"]["unit"] = "weeks"
    bad = tmp_path / "agency.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = _eservice(var, "import-services", str(bad))

    assert result.returncode == 1
    assert "agency.yaml: services[0] (food-shop-licence): steps[1].time_limit.unit" in result.stderr
    assert "nothing imported" in result.stderr
    assert "Traceback" not in result.stderr
    export = yaml.safe_load(_eservice(var, "export-services").stdout)
    assert export["services"] == []


def test_it_imports_exports_and_reimports_a_file_unchanged(var: Path, tmp_path: Path) -> None:
    from tests.factories import service_file

    good = tmp_path / "catalog.json"
    import json

    good.write_text(json.dumps(service_file(), ensure_ascii=False), encoding="utf-8")
    first = _eservice(var, "import-services", str(good))
    assert first.returncode == 0, first.stderr
    assert "2 services published" in first.stdout

    exported = tmp_path / "exported.yaml"
    exported.write_text(_eservice(var, "export-services").stdout, encoding="utf-8")
    again = _eservice(var, "import-services", str(exported))
    assert again.returncode == 0, again.stderr
    assert "0 services published, 2 unchanged" in again.stdout
    assert _eservice(var, "verify-audit").returncode == 0


def test_it_refuses_to_start_in_production_mode_with_the_demo_secret(var: Path) -> None:
    result = _eservice(var, "manage", "check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    ok = _eservice(var, "manage", "check", DEBUG="false", SECRET_KEY="x" * 50)
    assert ok.returncode == 0, ok.stderr


def test_signing_commands_create_the_ca_list_keys_and_refuse_an_unknown_agency(
    tmp_path: Path,
) -> None:
    var = tmp_path / "signing"
    assert _eservice(var, "migrate", "-v", "0").returncode == 0
    created = _eservice(var, "signing", "init-ca", "--name", "Test CA")
    assert created.returncode == 0, created.stderr
    assert "created CA Test CA" in created.stdout
    again = _eservice(var, "signing", "init-ca", LANGUAGE_CODE="en")
    assert again.returncode == 1 and "already" in again.stderr
    pem = _eservice(var, "signing", "ca-pem")
    assert pem.stdout.startswith("-----BEGIN CERTIFICATE-----")
    unknown = _eservice(var, "signing", "rollover", "no-such-agency", LANGUAGE_CODE="en")
    assert unknown.returncode == 1 and "no agency" in unknown.stderr
    assert "Traceback" not in unknown.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo platform, loaded once for the module: its folder and what it printed."""
    var = tmp_path_factory.mktemp("demo")
    result = _eservice(var, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    return var, result.stdout


def test_the_demo_holds_only_states_real_use_reaches(demo: tuple[Path, str]) -> None:
    """Made through the actions, the demo keeps every rule `eservice check-cases` reads."""
    var, _ = demo
    checked = _eservice(var, "check-cases")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All cases keep every rule." in checked.stdout
    assert "FAIL" not in checked.stdout


def test_the_demo_gives_citizen1_a_signed_document_whose_qr_link_verifies(
    demo: tuple[Path, str],
) -> None:
    var, stdout = demo
    line = next(line for line in stdout.splitlines() if "/verify/" in line)
    document_id = line.rstrip("/").rsplit("/", 1)[1]
    check = _eservice(
        var,
        "manage",
        "shell",
        "-c",
        "from eservice.documents.verification import by_id; "
        f"v = by_id('{document_id}'); "
        "print(v.outcome, v.state, v.document.data['title']['en'], v.signature.trusted)",
    )
    verdict = check.stdout.strip().splitlines()[-1].split()
    assert verdict[:2] == ["genuine", "valid"], check.stdout + check.stderr
    assert verdict[-1] == "True"  # signed by a key the platform CA certified


def test_in_the_demo_citizen1_fetches_the_house_registration_with_consent_and_both_logs_agree(
    demo: tuple[Path, str],
) -> None:
    import re
    import socket
    import time

    import httpx

    var, _ = demo
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ESERVICE_VAR_DIR": str(var), "PORT": str(port), "LANGUAGE_CODE": "en"}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(  # one platform: it calls its own /r1/ over HTTP
        [str(EXE), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as web:
            for _ in range(100):
                try:
                    web.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            web.get("/login/")
            web.post(
                "/login/",
                data={
                    "username": "citizen1",
                    "password": "demo",
                    "csrfmiddlewaretoken": web.cookies["csrftoken"],
                },
            )
            form = web.post(
                "/services/certificate-of-residence/apply/",
                data={"csrfmiddlewaretoken": web.cookies["csrftoken"]},
            )
            assert "/form/" in str(form.url)
            house = "TH-DEMO/GOV/dopa/registry/house-registration"
            refused = web.post(
                str(form.url),
                data={
                    "csrfmiddlewaretoken": web.cookies["csrftoken"],
                    "copies": "3",
                    "fetch": house,
                },
            )
            assert "consent" in refused.text  # no consent, no read
            assert 'name="copies" value="3"' in refused.text  # and nothing typed is lost
            fetched = web.post(
                str(form.url),
                data={
                    "csrfmiddlewaretoken": web.cookies["csrftoken"],
                    "copies": "3",
                    "fetch": house,
                    "consent": house,
                },
            )
            assert "The data was fetched" in fetched.text, fetched.text[:3000]
            assert 'name="copies" value="3"' in fetched.text
            assert re.search(r'name="house_code" value="\d{11}"', fetched.text)
            assert "from Department of Provincial Administration" in fetched.text
            reads = web.get("/account/data-reads/")
            assert "House registration" in reads.text
            assert "Department of Provincial Administration" in reads.text
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = _eservice(var, "exchange", "log", "--limit", "10").stdout.splitlines()
    sides = [(line.split()[3], line.split()[4]) for line in log if "house-registration" in line]
    assert sides[-4:] == [
        ("client", "request"),
        ("server", "request"),
        ("server", "response"),
        ("client", "response"),
    ]
    hashes = {part for line in log[-4:] for part in line.split() if part.startswith("hash=")}
    assert len(hashes) == 1
    verified = _eservice(var, "exchange", "verify-log")
    assert verified.returncode == 0 and "intact" in verified.stdout


def test_the_ckanapi_command_searches_the_demos_open_data(demo: tuple[Path, str]) -> None:
    """The issue's 'done when': `ckanapi action package_search -r URL q=...` against the demo."""
    import json
    import socket
    import time

    import httpx

    var, stdout = demo
    assert "datasets published" in stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ESERVICE_VAR_DIR": str(var), "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(EXE), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        ckanapi = Path(sys.executable).with_name("ckanapi")
        search = subprocess.run(
            [str(ckanapi), "action", "package_search", "-r", base, "q=ผลการให้บริการ", "rows=100"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert search.returncode == 0, search.stderr
        found = json.loads(search.stdout)
        names = {r["name"] for r in found["results"]}
        assert {"service-performance", "nonthaburi-city-service-performance"} <= names
        # The archive gives the demo six months to chart.
        page = httpx.get(f"{base}/dataset/nonthaburi-city-service-performance", timeout=30)
        assert page.text.count("<svg") >= 3
        csv_url = next(
            r["url"]
            for r in next(p for p in found["results"] if p["name"] == "service-performance")[
                "resources"
            ]
            if r["format"] == "CSV"
        )
        body = httpx.get(csv_url.replace("http://127.0.0.1:8000", base), timeout=30).content
        assert body.startswith(b"\xef\xbb\xbf")
        assert "เทศบาลนครนนทบุรี" in body.decode("utf-8-sig")
    finally:
        server.terminate()
        server.wait(timeout=10)
    listed = _eservice(var, "opendata", "list").stdout
    assert "service-catalog" in listed
    again = _eservice(var, "opendata", "publish")
    assert again.returncode == 0 and "unchanged" in again.stdout, again.stdout


def test_import_laws_loads_the_whole_corpus_and_answers_thai_questions(var: Path) -> None:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "laws" / "nitibench"
    if not corpus.is_dir():
        pytest.skip(f"the shared law corpus is not at {corpus}")
    result = _eservice(var, "import-laws", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "36 laws added" in result.stdout
    assert "5127 sections" in result.stdout

    probe = (
        "from eservice.laws.search import rank_sections as r\n"
        "print(r('ซื้อขายที่ดินต้องทำเป็นหนังสือไหม', limit=3))\n"
        "print(r('มาตรา 65 ทวิ ประมวลรัษฎากร', limit=1))\n"
        "print(r('ลดหย่อนภาษีลูกได้คนละเท่าไร', limit=3))\n"
    )
    shell = _eservice(var, "manage", "shell", "-c", probe)
    assert shell.returncode == 0, shell.stderr
    land, reference, tax = shell.stdout.strip().splitlines()[-3:]
    assert "('ประมวลกฎหมายแพ่งและพาณิชย์', '456')" in land
    assert reference == "[('ประมวลรัษฎากร', '65 ทวิ')]"
    assert "('ประมวลรัษฎากร', '47')" in tax

    bad = var / "bad.json"
    bad.write_text('[{"law_name": "พระราชบัญญัติ", "section_num": "x!"}]', encoding="utf-8")
    refused = _eservice(var, "import-laws", str(bad))
    assert refused.returncode == 1
    assert "bad.json: [0] (พระราชบัญญัติ มาตรา x!)" in refused.stderr
    assert "nothing imported" in refused.stderr and "Traceback" not in refused.stderr


def test_in_the_demo_citizen1_hears_of_every_change_and_the_overdue_case_has_its_notices(
    demo: tuple[Path, str],
) -> None:
    """Issue 7's "done when": inbox, mail outbox and 7-day notices of delay, from `make demo`."""
    var, stdout = demo
    check = _eservice(
        var,
        "manage",
        "shell",
        "-c",
        "import json\n"
        "from eservice.cases.models import Application, TimelineEvent\n"
        "from eservice.notify.models import DelayNotice, Notification\n"
        "mine = Notification.objects.filter(recipient__username='citizen1')\n"
        "changes = TimelineEvent.objects.filter(application__applicant__username='citizen1',"
        " action__in=['submit','request_documents','complete_step','approve','document_issued'])\n"
        "app = Application.objects.get(applicant__username='citizen1',"
        " service__code='health-hazard-business-licence')\n"
        "sent = DelayNotice.objects.filter(application=app, sent_at__isnull=False)\n"
        "print(json.dumps({"
        "'inbox': mine.filter(channel='inbox').count(),"
        "'email': sorted(set(mine.filter(channel='email').values_list('status', flat=True))),"
        "'changes': changes.count(),"
        "'notices': [(n.sequence, bool(n.reason), n.expected_date is not None) for n in sent],"
        "'gaps': [(b.due_at - a.due_at).days for a, b in zip(sent, list(sent)[1:])],"
        "'timeline': app.timeline.filter(action='delay_notice', internal=False).count(),"
        "'oversight': Notification.objects.filter(application=app, event='delay_notice',"
        " address='opdc-delay-notices@example.com', status='delivered').count(),"
        "}))",
    )
    assert check.returncode == 0, check.stderr
    figures = __import__("json").loads(check.stdout.strip().splitlines()[-1])
    # One inbox message per change the applicant hears of, delivered by email too.
    assert figures["inbox"] >= figures["changes"] > 5
    assert figures["email"] == ["delivered"]
    mail = "".join(p.read_text(encoding="utf-8") for p in (var / "mail").glob("*.log"))
    assert "To: citizen1@example.com" in mail
    # Four weeks past the limit: a notice each 7 days, each with the officer's reason.
    assert len(figures["notices"]) >= 3
    assert all(reason and expected for _, reason, expected in figures["notices"])
    assert set(figures["gaps"]) == {7}
    assert figures["timeline"] == len(figures["notices"]) == figures["oversight"]
    assert "notices of delay sent" in stdout


def test_the_worker_runs_what_is_due_and_exits_in_burst_mode(var: Path) -> None:
    result = _eservice(var, "worker", "--burst")
    assert result.returncode == 0, result.stderr
    # The periodic jobs (delay scan, sweep, open data, clean-up) all ran once.
    assert result.stdout.strip().endswith("jobs run.")
    assert int(result.stdout.split()[0]) >= 4
