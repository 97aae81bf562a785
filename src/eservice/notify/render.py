"""Message templates: the platform's wording, an agency's own, and filling them in.

Templates use a small part of Django's template language: ``{{ placeholder }}``
and ``{% if placeholder %}…{% else %}…{% endif %}``. Agency administrators edit
them, so a template is checked before it is saved: its syntax, its placeholders
and, for SMS, its length when filled with typical values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from eservice.notify.models import Channel, Template

DEFAULTS_FILE = Path(__file__).parent / "data" / "templates.yaml"
TEMPLATE_CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.INBOX]
LANGUAGES = ("th", "en")

PLACEHOLDERS = (
    "name",
    "tracking_number",
    "service",
    "agency",
    "status",
    "reason",
    "appeal_info",
    "documents",
    "respond_by",
    "step",
    "document_number",
    "due_date",
    "expected_date",
    "notice_number",
    "days_late",
    "link",
)
# An SMS longer than this is split into more than 5 parts (Thai: 67 characters a part).
SMS_MAX = 335

_ENGINE = Engine(autoescape=False, builtins=[])
_VARIABLE = re.compile(r"{{\s*([^}|\s]*)[^}]*}}")
_TAG = re.compile(r"{%\s*(\w+)\s*([^%]*)%}")
_ALLOWED_TAGS = {"if", "else", "endif"}

SAMPLE = {
    "name": "สมชาย ใจดี",
    "tracking_number": "EA2-4K7M-9QXP",
    "service": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหารหรือสถานที่สะสมอาหาร",
    "agency": "เทศบาลนครเชียงใหม่",
    "status": "อยู่ระหว่างพิจารณา",
    "reason": "อยู่ระหว่างรอผลการตรวจสถานที่จากเจ้าหน้าที่สาธารณสุข",
    "appeal_info": "อุทธรณ์ได้ภายใน 15 วัน",
    "documents": "สำเนาทะเบียนบ้าน",
    "respond_by": "28 พฤศจิกายน 2569",
    "step": "ตรวจสถานที่",
    "document_number": "CM-2569-000123",
    "due_date": "20 พฤศจิกายน 2569",
    "expected_date": "4 ธันวาคม 2569",
    "notice_number": "2",
    "days_late": "14",
    "link": "https://eservice.example.go.th/my/applications/0b3c5b7e-1f7a-4c1e-9b7e-7c1d2e3f4a5b/",
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    custom: bool  # the agency's own wording, not the platform's


@lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """Return the platform's templates: event → channel → language → subject and body."""
    with DEFAULTS_FILE.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def default_wording(event: str, channel: str, language: str) -> Wording:
    entry = defaults()[event][channel][language]
    return Wording(entry.get("subject", ""), entry["body"], custom=False)


def wording(agency_id: int | None, event: str, channel: str, language: str) -> Wording:
    """Return the agency's wording of the message, or the platform's."""
    if agency_id is not None:
        own = Template.objects.filter(
            agency_id=agency_id, event=event, channel=channel, language=language
        ).first()
        if own is not None:
            return Wording(own.subject, own.body, custom=True)
    return default_wording(event, channel, language)


def fill(text: str, context: dict[str, Any]) -> str:
    """Fill a template with values (missing placeholders stay empty)."""
    values = {k: "" if context.get(k) is None else str(context.get(k)) for k in PLACEHOLDERS}
    return _ENGINE.from_string(text).render(Context(values, autoescape=False)).strip()


def problems(subject: str, body: str, channel: str) -> dict[str, list[str]]:
    """Return what is wrong with a template an agency wrote, by field; empty when fine."""
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        found: list[str] = []
        for name in _VARIABLE.findall(text):
            if name not in PLACEHOLDERS:
                found.append(_("Unknown placeholder: {{ %(name)s }}") % {"name": name})
        for tag, _rest in _TAG.findall(text):
            if tag not in _ALLOWED_TAGS:
                found.append(_("Only {%% if %%}, {%% else %%} and {%% endif %%} may be used.") % {})
        if not found:
            try:
                _ENGINE.from_string(text)
            except TemplateSyntaxError as exc:
                found.append(_("The template cannot be read: %(error)s") % {"error": exc})
        if found:
            errors[field] = found
    if not body.strip() and "body" not in errors:
        errors["body"] = [_("This field is required.")]
    if channel != Channel.SMS and not subject.strip() and "subject" not in errors:
        errors["subject"] = [_("This field is required.")]
    if not errors and channel == Channel.SMS and len(fill(body, SAMPLE)) > SMS_MAX:
        errors["body"] = [
            _("Filled with typical values this SMS is longer than %(n)s characters.")
            % {"n": SMS_MAX}
        ]
    return errors
