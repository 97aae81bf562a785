"""The ``eservice`` command for operators.

eservice demo [--reset]       migrate, load demo data, print accounts, serve
eservice serve                serve with gunicorn on $HOST:$PORT
eservice migrate              apply database migrations
eservice import-services FILE import service manuals (YAML or JSON)
eservice export-services      print every current manual as YAML
eservice verify-audit         check the audit log's hash chain
eservice signing ...          document-signing CA and agency keys:
                                init-ca, rollover AGENCY, list, ca-pem
eservice exchange ...         data exchange between agencies: members, services,
                                access rights, registry files, the message log
                                (eservice exchange --help)
eservice import-laws PATH...  import laws (agency YAML/JSON or the nitibench corpus)
eservice opendata publish     regenerate the open datasets now (--full)
eservice worker               run background jobs: notifications, delay notices, open data
                                (--burst: run what is due, then exit)
eservice manage ...           any Django management command
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eservice.settings")
    import django
    from django.conf import settings

    django.setup()
    # The embedded database and uploads live here; create it on first use.
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)


def _serve(extra: list[str]) -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    threads = os.environ.get("WEB_THREADS", "4")
    args = [
        "gunicorn",
        "eservice.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        workers,
        "--threads",
        threads,
        # A search in a URL is a few hundred Thai characters, 9 bytes each
        # when encoded: allow gunicorn's largest request line (long questions
        # are posted).
        "--limit-request-line",
        "8190",
        "--access-logfile",
        "-",
        *extra,
    ]
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606


# Console names of the management commands operators use.
COMMANDS = {
    "demo": "demo",
    "migrate": "migrate",
    "import-services": "import_services",
    "export-services": "export_services",
    "verify-audit": "verify_audit",
    "signing": "signing",
    "exchange": "exchange",
    "opendata": "opendata",
    "import-laws": "import_laws",
    "worker": "worker",
    "check-cases": "check_cases",
}


def _worker() -> None:
    """Start the job worker beside the web server (messages, delay notices, open data)."""
    import subprocess

    # Same process group as the server: Ctrl-C in the terminal stops both.
    subprocess.Popen([sys.executable, "-m", "eservice.cli", "worker"])


def _run(name: str, args: list[str]) -> None:
    """Run a management command; a refused input prints its errors and exits 1, no traceback."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["eservice", name, *args])
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    _setup()
    if command == "serve":
        _serve(rest)
    elif command == "manage":
        _run(rest[0] if rest else "help", rest[1:])
    else:
        _run(COMMANDS.get(command, command), rest)
        if command == "demo" and "--no-serve" not in rest:
            _worker()
            _serve([])


if __name__ == "__main__":
    main()
