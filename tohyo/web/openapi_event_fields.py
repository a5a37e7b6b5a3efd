"""The pieces the event API's schemas share (openapi_event_schemas.py, openapi_questions.py):
a question spec's prompt, choices and deadline, choice questions' results, times and
statuses, each rule of the event specs (tohyo.domain.event_specs) written as JSON Schema."""

from __future__ import annotations

from tohyo import domain
from tohyo.web.openapi_schemas import DEADLINE, UNKNOWN_FIELDS, one_line

CHOICES = {
    "type": "array",
    "minItems": domain.CHOICES_MIN,
    "maxItems": domain.CHOICES_MAX,
    "uniqueItems": True,
    "description": "No two texts the same after trimming (else 400); ids are 1…n in order",
    "items": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": True,
        "properties": {"text": {"type": "string", "pattern": one_line(domain.CHOICE_TEXT_MAX)}},
    },
}
PROMPT = {"type": "string", "pattern": one_line(domain.QUESTION_MAX)}
VISIBILITY = {
    "type": "string",
    "enum": list(domain.VISIBILITIES),
    "description": "Who sees the results besides the host, as for polls",
}
# A spec's deadline is planned, applied when the question opens (and at each reset): a
# duration of any length is kept (an opening lasts at least DURATION_MIN seconds), and a
# time already past when it opens is dropped.
PLANNED_DEADLINE = {
    "closesAt": {
        **DEADLINE["closesAt"],
        "description": "Closes by itself at this time once opened: at least "
        f"{domain.DURATION_MIN} s away and before the event expires when given (else 400); "
        "dropped if past by the time the question opens",
    },
    "durationSeconds": {
        **DEADLINE["durationSeconds"],
        "minimum": 1,
        "description": f"Each opening lasts this many seconds (at least {domain.DURATION_MIN})",
    },
}
OBJECT = {"additionalProperties": True, "description": UNKNOWN_FIELDS}
# The round an answer or a reset was made for: if the question is in another by then (a
# reset came first), 409 round_changed and nothing is recorded; without it, any round.
MEANT_ROUND = {"type": "integer", "minimum": 1}
RESULTS = {
    "type": "object",
    "required": ["totalVotes", "choices"],
    "properties": {
        "totalVotes": {"type": "integer", "minimum": 0},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["choiceId", "voteCount", "percentage"],
                "properties": {
                    "choiceId": {"type": "string"},
                    "voteCount": {"type": "integer", "minimum": 0},
                    "percentage": {"type": "number", "minimum": 0, "maximum": 100},
                },
            },
        },
    },
}
TIME = {"type": "string", "format": "date-time"}
QUESTION_CHOICES = {
    "type": "array",
    "minItems": domain.CHOICES_MIN,
    "maxItems": domain.CHOICES_MAX,
    "items": {
        "type": "object",
        "required": ["choiceId", "text"],
        "properties": {"choiceId": {"type": "string"}, "text": {"type": "string"}},
    },
}
QUESTION_STATUS = {"type": "string", "enum": ["draft", "open", "closed"]}
