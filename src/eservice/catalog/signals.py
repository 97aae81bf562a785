"""Signals other modules listen to, so the catalog need not know them."""

from django.dispatch import Signal

# Sent after a new manual of a service is published (argument: ``code``), in
# the publishing transaction. The law catalog re-indexes the service.
service_published = Signal()
