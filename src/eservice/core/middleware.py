"""Middleware of the whole platform."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from eservice.core.text import not_text_at

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class TextOnlyMiddleware:
    """Refuse a query string or form field holding a character that is not text
    (NUL, control characters) with a 400 in the user's language that names the
    field, before any view stores it. API bodies are checked by ``core.parsers``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        api = request.path.startswith("/api/")
        if request.method == "POST" and not api and request.content_type in FORM_TYPES:
            sources.append(request.POST)
        for source in sources:
            for name, values in source.lists():
                for value in [name, *values]:
                    at = not_text_at(value)
                    if at is not None:
                        return refuse(request, name, at)
        return self.get_response(request)


def refuse(request: HttpRequest, field: str, position: int) -> HttpResponse:
    message = _(
        "“%(field)s” has a character that is not text (at character %(position)s). "
        "Type or paste it again."
    ) % {"field": field[:60], "position": position + 1}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("The request has errors."),
                "code": "invalid",
                "errors": {field: [message]},
            },
            status=400,
        )
    return render(request, "core/error.html", {"message": message}, status=400)
