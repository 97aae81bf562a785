"""Every write to a case goes through one of these actions.

Each action locks the case row, checks the transition and the actor's role,
changes the case, and records a timeline entry and an audit event in the same
transaction. Views, API endpoints and commands call exactly one action.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from eservice.accounts.models import JuristicPerson, User
from eservice.accounts.services import juristic_persons_for, officer_role, role_at_least
from eservice.audit.actions import record
from eservice.cases import formschema, prefill
from eservice.cases.models import Application, DocumentRequest, StepInstance, TimelineEvent
from eservice.cases.signals import case_event
from eservice.cases.states import DOCUMENT_STATES, OFFICER_ACTION_ROLE, TRANSITIONS, Status
from eservice.catalog.models import Service
from eservice.catalog.services import calendar_for
from eservice.core import tracking
from eservice.core.clock import now
from eservice.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from eservice.core.i18n import format_date
from eservice.documents.actions import delete_evidence, files_guard, store_evidence
from eservice.documents.actions import issue as issue_document
from eservice.documents.actions import reissue as reissue_issued
from eservice.documents.actions import revoke as revoke_issued
from eservice.documents.models import EvidenceFile, IssuedDocument
from eservice.documents.services import documents_of, evidence_for

MAX_TEXT = 4000


# --- helpers -------------------------------------------------------------------


def _locked(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _event(
    app: Application,
    actor: User | None,
    action: str,
    *,
    kind: str = "transition",
    from_status: str = "",
    text: str = "",
    internal: bool = False,
    step_position: int | None = None,
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        application=app,
        at=now(),
        actor=actor,
        kind=kind,
        action=action,
        from_status=from_status,
        to_status=app.status if kind == "transition" else "",
        text=text,
        internal=internal,
        step_position=step_position,
    )
    record(
        actor.username if actor else "system",
        f"case.{action}",
        "application",
        str(app.public_id),
        {"status": app.status, "tracking_number": app.tracking_number},
    )
    # Inside the transaction: what listens (notifications) commits with the change.
    case_event.send(sender=Application, application=app, event=event)
    return event


def _transition(app: Application, action: str, actor: User | None, text: str = "") -> None:
    sources, target = TRANSITIONS[action]
    if app.status not in sources:
        raise InvalidTransition(
            _("This cannot be done while the application is “%(status)s”.")
            % {"status": Status(app.status).label}
        )
    previous = app.status
    app.status = target
    app.save()
    _event(app, actor, action, from_status=previous, text=text)


def _officer(app: Application, user: User, action: str, minimum: str | None = None) -> None:
    """Refuse an officer action by someone outside the agency or below the role it needs."""
    role = officer_role(user, app.agency_id)
    if role is None:
        raise NotFound(_("No such case."))
    if not role_at_least(role, minimum or OFFICER_ACTION_ROLE[action]):
        raise Forbidden(_("Your role in this agency does not allow this action."))


def _own(app: Application, user: User) -> None:
    if not may_act_as_applicant(user, app):
        raise NotFound(_("No such application."))


def _clean_text(text: str, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(
            _("Please give the reasons."), {field: [_("This field is required.")]}
        )
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            _("The text is too long."),
            {field: [_("Enter at most %(n)s characters.") % {"n": MAX_TEXT}]},
        )
    return text


def may_act_as_applicant(user: User, app: Application) -> bool:
    """Return whether the user filed the application or represents its juristic person."""
    if not user.is_authenticated:
        return False
    if app.applicant_id == user.pk:
        return True
    return (
        app.on_behalf_of_id is not None
        and juristic_persons_for(user).filter(pk=app.on_behalf_of_id).exists()
    )


# --- applicant actions ---------------------------------------------------------------


def start_application(
    user: User,
    service: Service,
    on_behalf_of: JuristicPerson | None = None,
    client_key: str | None = None,
    language: str = "th",
) -> Application:
    """Return the applicant's open draft for the service, creating one if needed.

    With ``client_key`` a retried request returns the application created by the first.
    """
    return open_application(user, service, on_behalf_of, client_key, language)[0]


def open_application(
    user: User,
    service: Service,
    on_behalf_of: JuristicPerson | None = None,
    client_key: str | None = None,
    language: str = "th",
    answers: dict[str, Any] | None = None,
) -> tuple[Application, bool]:
    """Return the applicant's open draft for the service and whether this call created it.

    A new draft is created with ``answers`` in one transaction, so a server that
    dies mid-request leaves either nothing or the whole draft. With
    ``client_key`` a retry returns what the first request stored, untouched, and
    of requests racing with one key exactly one creates; without it ``answers``
    replace those of the open draft.
    """
    if service.current_version_id is None or not service.is_active:
        raise NotFound(_("No such service."))
    if (
        on_behalf_of is not None
        and not juristic_persons_for(user).filter(pk=on_behalf_of.pk).exists()
    ):
        raise Forbidden(_("You may not apply for this juristic person."))
    if client_key:
        existing = _by_key(user, client_key, service)
        if existing:
            return existing, False
    else:
        existing = (
            Application.objects.filter(
                applicant=user, service=service, on_behalf_of=on_behalf_of, status=Status.DRAFT
            )
            .order_by("-created_at")
            .first()
        )
        if existing:
            if answers is not None:
                existing = save_answers(existing, user, answers)
            return existing, False
    try:
        with transaction.atomic():
            version = service.current_version
            assert version is not None
            known = set(version.form_schema.get("properties", {}))
            app = Application.objects.create(
                applicant=user,
                on_behalf_of=on_behalf_of,
                service=service,
                service_version_id=service.current_version_id,
                agency_id=service.agency_id,
                client_key=client_key or None,
                language=language,
                answers={k: v for k, v in (answers or {}).items() if k in known},
            )
            record(
                user.username,
                "case.start",
                "application",
                str(app.public_id),
                {"service": service.code},
            )
    except IntegrityError:
        # A concurrent request with the same key created it first: this is its replay.
        found = _by_key(user, client_key or "", service)
        if found is None:
            raise
        return found, False
    return app, True


def _by_key(user: User, client_key: str, service: Service) -> Application | None:
    existing = Application.objects.filter(applicant=user, client_key=client_key).first()
    if existing is not None and existing.service_id != service.pk:
        raise ValidationFailed(
            _("This idempotency key was already used for another service."),
            {"Idempotency-Key": [_("Use a new key for each new application.")]},
        )
    return existing


def _follow_current_manual(app: Application) -> None:
    """Move a draft to the service's current manual if a new version was published."""
    current = (
        Service.objects.filter(pk=app.service_id)
        .values_list("current_version_id", flat=True)
        .first()
    )
    if current and current != app.service_version_id:
        old = app.service_version_id
        app.service_version_id = current
        app.save(update_fields=["service_version"])
        record(
            app.applicant.username,
            "case.follow_manual",
            "application",
            str(app.public_id),
            {"from_version": old, "to_version": current},
        )


def save_answers(app: Application, user: User, answers: dict[str, Any]) -> Application:
    """Store a draft's answers as they are (checked on submission)."""
    _own(app, user)
    with transaction.atomic():
        app = _locked(app)
        if app.status != Status.DRAFT:
            raise InvalidTransition(_("Only a draft can be changed."))
        _follow_current_manual(app)
        schema = app.service_version.form_schema
        known = set(schema.get("properties", {}))
        app.answers = {k: v for k, v in answers.items() if k in known}
        # Data fetched from another agency stays as the agency gave it.
        app.answers.update(prefill.locked_fields(app))
        app.save(update_fields=["answers"])
    return app


def upload_document(
    app: Application, user: User, requirement_code: str, upload: UploadedFile
) -> EvidenceFile:
    """Attach an uploaded file to a draft, or to a case waiting for documents.

    The same file sent again for the same document (a retry after a lost answer)
    is the one already kept, not a second copy.
    """
    _own(app, user)
    with files_guard(), transaction.atomic():
        app = _locked(app)
        if app.status == Status.DRAFT:
            round_ = 0
            allowed = set(app.service_version.documents.values_list("code", flat=True))
        elif app.status == Status.RETURNED:
            round_ = 1
            allowed = {item["code"] for item in app.document_request.items}
        else:
            raise InvalidTransition(
                _("Documents can only be added to a draft or when the agency asks for them.")
            )
        if requirement_code not in allowed:
            raise ValidationFailed(
                _("This document is not asked for."),
                {"requirement": [_("Choose one of the listed documents.")]},
            )
        digest = _sha256(upload)
        kept = EvidenceFile.objects.filter(
            application=app, requirement_code=requirement_code, round=round_, sha256=digest
        ).first()
        if kept is not None:
            return kept
        evidence = store_evidence(app.pk, requirement_code, upload, user, round_)
        record(
            user.username,
            "case.upload",
            "application",
            str(app.public_id),
            {"requirement": requirement_code, "sha256": evidence.sha256},
        )
    return evidence


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def remove_document(app: Application, user: User, evidence_id: str) -> None:
    """Remove a file the applicant uploaded and has not yet sent."""
    _own(app, user)
    with transaction.atomic():
        app = _locked(app)
        round_ = {Status.DRAFT: 0, Status.RETURNED: 1}.get(Status(app.status))
        if round_ is None:
            raise NotFound(_("No such file."))
        try:
            evidence = evidence_for(app.pk).filter(public_id=evidence_id, round=round_).first()
        except (DjangoValidationError, ValueError):
            evidence = None  # not even a well-formed id
        if evidence is None:
            raise NotFound(_("No such file."))
        delete_evidence(evidence)
        record(
            user.username,
            "case.remove_upload",
            "application",
            str(app.public_id),
            {"requirement": evidence.requirement_code},
        )


def submission_problems(app: Application) -> dict[str, list[str]]:
    """Return what stops a draft from being submitted: form fields and missing documents."""
    version = app.service_version
    problems = formschema.validate(version.form_schema, app.answers)
    uploaded = set(evidence_for(app.pk).values_list("requirement_code", flat=True))
    uploaded |= prefill.replaced_documents(app)
    for doc in version.documents.all():
        if doc.required and doc.code not in uploaded:
            problems.setdefault(f"document:{doc.code}", []).append(_("Upload this document."))
    return problems


def _new_tracking_number() -> str:
    while True:
        number = tracking.generate()
        if not Application.objects.filter(tracking_number=number).exists():
            return number


def submit(app: Application, user: User) -> Application:
    """Submit a draft; submitting an already submitted application returns it unchanged."""
    _own(app, user)
    with transaction.atomic():
        app = _locked(app)
        if app.status != Status.DRAFT:
            if app.tracking_number:
                return app  # a retried submit: the first one already went through
            raise InvalidTransition(_("This application cannot be submitted."))
        _follow_current_manual(app)
        problems = submission_problems(app)
        if problems:
            raise ValidationFailed(_("Please correct the errors below."), problems)
        moment = now()
        version = app.service_version
        app.tracking_number = _new_tracking_number()
        app.submitted_at = moment
        app.due_at = calendar_for(app.agency_id).due(
            moment,
            version.time_limit_value,
            version.time_limit_unit,  # type: ignore[arg-type]
        )
        _transition(app, "submit", user)
    return app


def resubmit(app: Application, user: User, note: str = "") -> Application:
    """Send the requested documents; the agency's clock starts again."""
    _own(app, user)
    note = _clean_text(note, "note", required=False)
    with transaction.atomic():
        app = _locked(app)
        if app.status != Status.RETURNED:
            raise InvalidTransition(_("The agency has not asked for documents."))
        request = app.document_request
        sent = set(evidence_for(app.pk).filter(round=1).values_list("requirement_code", flat=True))
        missing = {
            f"document:{item['code']}": [_("Upload this document.")]
            for item in request.items
            if item["code"] not in sent
        }
        if missing:
            raise ValidationFailed(_("Please upload every document the agency asked for."), missing)
        moment = now()
        app.due_at = calendar_for(app.agency_id).add_working_minutes(
            moment, app.remaining_minutes or 0
        )
        app.paused_at, app.remaining_minutes = None, None
        request.responded_at = moment
        request.save(update_fields=["responded_at"])
        _transition(app, "resubmit", user, text=note)
    return app


def withdraw(app: Application, user: User, reason: str = "") -> Application:
    """Withdraw an application before the agency decides."""
    _own(app, user)
    reason = _clean_text(reason, "reason", required=False)
    with transaction.atomic():
        app = _locked(app)
        app.closed_at = now()
        app.due_at, app.paused_at, app.remaining_minutes = None, None, None
        _transition(app, "withdraw", user, text=reason)
    return app


def discard_draft(app: Application, user: User) -> None:
    """Delete a draft that was never submitted, with its files."""
    _own(app, user)
    with transaction.atomic():
        app = _locked(app)
        if app.status != Status.DRAFT:
            raise InvalidTransition(_("Only a draft can be deleted."))
        for evidence in evidence_for(app.pk):
            delete_evidence(evidence)
        record(user.username, "case.discard", "application", str(app.public_id), {})
        app.delete()


# --- officer actions -------------------------------------------------------------


def assign(app: Application, officer: User, assignee: User | None) -> Application:
    """Give the case to an officer of the same agency (or take it back to the pool)."""
    _officer(app, officer, "assign")
    if assignee is not None and officer_role(assignee, app.agency_id) is None:
        raise ValidationFailed(
            _("That person is not an officer of this agency."),
            {"assignee": [_("Choose an officer of this agency.")]},
        )
    with transaction.atomic():
        app = _locked(app)
        app.assigned_to = assignee
        app.save(update_fields=["assigned_to"])
        _event(
            app,
            officer,
            "assign",
            kind="assigned",
            internal=True,
            text=assignee.display_name() if assignee else "",
        )
    return app


def start_check(app: Application, officer: User) -> Application:
    """Receive the application and start checking its documents (takes it if unassigned)."""
    _officer(app, officer, "start_check")
    with transaction.atomic():
        app = _locked(app)
        if app.assigned_to_id is None:
            app.assigned_to = officer
        _transition(app, "start_check", officer)
    return app


def request_documents(
    app: Application,
    officer: User,
    items: list[dict[str, str]],
    note: str = "",
    respond_within_days: int = 7,
) -> Application:
    """Ask the applicant, once, for what is missing; the clock pauses (Act s.8)."""
    _officer(app, officer, "request_documents")
    note = _clean_text(note, "note", required=False)
    if not items:
        raise ValidationFailed(
            _("List what is missing."), {"items": [_("Choose at least one document.")]}
        )
    if not 1 <= respond_within_days <= 90:
        raise ValidationFailed(
            _("Give a time between 1 and 90 working days."),
            {"respond_within_days": [_("Enter a number from 1 to 90.")]},
        )
    with transaction.atomic():
        app = _locked(app)
        if DocumentRequest.objects.filter(application=app).exists():
            raise InvalidTransition(
                _(
                    "Documents may be requested only once for an application (Licensing Facilitation Act s.8)."
                )
            )
        known = {d.code: d for d in app.service_version.documents.all()}
        clean_items = []
        for item in items:
            code = item.get("code", "")
            if code not in known:
                raise ValidationFailed(
                    _("Choose documents from the manual."),
                    {"items": [_("Unknown document: %(code)s") % {"code": code}]},
                )
            clean_items.append(
                {"code": code, "name_th": known[code].name_th, "name_en": known[code].name_en}
            )
        moment = now()
        calendar = calendar_for(app.agency_id)
        if app.due_at is not None:
            app.remaining_minutes = max(0, calendar.working_minutes_between(moment, app.due_at))
        app.paused_at, app.due_at = moment, None
        respond_by: date = calendar.add_working_days(
            moment.astimezone(calendar.tz).date(), respond_within_days
        )
        DocumentRequest.objects.create(
            application=app,
            requested_at=moment,
            requested_by=officer,
            items=clean_items,
            note=note,
            respond_by=respond_by,
        )
        _transition(app, "request_documents", officer, text=note)
    return app


def _start_step(app: Application, position: int) -> None:
    step = app.service_version.steps.get(position=position)
    moment = now()
    due = calendar_for(app.agency_id).due(moment, step.time_limit_value, step.time_limit_unit)  # type: ignore[arg-type]
    StepInstance.objects.create(
        application=app, step=step, position=position, started_at=moment, due_at=due
    )
    app.current_step = position
    app.save(update_fields=["current_step"])


def accept_documents(app: Application, officer: User) -> Application:
    """Declare the documents complete and start the first step of consideration."""
    _officer(app, officer, "accept_documents")
    with transaction.atomic():
        app = _locked(app)
        if app.assigned_to_id is None:
            app.assigned_to = officer
        _transition(app, "accept_documents", officer)
        _start_step(app, 1)
    return app


def _finish_current_step(app: Application, officer: User, note: str) -> StepInstance:
    instance = (
        app.steps.select_for_update()
        .filter(position=app.current_step or 0, completed_at__isnull=True)
        .first()
    )
    if instance is None:
        # A state no action leaves a case in (data written around the actions).
        raise InvalidTransition(
            _(
                "This case's step %(n)s has no record, so it cannot go on. Ask the platform "
                "administrator to check the case (eservice check-cases)."
            )
            % {"n": app.current_step}
        )
    instance.completed_at, instance.completed_by, instance.note = now(), officer, note
    instance.save(update_fields=["completed_at", "completed_by", "note"])
    return instance


def complete_step(app: Application, officer: User, note: str = "") -> Application:
    """Finish the current step and start the next one."""
    _officer(app, officer, "note")  # outsiders learn nothing, not even the state
    note = _clean_text(note, "note", required=False)
    with transaction.atomic():
        app = _locked(app)
        if app.status != Status.IN_REVIEW or app.current_step is None:
            raise InvalidTransition(_("There is no step in progress."))
        step = app.service_version.steps.filter(position=app.current_step).first()
        if step is None:
            raise InvalidTransition(_("There is no step in progress."))
        _officer(app, officer, "complete_step", minimum=step.role)
        last = app.service_version.steps.count()
        if app.current_step >= last:
            raise InvalidTransition(_("The last step ends with the decision: approve or reject."))
        position = app.current_step
        _finish_current_step(app, officer, note)
        _event(app, officer, "complete_step", kind="step_done", text=note, step_position=position)
        _start_step(app, position + 1)
    return app


def approve(app: Application, officer: User, reasons: str = "") -> Application:
    """Approve at the last step; the decision may carry conditions or notes."""
    _officer(app, officer, "approve")
    reasons = _clean_text(reasons, "reasons", required=False)
    with files_guard(), transaction.atomic():
        app = _locked(app)
        last = app.service_version.steps.count()
        if app.status == Status.IN_REVIEW and app.current_step != last:
            raise InvalidTransition(_("Complete the earlier steps before deciding."))
        if app.status == Status.IN_REVIEW:
            _finish_current_step(app, officer, reasons)
        app.decided_at, app.decision_reasons = now(), reasons
        _transition(app, "approve", officer, text=reasons)
        # The approval and its signed document stand or fall together.
        document = issue_document(app, officer)
        _event(app, officer, "document_issued", kind="document", text=document.number)
    return app


def _has_documents(app: Application) -> None:
    if app.status not in DOCUMENT_STATES:
        raise InvalidTransition(_("Only an approved case has documents to revoke or re-issue."))


def _issued(app: Application, document_id: Any) -> IssuedDocument:
    document = documents_of(app.pk).filter(public_id=document_id).first()
    if document is None:
        raise NotFound(_("No such document."))
    return document


def revoke_document(
    app: Application, officer: User, document_id: Any, reason: str
) -> IssuedDocument:
    """Revoke a document issued on this case, with written reasons the applicant sees."""
    _officer(app, officer, "revoke_document")
    with transaction.atomic():
        app = _locked(app)
        _has_documents(app)
        document = revoke_issued(_issued(app, document_id), officer, reason)
        _event(
            app,
            officer,
            "document_revoked",
            kind="document",
            text=f"{document.number}: {document.revocation_reason}",
        )
    return document


def reissue_document(
    app: Application, officer: User, document_id: Any, reason: str
) -> IssuedDocument:
    """Revoke a document and issue a corrected one with the same validity dates."""
    _officer(app, officer, "reissue_document")
    with files_guard(), transaction.atomic():
        app = _locked(app)
        _has_documents(app)
        old = _issued(app, document_id)
        document = reissue_issued(old, officer, reason)
        _event(
            app,
            officer,
            "document_reissued",
            kind="document",
            text=f"{old.number} → {document.number}: {reason.strip()}",
        )
    return document


def reject(app: Application, officer: User, reasons: str, appeal_info: str) -> Application:
    """Refuse in writing, with reasons and how to appeal (Act s.10)."""
    _officer(app, officer, "reject")
    errors = {}
    if not (reasons or "").strip():
        errors["reasons"] = [_("This field is required.")]
    if not (appeal_info or "").strip():
        errors["appeal_info"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(_("A refusal must give reasons and say how to appeal."), errors)
    reasons = _clean_text(reasons, "reasons", required=True)
    appeal_info = _clean_text(appeal_info, "appeal_info", required=True)
    with transaction.atomic():
        app = _locked(app)
        if app.status == Status.RETURNED:
            # Act s.8: an applicant who does not send the documents in time may be refused.
            respond_by = app.document_request.respond_by
            calendar = calendar_for(app.agency_id)
            if now().astimezone(calendar.tz).date() <= respond_by:
                raise InvalidTransition(
                    _("The applicant has until %(date)s to send the documents.")
                    % {"date": format_date(respond_by)}
                )
            app.paused_at, app.remaining_minutes = None, None
        if app.status == Status.IN_REVIEW and app.current_step is not None:
            _finish_current_step(app, officer, reasons)
        app.decided_at, app.decision_reasons, app.appeal_info = now(), reasons, appeal_info
        _transition(app, "reject", officer, text=reasons)
    return app


def close(app: Application, officer: User) -> Application:
    """Close a decided case."""
    _officer(app, officer, "close")
    with transaction.atomic():
        app = _locked(app)
        app.closed_at = now()
        _transition(app, "close", officer)
    return app


def add_note(app: Application, officer: User, text: str) -> TimelineEvent:
    """Add an internal note that only the agency's officers see."""
    _officer(app, officer, "note")
    text = _clean_text(text, "text", required=True)
    with transaction.atomic():
        app = _locked(app)
        return _event(app, officer, "note", kind="note", text=text, internal=True)


def record_notice(app: Application, action: str, text: str, *, internal: bool) -> TimelineEvent:
    """Record on the timeline a notice the platform sent or asked for (delay notices)."""
    with transaction.atomic():
        return _event(app, None, action, kind="notice", text=text[:MAX_TEXT], internal=internal)
