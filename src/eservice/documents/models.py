"""Evidence files that applicants upload for a case."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def _evidence_path(instance: EvidenceFile, filename: str) -> str:
    # The stored name carries no personal data: only random ids.
    return f"evidence/{instance.application_id}/{instance.public_id}"


class EvidenceFile(models.Model):
    """One uploaded document for one requirement of an application."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="evidence"
    )
    requirement_code = models.SlugField(max_length=64)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_evidence_path, max_length=255)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # 0 with the application; n for the n-th resubmission after a request.
    round = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["requirement_code", "uploaded_at"]
        indexes = [models.Index(fields=["application", "requirement_code"])]

    def __str__(self) -> str:
        return str(self.public_id)
