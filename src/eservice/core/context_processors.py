from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Expose what every page needs: demo banner and the officer's agencies."""
    user = request.user
    officer_agencies = []
    if user.is_authenticated:
        officer_agencies = list(
            user.officer_roles.select_related("agency").values_list("agency__code", flat=True)
        )
    return {"DEMO_MODE": settings.DEBUG, "is_officer": bool(officer_agencies)}
