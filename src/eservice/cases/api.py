"""Applications, officer cases and track & trace over HTTP.

Each endpoint reads through a permission-checking getter of ``cases.access``
and writes through one action of ``cases.actions``; domain errors become JSON
in ``core.api.exception_handler``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eservice.accounts.models import JuristicPerson, User
from eservice.accounts.services import juristic_persons_for, officer_by_username
from eservice.cases import actions, prefill
from eservice.cases.access import (
    QueueFilters,
    application_for_applicant,
    applications_of,
    capped_count,
    case_for_officer,
    officer_agencies,
    queue,
    track,
)
from eservice.cases.models import Application
from eservice.cases.serializers import (
    AnswersSerializer,
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    ApproveSerializer,
    AssignSerializer,
    CaseDetailSerializer,
    CaseQueueItemSerializer,
    DocumentSerializer,
    NoteSerializer,
    PrefillSerializer,
    QueueQuerySerializer,
    RejectSerializer,
    RequestDocumentsSerializer,
    ResubmitSerializer,
    StepNoteSerializer,
    TrackingSerializer,
    UploadSerializer,
    WithdrawSerializer,
)
from eservice.catalog.models import Agency
from eservice.catalog.serializers import error_responses
from eservice.catalog.services import active_services
from eservice.core.errors import Forbidden, NotFound, ValidationFailed
from eservice.core.i18n import current_language
from eservice.core.pagination import Pagination
from eservice.core.parsers import JSONParser

APPLICANT_TAG = "Applications"
OFFICER_TAG = "Cases (officers)"
TRACK_TAG = "Track & trace"
IDEMPOTENCY_KEY_MAX = 64


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- applicant --------------------------------------------------------------------


def _application(request: Request, public_id: UUID) -> Response:
    app = application_for_applicant(_user(request), public_id)
    return Response(ApplicationDetailSerializer(app).data)


def _on_behalf_of(user: User, registration_number: str | None) -> JuristicPerson | None:
    if not registration_number:
        return None
    person = juristic_persons_for(user).filter(registration_number=registration_number).first()
    if person is None:
        raise Forbidden(_("You may not apply for this juristic person."))
    return person


def _idempotency_key(request: Request) -> str | None:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationFailed(
            _("The text is too long."),
            {
                "Idempotency-Key": [
                    _("Enter at most %(n)s characters.") % {"n": IDEMPOTENCY_KEY_MAX}
                ]
            },
        )
    return key or None


class ApplicationListCreate(generics.GenericAPIView):
    """The signed-in person's applications."""

    serializer_class = ApplicationListSerializer
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Application]:
        return applications_of(_user(self.request)).select_related("service", "on_behalf_of")

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_list",
        summary="List my applications",
        description="Your applications and those of juristic persons you represent, newest first.",
        responses={200: ApplicationListSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ApplicationListSerializer(page, many=True).data)

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_create",
        summary="Start an application",
        description="Return your open draft for the service, creating it if needed, and store "
        "`answers` in it if given. With an `Idempotency-Key` header a retried request returns "
        "the application the first one created, with status 200 instead of 201.",
        request=ApplicationCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A unique key per intended application (at most 64 characters), "
                "e.g. a UUID; send the same key when retrying.",
            )
        ],
        responses={
            201: OpenApiResponse(ApplicationDetailSerializer, description="Created."),
            200: OpenApiResponse(
                ApplicationDetailSerializer,
                description="Already existed: a retry with the same key, or your open draft.",
            ),
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        client_key = _idempotency_key(request)
        data = _validated(ApplicationCreateSerializer, request.data)
        service = active_services().filter(code=data["service"]).first()
        if service is None:
            raise NotFound(_("No such service."))
        on_behalf_of = _on_behalf_of(user, data["on_behalf_of"])
        # A new draft is stored with its answers at once; a retry with a key replays the
        # first request: its answers were stored then, and may since have been changed
        # or submitted.
        app, created = actions.open_application(
            user,
            service,
            on_behalf_of,
            client_key=client_key,
            language=current_language(),
            answers=data.get("answers"),
        )
        detail = application_for_applicant(user, app.public_id)
        return Response(
            ApplicationDetailSerializer(detail).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ApplicationDetail(APIView):
    """One of the signed-in person's applications."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_retrieve",
        summary="Read my application",
        responses={200: ApplicationDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return _application(request, public_id)

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_answers",
        summary="Save a draft's answers",
        description="Replace the draft's answers; they are checked when it is submitted.",
        request=AnswersSerializer,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409)},
    )
    def patch(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        data = _validated(AnswersSerializer, request.data)
        if "answers" in data:
            actions.save_answers(app, _user(request), data["answers"])
        return _application(request, public_id)

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_destroy",
        summary="Delete a draft",
        description="Delete a draft that was never submitted, with its files.",
        responses={204: OpenApiResponse(description="Deleted."), **error_responses(401, 404, 409)},
    )
    def delete(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        actions.discard_draft(app, _user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationDocuments(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_documents_create",
        summary="Upload a document",
        description="Attach a PDF, JPEG or PNG file to a draft, or to an application whose "
        "agency asked for documents. The file's content decides its type.",
        request=UploadSerializer,
        responses={201: DocumentSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        data = _validated(UploadSerializer, request.data)
        evidence = actions.upload_document(app, _user(request), data["requirement"], data["file"])
        return Response(DocumentSerializer(evidence).data, status=status.HTTP_201_CREATED)


class ApplicationDocument(APIView):
    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_documents_destroy",
        summary="Remove a document",
        description="Remove a file you uploaded and have not yet sent.",
        responses={204: OpenApiResponse(description="Removed."), **error_responses(401, 404)},
    )
    def delete(self, request: Request, public_id: UUID, document_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        actions.remove_document(app, _user(request), str(document_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationSubmit(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_submit",
        summary="Submit a draft",
        description="Check the answers and documents and submit; the answer carries the "
        "tracking number. Submitting again returns the same application (idempotent). "
        "On problems, `errors` names each form field and each missing `document:<code>`.",
        request=None,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        actions.submit(app, _user(request))
        return _application(request, public_id)


class ApplicationPrefill(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_prefill",
        summary="Fetch data from another agency into a draft",
        description="Read one of the manual's data sources through the exchange (with the "
        "applicant's consent for data about a person), fill the form fields it maps and "
        "stop asking for the documents it replaces; `data_sources` then says where each "
        "datum came from. 503 `exchange_failed` when the provider is down, too slow or "
        "refuses (the draft is unchanged: upload the document instead); 404 "
        "`record_not_found` when it holds no record.",
        request=PrefillSerializer,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409, 503)},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        data = _validated(PrefillSerializer, request.data)
        app = application_for_applicant(_user(request), public_id)
        prefill.fetch(app, _user(request), data["service"], consent=data["consent"])
        return _application(request, public_id)


class ApplicationResubmit(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_resubmit",
        summary="Send requested documents",
        description="Send the documents the agency asked for (upload them first); the "
        "agency's clock starts again.",
        request=ResubmitSerializer,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        data = _validated(ResubmitSerializer, request.data)
        actions.resubmit(app, _user(request), data["note"])
        return _application(request, public_id)


class ApplicationWithdraw(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[APPLICANT_TAG],
        operation_id="applications_withdraw",
        summary="Withdraw an application",
        description="Withdraw a submitted application before the agency decides.",
        request=WithdrawSerializer,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, public_id: UUID) -> Response:
        app = application_for_applicant(_user(request), public_id)
        data = _validated(WithdrawSerializer, request.data)
        actions.withdraw(app, _user(request), data["reason"])
        return _application(request, public_id)


# --- officer ------------------------------------------------------------------------


def _queue_agency(user: User, code: str) -> Agency:
    """Return the agency whose queue is asked for: by code, or the officer's only one."""
    agencies = officer_agencies(user)
    if code:
        for agency in agencies:
            if agency.code == code:
                return agency
        raise NotFound(_("No such agency."))
    if len(agencies) == 1:
        return agencies[0]
    if not agencies:
        raise NotFound(_("No such agency."))
    raise ValidationFailed(_("The request has errors."), {"agency": [_("This field is required.")]})


class QueuePagination(Pagination):
    """Limit/offset pages whose count stops at QUEUE_COUNT_CAP + 1 ("more than the cap")."""

    def get_count(self, queryset: Any) -> int:
        return capped_count(queryset)


class CaseQueue(generics.GenericAPIView):
    serializer_class = CaseQueueItemSerializer
    pagination_class = QueuePagination

    def get_queryset(self) -> QuerySet[Application]:
        user = _user(self.request)
        query = _validated(QueueQuerySerializer, self.request.query_params)
        agency = _queue_agency(user, query["agency"])
        filters = QueueFilters(
            status=query["status"],
            service=query["service"],
            overdue=query["overdue"],
            mine=query["mine"],
        )
        return queue(user, agency, filters).select_related("service")

    @extend_schema(
        tags=[OFFICER_TAG],
        operation_id="cases_list",
        summary="The agency's queue",
        description="Cases of one of your agencies, due soonest first. Without `status`, the "
        "cases the agency must act on (submitted, checking, in review: the clock runs); "
        "cases waiting for the applicant's documents are listed with `status=returned`. "
        "`count` stops at 10,001, meaning more than 10,000.",
        parameters=[QueueQuerySerializer],
        responses={200: CaseQueueItemSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseQueueItemSerializer(page, many=True).data)


def _case(request: Request, number: str) -> Response:
    app = case_for_officer(_user(request), number)
    return Response(CaseDetailSerializer(app).data)


class CaseDetail(APIView):
    @extend_schema(
        tags=[OFFICER_TAG],
        operation_id="cases_retrieve",
        summary="Read a case",
        description="The case with answers, documents, steps and the full timeline, internal "
        "notes included. Tracking numbers may be given with hyphens or in lower case.",
        responses={200: CaseDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, tracking_number: str) -> Response:
        return _case(request, tracking_number)


class CaseAction(APIView, ABC):
    """Base of the officer action endpoints: fetch the case, run one action, show the case."""

    parser_classes = [JSONParser]

    input_serializer: type[serializers.Serializer] | None = None

    def post(self, request: Request, tracking_number: str) -> Response:
        app = case_for_officer(_user(request), tracking_number)
        data = _validated(self.input_serializer, request.data) if self.input_serializer else {}
        self.act(app, _user(request), data)
        return _case(request, tracking_number)

    @abstractmethod
    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        """Call the one action of ``cases/actions.py`` this endpoint stands for."""


def _action_schema(
    name: str,
    summary: str,
    description: str,
    request: type[serializers.Serializer] | None = None,
) -> Any:
    return extend_schema_view(
        post=extend_schema(
            tags=[OFFICER_TAG],
            operation_id=f"cases_{name}",
            summary=summary,
            description=description,
            request=request,
            responses={200: CaseDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
        )
    )


@_action_schema(
    "start_check",
    "Start checking documents",
    "Receive a submitted application and start checking it; takes the case if unassigned.",
)
class StartCheck(CaseAction):
    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.start_check(app, officer)


@_action_schema(
    "request_documents",
    "Request missing documents",
    "Ask the applicant, once, for the missing documents; the agency's clock "
    "pauses until they are sent (Licensing Facilitation Act s.8).",
    RequestDocumentsSerializer,
)
class RequestDocuments(CaseAction):
    input_serializer = RequestDocumentsSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.request_documents(
            app,
            officer,
            [dict(item) for item in data["items"]],
            data["note"],
            data["respond_within_days"],
        )


@_action_schema(
    "accept_documents",
    "Accept the documents",
    "Declare the documents complete and start the first step of consideration.",
)
class AcceptDocuments(CaseAction):
    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.accept_documents(app, officer)


@_action_schema(
    "complete_step",
    "Complete the current step",
    "Finish the step in progress and start the next one; the last step ends "
    "with approve or reject instead.",
    StepNoteSerializer,
)
class CompleteStep(CaseAction):
    input_serializer = StepNoteSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.complete_step(app, officer, data["note"])


@_action_schema(
    "approve",
    "Approve",
    "Approve at the last step, with conditions or notes if any.",
    ApproveSerializer,
)
class Approve(CaseAction):
    input_serializer = ApproveSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.approve(app, officer, data["reasons"])


@_action_schema(
    "reject",
    "Reject",
    "Refuse in writing, with reasons and how to appeal (Licensing Facilitation Act s.10).",
    RejectSerializer,
)
class Reject(CaseAction):
    input_serializer = RejectSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.reject(app, officer, data["reasons"], data["appeal_info"])


@_action_schema("close", "Close", "Close a decided case.")
class Close(CaseAction):
    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.close(app, officer)


@_action_schema(
    "assign",
    "Assign",
    "Give the case to an officer of the agency, or back to the pool with `null`.",
    AssignSerializer,
)
class Assign(CaseAction):
    input_serializer = AssignSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        assignee = None
        if data["assignee"] is not None:
            # Whether the person is an officer of the agency is the action's rule; an
            # unknown username gets the same answer so usernames cannot be probed.
            assignee = officer_by_username(app.agency_id, data["assignee"])
            if assignee is None:
                raise ValidationFailed(
                    _("That person is not an officer of this agency."),
                    {"assignee": [_("Choose an officer of this agency.")]},
                )
        actions.assign(app, officer, assignee)


@_action_schema(
    "note",
    "Add an internal note",
    "Add a note that only the agency's officers see.",
    NoteSerializer,
)
class Note(CaseAction):
    input_serializer = NoteSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.add_note(app, officer, data["text"])


class DocumentDecisionSerializer(serializers.Serializer[Any]):
    document = serializers.UUIDField(help_text="Id of a document issued on this case.")
    reason = serializers.CharField(
        max_length=4000, help_text="Shown to the applicant and on the document's verification page."
    )


@_action_schema(
    "revoke_document",
    "Revoke an issued document",
    "Revoke a document issued on this approved case, with written reasons; anyone "
    "verifying it then sees it revoked. Approvers only.",
    DocumentDecisionSerializer,
)
class RevokeDocument(CaseAction):
    input_serializer = DocumentDecisionSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.revoke_document(app, officer, data["document"], data["reason"])


@_action_schema(
    "reissue_document",
    "Re-issue a document",
    "Revoke a document with reasons and issue a corrected one (new number, same validity "
    "dates, the current template). Approvers only.",
    DocumentDecisionSerializer,
)
class ReissueDocument(CaseAction):
    input_serializer = DocumentDecisionSerializer

    def act(self, app: Application, officer: User, data: dict[str, Any]) -> None:
        actions.reissue_document(app, officer, data["document"], data["reason"])


CASE_ACTIONS: dict[str, type[CaseAction]] = {
    "start_check": StartCheck,
    "request_documents": RequestDocuments,
    "accept_documents": AcceptDocuments,
    "complete_step": CompleteStep,
    "approve": Approve,
    "reject": Reject,
    "close": Close,
    "assign": Assign,
    "note": Note,
    "revoke_document": RevokeDocument,
    "reissue_document": ReissueDocument,
}
"""Officer actions by the name used in their URL."""


# --- track & trace ------------------------------------------------------------------


def _track_rate(group: str, request: Any) -> str:
    return settings.TRACK_RATE_LIMIT


class Track(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TRACK_TAG],
        operation_id="track_retrieve",
        summary="Track an application",
        description="The public status of an application by its tracking number: no names "
        "or personal data. A number with a typing mistake answers 404 with code `mistyped` "
        "without reaching the database. Limited per client address "
        "(`TRACK_RATE_LIMIT`, default 30 a minute).",
        responses={200: TrackingSerializer, **error_responses(404, 429)},
    )
    # The same group as the web page's: one budget per client address for both.
    @method_decorator(ratelimit(group="track", key="ip", rate=_track_rate, block=True))
    def get(self, request: Request, number: str) -> Response:
        return Response(TrackingSerializer(track(number)).data)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Answer every unknown path under the API with a JSON 404."""

    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise NotFound(_("Not found."))
