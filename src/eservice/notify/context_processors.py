from __future__ import annotations

from django.http import HttpRequest

from eservice.notify.inbox import unread_count


def inbox(request: HttpRequest) -> dict[str, int]:
    """Expose the signed-in person's unread message count to the header."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_messages": unread_count(user)}
