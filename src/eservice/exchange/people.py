"""What a person sees and decides: consents to reads, and the list of reads of their data."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from eservice.accounts.models import User
from eservice.audit.actions import record
from eservice.catalog.models import Agency
from eservice.core.clock import now
from eservice.exchange.models import Consent, DataRead, DataService


def give_consent(person: User, service: DataService, application: uuid.UUID) -> Consent:
    """Record the person's consent to one data service being read for one application."""
    consent = Consent.objects.create(
        person=person, service=service, application=application, given_at=now()
    )
    record(
        person.username,
        "exchange.consent",
        "application",
        str(application),
        {"service": service.identifier, "consent": str(consent.public_id)},
    )
    return consent


def consent_for(person: User, service: DataService, application: uuid.UUID) -> Consent | None:
    """The person's latest consent to this service being read for this application."""
    return (
        Consent.objects.filter(person=person, service=service, application=application)
        .order_by("-given_at")
        .first()
    )


def record_read(
    person: User,
    *,
    reader: Agency,
    service: DataService,
    application: uuid.UUID,
    purpose_th: str,
    purpose_en: str,
    fields: list[str],
    consent: Consent | None,
    request_id: str,
    outcome: str,
) -> DataRead:
    """Tell the person (in their account) that an agency read, or tried to read, their data."""
    return DataRead.objects.create(
        person=person,
        reader=reader,
        service=service,
        application=application,
        purpose_th=purpose_th[:255],
        purpose_en=purpose_en[:255],
        at=now(),
        fields=fields,
        ground=DataRead.Ground.CONSENT if consent else DataRead.Ground.LAW,
        consent=consent,
        request_id=request_id,
        outcome=outcome,
    )


def reads_of(person: User) -> QuerySet[DataRead]:
    """Every read of the person's data, newest first."""
    return DataRead.objects.filter(person=person).select_related(
        "reader", "service__provider", "consent"
    )
