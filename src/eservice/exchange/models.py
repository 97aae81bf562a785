"""The exchange's registry, access rights, message log, consents and the reads people see."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eservice.core.i18n import localized


class Member(models.Model):
    """An agency taking part in the exchange, on this platform or on another one.

    ``identifier`` follows X-Road's ``INSTANCE/CLASS/MEMBER``. A member hosted here
    has ``agency`` set and signs with that agency's key; a remote member is reached
    at ``base_url`` and its messages are checked against ``certificates``, which
    were checked against ``ca_pem`` when the operator imported its registry.
    """

    class Transport(models.TextChoices):
        XROAD = "xroad", _("signed exchange protocol (X-Road style)")
        GDX = "gdx", _("central token gateway (GDX style)")

    identifier = models.CharField(max_length=200, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    agency = models.OneToOneField(
        "catalog.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_member",
    )
    transport = models.CharField(max_length=8, choices=Transport.choices, default=Transport.XROAD)
    base_url = models.URLField(blank=True)
    certificates = models.JSONField(default=list)
    ca_pem = models.TextField(blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def is_local(self) -> bool:
        return self.agency_id is not None


class DataService(models.Model):
    """Data a provider member serves, described by an OpenAPI document."""

    provider = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="services")
    identifier = models.CharField(max_length=255, unique=True)
    code = models.SlugField(max_length=64)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    # Which register lookup answers it (services hosted here); see registries.queries.
    lookup = models.CharField(max_length=64, blank=True)
    # Path on a gateway (GDX-style members).
    path = models.CharField(max_length=255, blank=True)
    personal = models.BooleanField(default=True)
    subject_param = models.CharField(max_length=64, default="national_id")
    openapi = models.JSONField(default=dict)

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier

    @property
    def name(self) -> str:
        return localized(self, "name")


class AccessRight(models.Model):
    """A provider's grant of one data service to one client member. Deny by default."""

    service = models.ForeignKey(DataService, on_delete=models.CASCADE, related_name="rights")
    client = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rights")
    # When set, the client may read a person's data without that person's consent.
    legal_basis_th = models.CharField(max_length=255, blank=True)
    legal_basis_en = models.CharField(max_length=255, blank=True)
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "client"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "client"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_right",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} -> {self.service_id}"


class LogHead(models.Model):
    """The end of the message log's hash chain; locked to append."""

    count = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.count} {self.last_hash}"


class MessageRecord(models.Model):
    """One message this platform sent or received, in an append-only hash chain.

    Only hashes of the messages are kept: no personal data in the log. The request
    hash is the SHA-256 of the request's signature, so both sides' records of one
    exchange carry the same value.
    """

    class Side(models.TextChoices):
        CLIENT = "client", _("sent (as client)")
        SERVER = "server", _("received (as provider)")

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        RESPONSE = "response", _("response")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    side = models.CharField(max_length=8, choices=Side.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    member = models.CharField(max_length=200, blank=True)
    client = models.CharField(max_length=255)
    service = models.CharField(max_length=255)
    request_id = models.CharField(max_length=64)
    user_id = models.CharField(max_length=150, blank=True)
    issue = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=128, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    response_hash = models.CharField(max_length=64, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=128, blank=True)
    signature = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["member", "seq"]),
            models.Index(fields=["request_id"]),
        ]
        constraints = [
            # A request id is accepted once per client: a replay cannot be logged twice.
            models.UniqueConstraint(
                fields=["client", "request_id"],
                condition=Q(side="server", kind="request"),
                name="one_received_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.side} {self.kind} {self.request_id}"


class Consent(models.Model):
    """A person's consent to one data service being read for one application."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents"
    )
    service = models.ForeignKey(DataService, on_delete=models.PROTECT, related_name="+")
    application = models.UUIDField()
    given_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.person_id} {self.service_id}"


class DataRead(models.Model):
    """A read of a person's data, shown to that person in their account."""

    class Ground(models.TextChoices):
        CONSENT = "consent", _("your consent")
        LAW = "law", _("a legal basis")

    class Outcome(models.TextChoices):
        OK = "ok", _("read")
        NOT_FOUND = "not_found", _("no record found")
        FAILED = "failed", _("could not be read")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_reads"
    )
    reader = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(DataService, on_delete=models.PROTECT, related_name="+")
    application = models.UUIDField()
    purpose_th = models.CharField(max_length=255)
    purpose_en = models.CharField(max_length=255)
    at = models.DateTimeField()
    fields = models.JSONField(default=list)
    ground = models.CharField(max_length=8, choices=Ground.choices)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT)
    request_id = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.service_id} {self.at}"
