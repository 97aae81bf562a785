"""Open data: per-case facts, monthly figures, and the datasets published from them.

Nothing here refers to a person. A fact is keyed by the application's internal
number and holds months, counts and working days only; it never leaves the
database. What is published (datasets and their files) is built from the
monthly figures, after small counts have been suppressed.
"""

from __future__ import annotations

import uuid

from django.db import models

from eservice.core.clock import now


class CaseFact(models.Model):
    """What the statistics need to know about one submitted application."""

    class Outcome(models.TextChoices):
        OPEN = "open"
        APPROVED = "approved"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    # The application's primary key. Not a foreign key: the cases module owns
    # applications, and this table is rebuilt from them, never the other way round.
    application_id = models.BigIntegerField(primary_key=True)
    service_id = models.IntegerField()
    agency_id = models.IntegerField()
    received = models.DateField(help_text="First day of the month it was submitted.")
    ended = models.DateField(null=True, help_text="Month it was decided or withdrawn.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    working_days = models.FloatField(null=True, help_text="Agency's working days to decide.")
    within_limit = models.BooleanField(null=True)
    returned = models.DateField(null=True, help_text="Month documents were requested.")
    overdue = models.DateField(null=True, help_text="Month its time limit passed undecided.")

    class Meta:
        indexes = [
            models.Index(fields=["service_id", "received"], name="fact_service_received"),
            models.Index(fields=["service_id", "ended"], name="fact_service_ended"),
            models.Index(fields=["service_id", "overdue"], name="fact_service_overdue"),
            models.Index(fields=["service_id", "returned"], name="fact_service_returned"),
            models.Index(fields=["agency_id", "received"], name="fact_agency_received"),
            models.Index(fields=["agency_id", "ended"], name="fact_agency_ended"),
            models.Index(fields=["agency_id", "overdue"], name="fact_agency_overdue"),
            models.Index(fields=["agency_id", "returned"], name="fact_agency_returned"),
        ]

    def __str__(self) -> str:
        return f"case {self.application_id}: {self.outcome}"


class MonthFigures(models.Model):
    """One month of one service (or one agency): flows in the month, before suppression."""

    class Scope(models.TextChoices):
        SERVICE = "service"
        AGENCY = "agency"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    key = models.IntegerField(help_text="Service or agency id.")
    month = models.DateField()
    received = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    within_limit = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    # Cases leaving the pending pool (decided or withdrawn), and entering and
    # leaving the overdue pool: the month-end stock is the running sum.
    ended = models.IntegerField(default=0)
    overdue_in = models.IntegerField(default=0)
    overdue_out = models.IntegerField(default=0)
    median_days = models.FloatField(null=True)
    p90_days = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "month"], name="one_figure_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} {self.month:%Y-%m}"


class PublishState(models.Model):
    """Where the last publication stopped reading the case timeline (a single row)."""

    last_event_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True)
    runs = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"open data run {self.runs} at {self.last_run_at}"


class Dataset(models.Model):
    """A published dataset, as a CKAN package and a DCAT dataset."""

    class Kind(models.TextChoices):
        CATALOG = "catalog"
        PERFORMANCE = "performance"
        AGENCIES = "agencies"
        AGENCY_PERFORMANCE = "agency_performance"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title_th = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255)
    notes_th = models.TextField()
    notes_en = models.TextField()
    # The publishing agency; its code is the CKAN organization's name.
    owner = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    tags = models.JSONField(default=list)
    groups = models.JSONField(default=list, help_text="Catalog category codes.")
    # Thai government catalog fields (ckanext-thai_gdc), as data.go.th names them.
    thai_fields = models.JSONField(default=dict)
    first_month = models.DateField(null=True)
    last_month = models.DateField(null=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=now)
    modified = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["modified", "id"], name="dataset_modified"),
            models.Index(fields=["owner", "name"], name="dataset_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A downloadable file of a dataset: the same table as CSV, JSON or Parquet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=16)
    mimetype = models.CharField(max_length=64)
    filename = models.CharField(max_length=120)
    content = models.BinaryField()
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    created = models.DateTimeField(default=now)
    modified = models.DateTimeField(default=now)

    class Meta:
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "format"], name="one_resource_per_format")
        ]

    def __str__(self) -> str:
        return self.filename


class DatasetTerm(models.Model):
    """A search term of a dataset (Thai segmented like the service search), with a weight."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["term", "dataset"], name="dataset_term")]

    def __str__(self) -> str:
        return self.term


class DatasetFacet(models.Model):
    """A value a dataset can be filtered and counted by (organization, tags, groups...)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=32)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["field", "value", "dataset"], name="dataset_facet")]

    def __str__(self) -> str:
        return f"{self.field}:{self.value}"
