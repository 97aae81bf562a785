"""Evidence files applicants upload, and the signed documents agencies issue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


# --- Issued documents: signing keys, templates and the documents themselves ------


class CertificateAuthority(models.Model):
    """The platform's certificate authority; it certifies every agency's signing key.

    The private key is stored encrypted (PKCS#8) with SIGNING_KEY_PASSPHRASE.
    """

    name = models.CharField(max_length=200)
    certificate_pem = models.TextField()
    encrypted_key_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    not_after = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "certificate authorities"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_ca"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """An agency's key and certificate for signing documents; retired keys are kept.

    Documents signed with a retired key still verify: their signature carries the
    old certificate, which the platform CA issued.
    """

    agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, related_name="signing_keys"
    )
    authority = models.ForeignKey(CertificateAuthority, on_delete=models.PROTECT, related_name="+")
    certificate_pem = models.TextField()
    encrypted_key_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    serial = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(retired_at__isnull=True),
                name="one_current_key_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.fingerprint[:16]}"


class DocumentTemplate(models.Model):
    """How an agency words the document a service issues; editable by the agency's admin.

    Texts may use placeholders such as ``${holder}`` or ``${answer:business_name}``
    (see ``documents.rendering.PLACEHOLDERS``). Empty fields fall back to the manual.
    """

    class Layout(models.TextChoices):
        SIDE_BY_SIDE = "side_by_side", _("Thai and English side by side")
        THAI_THEN_ENGLISH = "thai_then_english", _("Thai page, then English page")

    service = models.OneToOneField(
        "catalog.Service", on_delete=models.CASCADE, related_name="document_template"
    )
    layout = models.CharField(max_length=20, choices=Layout.choices, default=Layout.SIDE_BY_SIDE)
    title_th = models.CharField(_("title (Thai)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    body_th = models.TextField(_("what is permitted (Thai)"), blank=True)
    body_en = models.TextField(_("what is permitted (English)"), blank=True)
    conditions_th = models.TextField(_("conditions (Thai), one per line"), blank=True)
    conditions_en = models.TextField(_("conditions (English), one per line"), blank=True)
    valid_for_months = models.PositiveSmallIntegerField(
        _("valid for (months, 0 = no expiry)"), default=0
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"template of {self.service_id}"


class DocumentCounter(models.Model):
    """The last document number an agency gave in a Buddhist-era year."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    year_be = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year_be"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year_be}: {self.last}"


def _issued_path(instance: IssuedDocument, filename: str) -> str:
    return f"issued/{instance.agency_id}/{instance.public_id}.pdf"


class IssuedDocument(models.Model):
    """A signed document (licence, certificate) issued on an approved application."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, related_name="issued_documents"
    )
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=32)
    title_th = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255)
    # Everything printed on the document, as embedded in the PDF (document.json).
    data = models.JSONField()
    issued_at = models.DateTimeField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=_issued_path, max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="one_document_number")
        ]

    def __str__(self) -> str:
        return self.number
