"""Public track & trace: by number, no sign-in, no personal data."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from eservice.cases.access import Mistyped, track
from eservice.core import tracking
from eservice.core.errors import NotFound


def _rate(group: str, request: HttpRequest) -> str:
    return settings.TRACK_RATE_LIMIT


@ratelimit(key="ip", rate=_rate, group="track", block=True)
def track_form(request: HttpRequest) -> HttpResponse:
    """Ask for a tracking number; a well-formed one goes to its page."""
    number = request.GET.get("number", "").strip()
    error = ""
    if number:
        try:
            canonical = tracking.normalise(number)
        except ValueError:
            try:
                track(number)
            except NotFound as exc:
                error = str(exc.message)
        else:
            return redirect("cases:track-number", number=tracking.display(canonical))
    return render(
        request,
        "cases/track_form.html",
        {"number": number, "error": error},
        status=400 if error else 200,
    )


@ratelimit(key="ip", rate=_rate, group="track", block=True)
def track_number(request: HttpRequest, number: str) -> HttpResponse:
    """Show the public status and timeline of an application."""
    try:
        view = track(number)
    except Mistyped as exc:
        return render(
            request, "cases/track_form.html", {"number": number, "error": exc.message}, status=400
        )
    except NotFound as exc:
        return render(
            request, "cases/track_form.html", {"number": number, "error": exc.message}, status=404
        )
    return render(request, "cases/track.html", {"t": view})
