"""Agencies and their services' versioned manuals (Licensing Facilitation Act s.7)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from eservice.core.i18n import localized


class TimeUnit(models.TextChoices):
    DAYS = "days", _("working days")
    HOURS = "hours", _("working hours")


class Agency(models.Model):
    """A government agency: ministry, department, provincial or district office, local government."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        DEPARTMENT = "department", _("department")
        PROVINCIAL = "provincial", _("provincial office")
        DISTRICT = "district", _("district office")
        LOCAL = "local", _("local government")

    code = models.SlugField(max_length=64, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return localized(self, "name")


class AgencyDayOff(models.Model):
    """A day an agency is closed besides weekends and public holidays."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="days_off")
    day = models.DateField()
    reason_th = models.CharField(max_length=255)
    reason_en = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="one_day_off")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class Category(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return localized(self, "name")


class Service(models.Model):
    """A service an agency offers; its content lives in versions."""

    code = models.SlugField(max_length=100, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    current_version = models.OneToOneField(
        "ServiceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceVersion(models.Model):
    """One published manual of a service; immutable once applications use it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    description_th = models.TextField()
    description_en = models.TextField()
    conditions_th = models.TextField()
    conditions_en = models.TextField()
    output_document_th = models.CharField(max_length=255)
    output_document_en = models.CharField(max_length=255)
    time_limit_value = models.PositiveIntegerField()
    time_limit_unit = models.CharField(max_length=8, choices=TimeUnit.choices)
    channels = models.JSONField(default=list)
    complaints = models.JSONField(default=list)
    form_schema = models.JSONField()
    form_ui = models.JSONField()
    # Data fetched from other agencies instead of asked for (see docs/service-format.md).
    prefill = models.JSONField(default=list)

    class Meta:
        ordering = ["service", "number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"

    @property
    def total_fee(self) -> Decimal:
        return sum((fee.amount for fee in self.fees.all()), Decimal("0"))


class LegalBasis(models.Model):
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="legal_basis"
    )
    position = models.PositiveSmallIntegerField()
    law_th = models.CharField(max_length=255)
    law_en = models.CharField(max_length=255)
    sections = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.law_en


class Step(models.Model):
    """A step of the manual: who does it and within what time."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        REVIEWER = "reviewer", _("reviewer")
        APPROVER = "approver", _("approver")

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    unit_th = models.CharField(max_length=255)
    unit_en = models.CharField(max_length=255)
    role = models.CharField(max_length=16, choices=Role.choices)
    time_limit_value = models.PositiveIntegerField()
    time_limit_unit = models.CharField(max_length=8, choices=TimeUnit.choices)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="one_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name_en}"


class DocumentRequirement(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=64)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    issuer_th = models.CharField(max_length=255, blank=True)
    issuer_en = models.CharField(max_length=255, blank=True)
    original = models.BooleanField(default=False)
    copies = models.PositiveSmallIntegerField(default=1)
    required = models.BooleanField(default=True)
    note_th = models.TextField(blank=True)
    note_en = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_document_code")
        ]

    def __str__(self) -> str:
        return self.code


class Fee(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField()
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note_th = models.TextField(blank=True)
    note_en = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name_en}: {self.amount}"


class ServiceTerm(models.Model):
    """A search term of a service's current manual (Thai words segmented)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["term"])]
        constraints = [
            models.UniqueConstraint(fields=["service", "term"], name="one_term_per_service")
        ]

    def __str__(self) -> str:
        return self.term
