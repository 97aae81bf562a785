"""Case events become messages to the applicant and the agency's system."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation

from eservice.cases.models import Application, TimelineEvent
from eservice.cases.signals import case_event
from eservice.cases.states import Status as CaseStatus
from eservice.core.i18n import format_date, localized
from eservice.notify.models import Event
from eservice.notify.outbox import notify_agency_system, notify_person, preference_for

# Timeline actions that the applicant hears of.
EVENTS = {
    "submit": Event.SUBMITTED,
    "request_documents": Event.DOCUMENTS_REQUESTED,
    "resubmit": Event.RESUBMITTED,
    "complete_step": Event.STEP_DONE,
    "approve": Event.APPROVED,
    "reject": Event.REJECTED,
    "document_issued": Event.DOCUMENT_ISSUED,
    "withdraw": Event.WITHDRAWN,
}


def applicant_link(app: Application) -> str:
    from django.conf import settings

    path = reverse("cases:application", args=[app.public_id])
    return f"{settings.PUBLIC_BASE_URL}{path}"


def officer_link(app: Application) -> str:
    from django.conf import settings

    path = reverse("cases:case", args=[app.tracking_number])
    return f"{settings.PUBLIC_BASE_URL}{path}"


def case_context(app: Application, language: str, **extra: Any) -> dict[str, Any]:
    """Return the values a template may use about a case, in ``language``."""
    with translation.override(language):
        version = app.service_version
        context: dict[str, Any] = {
            "tracking_number": app.tracking_number or "",
            "service": localized(version, "name", language),
            "agency": localized(app.agency, "name", language),
            "status": CaseStatus(app.status).label,
            "due_date": format_date(app.due_at),
            "link": applicant_link(app),
        }
        for key, value in extra.items():
            if isinstance(value, dict):  # {"th": ..., "en": ...}
                value = value.get(language) or value.get("th", "")
            context[key] = format_date(value) if hasattr(value, "isoformat") else value
    return context


def _extra(app: Application, event: TimelineEvent, language: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"reason": event.text}
    if event.action == "request_documents":
        request = app.document_request
        names = [item["name_en" if language == "en" else "name_th"] for item in request.items]
        extra["documents"] = ", ".join(n for n in names if n)
        extra["respond_by"] = request.respond_by
        extra["reason"] = request.note
    elif event.action == "complete_step" and event.step_position:
        step = app.service_version.steps.filter(position=event.step_position).first()
        extra["step"] = localized(step, "name", language) if step else ""
    elif event.action == "reject":
        extra["appeal_info"] = app.appeal_info
    elif event.action == "document_issued":
        extra["document_number"] = event.text
        extra["reason"] = ""
    return extra


def webhook_payload(app: Application, event: str, **fields: Any) -> dict[str, Any]:
    """Return what the agency's system receives: the case's identifiers, never personal data."""
    return {
        "tracking_number": app.tracking_number,
        "application": str(app.public_id),
        "service": app.service.code,
        "status": app.status,
        "due_at": app.due_at.isoformat() if app.due_at else None,
        **fields,
    }


@receiver(case_event, dispatch_uid="notify.case_event")
def on_case_event(sender: Any, application: Application, event: TimelineEvent, **_: Any) -> None:
    kind = EVENTS.get(event.action)
    if kind is None:
        return
    app = application
    applicant = app.applicant
    language = preference_for(applicant).language
    context = case_context(app, language, **_extra(app, event, language))
    key = f"case:{event.pk}"
    notify_person(applicant, kind, context, agency_id=app.agency_id, application_id=app.pk, key=key)
    notify_agency_system(
        kind,
        webhook_payload(app, kind, at=event.at.isoformat(), step=event.step_position),
        agency_id=app.agency_id,
        application_id=app.pk,
        key=f"{key}:webhook",
    )
