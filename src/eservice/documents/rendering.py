"""Render an issued document's data as a bilingual PDF/A-3 with its data embedded.

WeasyPrint lays the page out with Pango and HarfBuzz, which shape Thai (marks
stacked on their consonant) and break Thai lines at word boundaries (libthai's
dictionary). The document's data goes into the PDF as ``document.json``
(PDF/A-3 associated file, relationship Data) so software can read it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML, Attachment

from eservice.core.errors import DomainError, ValidationFailed
from eservice.core.i18n import format_date
from eservice.documents.pdftext import fix_text_maps

FONT_FAMILY = "eserviceDoc"
# Placeholders an agency may use in a template's texts.
PLACEHOLDERS = {
    "holder": gettext_lazy("the holder's name"),
    "service": gettext_lazy("the service's name"),
    "agency": gettext_lazy("the issuing agency"),
    "valid_until": gettext_lazy("the expiry date"),
    "answer:FIELD": gettext_lazy("the applicant's answer to form field FIELD"),
}
_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)(?::([A-Za-z0-9_]+))?\}")


class RenderingUnavailable(DomainError):
    code = "rendering_unavailable"
    status_code = 503


def check_placeholders(text: str) -> list[str]:
    """Return the placeholders in ``text`` that the renderer does not know."""
    unknown = []
    for match in _PLACEHOLDER.finditer(text):
        name, arg = match[1], match[2]
        if (name == "answer" and not arg) or (
            name != "answer" and (arg or name not in PLACEHOLDERS)
        ):
            unknown.append(match[0])
    return unknown


def fill(text: str, values: dict[str, str], answers: dict[str, Any]) -> str:
    """Replace ``${name}`` and ``${answer:field}`` in an agency's text."""

    def one(match: re.Match[str]) -> str:
        if match[1] == "answer":
            value = answers.get(match[2] or "", "")
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return values.get(match[1], match[0])

    return _PLACEHOLDER.sub(one, text)


def _dates(lang: str, data: dict[str, Any]) -> dict[str, str]:
    with translation.override(lang):
        until = data["valid_until"]
        return {
            "issued": format_date(date.fromisoformat(data["issued_on"])),
            "valid_from": format_date(date.fromisoformat(data["valid_from"])),
            "valid_until": format_date(date.fromisoformat(until)) if until else _("No expiry"),
        }


def _side(lang: str, data: dict[str, Any]) -> dict[str, Any]:
    """Everything printed in one language, labels included."""
    with translation.override(lang):
        return {
            "lang": lang,
            "title": data["title"][lang],
            "labels": {
                "number": _("Document no."),
                "holder": _("Holder"),
                "holder_id": data["holder"]["id_label"][lang],
                "permitted": _("Permitted"),
                "conditions": _("Conditions"),
                "valid_from": _("Valid from"),
                "valid_until": _("Valid until"),
                "issued": _("Issued on"),
                "agency": _("Issued by"),
                "application": _("Application no."),
                "signed": _("Signed electronically by"),
                "verify": _("Check this document at"),
                "replaces": _("Replaces document no."),
            },
            "holder": data["holder"]["name"][lang],
            "body": data["body"][lang],
            "conditions": data["conditions"][lang],
            "agency": data["agency"]["name"][lang],
            "signer": data["signed_by"]["name"][lang],
            "position": data["signed_by"]["position"][lang],
            "dates": _dates(lang, data),
        }


ROWS = [
    ("holder", "holder"),
    ("holder_id", "holder_id"),
    ("permitted", "body"),
    ("conditions", "conditions"),
    ("valid_from", "valid_from"),
    ("valid_until", "valid_until"),
    ("issued", "issued"),
    ("application", "application"),
    ("replaces", "replaces"),
]


def _rows(th: dict[str, Any], en: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """The printed fields as (Thai, English) pairs, in reading order; empty ones left out."""
    rows = []
    for label, key in ROWS:
        pair = []
        for side in (th, en):
            if key in ("valid_from", "valid_until", "issued"):
                value: Any = side["dates"][key]
            elif key in ("holder_id",):
                value = data["holder"]["id"]
            elif key in ("application", "replaces"):
                value = data[key] or ""
            else:
                value = side[key]
            pair.append({"label": side["labels"][label], "value": value})
        if pair[0]["value"] or pair[1]["value"]:
            rows.append({"key": key, "th": pair[0], "en": pair[1]})
    return rows


def _fonts() -> dict[str, str]:
    faces = {
        FONT_FAMILY: settings.DOCUMENT_FONT,
        f"{FONT_FAMILY}-Bold": settings.DOCUMENT_FONT_BOLD,
    }
    for path in faces.values():
        if not Path(path).is_file():
            raise RenderingUnavailable(
                _(
                    "The document font %(path)s is not installed: run 'make env' "
                    "(Debian package fonts-tlwg-laksaman-ttf) or set DOCUMENT_FONT."
                )
                % {"path": path}
            )
    return faces


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as an SVG data URI."""
    return segno.make(url, error="m").svg_data_uri(border=0, dark="#000")


def render(data: dict[str, Any], layout: str) -> bytes:
    """Return the unsigned PDF/A-3b of a document."""
    fonts = _fonts()
    sides = [_side("th", data), _side("en", data)]
    context = {
        "data": data,
        "sides": sides,
        "rows": _rows(sides[0], sides[1], data),
        "layout": layout,
        "font_family": FONT_FAMILY,
        "font_regular": Path(fonts[FONT_FAMILY]).resolve().as_uri(),
        "font_bold": Path(fonts[f"{FONT_FAMILY}-Bold"]).resolve().as_uri(),
        "qr": qr_svg(data["verify_url"]),
    }
    html = render_to_string("documents/pdf/document.html", context)
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    attachment = Attachment(
        string=payload,
        name="document.json",
        description="Machine-readable content of this document",
        relationship="Data",
    )
    try:
        return HTML(string=html).write_pdf(
            pdf_variant="pdf/a-3b",
            attachments=[attachment],
            finisher=fix_text_maps(fonts),
            custom_metadata=True,
        )
    except OSError as exc:  # pragma: no cover - a broken font file or Pango install
        raise ValidationFailed(_("The document could not be rendered.")) from exc
