from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 429 in the user's language when a client asks too often."""
    message = _("Too many requests. Please wait a minute and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "rate_limited"}, status=429)
    return render(request, "core/error.html", {"message": message}, status=429)


# --- error pages: styled, in the user's language; JSON under /api/ -------------------


def _error(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "core/error.html", {"message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400, _("The request could not be read."), "bad_request")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if str(exception) else _("You may not see this page.")
    return _error(request, 403, message, "forbidden")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, _("This page does not exist, or you may not see it."), "not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 that needs nothing that may have failed (no database, no context processors)."""
    message = _("Something went wrong on our side. Please try again in a few minutes.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "server_error"}, status=500)
    return HttpResponse(loader.render_to_string("core/500.html", {"message": message}), status=500)
