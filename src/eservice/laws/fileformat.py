"""JSON Schema of the agency law file (see docs/law-format.md)."""

from __future__ import annotations

from typing import Any

_CODE = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 100}
_TEXT = {"type": "string", "minLength": 1}
_NUMBER = {"type": "string", "minLength": 1, "maxLength": 100}
_BILINGUAL = {
    "type": "object",
    "required": ["th"],
    "properties": {"th": _TEXT, "en": {"type": "string"}},
    "additionalProperties": False,
}
_STATUS = {"enum": ["in_force", "amended", "repealed"]}
_YEAR = {"type": "integer", "minimum": 2400, "maximum": 2700}
LAW_TYPES = [
    "act",
    "code",
    "organic_act",
    "emergency_decree",
    "royal_decree",
    "ministerial_regulation",
    "notification",
    "local_ordinance",
]

FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["laws"],
    "properties": {
        "laws": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "title", "type", "status", "sections"],
                "properties": {
                    "code": _CODE,
                    "title": {**_BILINGUAL, "properties": {"th": _TEXT, "en": _TEXT}},
                    "short_title": _BILINGUAL,
                    "aliases": {
                        "type": "array",
                        "items": {"type": "string", "minLength": 3, "maxLength": 200},
                        "maxItems": 20,
                    },
                    "type": {"enum": LAW_TYPES},
                    "year": _YEAR,
                    "status": _STATUS,
                    "agency": {"anyOf": [_CODE, {"type": "null"}]},
                    "amendments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["title"],
                            "properties": {
                                "title": _BILINGUAL,
                                "year": _YEAR,
                                "sections": {"type": "array", "items": _NUMBER},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "sections": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["number", "text"],
                            "properties": {
                                "number": _NUMBER,
                                "text": _BILINGUAL,
                                "status": {"enum": ["in_force", "repealed"]},
                                "references": {
                                    "type": "array",
                                    "items": {
                                        "anyOf": [
                                            _NUMBER,
                                            {
                                                "type": "object",
                                                "required": ["section"],
                                                "properties": {
                                                    "law": _CODE,
                                                    "law_title": _TEXT,
                                                    "section": _NUMBER,
                                                },
                                                "additionalProperties": False,
                                            },
                                        ]
                                    },
                                },
                            },
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            },
        }
    },
    "additionalProperties": False,
}

# One section of the nitibench corpus (../shared/data/laws).
CORPUS_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["law_name", "section_num", "section_content"],
    "properties": {
        "law_name": _TEXT,
        "section_num": _NUMBER,
        "section_content": _TEXT,
        "reference": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["law_name", "section_num"],
                "properties": {"law_name": _TEXT, "section_num": _NUMBER},
            },
        },
    },
}
