"""Request body parsers for the API: DRF's, with clear 400s for what is not JSON text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from eservice.core.errors import ValidationFailed
from eservice.core.text import find_not_text


def not_text_error(field: str, position: int) -> ValidationFailed:
    """The 400 for a field holding a character that is not text."""
    return ValidationFailed(
        _("The request has errors."),
        {
            field: [
                _(
                    "This has a character that is not text (at character %(position)s). "
                    "Type or paste it again."
                )
                % {"position": position + 1}
            ]
        },
    )


class JSONParser(parsers.JSONParser):
    """JSON, refusing with a 400 (never a server error) a body nested deeper than
    Python's recursion allows, and text that is not text (a lone surrogate such as
    ``"\\ud800"``, NUL, control characters), naming the field."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON is nested too deeply.")) from exc
        bad = find_not_text(data)
        if bad is not None:
            raise not_text_error(*bad)
        return data
