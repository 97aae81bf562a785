"""JSON Schema of the service manual file (see docs/service-format.md)."""

from __future__ import annotations

from typing import Any

_CODE = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64}
_TEXT = {"type": "string", "minLength": 1}
_BILINGUAL = {
    "type": "object",
    "required": ["th", "en"],
    "properties": {"th": _TEXT, "en": _TEXT},
    "additionalProperties": False,
}
_LIMIT = {
    "type": "object",
    "required": ["value", "unit"],
    "properties": {
        "value": {"type": "integer", "minimum": 1, "maximum": 3650},
        "unit": {"enum": ["days", "hours"]},
    },
    "additionalProperties": False,
}
_WIDGETS = [
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "checkbox",
    "email",
    "tel",
    "national-id",
]

FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "agencies": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "kind"],
                "properties": {
                    "code": _CODE,
                    "name": _BILINGUAL,
                    "kind": {"enum": ["ministry", "department", "provincial", "district", "local"]},
                    "parent": {"anyOf": [_CODE, {"type": "null"}]},
                    "days_off": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["date", "reason"],
                            "properties": {
                                "date": {"type": "string", "format": "date"},
                                "reason": _BILINGUAL,
                            },
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
        "categories": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name"],
                "properties": {"code": _CODE, "name": _BILINGUAL},
                "additionalProperties": False,
            },
        },
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "code",
                    "agency",
                    "category",
                    "name",
                    "description",
                    "output_document",
                    "legal_basis",
                    "conditions",
                    "time_limit",
                    "steps",
                    "documents",
                    "fees",
                    "channels",
                    "complaints",
                    "form",
                ],
                "properties": {
                    "code": {**_CODE, "maxLength": 100},
                    "agency": _CODE,
                    "category": _CODE,
                    "name": _BILINGUAL,
                    "description": _BILINGUAL,
                    "output_document": _BILINGUAL,
                    "legal_basis": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["law", "sections"],
                            "properties": {
                                "law": _BILINGUAL,
                                "sections": {"type": "array", "items": _TEXT},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "conditions": _BILINGUAL,
                    "time_limit": _LIMIT,
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["name", "unit", "role", "time_limit"],
                            "properties": {
                                "name": _BILINGUAL,
                                "unit": _BILINGUAL,
                                "role": {"enum": ["clerk", "reviewer", "approver"]},
                                "time_limit": _LIMIT,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "documents": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "name", "original", "copies", "required"],
                            "properties": {
                                "code": _CODE,
                                "name": _BILINGUAL,
                                "issuer": _BILINGUAL,
                                "original": {"type": "boolean"},
                                "copies": {"type": "integer", "minimum": 1, "maximum": 99},
                                "required": {"type": "boolean"},
                                "note": _BILINGUAL,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "fees": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "amount"],
                            "properties": {
                                "name": _BILINGUAL,
                                "amount": {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"},
                                "note": _BILINGUAL,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "prefill": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["service", "name", "subject"],
                            "properties": {
                                "service": {
                                    "type": "string",
                                    "pattern": r"^[A-Za-z0-9-]+/[A-Za-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$",
                                },
                                "name": _BILINGUAL,
                                "subject": {"enum": ["applicant", "company"]},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string", "minLength": 1},
                                },
                                "replaces": {"type": "array", "items": _CODE},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "channels": {"type": "array", "items": _BILINGUAL},
                    "complaints": {"type": "array", "items": _BILINGUAL},
                    "form": {
                        "type": "object",
                        "required": ["schema", "ui"],
                        "properties": {
                            "schema": {
                                "type": "object",
                                "required": ["type", "properties"],
                                "properties": {
                                    "type": {"const": "object"},
                                    "properties": {"type": "object"},
                                },
                            },
                            "ui": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "object",
                                    "required": ["label", "widget"],
                                    "properties": {
                                        "label": _BILINGUAL,
                                        "help": _BILINGUAL,
                                        "widget": {"enum": _WIDGETS},
                                        "options": {
                                            "type": "object",
                                            "additionalProperties": _BILINGUAL,
                                        },
                                    },
                                    "additionalProperties": False,
                                },
                            },
                        },
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
