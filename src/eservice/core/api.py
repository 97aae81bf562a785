"""API plumbing shared by every module: domain errors as JSON."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eservice.core.errors import DomainError, ValidationFailed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain errors into ``{"detail", "code"}`` responses; delegate the rest to DRF."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": str(exc.message), "code": exc.code}
        if isinstance(exc, ValidationFailed) and exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, Ratelimited):
        message = _("Too many requests. Please wait a minute and try again.")
        return Response({"detail": message, "code": "rate_limited"}, status=429)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        if isinstance(response.data, dict) and "detail" in response.data:
            response.data["code"] = getattr(response.data["detail"], "code", exc.default_code)
        elif isinstance(exc, exceptions.ValidationError):
            response.data = {
                "detail": _("The request has errors."),
                "code": "invalid",
                "errors": response.data,
            }
    return response
