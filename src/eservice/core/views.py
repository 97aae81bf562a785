from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
