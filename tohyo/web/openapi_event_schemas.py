"""The events part of the OpenAPI document's components: every body the event API takes
and every reply it gives, each rule of the event specs (tohyo.domain.event_specs) written
as JSON Schema, so schemathesis holds the server to them (tests/test_fuzz.py)."""

from __future__ import annotations

from typing import Any

from tohyo.domain.event import PACES, QUESTIONS_MAX, TITLE_MAX
from tohyo.domain.event_moderation import ACTIONS, KEY_MAX
from tohyo.domain.event_specs import BANNED_MAX, BANNED_WORD_MAX, PATCH_EVENT_FIELDS
from tohyo.domain.qa import QA_MODES
from tohyo.web.openapi_event_fields import MEANT_ROUND, OBJECT, TIME
from tohyo.web.openapi_question_types import visible
from tohyo.web.openapi_questions import QUESTION_SCHEMAS
from tohyo.web.openapi_quiz_export import FINAL_RANKING
from tohyo.web.openapi_schemas import DEADLINE, JSON, ONE_DEADLINE, UNKNOWN_FIELDS, one_line, ref

EVENT_SCHEMAS: dict[str, Any] = {
    **QUESTION_SCHEMAS,
    "EventCreateRequest": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "pattern": one_line(TITLE_MAX)},
            "pace": {"type": "string", "enum": list(PACES), "default": "presenter"},
            "questions": {"type": "array", "maxItems": QUESTIONS_MAX, "items": ref("QuestionSpec")},
        },
        **OBJECT,
        "examples": [
            {
                "title": "Friday workshop",
                "questions": [
                    {
                        "type": "single",
                        "prompt": "Lunch?",
                        "choices": [{"text": "Ramen"}, {"text": "Curry"}],
                    }
                ],
            }
        ],
    },
    "EventPatch": {
        "type": "object",
        "description": "At least one field. The title and pace change while the event is "
        "live (else 409 event_ended); the filters and the Q&A mode also once it has ended. "
        + UNKNOWN_FIELDS,
        "properties": {
            "title": {"type": "string", "pattern": one_line(TITLE_MAX)},
            "pace": {"type": "string", "enum": list(PACES)},
            "bannedWords": {
                "type": "array",
                "maxItems": BANNED_MAX,
                "description": "Replaces the event's banned words: a word cloud entry or an "
                "open-text answer holding one (a whole word, or anywhere for Japanese and "
                "Chinese) is refused, and entries sent before leave results. Kept "
                "normalised (NFKC, case folded), each once",
                "items": {
                    "type": "string",
                    "pattern": one_line(BANNED_WORD_MAX),
                    "allOf": [visible()],
                },
            },
            "profanityFilter": {
                "type": "boolean",
                "description": "The English profanity filter (whole words of an entry); "
                "409 invalid_state if this server cannot load its word list",
            },
            "qa": {
                "type": "string",
                "enum": list(QA_MODES),
                "description": "The audience Q&A: off (the default), open (questions show at "
                "once) or moderated (the host approves each first)",
            },
        },
        "anyOf": [{"required": [name]} for name in PATCH_EVENT_FIELDS],
        "additionalProperties": True,
        "examples": [
            {"pace": "audience"},
            {"bannedWords": ["spoiler"], "profanityFilter": True},
            {"qa": "moderated"},
        ],
    },
    "ModerationRequest": {
        "type": "object",
        "required": ["key", "action"],
        "description": "An entry of a word cloud or open-text question, by the key its "
        "results give: hide it (it leaves every viewer's results but the host's), restore "
        "it (undoes hide only), or approve it (open text whose moderation is approve: the "
        "card is public, and no longer hidden). " + UNKNOWN_FIELDS,
        "properties": {
            "key": {
                "type": "string",
                "pattern": one_line(KEY_MAX),
                "description": "A word cloud's entry key, or a card's key (`{at}.{tag}`); "
                "a key not of the question's form is 409 invalid_state",
            },
            "action": {"type": "string", "enum": list(ACTIONS)},
        },
        "additionalProperties": True,
        "examples": [{"key": "kyoto", "action": "hide"}],
    },
    "Opening": {
        "type": "object",
        "description": "Optional: this opening's deadline; else the question's own "
        "duration applies. " + UNKNOWN_FIELDS,
        "properties": DEADLINE,
        **ONE_DEADLINE,
        "additionalProperties": True,
        "examples": [{"durationSeconds": 60}],
    },
    "ResetRequest": {
        "type": "object",
        "description": "Optional: open's deadline, and the round the host saw. " + UNKNOWN_FIELDS,
        "properties": {
            **DEADLINE,
            "round": {**MEANT_ROUND, "description": "The round the host saw (else 409, no round)"},
        },
        **ONE_DEADLINE,
        "additionalProperties": True,
        "examples": [{"round": 1}, {"round": 2, "durationSeconds": 60}],
    },
    "PresentRequest": {
        "type": "object",
        "required": ["questionId"],
        "properties": {
            "questionId": {
                "type": ["string", "null"],
                "minLength": 1,
                "maxLength": 64,
                "description": "An opened question's id (a draft, or an id the event lacks, is "
                "409 invalid_state), or null: the lobby",
            }
        },
        **OBJECT,
        "examples": [{"questionId": None}],
    },
    "OrderRequest": {
        "type": "object",
        "required": ["questionIds"],
        "properties": {
            "questionIds": {
                "type": "array",
                "maxItems": QUESTIONS_MAX,
                "uniqueItems": True,
                "description": "Every question of the event once (else 409 invalid_state)",
                "items": {"type": "string", "minLength": 1, "maxLength": 64},
            }
        },
        **OBJECT,
    },
    "EventCreated": {
        "type": "object",
        "required": [
            *("eventId", "code", "joinUrl", "hostUrl", "hostToken"),
            *("createdAt", "expiresAt", "questionIds"),
        ],
        "properties": {
            "eventId": {"type": "string", "format": "uuid"},
            "code": {"type": "string", "pattern": "^[1-9][0-9]{5,11}$"},
            "joinUrl": {"type": "string"},
            "hostUrl": {"type": "string"},
            "hostToken": {"type": "string"},
            "createdAt": TIME,
            "expiresAt": TIME,
            "questionIds": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Event": {
        "type": "object",
        "required": [
            *("eventId", "title", "status", "pace", "presenting", "createdAt"),
            *("expiresAt", "questions", "isHost"),
        ],
        "properties": {
            "eventId": {"type": "string", "format": "uuid"},
            "code": {"type": "string", "description": "While live"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["live", "ended"]},
            "pace": {"type": "string", "enum": list(PACES)},
            "presenting": {"type": ["string", "null"]},
            "createdAt": TIME,
            "expiresAt": TIME,
            "endedAt": TIME,
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "+1 per host change; the host's only",
            },
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "+1 per change, answers too; the host's only",
            },
            "questions": {"type": "array", "items": ref("EventQuestion")},
            "bannedWords": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The host's only: the event's banned words, normalised",
            },
            "profanityFilter": {"type": "boolean", "description": "The host's only"},
            "qa": {
                "type": "string",
                "enum": [mode for mode in QA_MODES if mode != "off"],
                "description": "The audience Q&A's mode, while it is on (absent: off)",
            },
            "isHost": {"type": "boolean"},
            "joinUrl": {"type": "string"},
        },
    },
    "QuestionDeleted": {
        "type": "object",
        "required": ["eventId", "questionId", "deleted"],
        "properties": {
            "eventId": {"type": "string"},
            "questionId": {"type": "string"},
            "deleted": {"type": "boolean", "enum": [True]},
        },
    },
    "AnswerResponse": {
        "type": "object",
        "required": ["message", "answeredAt", "questionId", "round"],
        "properties": {
            "message": {"type": "string"},
            "answeredAt": TIME,
            "questionId": {"type": "string"},
            "round": {"type": "integer", "minimum": 1},
        },
    },
    "EventHostClaim": {
        "type": "object",
        "required": ["eventId", "isHost"],
        "properties": {"eventId": {"type": "string"}, "isHost": {"type": "boolean"}},
    },
    "Joined": {
        "type": "object",
        "required": ["eventId", "joinUrl"],
        "properties": {"eventId": {"type": "string"}, "joinUrl": {"type": "string"}},
    },
    "EventExport": {
        "type": "object",
        "required": [
            *("eventId", "title", "status", "pace", "createdAt", "expiresAt"),
            *("questions", "exportedAt"),
        ],
        "properties": {
            "eventId": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["live", "ended"]},
            "pace": {"type": "string", "enum": list(PACES)},
            "createdAt": TIME,
            "expiresAt": TIME,
            "endedAt": TIME,
            "exportedAt": TIME,
            "questions": {
                "type": "array",
                "description": "In the host's order, drafts too",
                "items": ref("QuestionExport"),
            },
            "bannedWords": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The event's banned words (normalised), when it has any: "
                "answers list `filtered` the entries they catch",
            },
            "profanityFilter": {"type": "boolean", "enum": [True], "description": "When on"},
            "leaderboard": FINAL_RANKING,
            "qa": {**ref("QaRecord"), "description": "When Q&A is on or has entries"},
        },
    },
    "EventStreamEvent": {
        "type": "object",
        "description": "One Server-Sent Event: `data` is the event (snapshot, update) — the "
        "host's as GET shows it, a participant's as their phone shows it: in `questions` only "
        "the presented one (presenter pace), the open ones and the presented one (audience "
        "pace) or every one (ended), `answered` only on open and after_vote ones — "
        "`{connected}` (presence: to the host, how many participants are connected), the Q&A "
        "(qa: once on opening while Q&A is on, then after each of its changes), or `{}` "
        "(expired); `id` (the version) only for the host's views",
        "required": ["event", "data"],
        "properties": {
            "event": {
                "type": "string",
                "enum": ["snapshot", "update", "presence", "qa", "expired"],
            },
            "id": {"type": "string", "pattern": "^[1-9][0-9]*$"},
            "retry": {"type": "integer"},
            "data": {
                "type": "string",
                "contentMediaType": JSON,
                "contentSchema": {
                    "anyOf": [
                        ref("Event"),
                        {
                            "type": "object",
                            "required": ["connected"],
                            "properties": {"connected": {"type": "integer", "minimum": 0}},
                        },
                        ref("QaFrame"),
                        {"type": "object", "maxProperties": 0},
                    ]
                },
            },
        },
    },
}
