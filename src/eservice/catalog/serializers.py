"""API shapes of the catalog: services and their published manuals.

Also holds the error body every endpoint documents, since the catalog is the
lowest module the API modules share.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from eservice.catalog.models import (
    Agency,
    Category,
    DocumentRequirement,
    Fee,
    LegalBasis,
    ServiceVersion,
    Step,
    TimeUnit,
)

# --- errors ---------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (see core/api.py)."""

    detail = serializers.CharField(help_text="Message for the user, in the request's language.")
    code = serializers.CharField(
        help_text="Stable machine-readable code, e.g. `invalid`, `not_found`, `forbidden`, "
        "`invalid_transition`, `mistyped`, `not_authenticated`, `rate_limited`."
    )
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="Only for `invalid`: each field's messages (a list of strings; nested for "
        "nested fields). Keys `document:<code>` name a missing document.",
    )


_ERROR_TEXT = {
    400: "The request has errors (`code` `invalid`, with `errors` per field) or breaks a rule "
    "of the service.",
    401: "Not signed in: send `Authorization: Token <key>` (`code` `not_authenticated` or "
    "`authentication_failed`).",
    403: "Signed in, but your role does not allow this (`code` `forbidden`).",
    404: "No such object, or not one you may see: both answer the same (`code` `not_found`).",
    409: "Not possible in the application's current status (`code` `invalid_transition`).",
    429: "Too many requests from this address (`code` `rate_limited`).",
    503: "A service the platform depends on is unavailable (`code` `exchange_failed` when "
    "another agency did not answer or refused, `signing_unavailable` when documents cannot "
    "be signed).",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Return schema responses documenting the given error statuses."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[status])
        for status in statuses
    }


# --- shared pieces ------------------------------------------------------------------


class AgencyRefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name_th", "name_en"]


class CategoryRefSerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["code", "name_th", "name_en"]


class TimeLimitSerializer(serializers.Serializer):
    """A time limit in working days or working hours (read from ``time_limit_*`` fields)."""

    value = serializers.IntegerField(source="time_limit_value")
    unit = serializers.ChoiceField(source="time_limit_unit", choices=TimeUnit.choices)
    unit_label = serializers.CharField(source="get_time_limit_unit_display")


class FormSerializer(serializers.Serializer):
    """The application form of a manual version: JSON Schema plus UI hints."""

    schema = serializers.DictField(
        source="form_schema", help_text="JSON Schema (draft 2020-12) of the answers."
    )
    ui = serializers.DictField(
        source="form_ui",
        help_text="Per property: label {th, en}, optional help {th, en}, widget, options.",
    )


class BilingualTextSerializer(serializers.Serializer):
    th = serializers.CharField()
    en = serializers.CharField()


class DocumentRequirementSerializer(serializers.ModelSerializer[DocumentRequirement]):
    class Meta:
        model = DocumentRequirement
        fields = [
            "position",
            "code",
            "name_th",
            "name_en",
            "issuer_th",
            "issuer_en",
            "original",
            "copies",
            "required",
            "note_th",
            "note_en",
        ]


# --- the manual ------------------------------------------------------------------


class LegalBasisSerializer(serializers.ModelSerializer[LegalBasis]):
    sections = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = LegalBasis
        fields = ["position", "law_th", "law_en", "sections"]


class StepSerializer(serializers.ModelSerializer[Step]):
    time_limit = TimeLimitSerializer(source="*")

    class Meta:
        model = Step
        fields = [
            "position",
            "name_th",
            "name_en",
            "unit_th",
            "unit_en",
            "role",
            "time_limit",
        ]


class FeeSerializer(serializers.ModelSerializer[Fee]):
    class Meta:
        model = Fee
        fields = ["position", "name_th", "name_en", "amount", "note_th", "note_en"]


class ManualSerializer(serializers.ModelSerializer[ServiceVersion]):
    """The full content of one published manual (Licensing Facilitation Act s.7)."""

    version = serializers.IntegerField(source="number", help_text="Manual version number.")
    time_limit = TimeLimitSerializer(source="*")
    legal_basis = LegalBasisSerializer(many=True)
    steps = StepSerializer(many=True)
    documents = DocumentRequirementSerializer(many=True)
    fees = FeeSerializer(many=True)
    total_fee = serializers.DecimalField(max_digits=14, decimal_places=2)
    channels = BilingualTextSerializer(many=True)
    complaints = BilingualTextSerializer(many=True)
    form = FormSerializer(source="*")

    class Meta:
        model = ServiceVersion
        fields = [
            "version",
            "published_at",
            "name_th",
            "name_en",
            "description_th",
            "description_en",
            "conditions_th",
            "conditions_en",
            "output_document_th",
            "output_document_en",
            "time_limit",
            "legal_basis",
            "steps",
            "documents",
            "fees",
            "total_fee",
            "channels",
            "complaints",
            "form",
        ]


# --- services ---------------------------------------------------------------------


class ServiceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Words to search for, Thai or English; results are ranked by relevance.",
    )
    agency = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Agency code; also matches the agency's direct sub-agencies.",
    )
    category = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Category code."
    )


class ServiceListSerializer(serializers.Serializer):
    """A service as a search result: what it is, who provides it, how long it takes."""

    code = serializers.SlugField()
    agency = AgencyRefSerializer()
    category = CategoryRefSerializer()
    name_th = serializers.CharField(source="current_version.name_th")
    name_en = serializers.CharField(source="current_version.name_en")
    output_document_th = serializers.CharField(source="current_version.output_document_th")
    output_document_en = serializers.CharField(source="current_version.output_document_en")
    time_limit = TimeLimitSerializer(source="current_version")
    version = serializers.IntegerField(source="current_version.number")


class ServiceDetailSerializer(ManualSerializer):
    """A service with its full current manual; serializes the current ``ServiceVersion``."""

    code = serializers.SlugField(source="service.code")
    agency = AgencyRefSerializer(source="service.agency")
    category = CategoryRefSerializer(source="service.category")

    class Meta(ManualSerializer.Meta):
        fields = ["code", "agency", "category", *ManualSerializer.Meta.fields]
