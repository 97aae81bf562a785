"""Web plumbing shared by every module's views: domain errors as pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from eservice.accounts.models import User
from eservice.core.errors import DomainError, NotFound, ValidationFailed

View = Callable[..., HttpResponseBase]


def signed_in(request: HttpRequest) -> User:
    """Return the signed-in user of a view that sits behind ``login_required``."""
    user = request.user
    if not isinstance(user, User):
        raise NotFound(_("Please sign in."))
    return user


def refusal_message(exc: DomainError) -> str:
    """Return a refused action's message with each field's problem."""
    details = ""
    if isinstance(exc, ValidationFailed):
        details = "; ".join(m for msgs in exc.errors.values() for m in msgs)
    return f"{exc.message} {details}".strip()


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
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=404)
        except DomainError as exc:
            if request.method == "POST":
                messages.error(request, str(exc.message))
                return back(request, request.path)
            return render(
                request, "core/error.html", {"message": exc.message}, status=exc.status_code
            )

    return wrapper
