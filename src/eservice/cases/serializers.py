"""API shapes of applications and cases.

Serializers here check the shape of requests only; every rule (who may, in
which status, what is missing) is decided by ``cases.actions``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eservice.accounts.models import JuristicPerson, User
from eservice.cases.models import Application, DocumentRequest, TimelineEvent
from eservice.cases.states import Status
from eservice.catalog.models import TimeUnit
from eservice.catalog.serializers import (
    AgencyRefSerializer,
    DocumentRequirementSerializer,
    FormSerializer,
)
from eservice.documents.models import EvidenceFile
from eservice.documents.serializers import IssuedDocumentSerializer
from eservice.documents.services import documents_of, evidence_for

# --- pieces shared by the applicant and officer views ------------------------------


class ApplicationServiceSerializer(serializers.Serializer):
    """The service applied for, named as in the manual version the application uses."""

    code = serializers.SlugField(source="service.code")
    name_th = serializers.CharField(source="service_version.name_th")
    name_en = serializers.CharField(source="service_version.name_en")
    version = serializers.IntegerField(
        source="service_version.number", help_text="Manual version the application is bound to."
    )


class JuristicPersonRefSerializer(serializers.ModelSerializer[JuristicPerson]):
    class Meta:
        model = JuristicPerson
        fields = ["registration_number", "name_th", "name_en"]


class DocumentSerializer(serializers.ModelSerializer[EvidenceFile]):
    """An uploaded file's description; the file itself is never exposed by URL here."""

    id = serializers.UUIDField(source="public_id")

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "requirement_code",
            "original_name",
            "content_type",
            "size",
            "round",
            "uploaded_at",
        ]


class OfficerDocumentSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "sha256"]


class DocumentRequestItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField(default="")
    name_en = serializers.CharField(default="")


class DocumentRequestSerializer(serializers.ModelSerializer[DocumentRequest]):
    """The agency's one request for missing documents (Licensing Facilitation Act s.8)."""

    items = DocumentRequestItemSerializer(many=True)

    class Meta:
        model = DocumentRequest
        fields = ["requested_at", "items", "note", "respond_by", "responded_at"]


class DecisionSerializer(serializers.Serializer):
    """The agency's decision; a refusal gives reasons and how to appeal (Act s.10)."""

    result = serializers.ChoiceField(
        choices=[Status.APPROVED.value, Status.REJECTED.value],
        help_text="`approved` or `rejected` (the status may since have moved on to `closed`).",
    )
    reasons = serializers.CharField()
    appeal_info = serializers.CharField(help_text="How to appeal; empty for an approval.")
    decided_at = serializers.DateTimeField()


def _decision(app: Application) -> dict[str, Any] | None:
    if app.decided_at is None:
        return None
    # A closed case no longer says how it was decided; only a refusal carries appeal info.
    if app.status in (Status.APPROVED, Status.REJECTED):
        result = Status(app.status)
    else:
        result = Status.REJECTED if app.appeal_info else Status.APPROVED
    return DecisionSerializer(
        {
            "result": result.value,
            "reasons": app.decision_reasons,
            "appeal_info": app.appeal_info,
            "decided_at": app.decided_at,
        }
    ).data


def _status_label(status: str) -> str:
    return str(Status(status).label) if status else ""


class _StatusFields(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    due_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the agency must decide, counted in working time; empty while the "
        "clock is paused and after a decision.",
    )
    paused = serializers.SerializerMethodField(
        help_text="Whether the agency's clock is paused, waiting for documents."
    )
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="Whether the agency's clock has run past the time limit."
    )

    def get_paused(self, obj: Application) -> bool:
        return obj.status == Status.RETURNED


# --- applicant --------------------------------------------------------------------


class PublicTimelineEventSerializer(serializers.ModelSerializer[TimelineEvent]):
    to_status_label = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = ["at", "kind", "action", "to_status", "to_status_label", "step_position", "text"]

    def get_to_status_label(self, obj: TimelineEvent) -> str:
        return _status_label(obj.to_status)


class ApplicationListSerializer(_StatusFields, serializers.ModelSerializer[Application]):
    """One of the applicant's applications, as a list shows it."""

    id = serializers.UUIDField(source="public_id")
    service = ApplicationServiceSerializer(source="*")
    agency = AgencyRefSerializer()
    on_behalf_of = JuristicPersonRefSerializer(allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_number",
            "status",
            "status_label",
            "service",
            "agency",
            "on_behalf_of",
            "created_at",
            "submitted_at",
            "due_at",
            "paused",
            "overdue",
        ]


class DataSourceSerializer(serializers.Serializer):
    """Data fetched from another agency instead of asked for, and where it came from."""

    service = serializers.CharField(help_text="Data service id (X-Road style).")
    provider_th = serializers.CharField()
    provider_en = serializers.CharField()
    request_id = serializers.CharField(help_text="The exchange request id in both agencies' logs.")
    at = serializers.DateTimeField()
    filled = serializers.DictField(
        source="fields", help_text="Form fields filled from it, with their values."
    )
    replaces = serializers.ListField(
        child=serializers.CharField(), help_text="Document codes it replaces."
    )


def _sources(obj: Application) -> list[dict[str, Any]]:
    rows = [{"service": key, **value} for key, value in sorted(obj.prefill.items())]
    return DataSourceSerializer(rows, many=True).data  # type: ignore[return-value]


class ApplicationDetailSerializer(ApplicationListSerializer):
    """Everything the applicant may see of their application."""

    answers = serializers.DictField()
    form = FormSerializer(source="service_version")
    requirements = DocumentRequirementSerializer(
        source="service_version.documents",
        many=True,
        help_text="Documents the manual version asks for; upload with their `code`.",
    )
    documents = serializers.SerializerMethodField()
    document_request = DocumentRequestSerializer(allow_null=True)
    decision = serializers.SerializerMethodField()
    issued_documents = serializers.SerializerMethodField()
    data_sources = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "decided_at",
            "closed_at",
            "answers",
            "form",
            "requirements",
            "documents",
            "document_request",
            "decision",
            "issued_documents",
            "data_sources",
            "timeline",
        ]

    @extend_schema_field(IssuedDocumentSerializer(many=True))
    def get_issued_documents(self, obj: Application) -> list[dict[str, Any]]:
        return IssuedDocumentSerializer(documents_of(obj.pk), many=True).data  # type: ignore[return-value]

    @extend_schema_field(DataSourceSerializer(many=True))
    def get_data_sources(self, obj: Application) -> list[dict[str, Any]]:
        return _sources(obj)

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj: Application) -> list[dict[str, Any]]:
        return DocumentSerializer(evidence_for(obj.pk), many=True).data  # type: ignore[return-value]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj: Application) -> dict[str, Any] | None:
        return _decision(obj)

    @extend_schema_field(PublicTimelineEventSerializer(many=True))
    def get_timeline(self, obj: Application) -> list[dict[str, Any]]:
        events = obj.timeline.filter(internal=False).order_by("at", "id")
        return PublicTimelineEventSerializer(events, many=True).data  # type: ignore[return-value]


class ApplicationCreateSerializer(serializers.Serializer):
    service = serializers.SlugField(max_length=100, help_text="Code of the service.")
    answers = serializers.DictField(
        required=False, help_text="Form answers to store in the draft (checked on submit)."
    )
    on_behalf_of = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=13,
        default=None,
        help_text="Registration number of the juristic person you apply for, if any.",
    )


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        required=False,
        help_text="All the draft's answers: replaces what was stored; keys the form does not "
        "have are dropped.",
    )


class UploadSerializer(serializers.Serializer):
    requirement = serializers.CharField(
        max_length=64, help_text="Code of the document requirement this file fulfils."
    )
    file = serializers.FileField(
        allow_empty_file=True, use_url=False, help_text="PDF, JPEG or PNG."
    )


class ResubmitSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- officer ------------------------------------------------------------------------


class QueueQuerySerializer(serializers.Serializer):
    agency = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Agency code; required when you work for more than one agency.",
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text="Only cases in this status (default: open cases, including those waiting "
        "for documents).",
    )
    service = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Only this service's cases."
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only cases past their time limit."
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only cases assigned to you."
    )


class CaseQueueItemSerializer(_StatusFields, serializers.ModelSerializer[Application]):
    """A case as the agency's queue shows it."""

    service = ApplicationServiceSerializer(source="*")
    assigned_to = serializers.CharField(
        source="assigned_to.username", allow_null=True, help_text="Username of the officer."
    )
    current_step = serializers.IntegerField(
        allow_null=True, help_text="Position of the step in progress (see the case's `steps`)."
    )

    class Meta:
        model = Application
        fields = [
            "tracking_number",
            "service",
            "status",
            "status_label",
            "submitted_at",
            "due_at",
            "paused",
            "overdue",
            "assigned_to",
            "current_step",
        ]


class UserRefSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField()

    class Meta:
        model = User
        fields = ["username", "display_name"]


class ApplicantSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField()

    class Meta:
        model = User
        fields = ["display_name"]


class CaseTimelineEventSerializer(PublicTimelineEventSerializer):
    actor = UserRefSerializer(allow_null=True)

    class Meta(PublicTimelineEventSerializer.Meta):
        fields = [
            "at",
            "kind",
            "action",
            "from_status",
            "to_status",
            "to_status_label",
            "step_position",
            "text",
            "internal",
            "actor",
        ]


class CaseStepTimeLimitSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=TimeUnit.choices)


class CaseStepSerializer(serializers.Serializer):
    """A step of the manual and, once started, how it went on this case."""

    position = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    role = serializers.CharField(help_text="Least officer role that completes the step.")
    time_limit = CaseStepTimeLimitSerializer()
    started_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.CharField(allow_null=True, help_text="Username.")
    note = serializers.CharField()


class CaseDetailSerializer(_StatusFields, serializers.ModelSerializer[Application]):
    """Everything an officer of the agency needs to process the case."""

    service = ApplicationServiceSerializer(source="*")
    agency = AgencyRefSerializer()
    applicant = ApplicantSerializer()
    on_behalf_of = JuristicPersonRefSerializer(allow_null=True)
    assigned_to = UserRefSerializer(allow_null=True)
    answers = serializers.DictField()
    form = FormSerializer(source="service_version")
    documents = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    document_request = DocumentRequestSerializer(allow_null=True)
    decision = serializers.SerializerMethodField()
    issued_documents = serializers.SerializerMethodField()
    data_sources = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "tracking_number",
            "status",
            "status_label",
            "service",
            "agency",
            "applicant",
            "on_behalf_of",
            "language",
            "submitted_at",
            "due_at",
            "paused",
            "paused_at",
            "overdue",
            "decided_at",
            "closed_at",
            "assigned_to",
            "current_step",
            "answers",
            "form",
            "documents",
            "steps",
            "document_request",
            "decision",
            "issued_documents",
            "data_sources",
            "timeline",
        ]

    @extend_schema_field(IssuedDocumentSerializer(many=True))
    def get_issued_documents(self, obj: Application) -> list[dict[str, Any]]:
        return IssuedDocumentSerializer(documents_of(obj.pk), many=True).data  # type: ignore[return-value]

    @extend_schema_field(DataSourceSerializer(many=True))
    def get_data_sources(self, obj: Application) -> list[dict[str, Any]]:
        return _sources(obj)

    @extend_schema_field(OfficerDocumentSerializer(many=True))
    def get_documents(self, obj: Application) -> list[dict[str, Any]]:
        return OfficerDocumentSerializer(evidence_for(obj.pk), many=True).data  # type: ignore[return-value]

    @extend_schema_field(CaseStepSerializer(many=True))
    def get_steps(self, obj: Application) -> list[dict[str, Any]]:
        done = {s.position: s for s in obj.steps.select_related("completed_by")}
        rows = []
        for step in obj.service_version.steps.all():
            instance = done.get(step.position)
            rows.append(
                {
                    "position": step.position,
                    "name_th": step.name_th,
                    "name_en": step.name_en,
                    "role": step.role,
                    "time_limit": {"value": step.time_limit_value, "unit": step.time_limit_unit},
                    "started_at": instance.started_at if instance else None,
                    "due_at": instance.due_at if instance else None,
                    "completed_at": instance.completed_at if instance else None,
                    "completed_by": (
                        instance.completed_by.username
                        if instance and instance.completed_by
                        else None
                    ),
                    "note": instance.note if instance else "",
                }
            )
        return CaseStepSerializer(rows, many=True).data  # type: ignore[return-value]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj: Application) -> dict[str, Any] | None:
        return _decision(obj)

    @extend_schema_field(CaseTimelineEventSerializer(many=True))
    def get_timeline(self, obj: Application) -> list[dict[str, Any]]:
        events = obj.timeline.select_related("actor").order_by("at", "id")
        return CaseTimelineEventSerializer(events, many=True).data  # type: ignore[return-value]


class DocumentItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code of a document requirement of the manual.")


class RequestDocumentsSerializer(serializers.Serializer):
    items = DocumentItemSerializer(many=True, help_text="What is missing (at least one).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    respond_within_days = serializers.IntegerField(
        required=False, default=7, help_text="Working days the applicant has (1 to 90)."
    )


class StepNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Conditions or notes, if any."
    )


class RejectSerializer(serializers.Serializer):
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: why."
    )
    appeal_info = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: how to appeal."
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(
        allow_null=True, help_text="Username of an officer of the agency, or null to unassign."
    )


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Internal note (required)."
    )


# --- track & trace ------------------------------------------------------------------


class TrackingEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()  # type: ignore[assignment]


class TrackingSerializer(serializers.Serializer):
    """What anyone with the tracking number may see: no names, no personal data."""

    number = serializers.CharField(help_text="Canonical tracking number (13 symbols).")
    service_name_th = serializers.CharField()
    service_name_en = serializers.CharField()
    agency_name_th = serializers.CharField()
    agency_name_en = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    explanation = serializers.CharField(help_text="What the status means, in plain language.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    expected_by = serializers.DateTimeField(allow_null=True)
    paused = serializers.BooleanField()
    overdue = serializers.BooleanField()
    decided_at = serializers.DateTimeField(allow_null=True)
    timeline = TrackingEntrySerializer(many=True)


class PrefillSerializer(serializers.Serializer):
    service = serializers.CharField(
        max_length=255, help_text="Id of one of the manual's data sources (`form.prefill`)."
    )
    consent = serializers.BooleanField(
        default=False,
        help_text="The applicant agrees that the agency reads this data for this application "
        "(required for data about a person).",
    )
