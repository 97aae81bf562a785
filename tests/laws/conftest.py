"""Fixtures of the law catalog tests: the demo laws and files of the shared corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eservice.demo.loader import LAWS_FILE

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "data" / "laws" / "nitibench"
REVENUE_CODE = "u0E1B_0008-1D-0001.json"  # ประมวลรัษฎากร, 361 sections
COMMERCIAL_REGISTRATION = "u0E17_0002-1B-0001.json"  # 22 sections
CIVIL_CODE = "u0E1B_0003-1D-0002.json"  # 1,842 sections


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} of the shared law corpus is not in {CORPUS}")
    return path


@pytest.fixture
def demo_laws(catalog: Any) -> Any:
    """The demo law catalog, over the test catalog (whose services cite two of its laws)."""
    from eservice.laws.importer import import_paths

    return import_paths([LAWS_FILE])


@pytest.fixture
def revenue_code(db: None) -> Any:
    from eservice.laws.importer import import_paths

    return import_paths([corpus_file(REVENUE_CODE), corpus_file(COMMERCIAL_REGISTRATION)])
