"""Web plumbing shared by every module's views: domain errors as pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from eservice.core.errors import DomainError, NotFound

View = Callable[..., HttpResponse]


def back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the page the form came from when it is ours, else to ``fallback``."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def domain_errors(view: View) -> View:
    """Show NotFound as a 404 page and other domain errors as a message on the previous page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=404)
        except DomainError as exc:
            if request.method == "POST":
                messages.error(request, str(exc.message))
                return back(request, request.path)
            return render(request, "core/error.html", {"message": exc.message},
                          status=exc.status_code)

    return wrapper
