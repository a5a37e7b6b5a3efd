"""The quiz part of the OpenAPI document: a player's nickname (`…/me`) and the
leaderboard (`tohyo.web.event_quiz_api`), their bodies and replies."""

from __future__ import annotations

from typing import Any

from tohyo.domain import quiz
from tohyo.web.openapi_events import (
    BODY_ERRORS,
    EVENT_ID,
    error_replies,
    json_reply,
    request_body,
)
from tohyo.web.openapi_question_types import visible
from tohyo.web.openapi_schemas import one_line, ref

E = "/api/events/{eventId}"
NICKNAME = {
    "type": ["string", "null"],
    "description": f"1-{quiz.NICKNAME_MAX} characters of one line, trimmed; unique in the "
    "event however it is typed (width, case); the event's filters apply",
}
RANK = {"type": ["integer", "null"], "minimum": 1, "description": "Equal players share a rank"}

QUIZ_SCHEMAS: dict[str, Any] = {
    "NicknameRequest": {
        "type": "object",
        "required": ["nickname"],
        "properties": {
            "nickname": {
                **NICKNAME,
                "type": "string",
                "pattern": one_line(quiz.NICKNAME_MAX),
                "allOf": [visible()],
            }
        },
    },
    "Nickname": {
        "type": "object",
        "required": ["nickname"],
        "properties": {"nickname": NICKNAME},
    },
    "Leaderboard": {
        "type": "object",
        "required": ["eventId", "entries", "players"],
        "description": "The closed rounds of the event's quiz questions (an open one counts "
        "once it closes; a reset takes its round's points away): points from the server's "
        "clock, ties by total answer time, then by who reached the score first",
        "properties": {
            "eventId": {"type": "string"},
            "players": {"type": "integer", "description": "Everyone who answered"},
            "entries": {
                "type": "array",
                "maxItems": quiz.TOP,
                "items": {
                    "type": "object",
                    "required": ["rank", "nickname", "score"],
                    "properties": {
                        "rank": RANK,
                        "nickname": NICKNAME,
                        "score": {"type": "integer"},
                    },
                },
            },
            "me": {
                "type": "object",
                "description": "A participant's own place (rank null before any answer)",
                "required": ["rank", "score", "nickname", "questions"],
                "properties": {
                    "rank": RANK,
                    "score": {"type": "integer"},
                    "nickname": NICKNAME,
                    "questions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["questionId", "correct", "points", "ms"],
                            "properties": {
                                "questionId": {"type": "string"},
                                "correct": {"type": "boolean"},
                                "points": {"type": "integer"},
                                "ms": {"type": "integer", "description": "From the opening"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def quiz_paths() -> dict[str, Any]:
    return {
        E + "/me": {
            "parameters": [EVENT_ID],
            "get": {
                "summary": "This browser's nickname in the event (voter cookie)",
                "responses": {
                    "200": json_reply(ref("Nickname"), "The nickname"),
                    **error_replies(404),
                },
            },
            "put": {
                "summary": "Set this browser's nickname, until its first quiz answer; sets the "
                "voter cookie if it has none",
                "requestBody": request_body("NicknameRequest"),
                "responses": {
                    "200": json_reply(ref("Nickname"), "The nickname as stored"),
                    **error_replies(403, 404, 409, *BODY_ERRORS),
                },
            },
        },
        E + "/leaderboard": {
            "parameters": [EVENT_ID],
            "get": {
                "summary": "The top 10 of the quiz and, for a participant, their own place",
                "responses": {
                    "200": json_reply(ref("Leaderboard"), "The board"),
                    **error_replies(404),
                },
            },
        },
    }
