"""The in-app inbox: messages a person received on the platform."""

from __future__ import annotations

from django.db.models import QuerySet

from eservice.accounts.models import User
from eservice.core.clock import now
from eservice.notify.models import Channel, Notification


def messages_of(user: User) -> QuerySet[Notification]:
    """Return the person's inbox, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX).select_related(
        "application"
    )


def unread_count(user: User) -> int:
    return messages_of(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: list[int]) -> int:
    """Mark the person's own messages as read; others' ids are ignored."""
    if not ids:
        return 0
    return messages_of(user).filter(pk__in=ids, read_at__isnull=True).update(read_at=now())
