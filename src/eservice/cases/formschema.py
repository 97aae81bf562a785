"""Application forms built from a manual's JSON Schema and UI hints.

Answers are parsed from the posted form into JSON types, then checked against
the schema with ``jsonschema``; each failing field gets a message in the
applicant's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.utils.translation import gettext as _
from stdnum.th import pin

from eservice.core.i18n import bilingual

_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("th-national-id")
def _is_thai_national_id(value: object) -> bool:
    return not isinstance(value, str) or bool(pin.is_valid(value))


@dataclass
class FormField:
    name: str
    label: str
    widget: str
    required: bool
    help: str = ""
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    # The agency the value was fetched from (then the applicant cannot change it).
    source: str = ""


def fields(
    schema: dict[str, Any],
    ui: dict[str, Any],
    answers: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
) -> list[FormField]:
    """Return the form's fields in schema order, with values and errors."""
    errors = errors or {}
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        hint = ui.get(name, {})
        widget = hint.get("widget", "text")
        attrs: dict[str, Any] = {}
        for key, attr in (
            ("minLength", "minlength"),
            ("maxLength", "maxlength"),
            ("minimum", "min"),
            ("maximum", "max"),
        ):
            if key in prop:
                attrs[attr] = prop[key]
        options = [
            (str(v), bilingual(hint.get("options", {}).get(str(v), str(v))))
            for v in prop.get("enum", [])
        ]
        out.append(
            FormField(
                name=name,
                label=bilingual(hint.get("label", name)),
                widget=widget,
                required=name in required,
                help=bilingual(hint.get("help", "")),
                value=answers.get(name),
                options=options,
                errors=errors.get(name, []),
                attrs=attrs,
            )
        )
    return out


def parse(schema: dict[str, Any], data: Any) -> dict[str, Any]:
    """Return answers from posted form data, converted to the schema's types.

    A value that cannot be converted is kept as text so validation reports it.
    """
    answers: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if kind == "boolean":
            answers[name] = data.get(name) in ("on", "true", "1", True)
            continue
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        raw = raw.strip() if isinstance(raw, str) else raw
        if kind in ("integer", "number") and isinstance(raw, str):
            try:
                number = float(raw.replace(",", ""))
                answers[name] = int(number) if kind == "integer" and number.is_integer() else number
            except ValueError:
                answers[name] = raw
        else:
            answers[name] = raw
    return answers


def _message(error: jsonschema.ValidationError) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "required":
        return _("This field is required.")
    if kind == "type":
        if value in ("integer", "number"):
            return _("Enter a whole number.") if value == "integer" else _("Enter a number.")
        return _("This value has the wrong type.")
    if kind == "minLength":
        return _("Enter at least %(n)s characters.") % {"n": value}
    if kind == "maxLength":
        return _("Enter at most %(n)s characters.") % {"n": value}
    if kind in ("minimum", "exclusiveMinimum"):
        return _("Enter a value of at least %(n)s.") % {"n": value}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("Enter a value of at most %(n)s.") % {"n": value}
    if kind in ("enum", "const"):
        return _("Choose one of the options.")
    if kind == "format":
        return {
            "date": _("Enter a valid date."),
            "email": _("Enter a valid email address."),
            "th-national-id": _("Enter a valid 13-digit Thai national ID number."),
        }.get(str(value), _("The value is not in the expected format."))
    return _("The value is not in the expected format.")


def validate(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, list[str]]:
    """Return field name -> messages for every problem; empty when the answers are valid."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)
    problems: dict[str, list[str]] = {}
    known = set(schema.get("properties", {}))
    for error in validator.iter_errors(answers):
        if error.validator == "required":
            missing = [n for n in error.validator_value if n not in answers]
            for name in missing:
                problems.setdefault(name, []).append(_message(error))
            continue
        path = list(error.absolute_path)
        name = str(path[0]) if path else "__all__"
        problems.setdefault(name, []).append(_message(error))
    for name in answers:
        if name not in known:
            problems.setdefault(name, []).append(_("This field is not part of the form."))
    return problems
