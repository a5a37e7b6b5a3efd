"""Each question type's own fields in the OpenAPI document, by its `type` name: what its
spec configures (`SPEC_FIELDS`), how a question's view shows that config (`VIEW_FIELDS`),
the answer body it takes (`ANSWER_SHAPES`) and what the export lists of each answer
(`EXPORT_ANSWERS`). openapi_questions.py joins them with the fields every question has.
Every limit is the type module's own constant (tohyo/domain/questions/*.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tohyo import domain
from tohyo.domain.questions import TYPE_NAMES, quiz, scale, text, wordcloud
from tohyo.domain.text_keys import INVISIBLE, JOINER
from tohyo.web.openapi_event_fields import CHOICES, QUESTION_CHOICES
from tohyo.web.openapi_quiz_export import QUIZ_ANSWER
from tohyo.web.openapi_schemas import one_line


@dataclass(frozen=True, slots=True)
class Fields:
    """Properties of an object, those of them it always has, and further keywords."""

    properties: dict[str, Any]
    required: tuple[str, ...] = ()
    keywords: dict[str, Any] = field(default_factory=dict)


@cache
def _characters() -> tuple[str, str]:
    """White space `str.strip` trims, and the characters `domain.text` refuses: the sets
    `openapi_schemas.one_line` writes, as themselves."""
    space = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    refused = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef" + "".join(
        chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
    )
    return space, refused


@cache
def entry_pattern(limit: int) -> str:
    """A word cloud's entry: trimmed, each inner run of white space one space, then 1-`limit`
    characters of one line. A run (the white space `domain.text` allows) counts once."""
    space, refused = _characters()
    edge = f"[^{space}{refused}]"
    inner = f"(?:[^{space}{refused}]|[^\\S{refused}]+)"
    return f"^[{space}]*{edge}(?:{inner}{{0,{limit - 2}}}{edge})?[{space}]*$"


@cache
def card_pattern(limit: int) -> str:
    """An open-text answer: trimmed, 1-`limit` characters none of which is refused but for
    line breaks, a "\\r\\n" counting as one. (Runs of blank lines are made one blank line
    before counting, so a text with them may be longer than this says.)"""
    space, refused = _characters()
    breakable = refused.replace("\x00-\x1f", "\x00-\x09\x0b\x0c\x0e-\x1f")
    edge = f"[^{space}{refused}]"
    return f"^[{space}]*{edge}(?:(?:\r\n|[^{breakable}]){{0,{limit - 2}}}{edge})?[{space}]*$"


@cache
def visible() -> dict[str, Any]:
    """Text with something to show: a character that is neither white space nor one of
    those an entry key drops (`text_keys`: default-ignorable characters, the braille
    blank, a joiner). An entry, a card or a banned word of none is blank (400). Written
    as a second pattern (JSON Schema patterns search), to join with a length's."""
    space, refused = _characters()
    invisible = INVISIBLE.pattern
    assert invisible.startswith("[") and invisible.endswith("]"), invisible
    return {"pattern": f"[^{space}{refused}{invisible[1:-1]}{JOINER}]"}


def _whole(low: int, high: int, **more: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, **more}


CHOICE_ID = {
    "type": "string",
    "enum": [str(i) for i in range(1, domain.CHOICES_MAX + 1)],
    "description": "One of this question's choice ids",
}
LABELS = {
    "type": ["object", "null"],
    "required": ["low", "high"],
    "description": "The words at the scale's two ends; null: none",
    "properties": {
        end: {"type": "string", "pattern": one_line(scale.LABEL_MAX)} for end in ("low", "high")
    },
}
STATEMENTS = {
    "type": ["array", "null"],
    "maxItems": scale.STATEMENTS_MAX,
    "uniqueItems": True,
    "description": "Rated on the same scale, each once (no two texts the same after "
    "trimming, else 400); none (empty, null or left out): one unnamed statement",
    "items": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "pattern": one_line(scale.STATEMENT_TEXT_MAX)}},
    },
}
RANK_TOP = _whole(1, domain.CHOICES_MAX, description="How many items a ballot ranks, best first")
# A ranking's rankTop is at most its number of items (every item, left out): one branch per
# number of items, which JSON Schema cannot compare otherwise.
RANK_TOP_WITHIN_CHOICES = {
    "anyOf": [
        {"not": {"required": ["rankTop"]}},
        *(
            {
                "properties": {
                    "choices": {"minItems": n, "maxItems": n},
                    "rankTop": {"maximum": n},
                }
            }
            for n in range(domain.CHOICES_MIN, domain.CHOICES_MAX + 1)
        ),
    ]
}
# A quiz's right answers name its choices (one branch per number of choices, as above);
# its deadline is its timeLimit, and it takes one answer each.
QUIZ_RULES = {
    "allOf": [
        {
            "anyOf": [
                {
                    "properties": {
                        "choices": {"minItems": n, "maxItems": n},
                        "correct": {"items": {"enum": [str(i) for i in range(1, n + 1)]}},
                    }
                }
                for n in range(domain.CHOICES_MIN, domain.CHOICES_MAX + 1)
            ]
        },
        {"not": {"anyOf": [{"required": [name]} for name in domain.DEADLINE_FIELDS]}},
        {"properties": {"allowChange": {"const": False}}},
    ]
}
CHOICE_SPEC = Fields({"choices": CHOICES}, ("choices",))
SPEC_FIELDS: dict[str, Fields] = {
    "single": CHOICE_SPEC,
    "multiple": CHOICE_SPEC,
    "wordcloud": Fields(
        {
            "maxEntries": _whole(
                1,
                wordcloud.MAX_ENTRIES_LIMIT,
                default=wordcloud.MAX_ENTRIES_DEFAULT,
                description="Entries an answer may hold",
            )
        }
    ),
    "text": Fields(
        {
            "moderation": {
                "type": "string",
                "enum": list(text.MODERATIONS),
                "default": "none",
                "description": "approve: a card is public once the host approves it",
            }
        }
    ),
    "scale": Fields(
        {
            "points": _whole(scale.POINTS_MIN, scale.POINTS_MAX),
            "labels": LABELS,
            "statements": STATEMENTS,
        },
        ("points",),
    ),
    "ranking": Fields(
        {"choices": CHOICES, "rankTop": {**RANK_TOP, "description": "Every item by default"}},
        ("choices",),
        RANK_TOP_WITHIN_CHOICES,
    ),
    "quiz": Fields(
        {
            "choices": CHOICES,
            "correct": {
                "type": "array",
                "minItems": 1,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": 'The right choices\' ids ("1"…"n" in order); more than one: '
                "participants pick several",
                "items": CHOICE_ID,
            },
            "timeLimit": _whole(
                quiz.TIME_LIMIT_MIN,
                quiz.TIME_LIMIT_MAX,
                description="Seconds each opening lasts: the quiz's only deadline",
            ),
            "scoring": {
                "type": "string",
                "enum": list(quiz.SCORINGS),
                "default": "all",
                "description": "Several right choices: all of them or nothing, or partial "
                "credit (each right pick a share, each wrong one minus a share)",
            },
        },
        ("choices", "correct", "timeLimit"),
        QUIZ_RULES,
    ),
}
# Every type's spec fields in one object: what a PATCH of a draft may give (merged onto
# the draft's spec, so which apply depends on the draft's type).
PATCH_PROPERTIES: dict[str, Any] = {
    name: schema for fields in SPEC_FIELDS.values() for name, schema in fields.properties.items()
}

CHOICE_VIEW = Fields({"choices": QUESTION_CHOICES}, ("choices",))
VIEW_FIELDS: dict[str, Fields] = {
    "single": CHOICE_VIEW,
    "multiple": CHOICE_VIEW,
    "wordcloud": Fields({"maxEntries": _whole(1, wordcloud.MAX_ENTRIES_LIMIT)}, ("maxEntries",)),
    "text": Fields(
        {"moderation": {"type": "string", "enum": list(text.MODERATIONS)}}, ("moderation",)
    ),
    "scale": Fields(
        {
            "points": _whole(scale.POINTS_MIN, scale.POINTS_MAX),
            "labels": {
                "type": ["object", "null"],
                "required": ["low", "high"],
                "properties": {"low": {"type": "string"}, "high": {"type": "string"}},
            },
            "statements": {
                "type": "array",
                "maxItems": scale.STATEMENTS_MAX,
                "description": 'Empty: one unnamed statement, whose id is "1"',
                "items": {
                    "type": "object",
                    "required": ["statementId", "text"],
                    "properties": {"statementId": {"type": "string"}, "text": {"type": "string"}},
                },
            },
        },
        ("points", "labels", "statements"),
    ),
    "ranking": Fields({"choices": QUESTION_CHOICES, "rankTop": RANK_TOP}, ("choices", "rankTop")),
    "quiz": Fields(
        {
            "choices": QUESTION_CHOICES,
            "correct": {
                "type": "array",
                "items": CHOICE_ID,
                "description": "The host's view, and everyone's once the question closes",
            },
            "timeLimit": _whole(quiz.TIME_LIMIT_MIN, quiz.TIME_LIMIT_MAX),
            "scoring": {"type": "string", "enum": list(quiz.SCORINGS)},
            "multiple": {"type": "boolean", "description": "Whether to pick several"},
        },
        ("choices", "timeLimit", "scoring", "multiple"),
    ),
}

RATING = _whole(1, scale.POINTS_MAX, description="A point of the scale: 1 to its points")
# The answer body's shapes (the body does not name its type: the question's does). A body
# of one shape to a question of another type is 400 invalid_ballot.
ANSWER_SHAPES: dict[str, Fields] = {
    "choiceIds": Fields(
        {
            "choiceIds": {
                "type": "array",
                "minItems": 1,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": "single, multiple, quiz: exactly one for single, and for a quiz "
                "whose view says multiple: false",
                "items": CHOICE_ID,
            }
        },
        ("choiceIds",),
    ),
    "entries": Fields(
        {
            "entries": {
                "type": "array",
                "minItems": 1,
                "maxItems": wordcloud.MAX_ENTRIES_LIMIT,
                "description": "wordcloud: at most its maxEntries; entries of one key count "
                "once; one a banned word or the profanity filter catches is 400 (naming it)",
                "items": {
                    "type": "string",
                    "pattern": entry_pattern(wordcloud.ENTRY_MAX),
                    "allOf": [visible()],
                },
            }
        },
        ("entries",),
    ),
    "text": Fields(
        {
            "text": {
                "type": "string",
                "pattern": card_pattern(text.TEXT_MAX),
                "allOf": [visible()],
                "description": "text: line breaks kept (\\r\\n made \\n); one a banned word "
                "or the profanity filter catches is 400",
            }
        },
        ("text",),
    ),
    "value": Fields(
        {"value": {**RATING, "description": "scale without statements: its rating"}},
        ("value",),
    ),
    "values": Fields(
        {
            "values": {
                "type": "array",
                "minItems": 1,
                "maxItems": scale.STATEMENTS_MAX,
                "description": "scale with statements: one rating per statement, in order",
                "items": RATING,
            }
        },
        ("values",),
    ),
    "ranking": Fields(
        {
            "ranking": {
                "type": "array",
                "minItems": 1,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": "ranking: exactly its rankTop choice ids, best first",
                "items": CHOICE_ID,
            }
        },
        ("ranking",),
    ),
}

# What the export lists of each answer besides when and the answer as stored: the answer
# as stored (`answer`), and what it means for the typed types (tohyo/event_export/answers.py).
FLAGS = ("hidden", "filtered")
_FLAG = {"type": "boolean"}
EXPORT_ANSWERS: dict[str, Fields] = {
    "single": Fields({"answer": {"type": "array", "items": {"type": "string"}}}),
    "quiz": Fields(
        {"answer": {"type": "array", "items": {"type": "string"}}, **QUIZ_ANSWER},
        tuple(QUIZ_ANSWER),
    ),
    "multiple": Fields({"answer": {"type": "array", "items": {"type": "string"}}}),
    "wordcloud": Fields(
        {
            "answer": {"type": "array", "items": {"type": "string"}},
            "entries": {
                "type": "array",
                "description": "Each entry: its key, its spelling, whether the host hid the "
                "key, whether the event's filters catch it (it never counted)",
                "items": {
                    "type": "object",
                    "required": ["key", "text", *FLAGS],
                    "properties": {
                        "key": {"type": "string"},
                        "text": {"type": "string"},
                        **dict.fromkeys(FLAGS, _FLAG),
                    },
                },
            },
        },
        ("entries",),
    ),
    "text": Fields(
        {
            "answer": {"type": "string"},
            "key": {"type": "string", "description": "The card's, as results name it"},
            "text": {"type": "string"},
            **dict.fromkeys(FLAGS, _FLAG),
            "approved": {**_FLAG, "description": "Where cards wait for approval"},
        },
        ("key", "text", *FLAGS),
    ),
    "scale": Fields(
        {
            "answer": {"type": "array", "items": {"type": "integer"}},
            "values": {
                "type": "object",
                "description": "Each statement's rating, by statementId",
                "additionalProperties": RATING,
            },
        },
        ("values",),
    ),
    "ranking": Fields(
        {
            "answer": {"type": "array", "items": {"type": "string"}},
            "ranking": {"type": "array", "description": "Best first", "items": CHOICE_ID},
        },
        ("ranking",),
    ),
}

for _table in (SPEC_FIELDS, VIEW_FIELDS, EXPORT_ANSWERS):
    assert set(_table) == set(TYPE_NAMES), "every question type has its fields here"
