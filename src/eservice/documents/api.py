"""API of issued documents: the holder's and agency's downloads, public verification."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import FileResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eservice.accounts.models import User
from eservice.catalog.serializers import error_responses
from eservice.core.errors import ValidationFailed
from eservice.documents import verification
from eservice.documents.access import document_for, documents_visible_to
from eservice.documents.models import IssuedDocument
from eservice.documents.serializers import (
    IssuedDocumentSerializer,
    VerdictSerializer,
    VerifyUploadSerializer,
)
from eservice.documents.services import pdf_response

TAG = "Issued documents"
VERIFY_TAG = "Verification (public)"


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="issued_documents_list",
        summary="List issued documents",
        description="Documents you hold (for yourself or a company you represent) and, for "
        "officers, the documents their agencies issued; newest first.",
        responses={200: IssuedDocumentSerializer(many=True), **error_responses(401)},
    )
)
class IssuedDocumentList(generics.ListAPIView[IssuedDocument]):
    serializer_class = IssuedDocumentSerializer

    def get_queryset(self) -> Any:
        return documents_visible_to(_user(self.request)).order_by("-issued_at", "-id")


class IssuedDocumentDetail(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="issued_documents_retrieve",
        summary="Read an issued document",
        description="The document's record and everything printed on it (`data`).",
        responses={200: IssuedDocumentSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(IssuedDocumentSerializer(document_for(_user(request), public_id)).data)


class IssuedDocumentPdf(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="issued_documents_pdf",
        summary="Download the signed PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            **error_responses(401, 404),
        },
    )
    def get(self, request: Request, public_id: UUID) -> FileResponse:
        document = document_for(_user(request), public_id)
        return pdf_response(document)


class VerifyById(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[VERIFY_TAG],
        operation_id="verify_retrieve",
        summary="Verify a document by its id",
        description="Whether the document was issued here, its signature and its current "
        "state. Names no holder: compare `sha256` with the file you hold.",
        responses={200: VerdictSerializer, **error_responses(404)},
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        return Response(VerdictSerializer(verification.by_id(public_id)).data)


def _verify_rate(group: str, request: Any) -> str:
    return settings.VERIFY_RATE_LIMIT


class VerifyUpload(APIView):
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[VERIFY_TAG],
        operation_id="verify_upload",
        summary="Verify a PDF file",
        description="Send a PDF: the answer says whether its signature is intact and whether "
        "it is a document this platform issued, and its state. The file is not kept. "
        "Limited per client address (`VERIFY_RATE_LIMIT`, default 30 a minute).",
        request={"multipart/form-data": VerifyUploadSerializer},
        responses={200: VerdictSerializer, **error_responses(400, 429)},
    )
    # One budget per client address for the web page and the API.
    @method_decorator(ratelimit(group="verify", key="ip", rate=_verify_rate, block=True))
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Choose the PDF file to check."), {"file": [_("This field is required.")]}
            )
        return Response(VerdictSerializer(verification.by_file(upload)).data)
