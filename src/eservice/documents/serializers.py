"""API shapes of issued documents and of verification answers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eservice.documents.models import IssuedDocument
from eservice.documents.verification import Verdict, state_of


class BilingualSerializer(serializers.Serializer[Any]):
    th = serializers.CharField()
    en = serializers.CharField()


class IssuedDocumentSerializer(serializers.ModelSerializer[IssuedDocument]):
    """A document as its holder and the issuing agency see it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    title = serializers.SerializerMethodField()
    agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    state = serializers.SerializerMethodField()
    replaces: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "number",
            "title",
            "agency",
            "issued_at",
            "valid_from",
            "valid_until",
            "state",
            "revoked_at",
            "revocation_reason",
            "replaces",
            "sha256",
            "size",
            "pdf_url",
            "verify_url",
            "data",
        ]

    @extend_schema_field(BilingualSerializer)
    def get_title(self, obj: IssuedDocument) -> dict[str, str]:
        return {"th": obj.title_th, "en": obj.title_en}

    @extend_schema_field(serializers.ChoiceField(choices=["valid", "expired", "revoked"]))
    def get_state(self, obj: IssuedDocument) -> str:
        return state_of(obj)

    def get_pdf_url(self, obj: IssuedDocument) -> str:
        return reverse("api-issued-document-pdf", args=[obj.public_id])

    def get_verify_url(self, obj: IssuedDocument) -> str:
        return reverse("documents:verify-document", args=[obj.public_id])


class PublicDocumentSerializer(serializers.Serializer[IssuedDocument]):
    """What anyone may learn of a document: no holder, no personal data."""

    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    title = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    sha256 = serializers.CharField()

    @extend_schema_field(BilingualSerializer)
    def get_title(self, obj: IssuedDocument) -> dict[str, str]:
        return {"th": obj.title_th, "en": obj.title_en}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {
                    "type": "object",
                    "properties": {"th": {"type": "string"}, "en": {"type": "string"}},
                },
            },
        }
    )
    def get_agency(self, obj: IssuedDocument) -> dict[str, Any]:
        return {
            "code": obj.agency.code,
            "name": {"th": obj.agency.name_th, "en": obj.agency.name_en},
        }


class SignatureSerializer(serializers.Serializer[Any]):
    signed = serializers.BooleanField()
    intact = serializers.BooleanField()
    trusted = serializers.BooleanField(help_text="Signed by a key the platform CA certified.")
    whole_file = serializers.BooleanField(help_text="The signature covers the whole file.")
    signer = serializers.CharField(
        help_text="The organization the certificate names (an agency's Thai name)."
    )
    signer_en = serializers.CharField(
        help_text="The certificate's common name (an agency's English name)."
    )
    signed_at = serializers.DateTimeField(allow_null=True)


class VerdictSerializer(serializers.Serializer[Verdict]):
    outcome = serializers.ChoiceField(
        choices=[
            "genuine",
            "tampered",
            "altered",
            "unknown_signer",
            "not_issued",
            "damaged",
        ],
        help_text="genuine: issued by this platform and unaltered (see `state`); tampered: "
        "the signature does not match the content; altered: signed content intact but "
        "something was added after signing; unknown_signer: signed by a key this platform "
        "does not know; not_issued: no signature; damaged: not a readable PDF.",
    )
    message = serializers.CharField(help_text="The answer in the requested language.")
    state = serializers.ChoiceField(
        choices=["valid", "expired", "revoked", ""], help_text="Empty unless genuine."
    )
    sha256 = serializers.CharField()
    document = PublicDocumentSerializer(allow_null=True)
    replaced_by = serializers.SerializerMethodField()
    signature = SignatureSerializer(allow_null=True)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_replaced_by(self, obj: Verdict) -> str | None:
        replacement = obj.replaced_by
        return str(replacement.public_id) if replacement else None


class VerifyUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="The PDF to check; it is not kept.")
