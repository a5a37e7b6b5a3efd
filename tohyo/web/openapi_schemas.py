"""The OpenAPI schema's components: the bodies the API takes and answers, each rule of
tohyo.domain written as JSON Schema (text, deadlines, ballots), so schemathesis can hold
the server to them (tests/test_fuzz.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from tohyo import domain
from tohyo.errors import http_errors

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


@cache
def one_line(limit: int) -> str:
    """The text rule (tohyo/domain/text.py) as a pattern: white space the server trims
    (`str.strip`'s, listed: `\\s` differs between regex engines), around 1-`limit`
    characters none of which is refused, the first and last not white space. The
    characters are written as themselves, not as escapes, for the same reason; lone
    surrogates cannot travel in JSON at all, so they are left out."""
    space = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    refused = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef" + "".join(
        chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
    )
    edge = f"[^{space}{refused}]"
    return f"^[{space}]*{edge}(?:[^{refused}]{{0,{limit - 2}}}{edge})?[{space}]*$"


VISIBILITY = {
    "type": "string",
    "enum": list(domain.VISIBILITIES),
    "default": domain.DEFAULT_VISIBILITY,
    "description": "Who sees the counts besides the host: after_vote (a voter "
    "once they voted), always, after_close, or host (nobody else)",
}
DEADLINE = {
    "closesAt": {
        "type": "string",
        "format": "date-time",
        "maxLength": 40,
        "description": "Voting closes by itself at this time (with a time zone); at least "
        f"{domain.DURATION_MIN} s away and before the session expires (else 400). Leave it "
        "out for no deadline: null is refused",
    },
    "durationSeconds": {
        "type": "integer",
        "minimum": domain.DURATION_MIN,
        "maximum": domain.DURATION_LIMIT - 1,
        "description": "Or: voting closes by itself this many seconds from now, before the "
        "session expires (else 400). Leave it out for no deadline: null is refused",
    },
}
# "closesAt or durationSeconds, not both"
ONE_DEADLINE = {"not": {"required": list(domain.DEADLINE_FIELDS)}}

CHOICE = {
    "type": "object",
    "required": ["choiceId", "text"],
    "properties": {
        "choiceId": {"type": "string"},
        "text": {"type": "string"},
        "voteCount": {"type": "integer", "minimum": 0},
        "percentage": {"type": "number", "minimum": 0, "maximum": 100},
    },
}

UNKNOWN_FIELDS = "Fields not listed here are ignored."

SESSION_PROPERTIES: dict[str, Any] = {
    "sessionId": {"type": "string", "format": "uuid"},
    "question": {"type": "string"},
    "voteType": {"type": "string", "enum": list(domain.VOTE_TYPES)},
    "choices": {"type": "array", "items": CHOICE},
    "status": {"type": "string", "enum": ["active", "closed"]},
    "version": {
        "type": "integer",
        "minimum": 1,
        "description": "+1 on every change; only for those who may see the counts",
    },
    "canVote": {"type": "boolean"},
    "hasVoted": {"type": "boolean"},
    "myChoiceIds": {
        "type": "array",
        "minItems": 1,
        "maxItems": domain.CHOICES_MAX,
        "uniqueItems": True,
        "items": {"type": "string"},
        "description": "The choices of your own ballot, in the session's order: only with "
        "hasVoted, and only for the voter whose cookie cast it",
    },
    "isHost": {"type": "boolean"},
    "message": {"type": "string"},
    "totalVotes": {"type": "integer", "minimum": 0, "description": "Host and voters"},
    "createdAt": {"type": "string", "format": "date-time"},
    "expiresAt": {"type": "string", "format": "date-time"},
    "closedAt": {"type": "string", "format": "date-time"},
    "resultsVisibility": {"type": "string", "enum": list(domain.VISIBILITIES)},
    "closesAt": {
        "type": "string",
        "format": "date-time",
        "description": "The deadline: voting closes by itself then",
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "code"],
        "properties": {
            "error": {"type": "string", "description": "Human-readable message"},
            "code": {"type": "string", "enum": sorted({c.code for c in http_errors()})},
            "details": {},
        },
    },
    "CreateRequest": {
        "type": "object",
        "required": ["question", "voteType", "choices"],
        "properties": {
            "question": {
                "type": "string",
                "pattern": one_line(domain.QUESTION_MAX),
                "description": f"One line: 1-{domain.QUESTION_MAX} characters after trimming, "
                "no control characters, line separators or noncharacters",
            },
            "voteType": {"type": "string", "enum": list(domain.VOTE_TYPES)},
            "choices": {
                "type": "array",
                "minItems": domain.CHOICES_MIN,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": "No two texts the same after trimming (else 400)",
                "items": {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": True,
                    "properties": {
                        "text": {
                            "type": "string",
                            "pattern": one_line(domain.CHOICE_TEXT_MAX),
                            "description": f"One line: 1-{domain.CHOICE_TEXT_MAX} characters "
                            "after trimming, as the question",
                        }
                    },
                },
            },
            "resultsVisibility": VISIBILITY,
            **DEADLINE,
        },
        **ONE_DEADLINE,
        "additionalProperties": True,
        "description": UNKNOWN_FIELDS,
        "examples": [
            {
                "question": "Lunch?",
                "voteType": "single",
                "choices": [{"text": "Ramen"}, {"text": "Curry"}],
                "durationSeconds": 300,
            }
        ],
    },
    "CreateResponse": {
        "type": "object",
        "required": ["sessionId", "voteUrl", "hostUrl", "hostToken", "createdAt", "expiresAt"],
        "properties": {
            "sessionId": {"type": "string", "format": "uuid"},
            "voteUrl": {"type": "string"},
            "hostUrl": {"type": "string"},
            "hostToken": {"type": "string"},
            "createdAt": {"type": "string", "format": "date-time"},
            "expiresAt": {"type": "string", "format": "date-time"},
            "resultsVisibility": {"type": "string", "enum": list(domain.VISIBILITIES)},
            "closesAt": {"type": "string", "format": "date-time"},
        },
    },
    "Session": {
        "type": "object",
        "required": [
            "sessionId",
            "question",
            "voteType",
            "choices",
            "status",
            "canVote",
            "hasVoted",
            "isHost",
            "createdAt",
            "expiresAt",
        ],
        "properties": SESSION_PROPERTIES,
    },
    "Settings": {
        "type": "object",
        "description": "At least one of these; closesAt or durationSeconds, not both. A "
        "deadline for a closed session is 403 closed. " + UNKNOWN_FIELDS,
        "properties": {
            "resultsVisibility": VISIBILITY,
            **DEADLINE,
        },
        "anyOf": [{"required": [name]} for name in domain.SETTINGS_FIELDS],
        "examples": [{"resultsVisibility": "always"}, {"durationSeconds": 60}],
        **ONE_DEADLINE,
        "additionalProperties": True,
    },
    "Snapshot": {
        "type": "object",
        "description": "A session as the stream shows it: GET /api/vote/{id} without the "
        "fields that depend on who asks",
        "required": [
            "sessionId",
            "question",
            "voteType",
            "choices",
            "status",
            "createdAt",
            "expiresAt",
            "resultsVisibility",
        ],
        "properties": {
            name: schema
            for name, schema in SESSION_PROPERTIES.items()
            if name not in {"canVote", "hasVoted", "myChoiceIds", "isHost", "message"}
        },
    },
    "StreamEvent": {
        "type": "object",
        "description": "One Server-Sent Event; `id` (the version) only for those who may see "
        "the counts",
        "required": ["event", "data"],
        "properties": {
            "event": {"type": "string", "enum": ["snapshot", "update", "closed", "expired"]},
            "id": {"type": "string", "pattern": "^[1-9][0-9]*$"},
            "retry": {"type": "integer"},
            "data": {
                "type": "string",
                "contentMediaType": JSON,
                "contentSchema": {
                    "anyOf": [ref("Snapshot"), {"type": "object", "maxProperties": 0}]
                },
            },
        },
    },
    "VoteRequest": {
        "type": "object",
        "required": ["choiceIds"],
        "additionalProperties": True,
        "examples": [{"choiceIds": ["2"]}],
        "description": UNKNOWN_FIELDS,
        "properties": {
            "choiceIds": {
                "type": "array",
                "minItems": 1,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": "Exactly one for a single-choice session; ids of this "
                "session's choices (else 400)",
                "items": {
                    "type": "string",
                    "enum": [str(i) for i in range(1, domain.CHOICES_MAX + 1)],
                },
            }
        },
    },
    "VoteResponse": {
        "type": "object",
        "required": ["message", "votedAt", "choiceIds"],
        "properties": {
            "message": {"type": "string"},
            "votedAt": {"type": "string", "format": "date-time"},
            "choiceIds": {"type": "array", "items": {"type": "string"}},
        },
    },
    "CloseResponse": {
        "type": "object",
        "required": ["sessionId", "status", "closedAt"],
        "properties": {
            "sessionId": {"type": "string"},
            "status": {"type": "string", "enum": ["closed"]},
            "closedAt": {"type": "string", "format": "date-time"},
        },
    },
    "HostClaim": {
        "type": "object",
        "required": ["sessionId", "isHost"],
        "properties": {"sessionId": {"type": "string"}, "isHost": {"type": "boolean"}},
    },
    "Results": {
        "type": "object",
        "required": ["sessionId", "question", "voteType", "totalVotes", "choices", "exportedAt"],
        "properties": {
            "sessionId": {"type": "string"},
            "question": {"type": "string"},
            "voteType": {"type": "string", "enum": list(domain.VOTE_TYPES)},
            "status": {"type": "string", "enum": ["active", "closed"]},
            "totalVotes": {"type": "integer", "minimum": 0},
            "choices": {"type": "array", "items": CHOICE},
            "exportedAt": {"type": "string", "format": "date-time"},
        },
    },
}
