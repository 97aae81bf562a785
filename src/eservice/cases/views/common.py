"""Helpers shared by the applicant and officer pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _

from eservice.cases import formschema, prefill
from eservice.cases.models import Application
from eservice.core.errors import NotFound
from eservice.core.i18n import bilingual, format_date, pick
from eservice.documents.services import evidence_for


def _source(got: dict[str, Any]) -> dict[str, str]:
    return {
        "provider": pick(got["provider_th"], got["provider_en"]),
        "request_id": got["request_id"],
        "at": got["at"],
    }


def answer_rows(app: Application) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """Return (field name, label, value as shown, source) for every question of the form.

    ``source`` says which agency the value was fetched from, or is None when the
    applicant typed it.
    """
    version = app.service_version
    origin = prefill.source_of(app)
    rows = []
    for f in formschema.fields(version.form_schema, version.form_ui, app.answers):
        value: Any = f.value
        if value is None or value == "":
            shown = "—"
        elif f.widget == "checkbox":
            shown = _("Yes") if value else _("No")
        elif f.widget == "select":
            shown = dict(f.options).get(str(value), str(value))
        elif f.widget == "date":
            try:
                shown = format_date(date.fromisoformat(str(value)))
            except ValueError:
                shown = str(value)
        else:
            shown = str(value)
        got = origin.get(f.name)
        rows.append((f.name, f.label, shown, _source(got) if got else None))
    return rows


def requirement_rows(
    app: Application, only_codes: set[str] | None = None, round_: int | None = None
) -> list[dict[str, Any]]:
    """Return each document requirement with the files uploaded for it."""
    files = list(evidence_for(app.pk))
    fetched = {
        code: _source(got) for got in app.prefill.values() for code in got.get("replaces", [])
    }
    rows = []
    for req in app.service_version.documents.all():
        if only_codes is not None and req.code not in only_codes:
            continue
        rows.append(
            {
                "req": req,
                "fetched": fetched.get(req.code),
                "files": [
                    f
                    for f in files
                    if f.requirement_code == req.code and (round_ is None or f.round == round_)
                ],
            }
        )
    return rows


def requested_names(items: list[dict[str, str]]) -> list[str]:
    """Return the requested documents' names in the active language."""
    return [bilingual({"th": i.get("name_th", ""), "en": i.get("name_en", "")}) for i in items]


def serve_evidence(app: Application, file_id: str) -> FileResponse:
    """Send one evidence file of an application as a download."""
    evidence = evidence_for(app.pk).filter(public_id=file_id).first() if _is_uuid(file_id) else None
    if evidence is None:
        raise NotFound(_("No such file."))
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
