"""Filling an application with data other agencies hold, instead of asking for copies.

A service's manual lists its sources (``ServiceVersion.prefill``). When the
applicant asks for a source, with consent where the data is about them, the
exchange reads it from the provider agency; the mapped form fields are filled and
marked with their source, and the documents the source replaces are no longer
asked for. When the provider is down or slow, the applicant is told and uploads
the copy instead: the answers already typed are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from eservice.accounts.models import User
from eservice.audit.actions import record
from eservice.cases.models import Application
from eservice.cases.states import Status
from eservice.core.errors import InvalidTransition, NotFound, ValidationFailed
from eservice.core.i18n import bilingual
from eservice.exchange import client, people
from eservice.exchange.models import Consent, DataService


@dataclass
class Source:
    """One source of a service's manual, as the applicant sees it on the form."""

    identifier: str
    name: str
    provider: str
    personal: bool
    fields: list[str]
    replaces: list[str]
    available: bool
    fetched: dict[str, Any] | None = None
    labels: list[str] = field(default_factory=list)


def _entry(app: Application, identifier: str) -> dict[str, Any]:
    for entry in app.service_version.prefill:
        if entry["service"] == identifier:
            return dict(entry)
    raise NotFound(_("This service does not fetch that data."))


def sources(app: Application) -> list[Source]:
    """The sources of the application's manual, with what was already fetched."""
    entries = app.service_version.prefill
    services = {
        s.identifier: s
        for s in DataService.objects.select_related("provider").filter(
            identifier__in=[e["service"] for e in entries]
        )
    }
    ui = app.service_version.form_ui
    out = []
    for entry in entries:
        service = services.get(entry["service"])
        out.append(
            Source(
                identifier=entry["service"],
                name=bilingual(entry["name"]),
                provider=service.provider.name if service else "",
                personal=service.personal if service else True,
                fields=list(entry.get("fields", {})),
                replaces=list(entry.get("replaces", [])),
                available=service is not None and _subject(app, entry) is not None,
                fetched=app.prefill.get(entry["service"]),
                labels=[
                    bilingual(ui[name]["label"]) for name in entry.get("fields", {}) if name in ui
                ],
            )
        )
    return out


def _subject(app: Application, entry: dict[str, Any]) -> str | None:
    if entry["subject"] == "company":
        person = app.on_behalf_of
        return person.registration_number if person else None
    return app.applicant.national_id or None


def replaced_documents(app: Application) -> set[str]:
    """Codes of the documents that fetched data replaces."""
    return {code for got in app.prefill.values() for code in got.get("replaces", [])}


def locked_fields(app: Application) -> dict[str, Any]:
    """Form fields filled from another agency, with their values (the applicant cannot edit them)."""
    return {name: value for got in app.prefill.values() for name, value in got["fields"].items()}


def source_of(app: Application) -> dict[str, dict[str, Any]]:
    """For each filled field: where it came from (provider names, request id, time)."""
    return {name: got for got in app.prefill.values() for name in got["fields"]}


def _read(
    app: Application,
    entry: dict[str, Any],
    service: DataService,
    subject: str,
    consent: Consent | None,
    *,
    user_id: str,
    issue: str,
    purpose_th: str,
    purpose_en: str,
) -> tuple[client.Answer, dict[str, Any]]:
    """Call the source for the application and tell the applicant, whatever the outcome.

    Returns the answer and the values of the form fields the source maps.
    """
    read: dict[str, Any] = {
        "reader": app.agency,
        "service": service,
        "application": app.public_id,
        "purpose_th": purpose_th,
        "purpose_en": purpose_en,
        "fields": sorted(set(entry.get("fields", {}).values())),
        "consent": consent,
    }
    try:
        answer = client.fetch(
            service,
            {service.subject_param: subject},
            agency=app.agency,
            user_id=user_id,
            issue=issue,
            purpose=f"consent:{consent.public_id}" if consent else "law",
        )
    except (client.RecordMissing, client.ExchangeFailed) as exc:
        if service.personal:
            outcome = "not_found" if isinstance(exc, client.RecordMissing) else "failed"
            people.record_read(app.applicant, request_id="", outcome=outcome, **read)
        raise
    if service.personal:
        read["fields"] = sorted(key for key in answer.data if key != "fictitious")
        people.record_read(app.applicant, request_id=answer.request_id, outcome="ok", **read)
    values = {name: answer.data.get(key) for name, key in entry.get("fields", {}).items()}
    return answer, values


def fetch(app: Application, user: User, identifier: str, *, consent: bool) -> Application:
    """Read one source for a draft and fill the form from it.

    Raises ``ExchangeFailed`` (provider down, slow, refusing) or ``RecordMissing``;
    the draft is unchanged then, so the applicant can upload the copy instead.
    """
    from eservice.cases.actions import may_act_as_applicant

    if not may_act_as_applicant(user, app):
        raise NotFound(_("No such application."))
    if app.status != Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be changed."))
    entry = _entry(app, identifier)
    service = DataService.objects.select_related("provider").filter(identifier=identifier).first()
    if service is None:
        raise client.ExchangeFailed(
            _("This data cannot be fetched at the moment."), "unknown_service"
        )
    subject = _subject(app, entry)
    if subject is None:
        raise ValidationFailed(
            _("This data cannot be fetched for this application."),
            {"source": [_("Upload the document instead.")]},
        )
    given = None
    if service.personal:
        if not consent:
            raise ValidationFailed(
                _("Please give your consent, or upload the document instead."),
                {"consent": [_("Tick the box to let the agency read this data.")]},
            )
        given = people.give_consent(user, service, app.public_id)
    version = app.service_version
    answer, values = _read(
        app,
        entry,
        service,
        subject,
        given,
        user_id=f"applicant:{user.pk}",
        issue=str(app.public_id),
        purpose_th=f"คำขอ{version.name_th}",
        purpose_en=f"Application for {version.name_en}",
    )
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        if app.status != Status.DRAFT:
            raise InvalidTransition(_("Only a draft can be changed."))
        app.answers = {**app.answers, **{k: v for k, v in values.items() if v is not None}}
        app.prefill = {
            **app.prefill,
            identifier: {
                "request_id": answer.request_id,
                "at": answer.at.isoformat(),
                "provider_th": service.provider.name_th,
                "provider_en": service.provider.name_en,
                "fields": {k: v for k, v in values.items() if v is not None},
                "replaces": list(entry.get("replaces", [])),
            },
        }
        app.save(update_fields=["answers", "prefill"])
        record(
            user.username,
            "case.prefill",
            "application",
            str(app.public_id),
            {"service": identifier, "request_id": answer.request_id},
        )
    return app


def read_for_case(app: Application, officer: User, identifier: str) -> Application:
    """An officer reads one of the manual's sources to check a submitted case.

    The applicant's answers stay as they are; the officer sees the provider's values
    beside them. The call is made on the officer's behalf, under the consent the
    applicant gave for this application if any, else under the legal basis the
    provider granted (the provider refuses when there is neither). The applicant
    sees the read in their account and the case timeline records it (officers only).
    """
    from eservice.accounts.services import officer_role
    from eservice.cases.actions import _event
    from eservice.cases.states import OPEN

    if officer_role(officer, app.agency_id) is None:
        raise NotFound(_("No such case."))
    if app.status not in OPEN:
        raise InvalidTransition(_("Data can be read only while the case is open."))
    entry = _entry(app, identifier)
    service = DataService.objects.select_related("provider").filter(identifier=identifier).first()
    subject = _subject(app, entry)
    if service is None or subject is None:
        raise client.ExchangeFailed(
            _("This data cannot be fetched at the moment."), "unknown_service"
        )
    consent = (
        people.consent_for(app.applicant, service, app.public_id) if service.personal else None
    )
    version = app.service_version
    answer, values = _read(
        app,
        entry,
        service,
        subject,
        consent,
        user_id=f"officer:{officer.username}",
        issue=str(app.tracking_number or app.public_id),
        purpose_th=f"ตรวจสอบคำขอ{version.name_th} {app.tracking_number or ''}".strip(),
        purpose_en=f"Checking the application for {version.name_en}",
    )
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        app.officer_reads = {
            **app.officer_reads,
            identifier: {
                "request_id": answer.request_id,
                "at": answer.at.isoformat(),
                "by": officer.username,
                "provider_th": service.provider.name_th,
                "provider_en": service.provider.name_en,
                "values": values,
            },
        }
        app.save(update_fields=["officer_reads"])
        _event(
            app,
            officer,
            "data_read",
            kind="note",
            internal=True,
            text=f"{bilingual(entry['name'])} ({service.provider.name}, {answer.request_id})",
        )
    return app


@dataclass
class Check:
    """One field as the applicant gave it and as the provider holds it."""

    label: str
    answer: Any
    registry: Any

    @property
    def matches(self) -> bool:
        return str(self.answer or "").strip() == str(self.registry or "").strip()


def checks(app: Application) -> list[tuple[Source, dict[str, Any] | None, list[Check]]]:
    """For the officer: each source, what the officer read from it, and field by field."""
    ui = app.service_version.form_ui
    out = []
    for source in sources(app):
        got = app.officer_reads.get(source.identifier)
        rows = []
        if got:
            for name, value in got["values"].items():
                label = bilingual(ui.get(name, {}).get("label", name))
                rows.append(Check(label, app.answers.get(name), value))
        out.append((source, got, rows))
    return out
