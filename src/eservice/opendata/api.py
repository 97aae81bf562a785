"""CKAN's Action API endpoint (``/api/3/action/<name>`` and ``/api/action/<name>``).

Read actions answer GET with query parameters, and POST with a JSON body or a
form, as CKAN does. No login is needed: everything here is public.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from eservice.opendata import ckan

log = logging.getLogger(__name__)
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]*$")


def _json(status: int, body: Any, callback: str | None = None) -> HttpResponse:
    text = json.dumps(body, ensure_ascii=False)
    content_type = "application/json;charset=utf-8"
    if callback and status == 200:
        text, content_type = f"{callback}({text});", "application/javascript;charset=utf-8"
    response = HttpResponse(text, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(detail: str) -> HttpResponse:
    # CKAN answers a malformed call with a bare JSON string, not the envelope.
    return _json(400, f"Bad request - {detail}")


def _params(request: HttpRequest) -> dict[str, Any]:
    """Return the call's parameters like CKAN: query string, form or JSON body."""
    if request.method == "GET":
        return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()}
    if request.POST:
        values = list(request.POST.values())
        if len(values) == 1 and values[0] in {"1", ""}:
            # A JSON body sent as a form field name, as older clients do.
            return _decode(next(iter(request.POST.keys())))
        return {k: v[0] if len(v) == 1 else v for k, v in request.POST.lists()}
    if request.body:
        return _decode(request.body.decode("utf-8", errors="replace"))
    return {}


def _decode(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"Error decoding JSON data. Error: {exc!r}") from None
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {data!r} but it needs to be a dictionary.")
    return data


@csrf_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
def action(request: HttpRequest, name: str) -> HttpResponse:
    """Run one CKAN action and answer in CKAN's envelope."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        return response
    function = ckan.ACTIONS.get(name)
    if function is None:
        return _bad_request(f"Action name not known: {name}")
    try:
        params = _params(request)
    except ValueError as exc:
        return _bad_request(f"JSON Error: {exc}")
    callback = params.pop("callback", None) if request.method == "GET" else None
    if callback is not None and not _CALLBACK.match(str(callback)):
        callback = None
    help_url = f"{settings.PUBLIC_BASE_URL}/api/3/action/help_show?name={name}"
    try:
        result = function(params)
    except ckan.ActionError as exc:
        return _json(exc.status, {"help": help_url, "success": False, "error": exc.body()})
    return _json(200, {"help": help_url, "success": True, "result": result}, callback)


def api_root(request: HttpRequest, version: int = 3) -> HttpResponse:
    """``/api/3``: the API version, as CKAN answers it."""
    return _json(200, {"version": version})
