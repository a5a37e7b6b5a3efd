"""A question in the OpenAPI document, one schema per type: its spec (`QuestionSpec`), its
view (`EventQuestion`) and its export (`QuestionExport`) are each a `oneOf` of the types'
own schemas (`SingleQuestionSpec`, `ScaleQuestion`, `RankingQuestionExport`, …) with a
discriminator on `type`, each the fields every question has and its type's own
(openapi_question_types.py) and results (openapi_results.py). The answer body names no
type, so `AnswerRequest` is an `anyOf` of the answers' shapes.
"""

from __future__ import annotations

from typing import Any

from tohyo import domain
from tohyo.domain.questions import TYPE_NAMES
from tohyo.web.event_questions_api import PATCH_FIELDS
from tohyo.web.openapi_event_fields import (
    MEANT_ROUND,
    PLANNED_DEADLINE,
    PROMPT,
    QUESTION_STATUS,
    TIME,
    VISIBILITY,
)
from tohyo.web.openapi_question_types import (
    ANSWER_SHAPES,
    EXPORT_ANSWERS,
    PATCH_PROPERTIES,
    SPEC_FIELDS,
    VIEW_FIELDS,
)
from tohyo.web.openapi_results import RESULTS_BY_TYPE
from tohyo.web.openapi_schemas import ONE_DEADLINE, UNKNOWN_FIELDS, ref

ALLOW_CHANGE = {
    "type": "boolean",
    "description": "Whether a participant's new answer replaces theirs while it is open",
}
# A spec of each type, as a host would write one (the examples phase sends them).
SPEC_EXAMPLES: dict[str, dict[str, Any]] = {
    "single": {"prompt": "Lunch?", "choices": [{"text": "Ramen"}, {"text": "Curry"}]},
    "multiple": {"prompt": "Which?", "choices": [{"text": "A"}, {"text": "B"}]},
    "wordcloud": {"prompt": "One word for today?", "maxEntries": 3},
    "text": {"prompt": "Questions for the speaker?", "moderation": "approve"},
    "scale": {
        "prompt": "How sure are you?",
        "points": 5,
        "labels": {"low": "Not at all", "high": "Completely"},
        "statements": [{"text": "The goals"}, {"text": "The plan"}],
    },
    "ranking": {
        "prompt": "Order these",
        "choices": [{"text": "Speed"}, {"text": "Price"}, {"text": "Support"}],
        "rankTop": 2,
    },
    "quiz": {
        "prompt": "Which planet is largest?",
        "choices": [{"text": "Mars"}, {"text": "Jupiter"}, {"text": "Venus"}],
        "correct": ["2"],
        "timeLimit": 20,
    },
}


def title(type_name: str) -> str:
    """A type's name as the start of its schemas' names: `scale` → `Scale…`."""
    return type_name[:1].upper() + type_name[1:]


def _one_of(suffix: str, description: str) -> dict[str, Any]:
    names = {t: f"{title(t)}{suffix}" for t in TYPE_NAMES}
    return {
        "description": description,
        "oneOf": [ref(name) for name in names.values()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {t: ref(name)["$ref"] for t, name in names.items()},
        },
    }


def _type(type_name: str) -> dict[str, Any]:
    return {"type": "string", "enum": [type_name]}


def _spec(type_name: str) -> dict[str, Any]:
    own = SPEC_FIELDS[type_name]
    return {
        "type": "object",
        "required": ["type", "prompt", *own.required],
        "properties": {
            "type": _type(type_name),
            "prompt": PROMPT,
            **own.properties,
            "resultsVisibility": VISIBILITY,
            "allowChange": {**ALLOW_CHANGE, "default": False},
            **PLANNED_DEADLINE,
        },
        **ONE_DEADLINE,
        **own.keywords,
        "additionalProperties": True,
        "description": UNKNOWN_FIELDS,
        "examples": [{"type": type_name, **SPEC_EXAMPLES[type_name]}],
    }


def _identity(type_name: str) -> dict[str, Any]:
    """The properties a question's view and its export both open with: who it is, its
    type's own fields, its status."""
    return {
        "questionId": {"type": "string"},
        "position": {"type": "integer", "minimum": 1},
        "type": _type(type_name),
        "prompt": {"type": "string"},
        **VIEW_FIELDS[type_name].properties,
        "status": QUESTION_STATUS,
    }


def _view(type_name: str) -> dict[str, Any]:
    own = VIEW_FIELDS[type_name]
    return {
        "type": "object",
        "required": [
            *("questionId", "position", "type", "prompt", "status", "round"),
            *("resultsVisibility", "allowChange", *own.required),
        ],
        "properties": {
            **_identity(type_name),
            "round": {"type": "integer", "minimum": 1},
            "resultsVisibility": VISIBILITY,
            "allowChange": ALLOW_CHANGE,
            "closesAt": TIME,
            "durationSeconds": {"type": "integer", "minimum": 1},
            "openedAt": TIME,
            "closedAt": TIME,
            "answered": {"type": "boolean", "description": "Participants: in this round"},
            "results": {
                **RESULTS_BY_TYPE[type_name],
                "description": "Where this viewer may see them (resultsVisibility)",
            },
        },
    }


def _export(type_name: str) -> dict[str, Any]:
    own = VIEW_FIELDS[type_name]
    listed = EXPORT_ANSWERS[type_name]
    return {
        "type": "object",
        "required": [
            *("questionId", "position", "type", "prompt", "status"),
            *("resultsVisibility", "rounds", *own.required),
        ],
        "properties": {
            **_identity(type_name),
            "resultsVisibility": VISIBILITY,
            "allowChange": {**ALLOW_CHANGE, "enum": [True], "description": "Only when true"},
            "closedAt": TIME,
            "rounds": {
                "type": "array",
                "description": "Oldest first; none for a draft",
                "items": {
                    "type": "object",
                    "required": ["round", "openedAt", "results", "answers"],
                    "properties": {
                        "round": {"type": "integer", "minimum": 1},
                        "openedAt": TIME,
                        "results": {
                            **RESULTS_BY_TYPE[type_name],
                            "description": "As the host sees them: every entry, the hidden "
                            "ones flagged",
                        },
                        "answers": {
                            "type": "array",
                            "description": "Each participant's answer (as it ended up)",
                            "items": {
                                "type": "object",
                                "required": ["answeredAt", "answer", *listed.required],
                                "properties": {"answeredAt": TIME, **listed.properties},
                            },
                        },
                    },
                },
            },
        },
    }


# A draft's PATCH is merged onto its spec, so it may give the fields of any type: which
# apply, and whether the merged spec is whole (a draft turned into a scale needs points),
# depends on the draft. Each type's own fields are written as that type takes them; a
# draft of another type ignores them, whatever they hold. (A ranking's rankTop within its
# items is left to the draft, as its items may be the draft's: the schema that says it
# for a spec, joined to the PATCH's "at least one field", is past what schemathesis
# generates from.)
QUESTION_PATCH: dict[str, Any] = {
    "type": "object",
    "description": "At least one field. A draft takes any spec field of any type (merged "
    "onto what it has: the result must be a whole spec of its type, else 400); a type's own "
    "fields (" + ", ".join(PATCH_PROPERTIES) + ") apply where the draft is, or the PATCH "
    "makes it, of that type, and a draft of another type ignores them (a ranking's rankTop: "
    "at most the items it ends up with). An opened question only takes resultsVisibility "
    "and a deadline (else 409 invalid_state), whose "
    f"duration must then be at least {domain.DURATION_MIN} s. " + UNKNOWN_FIELDS,
    "properties": {
        "type": {"type": "string", "enum": list(TYPE_NAMES)},
        "prompt": PROMPT,
        **PATCH_PROPERTIES,
        "resultsVisibility": VISIBILITY,
        "allowChange": ALLOW_CHANGE,
        **PLANNED_DEADLINE,
    },
    "anyOf": [{"required": [name]} for name in sorted(PATCH_FIELDS)],
    **ONE_DEADLINE,
    "additionalProperties": True,
    "examples": [{"resultsVisibility": "always"}, {"type": "scale", "points": 7}],
}

ANSWER_REQUEST: dict[str, Any] = {
    "type": "object",
    "description": "The answer of the question's type: choiceIds (single, multiple), entries "
    "(wordcloud), text (text), value or values (scale: values where it has statements), "
    "ranking (ranking). A body shaped for another type is 400 invalid_ballot. " + UNKNOWN_FIELDS,
    "properties": {"round": {**MEANT_ROUND, "description": "The round the phone shows (else 409)"}},
    "anyOf": [
        {"required": list(shape.required), "properties": shape.properties}
        for shape in ANSWER_SHAPES.values()
    ],
    "additionalProperties": True,
    "examples": [
        {"choiceIds": ["1"]},
        {"choiceIds": ["2"], "round": 1},
        {"entries": ["Kyoto", "Osaka"]},
        {"text": "More time for questions, please"},
        {"value": 4},
        {"values": [4, 2]},
        {"ranking": ["2", "1"]},
    ],
}

# `GET …/questions/{id}/export?format=json`: the question as the event's export has it,
# with the event's id and when.
QUESTION_EXPORT: dict[str, Any] = {
    "allOf": [
        {
            "type": "object",
            "required": ["eventId", "exportedAt"],
            "properties": {"eventId": {"type": "string"}, "exportedAt": TIME},
        },
        ref("QuestionExport"),
    ]
}

QUESTION_SCHEMAS: dict[str, Any] = {
    "QuestionSpec": _one_of(
        "QuestionSpec",
        "A question of the type `type` names, with that type's own fields",
    ),
    **{f"{title(t)}QuestionSpec": _spec(t) for t in TYPE_NAMES},
    "EventQuestion": _one_of("Question", "A question as this viewer may see it"),
    **{f"{title(t)}Question": _view(t) for t in TYPE_NAMES},
    "QuestionExport": _one_of("QuestionExport", "A question, every round of it"),
    **{f"{title(t)}QuestionExport": _export(t) for t in TYPE_NAMES},
    "QuestionPatch": QUESTION_PATCH,
    "AnswerRequest": ANSWER_REQUEST,
}
