"""The OpenAPI 3.1 description of the JSON API, written out by hand.

The API routes are plain ASGI for speed, so nothing generates this from code; instead
tests check that every route and every error code appears here (and fuzzing later
checks responses against it).
"""

from __future__ import annotations

from typing import Any

from tohyo import charts, domain
from tohyo.errors import http_errors

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


# Any API request may meet a budget (429) or a store or process at its limit (503).
ALWAYS = (429, 503)


def _errors(*statuses: int) -> dict[str, Any]:
    codes: dict[int, list[str]] = {}
    for cls in http_errors():
        codes.setdefault(cls.status, []).append(cls.code)
    return {
        str(s): _json(_ref("Error"), "Error; code is one of: " + ", ".join(codes.get(s, [])))
        for s in statuses
    }


NOT_BLANK = r"\S"  # something besides white space

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
        "description": "Voting closes by itself at this time (with a time zone); at least "
        f"{domain.DURATION_MIN} s away and before the session expires",
    },
    "durationSeconds": {
        "type": "integer",
        "minimum": domain.DURATION_MIN,
        "description": "Or: voting closes by itself this many seconds from now",
    },
}

SESSION_ID = {
    "name": "sessionId",
    "in": "path",
    "required": True,
    "description": "A session id (UUID4); anything else is 404 not_found",
    "schema": {"type": "string"},
}

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
                "minLength": 1,
                "maxLength": domain.QUESTION_MAX,
                "pattern": NOT_BLANK,
                "description": "Trimmed; 1-255 characters after trimming",
            },
            "voteType": {"type": "string", "enum": list(domain.VOTE_TYPES)},
            "choices": {
                "type": "array",
                "minItems": domain.CHOICES_MIN,
                "maxItems": domain.CHOICES_MAX,
                "uniqueItems": True,
                "description": "No two texts the same after trimming",
                "items": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": domain.CHOICE_TEXT_MAX,
                            "pattern": NOT_BLANK,
                        }
                    },
                },
            },
            "resultsVisibility": VISIBILITY,
            **DEADLINE,
        },
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
        "properties": {
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
        },
    },
    "Settings": {
        "type": "object",
        "description": "Give any of these; closesAt and durationSeconds not both",
        "properties": {
            "resultsVisibility": VISIBILITY,
            **DEADLINE,
        },
    },
    "VoteRequest": {
        "type": "object",
        "required": ["choiceIds"],
        "properties": {"choiceIds": {"type": "array", "items": {"type": "string"}}},
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

HOST_AUTH: list[dict[str, list[str]]] = [{"hostBearer": []}, {"hostCookie": []}, {}]


def body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(name)}}}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tohyo",
            "version": "1",
            "description": "Real-time voting sessions. Errors are {error, code, details?}.",
        },
        "paths": {
            "/healthz": {
                "get": {
                    "summary": "Liveness: the process answers",
                    "responses": {"200": _json({"type": "object"}, "Serving")},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: storage answers and the process is not shutting down",
                    "responses": {
                        "200": _json({"type": "object"}, "Ready"),
                        "503": _json({"type": "object"}, "Storage unavailable, or draining"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics (text format)",
                    "responses": {
                        "200": {
                            "description": "Metrics",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            "/api/vote": {
                "post": {
                    "summary": "Create a voting session; sets the host cookie",
                    "requestBody": body("CreateRequest"),
                    "responses": {
                        "201": _json(_ref("CreateResponse"), "Created"),
                        **_errors(400, 403, 413, 415, *ALWAYS),
                    },
                }
            },
            "/api/vote/{sessionId}": {
                "parameters": [SESSION_ID],
                "get": {
                    "summary": "Session info; counts for the host and for voters who voted",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": _json(_ref("Session"), "The session"),
                        **_errors(404, *ALWAYS),
                    },
                },
                "post": {
                    "summary": "Cast a ballot; sets the voter cookie",
                    "requestBody": body("VoteRequest"),
                    "responses": {
                        "201": _json(_ref("VoteResponse"), "Recorded and durable"),
                        **_errors(400, 403, 404, 409, 413, 415, *ALWAYS),
                    },
                },
            },
            "/api/vote/{sessionId}/close": {
                "parameters": [SESSION_ID],
                "post": {
                    "summary": "Close voting (host only; idempotent)",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": _json(_ref("CloseResponse"), "Closed"),
                        **_errors(401, 403, 404, *ALWAYS),
                    },
                },
            },
            "/api/vote/{sessionId}/settings": {
                "parameters": [SESSION_ID],
                "post": {
                    "summary": "Change who sees the counts, or set or move the deadline (host "
                    "only); open viewers see it at once",
                    "security": HOST_AUTH,
                    "requestBody": body("Settings"),
                    "responses": {
                        "200": _json(_ref("Session"), "The session as it is now"),
                        **_errors(400, 401, 403, 404, 413, 415, *ALWAYS),
                    },
                },
            },
            "/api/vote/{sessionId}/host": {
                "parameters": [SESSION_ID],
                "post": {
                    "summary": "Trade the host token (Bearer) for the host cookie",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": _json(_ref("HostClaim"), "This browser is the host now"),
                        **_errors(401, 403, 404, *ALWAYS),
                    },
                },
            },
            "/api/vote/{sessionId}/export": {
                "parameters": [
                    SESSION_ID,
                    {
                        "name": "format",
                        "in": "query",
                        "description": "image and png: a PNG chart; svg: an SVG chart",
                        "schema": {
                            "type": "string",
                            "enum": ["json", "csv", "image", "png", "svg"],
                            "default": "json",
                        },
                    },
                    {
                        "name": "chart",
                        "in": "query",
                        "description": "For image, png and svg",
                        "schema": {"type": "string", "enum": list(charts.CHARTS), "default": "bar"},
                    },
                    {
                        "name": "lang",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["en", "ja"]},
                    },
                    *(
                        {
                            "name": name,
                            "in": "query",
                            "description": f"Picture {name} in pixels",
                            "schema": {
                                "type": "integer",
                                "minimum": low,
                                "maximum": high,
                                "default": default,
                            },
                        }
                        for name, (low, high), default in (
                            ("width", charts.WIDTH_RANGE, charts.SIZE_DEFAULT[0]),
                            ("height", charts.HEIGHT_RANGE, charts.SIZE_DEFAULT[1]),
                        )
                    ),
                ],
                "get": {
                    "summary": "Results as JSON, CSV, or a PNG or SVG chart (host, or a voter "
                    "who voted)",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": {
                            "description": "Results",
                            "content": {
                                JSON: {"schema": _ref("Results")},
                                "text/csv": {"schema": {"type": "string"}},
                                "image/png": {"schema": {"type": "string", "format": "binary"}},
                                "image/svg+xml": {"schema": {"type": "string"}},
                            },
                        },
                        **_errors(400, 403, 404, *ALWAYS),
                    },
                },
            },
            "/api/vote/{sessionId}/stream": {
                "parameters": [SESSION_ID],
                "get": {
                    "summary": "Server-Sent Events: snapshot, update, closed, expired",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": {
                            "description": "An endless event stream; `id:` is the version",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}},
                        },
                        **_errors(404, *ALWAYS),
                    },
                },
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "hostBearer": {"type": "http", "scheme": "bearer"},
                "hostCookie": {"type": "apiKey", "in": "cookie", "name": "tohyo_host_{sessionId}"},
            },
        },
    }
