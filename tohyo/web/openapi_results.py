"""The results of a question in the OpenAPI document, as each type shows them: choice
questions' (`openapi_event_fields.RESULTS`) and those of the typed questions, one schema
each, joined in `TYPED_RESULTS` (a question's `results`, live and in the export). A type
whose results have their own shape adds its schema here."""

from __future__ import annotations

from typing import Any

from tohyo.web.openapi_event_fields import RESULTS, TIME

# Open text's results (tohyo/domain/questions/text.py): the cards newest first.
TEXT_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["totalVotes", "shown", "cards"],
    "properties": {
        "totalVotes": {"type": "integer", "minimum": 0},
        "shown": {"type": "integer", "minimum": 0, "description": "Cards everyone may see"},
        "pending": {
            "type": "integer",
            "minimum": 0,
            "description": "The host's only: cards awaiting approval, not hidden",
        },
        "cards": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "text", "at"],
                "properties": {
                    "key": {"type": "string"},
                    "text": {"type": "string"},
                    "at": TIME,
                    "hidden": {"type": "boolean", "enum": [True]},
                    "pending": {"type": "boolean", "enum": [True]},
                },
            },
        },
    },
}
# A question's results, as its type shows them.
TYPED_RESULTS: dict[str, Any] = {"anyOf": [RESULTS, TEXT_RESULTS]}
