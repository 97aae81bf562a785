"""Store and remove evidence files; no file outlives a rolled-back transaction."""

from __future__ import annotations

import contextvars
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from eservice.core.clock import now
from eservice.documents.models import EvidenceFile
from eservice.documents.validation import sniff

if TYPE_CHECKING:
    from eservice.accounts.models import User

_STORED: contextvars.ContextVar[list[tuple[Any, str]] | None] = contextvars.ContextVar(
    "stored_files", default=None
)


@contextmanager
def files_guard() -> Iterator[None]:
    """Delete every file stored inside the block if the block fails.

    Wrap it around the transaction: ``with files_guard(), transaction.atomic():``.
    """
    stored: list[tuple[Any, str]] = []
    token = _STORED.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _STORED.reset(token)


def store_evidence(
    application_id: int, requirement_code: str, upload: UploadedFile, user: User, round_: int
) -> EvidenceFile:
    """Validate an upload by its content and store it for an application."""
    content_type = sniff(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        application_id=application_id,
        requirement_code=requirement_code,
        original_name=os.path.basename(upload.name or "upload")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_at=now(),
        uploaded_by=user,
        round=round_,
    )
    evidence.file.save(str(evidence.public_id), upload, save=False)
    stored_name = evidence.file.name or ""
    guard = _STORED.get()
    if guard is not None:
        guard.append((evidence.file.storage, stored_name))
    try:
        evidence.save()
    except BaseException:
        evidence.file.storage.delete(stored_name)
        raise
    return evidence


def delete_evidence(evidence: EvidenceFile) -> None:
    """Remove an evidence record now and its file once the transaction commits."""
    name, storage = evidence.file.name or "", evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
