"""Signals other modules listen to, so that cases need not know them.

``case_event`` is sent for every timeline entry, inside the transaction that
records it, with ``application`` and ``event`` (the TimelineEvent).
"""

from django.dispatch import Signal

case_event = Signal()
