"""Store evidence files and issue, revoke and re-issue signed documents.

No file outlives a rolled-back transaction (see ``files_guard``).
"""

from __future__ import annotations

import calendar
import contextvars
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from stdnum.th import moa, pin

from eservice.accounts.models import OfficerRole, User
from eservice.accounts.services import officer_role, role_at_least
from eservice.audit.actions import record
from eservice.catalog.models import Service
from eservice.catalog.services import calendar_for
from eservice.core.clock import now
from eservice.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eservice.core.i18n import BUDDHIST_ERA_OFFSET, format_date
from eservice.documents.models import (
    DocumentCounter,
    DocumentTemplate,
    EvidenceFile,
    IssuedDocument,
)
from eservice.documents.rendering import check_placeholders, fill, render
from eservice.documents.signing import key_for, sign
from eservice.documents.validation import sniff

if TYPE_CHECKING:
    from eservice.cases.models import Application

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


def _guarded(file: Any) -> str:
    """Register a just-stored file with the enclosing files_guard; return its name."""
    name = file.name or ""
    guard = _STORED.get()
    if guard is not None:
        guard.append((file.storage, name))
    return name


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
    stored_name = _guarded(evidence.file)
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


# --- Issued documents --------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _both(message: str) -> dict[str, str]:
    """A fixed label in Thai and in English."""
    texts = {}
    for lang in ("th", "en"):
        with translation.override(lang):
            texts[lang] = _(message)
    return texts


def _holder(app: Application) -> dict[str, Any]:
    if app.on_behalf_of is not None:
        person = app.on_behalf_of
        return {
            "kind": "juristic_person",
            "name": {"th": person.name_th, "en": person.name_en or person.name_th},
            "id_label": _both(gettext_noop("Juristic person registration number")),
            "id": moa.format(person.registration_number),
        }
    user = app.applicant
    return {
        "kind": "person",
        "name": {
            "th": user.full_name_th or user.get_full_name() or user.username,
            "en": user.full_name_en or user.full_name_th or user.username,
        },
        "id_label": _both(gettext_noop("National ID number")),
        "id": pin.format(user.national_id) if user.national_id else "",
    }


def _signer(officer: User, agency_id: int) -> dict[str, Any]:
    role = officer_role(officer, agency_id)
    position = {"th": "", "en": ""}
    if role is not None:
        position = {"th": role.position_th, "en": role.position_en or role.position_th}
        if not position["th"]:
            for lang in ("th", "en"):
                with translation.override(lang):
                    position[lang] = str(OfficerRole.Role(role.role).label)
    return {
        "username": officer.username,
        "name": {
            "th": officer.full_name_th or officer.get_full_name() or officer.username,
            "en": officer.full_name_en or officer.full_name_th or officer.username,
        },
        "position": position,
    }


def _next_number(agency_id: int, year_be: int) -> str:
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        agency_id=agency_id, year_be=year_be
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{counter.last}/{year_be}"


def template_for(service: Service) -> DocumentTemplate:
    """Return the service's template, or an unsaved default built from its manual."""
    try:
        return service.document_template
    except DocumentTemplate.DoesNotExist:
        return DocumentTemplate(service=service)


def issue(
    app: Application,
    officer: User,
    *,
    replaces: IssuedDocument | None = None,
    validity: tuple[date, date | None] | None = None,
) -> IssuedDocument:
    """Render, sign and store the service's output document for an approved application.

    Call inside the approving transaction and a ``files_guard``: the caller has
    checked that ``officer`` may decide. ``validity`` keeps a re-issued document's dates.
    """
    version = app.service_version
    agency = app.agency
    template = template_for(app.service)
    issued_at = now()
    local_day = issued_at.astimezone(calendar_for(agency.pk).tz).date()
    if validity is None:
        months = template.valid_for_months
        validity = (
            local_day,
            _add_months(local_day, months) - timedelta(days=1) if months else None,
        )
    document = IssuedDocument(
        application=app,
        agency=agency,
        issued_at=issued_at,
        valid_from=validity[0],
        valid_until=validity[1],
        signed_by=officer,
        replaces=replaces,
    )
    holder = _holder(app)
    names = {"th": version.name_th, "en": version.name_en}
    agency_names = {"th": agency.name_th, "en": agency.name_en}
    titles = {
        "th": template.title_th or version.output_document_th,
        "en": template.title_en or version.output_document_en,
    }
    bodies, conditions = {}, {}
    for lang in ("th", "en"):
        with translation.override(lang):
            until = format_date(validity[1]) if validity[1] else _("No expiry")
            values = {
                "holder": holder["name"][lang],
                "service": names[lang],
                "agency": agency_names[lang],
                "valid_until": until,
            }
            default_body = _("As applied for: %(service)s.") % {"service": names[lang]}
        body = getattr(template, f"body_{lang}") or default_body
        bodies[lang] = fill(body, values, app.answers)
        conditions[lang] = [
            fill(line.strip(), values, app.answers)
            for line in getattr(template, f"conditions_{lang}").splitlines()
            if line.strip()
        ]
    document.number = _next_number(agency.pk, local_day.year + BUDDHIST_ERA_OFFSET)
    document.title_th, document.title_en = titles["th"], titles["en"]
    document.data = {
        "schema": "https://eservice.example/schemas/issued-document/1",
        "document_id": str(document.public_id),
        "number": document.number,
        "title": titles,
        "service": {"code": app.service.code, "version": version.number, "name": names},
        "application": app.tracking_number,
        "holder": holder,
        "body": bodies,
        "conditions": conditions,
        "issued_at": issued_at.isoformat(),
        "issued_on": local_day.isoformat(),
        "valid_from": validity[0].isoformat(),
        "valid_until": validity[1].isoformat() if validity[1] else None,
        "agency": {"code": agency.code, "name": agency_names},
        "signed_by": _signer(officer, agency.pk),
        "verify_url": f"{settings.PUBLIC_BASE_URL}/verify/{document.public_id}/",
        "replaces": replaces.number if replaces else None,
    }
    unsigned = render(document.data, template.layout)
    document.signing_key = key_for(agency)
    signed = sign(
        unsigned,
        document.signing_key,
        reason=f"{titles['en']} no. {document.number}",
        location=agency.name_en,
    )
    document.size = len(signed)
    document.sha256 = hashlib.sha256(signed).hexdigest()
    document.file.save(f"{document.public_id}.pdf", ContentFile(signed), save=False)
    stored_name = _guarded(document.file)
    try:
        document.save()
    except BaseException:
        document.file.storage.delete(stored_name)
        raise
    record(
        officer.username,
        "document.issue",
        "issued_document",
        str(document.public_id),
        {"number": document.number, "sha256": document.sha256, "agency": agency.code},
    )
    return document


def _may_revoke(document: IssuedDocument, officer: User) -> None:
    if not role_at_least(officer_role(officer, document.agency_id), "approver"):
        raise Forbidden(_("Only the agency's approvers may revoke or re-issue documents."))


def revoke(document: IssuedDocument, officer: User, reason: str) -> IssuedDocument:
    """Revoke a valid document with written reasons (call inside a transaction)."""
    _may_revoke(document, officer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reasons for revoking the document."),
            {"reason": [_("This field is required.")]},
        )
    if len(reason) > 4000:
        raise ValidationFailed(
            _("The text is too long."), {"reason": [_("At most 4000 characters.")]}
        )
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.status != IssuedDocument.Status.VALID:
        raise InvalidTransition(_("This document has already been revoked."))
    document.status = IssuedDocument.Status.REVOKED
    document.revoked_at, document.revoked_by, document.revocation_reason = now(), officer, reason
    document.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    record(
        officer.username,
        "document.revoke",
        "issued_document",
        str(document.public_id),
        {"number": document.number, "reason": reason},
    )
    return document


def reissue(document: IssuedDocument, officer: User, reason: str) -> IssuedDocument:
    """Revoke a document and issue its replacement with the same validity dates."""
    old = revoke(document, officer, reason)
    return issue(old.application, officer, replaces=old, validity=(old.valid_from, old.valid_until))


TEMPLATE_FIELDS = (
    "layout",
    "title_th",
    "title_en",
    "body_th",
    "body_en",
    "conditions_th",
    "conditions_en",
    "valid_for_months",
)


def save_template(service: Service, user: User, values: dict[str, Any]) -> DocumentTemplate:
    """Save the agency's wording of a service's document (agency administrators only)."""
    if not role_at_least(officer_role(user, service.agency_id), "admin"):
        raise Forbidden(_("Only the agency's administrators may edit document templates."))
    template = template_for(service)
    errors: dict[str, list[str]] = {}
    for name in TEMPLATE_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    for name in ("body_th", "body_en", "conditions_th", "conditions_en", "title_th", "title_en"):
        unknown = check_placeholders(str(getattr(template, name) or ""))
        if unknown:
            errors.setdefault(name, []).append(
                _("Unknown placeholder: %(names)s") % {"names": ", ".join(unknown)}
            )
    try:
        template.full_clean(exclude=["service", "updated_by"])
    except DjangoValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if template.valid_for_months > 120:
        errors.setdefault("valid_for_months", []).append(_("At most 120 months."))
    if errors:
        raise ValidationFailed(_("The template has errors."), errors)
    template.updated_at, template.updated_by = now(), user
    with transaction.atomic():
        template.save()
        record(user.username, "document.template", "service", service.code, {})
    return template
