from __future__ import annotations

from typing import Any

from django import template

from eservice.cases.models import Application
from eservice.core.clock import now
from eservice.notify import delays

register = template.Library()


@register.inclusion_tag("notify/_delay_panel.html", takes_context=True)
def delay_panel(context: dict[str, Any], app: Application) -> dict[str, Any]:
    """On the officer's case page: the notices of delay sent, and the reason for the next."""
    pending = delays.pending_notice(app, now())
    return {
        "app": app,
        "pending": pending,
        "asked_at": delays.reason_asked_at(app, pending) if pending else None,
        "sent": [n for n in delays.notices_of(app) if n.sent_at],
        "csrf_token": context.get("csrf_token"),
    }
