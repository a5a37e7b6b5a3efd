"""The OpenAPI 3.1 description of the JSON API, written out by hand.

The API routes are plain ASGI for speed, so nothing generates this from code; instead
tests check that every route and every error code appears here (and fuzzing later
checks the server against it: tests/test_fuzz.py). The bodies are in openapi_schemas.py.
"""

from __future__ import annotations

from typing import Any

from tohyo import charts
from tohyo.errors import http_errors
from tohyo.web.openapi_event_schemas import EVENT_SCHEMAS
from tohyo.web.openapi_events import event_paths
from tohyo.web.openapi_qa import QA_SCHEMAS, qa_paths, with_qa_links
from tohyo.web.openapi_quiz import QUIZ_SCHEMAS, quiz_paths
from tohyo.web.openapi_schemas import JSON, SCHEMAS, ref


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


# Any API request may meet a budget (429) or a store or process at its limit (503).
ALWAYS = (429, 503)


def _errors(*statuses: int) -> dict[str, Any]:
    codes: dict[int, list[str]] = {}
    for cls in http_errors():
        codes.setdefault(cls.status, []).append(cls.code)
    return {
        str(s): _json(ref("Error"), "Error; code is one of: " + ", ".join(codes.get(s, [])))
        for s in statuses
    }


SESSION_ID = {
    "name": "sessionId",
    "in": "path",
    "required": True,
    "description": "A session id (UUID4); anything else is 404 not_found",
    "schema": {"type": "string"},
}


# What a client does with a new session: every operation on it takes its id.
LINKS = {
    name: {
        "operationRef": f"#/paths/{path.replace('/', '~1')}/{method}",
        "parameters": {"sessionId": "$response.body#/sessionId"},
        "description": description,
    }
    for name, path, method, description in (
        ("read", "/api/vote/{sessionId}", "get", "The session"),
        ("vote", "/api/vote/{sessionId}", "post", "Vote in it"),
        ("close", "/api/vote/{sessionId}/close", "post", "Close it (host)"),
        ("settings", "/api/vote/{sessionId}/settings", "post", "Change its settings (host)"),
        ("claimHost", "/api/vote/{sessionId}/host", "post", "Become its host elsewhere"),
        ("export", "/api/vote/{sessionId}/export", "get", "Export its results"),
        ("stream", "/api/vote/{sessionId}/stream", "get", "Watch it live"),
    )
}

HOST_AUTH: list[dict[str, list[str]]] = [{"hostBearer": []}, {"hostCookie": []}, {}]


def body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": ref(name)}}}


def document() -> dict[str, Any]:
    described: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "tohyo",
            "version": "1",
            "description": "Real-time voting sessions and events. Errors are {error, code, "
            "details?}.",
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
                        "201": {**_json(ref("CreateResponse"), "Created"), "links": LINKS},
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
                        "200": _json(ref("Session"), "The session"),
                        **_errors(404, *ALWAYS),
                    },
                },
                "post": {
                    "summary": "Cast a ballot; sets the voter cookie",
                    "requestBody": body("VoteRequest"),
                    "responses": {
                        "201": _json(ref("VoteResponse"), "Recorded and durable"),
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
                        "200": _json(ref("CloseResponse"), "Closed"),
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
                        "200": _json(ref("Session"), "The session as it is now"),
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
                        "200": _json(ref("HostClaim"), "This browser is the host now"),
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
                                JSON: {"schema": ref("Results")},
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
                            "content": {"text/event-stream": {"schema": ref("StreamEvent")}},
                        },
                        **_errors(404, *ALWAYS),
                    },
                },
            },
            **event_paths(),
            **quiz_paths(),
            **qa_paths(),
        },
        "components": {
            "schemas": {**SCHEMAS, **EVENT_SCHEMAS, **QUIZ_SCHEMAS, **QA_SCHEMAS},
            "securitySchemes": {
                "hostBearer": {"type": "http", "scheme": "bearer"},
                "hostCookie": {"type": "apiKey", "in": "cookie", "name": "tohyo_host_{sessionId}"},
            },
        },
    }
    with_qa_links(described["paths"])  # an event's replies lead to its Q&A too
    return described
