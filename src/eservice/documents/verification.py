"""Answer "is this document genuine, and does it still hold?" for anyone.

Two ways in: the document's id (the QR code on it) or the PDF file itself.
Neither stores anything. The public answer names the document, the agency and
its state, never the holder: the person checking holds the PDF, which shows
the holder, and the fingerprint and signature prove that PDF unaltered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from eservice.catalog.services import calendar_for
from eservice.core.clock import now
from eservice.core.errors import NotFound, ValidationFailed
from eservice.documents.models import IssuedDocument
from eservice.documents.signing import SignatureCheck, check


def state_of(document: IssuedDocument, today: date | None = None) -> str:
    """valid, expired or revoked."""
    if document.status == IssuedDocument.Status.REVOKED:
        return "revoked"
    if today is None:
        today = now().astimezone(calendar_for(document.agency_id).tz).date()
    if document.valid_until is not None and today > document.valid_until:
        return "expired"
    return "valid"


STATE_TEXT = {
    "valid": lambda: _("Valid"),
    "expired": lambda: _("Expired"),
    "revoked": lambda: _("Revoked"),
}


@dataclass
class Verdict:
    """The answer to one verification."""

    # genuine | tampered | altered | unknown_signer | not_issued | damaged | not_found
    outcome: str
    message: str
    document: IssuedDocument | None = None
    state: str = ""
    signature: SignatureCheck | None = None
    sha256: str = ""

    @property
    def replaced_by(self) -> IssuedDocument | None:
        if self.document is None:
            return None
        return IssuedDocument.objects.filter(replaces=self.document).first()


def _stored_pdf(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _genuine_message(state: str) -> str:
    if state == "revoked":
        return _("This document was issued by the agency but has been revoked.")
    if state == "expired":
        return _("This document was issued by the agency but has expired.")
    return _("This document is genuine and valid.")


def by_id(public_id: Any) -> Verdict:
    """Check a document by its id: the record, and the signature of the stored file."""
    document = (
        IssuedDocument.objects.select_related("agency", "revoked_by")
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise NotFound(_("No document with this number was issued on this platform."))
    signature = check(_stored_pdf(document), at=document.issued_at)
    state = state_of(document)
    if not signature.genuine:
        return Verdict(
            "tampered",
            _(
                "The platform's copy of this document fails its signature check. Contact the agency."
            ),
            document,
            state,
            signature,
            document.sha256,
        )
    return Verdict("genuine", _genuine_message(state), document, state, signature, document.sha256)


def _read_upload(upload: UploadedFile) -> bytes:
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(_("The file is empty."), {"file": [_("The file is empty.")]})
    if size > settings.UPLOAD_MAX_BYTES:
        message = _("The file is too large (%(size)s). The limit is %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
        }
        raise ValidationFailed(message, {"file": [message]})
    upload.seek(0)
    content = upload.read()
    if content.lstrip()[:5] != b"%PDF-":
        message = _("This file is not a PDF. Upload the PDF document you received.")
        raise ValidationFailed(message, {"file": [message]})
    return content


def by_file(upload: UploadedFile) -> Verdict:
    """Check an uploaded PDF; nothing of it is kept."""
    content = _read_upload(upload)
    digest = hashlib.sha256(content).hexdigest()
    document = IssuedDocument.objects.select_related("agency").filter(sha256=digest).first()
    signature = check(content, at=document.issued_at if document else None)
    if document is not None and signature.genuine:
        state = state_of(document)
        return Verdict("genuine", _genuine_message(state), document, state, signature, digest)
    if not signature.readable:
        return Verdict(
            "damaged",
            _("The PDF is damaged and cannot be read."),
            signature=signature,
            sha256=digest,
        )
    if not signature.signed:
        return Verdict(
            "not_issued",
            _("This PDF has no signature: it is not a document issued by this platform."),
            signature=signature,
            sha256=digest,
        )
    if not signature.intact:
        return Verdict(
            "tampered",
            _("The signature is broken: the file was changed after it was signed."),
            signature=signature,
            sha256=digest,
        )
    if not signature.trusted:
        return Verdict(
            "unknown_signer",
            _("The PDF is signed, but not by an agency of this platform."),
            signature=signature,
            sha256=digest,
        )
    return Verdict(
        "altered",
        _(
            "The agency's signature is intact, but this file is not the document as issued: "
            "something was added after signing. Ask the holder for the original file."
        ),
        signature=signature,
        sha256=digest,
    )
