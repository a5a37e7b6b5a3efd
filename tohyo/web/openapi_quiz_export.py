"""What a quiz adds to the JSON export in the OpenAPI document (`event_export.quiz_scores`):
each quiz answer's nickname and score (joined to a quiz's listed answer by
`openapi_question_types.EXPORT_ANSWERS`), and the event's final ranking (`EventExport`)."""

from __future__ import annotations

from typing import Any

from tohyo.domain import quiz

NICKNAME = {"type": ["string", "null"], "description": "The player's (null for one who gave none)"}

QUIZ_ANSWER: dict[str, Any] = {
    "nickname": NICKNAME,
    "correct": {"type": "boolean", "description": "Full credit: every right choice, no other"},
    "ms": {
        "type": "integer",
        "minimum": 0,
        "description": "From this round's opening to the answer, both the server's clock",
    },
    "points": {
        "type": "integer",
        "minimum": 0,
        "maximum": quiz.POINTS_MAX,
        "description": "As this round scores it (an open round's: as they would be)",
    },
}

FINAL_RANKING: dict[str, Any] = {
    "type": "array",
    "description": "With a quiz question: the final ranking, every player, as the "
    "leaderboard ranks them (the current rounds of the closed quiz questions)",
    "items": {
        "type": "object",
        "required": ["rank", "nickname", "score", "time"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1, "description": "Equal players share one"},
            "nickname": NICKNAME,
            "score": {"type": "integer", "minimum": 0},
            "time": {
                "type": "integer",
                "minimum": 0,
                "description": "Total answer time in ms (the first tie-break)",
            },
        },
    },
}
