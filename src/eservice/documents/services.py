"""Public read API of the documents module."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse

from eservice.documents.models import EvidenceFile, IssuedDocument


def evidence_for(application_id: int) -> QuerySet[EvidenceFile]:
    """Return an application's uploaded files, by requirement then upload time."""
    return EvidenceFile.objects.filter(application_id=application_id).order_by(
        "requirement_code", "uploaded_at"
    )


def documents_of(application_id: int) -> QuerySet[IssuedDocument]:
    """Return the documents issued on an application, oldest first."""
    return IssuedDocument.objects.filter(application_id=application_id).order_by("issued_at", "id")


def pdf_response(document: IssuedDocument) -> FileResponse:
    """The signed PDF as a private download named after the agency and number."""
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{document.agency.code}-{document.number.replace('/', '-')}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
