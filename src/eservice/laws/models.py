"""The law catalog: laws, their sections, amendments and cross-references.

A section's number is kept as the law writes it, with Arabic digits: ``4``,
``24/1``, ``12 ทวิ``. ``sort_key`` orders sections as the law does and
``slug`` is the number as it appears in a URL (``12-ทวิ``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eservice.core.i18n import localized


class LawType(models.TextChoices):
    ACT = "act", pgettext_lazy("law type", "Act")
    CODE = "code", pgettext_lazy("law type", "Code")
    ORGANIC_ACT = "organic_act", pgettext_lazy("law type", "Organic Act")
    EMERGENCY_DECREE = "emergency_decree", pgettext_lazy("law type", "Emergency Decree")
    ROYAL_DECREE = "royal_decree", pgettext_lazy("law type", "Royal Decree")
    MINISTERIAL_REGULATION = (
        "ministerial_regulation",
        pgettext_lazy("law type", "Ministerial Regulation"),
    )
    NOTIFICATION = "notification", pgettext_lazy("law type", "Notification")
    LOCAL_ORDINANCE = "local_ordinance", pgettext_lazy("law type", "Local ordinance")


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    AMENDED = "amended", _("in force, as amended")
    REPEALED = "repealed", _("repealed")


class Law(models.Model):
    code = models.SlugField(max_length=100, unique=True)
    title_th = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500, blank=True)
    short_title_th = models.CharField(max_length=200, blank=True)
    short_title_en = models.CharField(max_length=200, blank=True)
    # Other names people use for the law ("กฎหมายแพ่ง", "ประมวลแพ่ง"), in any
    # language: a reference naming the law by one of them finds it.
    aliases = models.JSONField(default=list, blank=True)
    # The Thai title normalized (digits, spaces) to match legal bases and references.
    title_key = models.CharField(max_length=500, unique=True)
    law_type = models.CharField(max_length=32, choices=LawType.choices)
    year_be = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=LawStatus.choices)
    # Code of the responsible agency in the catalog, if any (not a foreign key:
    # a law may be imported before the agency that administers it).
    agency_code = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["title_th"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title") or self.title_th


class Section(models.Model):
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=100)
    slug = models.CharField(max_length=100)
    sort_key = models.CharField(max_length=100)
    text_th = models.TextField()
    text_en = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=LawStatus.choices, default=LawStatus.IN_FORCE)

    class Meta:
        ordering = ["law", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["law", "number"], name="one_section_number"),
            models.UniqueConstraint(fields=["law", "slug"], name="one_section_slug"),
        ]
        indexes = [models.Index(fields=["law", "sort_key"])]

    def __str__(self) -> str:
        return f"{self.law.title_th} มาตรา {self.number}"

    @property
    def text(self) -> str:
        return localized(self, "text") or self.text_th


class Amendment(models.Model):
    """A later law that changed this one."""

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="amendments")
    position = models.PositiveSmallIntegerField()
    title_th = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500, blank=True)
    year_be = models.PositiveSmallIntegerField(null=True, blank=True)
    sections = models.JSONField(default=list)

    class Meta:
        ordering = ["law", "position"]

    def __str__(self) -> str:
        return self.title_th

    @property
    def title(self) -> str:
        return localized(self, "title") or self.title_th


class Reference(models.Model):
    """One section citing another. The target is kept by title and number as
    written, so a reference to a law not (yet) in the catalog is not lost and
    is resolved when that law is imported."""

    source = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="references")
    target = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )
    target_law_key = models.CharField(max_length=500)
    target_law_title = models.CharField(max_length=500)
    target_number = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_law_key", "target_number"], name="one_reference"
            )
        ]
        indexes = [models.Index(fields=["target_law_key", "target_number"])]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target_law_title} {self.target_number}"


class ResultKind(models.TextChoices):
    LAW = "law", pgettext_lazy("search result", "law")
    SECTION = "section", pgettext_lazy("search result", "section")
    SERVICE = "service", pgettext_lazy("search result", "service")


class SearchDoc(models.Model):
    """One entry of the search index: a law, a section or a service.

    The ``*_terms`` fields hold the text already segmented into words and
    joined by spaces; the full-text backend (SQLite FTS5 or PostgreSQL)
    indexes them, and the ranker re-reads them for the candidates it scores.
    """

    Kind = ResultKind

    kind = models.CharField(max_length=8, choices=Kind.choices)
    law = models.ForeignKey(Law, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    section = models.OneToOneField(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    service_code = models.CharField(max_length=100, blank=True, db_index=True)
    title_terms = models.TextField(blank=True)
    law_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    law_type = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, blank=True)
    agency_code = models.CharField(max_length=64, blank=True)
    title_len = models.PositiveIntegerField(default=0)
    law_len = models.PositiveIntegerField(default=0)
    body_len = models.PositiveIntegerField(default=0)
    cited_by = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.law_id or ''} {self.section_id or self.service_code}"


class Posting(models.Model):
    """A word of a document in PostgreSQL's search index, with its BM25F weight.

    Written and read only by ``backends.PostgresBackend``'s SQL, which creates the
    table (the term in byte order, a covering index, rows deleted with their
    document); on SQLite the table does not exist. It is a model so that Django
    knows the table, and empties it with the documents between tests.
    """

    pk = models.CompositePrimaryKey("term", "doc")
    term = models.TextField()
    doc = models.ForeignKey(
        SearchDoc, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    weight = models.FloatField()

    class Meta:
        db_table = "laws_posting"

    def __str__(self) -> str:
        return f"{self.term} {self.doc_id}"


class IndexState(models.Model):
    """One row: bumped whenever the index changes, so cached statistics expire."""

    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.generation)
