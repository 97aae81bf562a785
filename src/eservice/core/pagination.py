"""One rule for every paged list of the API: ``limit`` 1 to 100, ``offset`` 0 to 1,000,000.

A value that is not a whole number in those bounds is a 400 naming the
parameter, in the user's language (DRF's own class silently used the default
for a word, and passed 9223372036854775808 to the database, which answered
500 on SQLite).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from eservice.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


def bounded(value: str | None, name: str, default: int, low: int, high: int) -> int:
    """A query parameter as a whole number within [low, high]; ValidationFailed otherwise."""
    if value is None or value == "":
        return default
    text = value.strip()
    if not (text.isdigit() and text.isascii()) or len(text) > 12 or not low <= int(text) <= high:
        raise ValidationFailed(
            _("The request has errors."),
            {
                name: [
                    _("Give a whole number from %(low)s to %(high)s.")
                    % {"low": f"{low:,}", "high": f"{high:,}"}
                ]
            },
        )
    return int(text)


class Pagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        return bounded(raw, self.limit_query_param, self.default_limit, 1, MAX_LIMIT)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        return bounded(raw, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
                parameter["description"] = f"Results per page, 1 to {MAX_LIMIT}."
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET, default=0)
                parameter["description"] = f"Results to skip, 0 to {MAX_OFFSET:,}."
        return parameters
