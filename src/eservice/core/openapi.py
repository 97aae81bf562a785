"""Make the OpenAPI document the same whatever database generates it."""

from __future__ import annotations

from typing import Any

# DRF copies each database's integer column range into the schema as bounds;
# these values describe storage, not the API, and differ between SQLite and PostgreSQL.
_STORAGE_MAXIMA = {32767, 2147483647, 9223372036854775807}
_STORAGE_MINIMA = {-32768, -2147483648, -9223372036854775808}


def strip_storage_integer_bounds(result: Any, generator: Any, request: Any, public: Any) -> Any:
    """Remove integer bounds that come from the database's column sizes."""
    _strip(result)
    return result


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            _strip_integer(node)
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for item in node:
            _strip(item)


def _strip_integer(node: dict[str, Any]) -> None:
    maximum = node.get("maximum")
    if maximum in _STORAGE_MAXIMA:
        del node["maximum"]
    # A 64-bit storage bound also made the generator say int64: that is storage too.
    if maximum == max(_STORAGE_MAXIMA) and node.get("format") == "int64":
        del node["format"]
    if node.get("minimum") in _STORAGE_MINIMA:
        del node["minimum"]
