"""The results of a question in the OpenAPI document, as each type shows them: one schema
per type name (`RESULTS_BY_TYPE`), exactly the shape of its module's `results()` in
tohyo/domain/questions/ — live (a question's view) and in the export, where the host's
fields (hidden entries flagged, cards awaiting approval) show. A new type adds its own."""

from __future__ import annotations

from typing import Any

from tohyo.domain.model import CHOICES_MAX, CHOICES_MIN
from tohyo.domain.questions import TYPE_NAMES, text, wordcloud, wordcloud_layout
from tohyo.domain.questions.scale import POINTS_MAX, POINTS_MIN, STATEMENTS_MAX
from tohyo.web.openapi_event_fields import RESULTS, TIME

COUNT = {"type": "integer", "minimum": 0}
TOTAL_VOTES = {**COUNT, "description": "Answers in this round"}
HOST_FLAG = {"type": "boolean", "enum": [True]}  # a flag the host's results add, never false


def _box(limit: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": limit}


# A word cloud's (tohyo/domain/questions/wordcloud.py): its entries most common first, and
# the cloud's layout in a BOX_WIDTH × BOX_HEIGHT box (wordcloud_layout.py).
WORDCLOUD_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["totalVotes", "entryCount", "distinct", "entries", "cloud"],
    "properties": {
        "totalVotes": TOTAL_VOTES,
        "entryCount": {**COUNT, "description": "Entries counted, hidden and filtered ones not"},
        "distinct": {**COUNT, "description": "Keys shown (not hidden, not filtered)"},
        "entries": {
            "type": "array",
            "description": f"Most common first (ties by text): the first {wordcloud.LIST_MAX}, "
            f"the host's {wordcloud.HOST_LIST_MAX}, an export's every one; the host's list "
            "the hidden ones too, flagged",
            "items": {
                "type": "object",
                "required": ["key", "text", "count"],
                "properties": {
                    "key": {"type": "string", "description": "What the host hides it by"},
                    "text": {"type": "string", "description": "Its most common spelling"},
                    "count": {"type": "integer", "minimum": 1},
                    "hidden": {**HOST_FLAG, "description": "The host's only"},
                },
            },
        },
        "cloud": {
            "type": "array",
            "maxItems": wordcloud_layout.CLOUD_MAX,
            "description": f"The layout of the most common shown entries in a "
            f"{wordcloud_layout.BOX_WIDTH}×{wordcloud_layout.BOX_HEIGHT} box: a word's font "
            "size, its box's top-left corner and size; no two boxes overlap",
            "items": {
                "type": "object",
                "required": ["key", "text", "count", "size", "x", "y", "width", "height"],
                "properties": {
                    "key": {"type": "string"},
                    "text": {"type": "string"},
                    "count": {"type": "integer", "minimum": 1},
                    "size": _box(max(wordcloud_layout.CLASS_SIZES), wordcloud_layout.MIN_SIZE),
                    "x": _box(wordcloud_layout.BOX_WIDTH),
                    "y": _box(wordcloud_layout.BOX_HEIGHT),
                    "width": _box(wordcloud_layout.BOX_WIDTH, 1),
                    "height": _box(wordcloud_layout.BOX_HEIGHT, 1),
                },
            },
        },
    },
}
# Open text's (tohyo/domain/questions/text.py): the cards newest first.
TEXT_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["totalVotes", "shown", "cards"],
    "properties": {
        "totalVotes": TOTAL_VOTES,
        "shown": {**COUNT, "description": "Cards everyone may see"},
        "pending": {**COUNT, "description": "The host's only: cards awaiting approval, not hidden"},
        "cards": {
            "type": "array",
            "description": f"Newest first: the first {text.LIST_MAX}, the host's "
            f"{text.HOST_LIST_MAX}, an export's every one",
            "items": {
                "type": "object",
                "required": ["key", "text", "at"],
                "properties": {
                    "key": {"type": "string", "pattern": "^[0-9]+\\.[0-9a-f]+$"},
                    "text": {"type": "string"},
                    "at": TIME,
                    "hidden": {**HOST_FLAG, "description": "The host's only"},
                    "pending": {**HOST_FLAG, "description": "The host's only: not approved"},
                },
            },
        },
    },
}
# A rating scale's (tohyo/domain/questions/scale.py): per statement, its distribution.
SCALE_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["totalVotes", "statements"],
    "properties": {
        "totalVotes": TOTAL_VOTES,
        "statements": {
            "type": "array",
            "minItems": 1,
            "maxItems": STATEMENTS_MAX,
            "description": 'Each statement in order (one, "1", for a scale without any)',
            "items": {
                "type": "object",
                "required": ["statementId", "counts", "answers", "mean"],
                "properties": {
                    "statementId": {"type": "string"},
                    "counts": {
                        "type": "array",
                        "minItems": POINTS_MIN,
                        "maxItems": POINTS_MAX,
                        "description": "Answers giving each point, 1 first",
                        "items": COUNT,
                    },
                    "answers": COUNT,
                    "mean": {
                        "type": ["number", "null"],
                        "minimum": 1,
                        "maximum": POINTS_MAX,
                        "description": "One decimal, halves up; null with no answers",
                    },
                },
            },
        },
    },
}
CHOICE_IDS = {"type": "array", "items": {"type": "string"}}
# A ranking's (tohyo/domain/questions/ranking.py): Borda points, and the runoff once closed.
RANKING_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["totalVotes", "items"],
    "properties": {
        "totalVotes": TOTAL_VOTES,
        "items": {
            "type": "array",
            "minItems": CHOICES_MIN,
            "maxItems": CHOICES_MAX,
            "description": "Most points first (ties: the question's order). With n items a "
            "first place scores n, an unranked item 0",
            "items": {
                "type": "object",
                "required": ["choiceId", "points", "meanScore", "firstPlaces"],
                "properties": {
                    "choiceId": {"type": "string"},
                    "points": COUNT,
                    "meanScore": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": CHOICES_MAX,
                        "description": "Points per answer, two decimals",
                    },
                    "firstPlaces": COUNT,
                },
            },
        },
        "runoff": {
            "type": "object",
            "description": "Once the round is closed: the instant runoff, its rounds",
            "required": ["winner", "rounds"],
            "properties": {
                "winner": {"type": ["string", "null"], "description": "null: none, or a tie"},
                "rounds": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["counts", "eliminated", "exhausted"],
                        "properties": {
                            "counts": {
                                "type": "object",
                                "description": "Votes of each item still in the count",
                                "additionalProperties": COUNT,
                            },
                            "eliminated": CHOICE_IDS,
                            "exhausted": {**COUNT, "description": "Ballots with none left"},
                        },
                    },
                },
            },
        },
    },
}
# A question's results, by its type's name.
RESULTS_BY_TYPE: dict[str, dict[str, Any]] = {
    "single": RESULTS,
    "multiple": RESULTS,
    "quiz": RESULTS,
    "wordcloud": WORDCLOUD_RESULTS,
    "text": TEXT_RESULTS,
    "scale": SCALE_RESULTS,
    "ranking": RANKING_RESULTS,
}
assert set(RESULTS_BY_TYPE) == set(TYPE_NAMES), "every question type shows its results here"
