"""The OpenAPI document: served, committed up to date, and browsable without a CDN."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# Upper bounds of Django's integer fields on SQLite, PostgreSQL and MySQL.
BACKEND_BOUNDS = {2**15 - 1, 2**31 - 1, 2**63 - 1, 2**16 - 1, 2**32 - 1}


def _integer_properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, component in schema["components"]["schemas"].items():
        for prop, spec in component.get("properties", {}).items():
            if isinstance(spec, dict) and spec.get("type") == "integer":
                found.append((f"{name}.{prop}", spec))
    return found


def _backend_bounds(schema: dict[str, Any]) -> list[str]:
    """Return the integer properties whose bound is a database backend's range."""
    return [
        f"{where}: maximum {spec['maximum']}"
        for where, spec in _integer_properties(schema)
        if spec.get("maximum") in BACKEND_BOUNDS
    ]


def _without_backend_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    for _, spec in _integer_properties(schema):
        if spec.get("maximum") in BACKEND_BOUNDS:
            del spec["maximum"]
            if spec.get("format") == "int64":
                del spec["format"]
    return schema


def _generate(tmp_path: Path, *extra: str) -> str:
    """Generate the document as ``make schema`` does and return its text."""
    target = tmp_path / "openapi.yaml"
    GENERATOR_STATS.reset()  # warnings of earlier generations in this process
    call_command("spectacular", "--lang", "en", "--file", str(target), *extra)
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("query", ["", "?format=json"])
def test_it_serves_an_openapi_3_document_of_the_api(client: Client, query: str) -> None:
    response = client.get(f"/api/schema/{query}")

    assert response.status_code == 200
    schema = response.json() if query else yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "eservice API"
    paths = schema["paths"]
    assert "/api/v1/track/{number}/" in paths
    assert set(paths["/api/v1/applications/"]) >= {"get", "post"}
    assert "/api/v1/cases/{tracking_number}/actions/approve/" in paths
    # The catch-all JSON 404 of unknown API paths is no endpoint.
    assert not [p for p in paths if not p.startswith("/api/v1/")]


def test_it_has_the_committed_document_match_the_code(tmp_path: Path) -> None:
    generated = yaml.safe_load(_generate(tmp_path))
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))

    # On failure: regenerate with `make schema` and commit docs/openapi.yaml. (Integer
    # bounds that come from the database backend are compared by the next test.)
    assert _without_backend_bounds(committed) == _without_backend_bounds(generated)


def test_it_generates_the_same_document_whatever_the_database(tmp_path: Path) -> None:
    # Django gives model integer fields the range of the database in use, and DRF turns
    # it into `maximum`: the contract must not change between SQLite and PostgreSQL.
    schema = yaml.safe_load(_generate(tmp_path))
    assert _backend_bounds(schema) == []


def test_it_generates_the_document_without_warnings(tmp_path: Path) -> None:
    # `make schema` runs with --fail-on-warn: a warning means the routine cannot run.
    _generate(tmp_path, "--validate", "--fail-on-warn")


def test_it_serves_swagger_ui_from_its_own_static_files(client: Client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    external = [a for a in assets if re.match(r"(?:https?:)?//", a)]
    assert external == []
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert not re.search(r"""import\s*\(?\s*["']https?://""", html)


def test_it_serves_the_swagger_ui_assets_it_links(client: Client, settings: Any) -> None:
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="(/static/[^"]+)"', html)

    assert assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
