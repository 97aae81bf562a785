"""What the law catalog does when other modules change."""

from __future__ import annotations

from typing import Any

from eservice.laws import index


def reindex_service(sender: Any, code: str, **kwargs: Any) -> None:
    """A service published a new manual: its search entry follows."""
    index.index_service(code)
