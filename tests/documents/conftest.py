"""Fixtures of the issued-document tests: an approved case's document and PDF tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import api  # noqa: F401 - the API client fixture, for these tests too
from tests.web.conftest import browser  # noqa: F401 - the web client fixture, for these tests too


@pytest.fixture
def issued(make_case: Any) -> Any:
    """The signed document issued when the applicant's food-shop case was approved."""
    from eservice.documents.services import documents_of

    app = make_case("approved")
    return documents_of(app.pk).get()


def pdf_bytes(document: Any) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def tool(name: str) -> str:
    """Return the path of a poppler/NSS tool (`make test` installs them)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run scripts/system-packages --test")
    return path


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    """Text of a PDF in content order (``-raw``), as a reader's copy would give it."""
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    run = subprocess.run(
        [tool("pdftotext"), "-raw", "-enc", "UTF-8", str(source), "-"],
        capture_output=True,
        check=True,
    )
    # SARA AM is drawn as NIKHAHIT + SARA AA (its compatibility decomposition) and
    # extracted so (see documents/pdftext.py); put it back together as readers do.
    return run.stdout.decode("utf-8").replace("\u0e4d\u0e32", "\u0e33")


@pytest.fixture
def nss_trusting_ca(tmp_path: Path) -> Any:
    """Return ``nss()``: an NSS database that trusts the platform CA, for ``pdfsig``."""
    from eservice.documents.signing import current_authority

    def make() -> str:
        authority = current_authority()
        assert authority is not None
        directory = tmp_path / "nss"
        directory.mkdir(exist_ok=True)
        ca = tmp_path / "ca.pem"
        ca.write_text(authority.certificate_pem)
        certutil = tool("certutil")
        subprocess.run(
            [certutil, "-N", "-d", f"sql:{directory}", "--empty-password"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                certutil,
                "-A",
                "-d",
                f"sql:{directory}",
                "-n",
                "eservice-ca",
                "-t",
                "CT,C,C",
                "-i",
                str(ca),
            ],
            check=True,
            capture_output=True,
        )
        return f"sql:{directory}"

    return make


def pdfsig(pdf: bytes, nssdir: str, tmp_path: Path) -> str:
    """What poppler's pdfsig says of a PDF's signatures."""
    source = tmp_path / "signed.pdf"
    source.write_bytes(pdf)
    run = subprocess.run(
        [tool("pdfsig"), "-nssdir", nssdir, str(source)], capture_output=True, text=True
    )
    return run.stdout + run.stderr
