"""The events part of the OpenAPI document: every path of `tohyo.web.events_api`, its
bodies, replies and errors, and the links a client follows from a new event (its
`eventId`, `code` and `questionIds`) and from a new or opened question (its
`questionId`), so schemathesis' stateful phase runs an event as a host and a room would.
The bodies and replies are in openapi_event_schemas.py; a question's (one schema per
type) in openapi_questions.py.
"""

from __future__ import annotations

from typing import Any

from tohyo import charts
from tohyo.errors import http_errors
from tohyo.event_export import LANGUAGES
from tohyo.web.event_exports_api import QUESTION_FORMATS, ROUND_DIGITS
from tohyo.web.openapi_questions import QUESTION_EXPORT
from tohyo.web.openapi_schemas import JSON, ref

# Any API request may meet a budget (429) or a store or process at its limit (503).
ALWAYS = (429, 503)
HOST_AUTH: list[dict[str, list[str]]] = [{"hostBearer": []}, {"hostCookie": []}, {}]
BODY_ERRORS = (400, 413, 415)


def json_reply(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def error_replies(*statuses: int) -> dict[str, Any]:
    codes: dict[int, list[str]] = {}
    for cls in http_errors():
        codes.setdefault(cls.status, []).append(cls.code)
    return {
        str(s): json_reply(ref("Error"), "Error; code is one of: " + ", ".join(codes.get(s, [])))
        for s in sorted({*statuses, *ALWAYS})
    }


def request_body(name: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {JSON: {"schema": ref(name)}}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


EVENT_ID = _path("eventId", "An event id (UUID4); anything else is 404 not_found")
QUESTION_ID = _path("questionId", "A question's id in its event (q1, q2, …); unknown is 404")
CODE = _path("code", "A join code: digits, spaces and dashes forgiven, full-width too")


def _links(source: str, *targets: tuple[str, str, str, str]) -> dict[str, Any]:
    """Links from one response: (name, path, method, description) each, with the path's
    parameters taken from `source` ("event": the create reply, "question": a question's
    reply to a request on its event's path)."""
    links: dict[str, Any] = {}
    for name, path, method, description in targets:
        if source == "event":
            parameters = {"eventId": "$response.body#/eventId"}
            if "{questionId}" in path:
                parameters["questionId"] = "$response.body#/questionIds/0"
            if "{code}" in path:
                parameters = {"code": "$response.body#/code"}
        else:
            parameters = {
                "eventId": "$request.path.eventId",
                "questionId": "$response.body#/questionId",
            }
        links[name] = {
            "operationRef": f"#/paths/{path.replace('/', '~1')}/{method}",
            "parameters": parameters,
            "description": description,
        }
    return links


E = "/api/events/{eventId}"
Q = E + "/questions/{questionId}"
ON_QUESTION = (
    ("edit", Q, "patch", "Edit it (host)"),
    ("open", Q + "/open", "post", "Open it (host)"),
    ("close", Q + "/close", "post", "Close it (host)"),
    ("reset", Q + "/reset", "post", "Start a new round (host)"),
    ("picture", Q + "/export", "get", "Its chart"),
    ("moderate", Q + "/moderation", "post", "Hide, restore or approve an entry (host)"),
)
# Not to answer a new question: a draft is not found by participants (they never learn
# drafts exist), so an answer to one is a 404 for a resource the host has just made.
FROM_CREATE = _links(
    "event",
    ("read", E, "get", "The event"),
    ("configure", E, "patch", "Rename it or switch its pace (host)"),
    ("addQuestion", E + "/questions", "post", "Add a draft question (host)"),
    ("present", E + "/present", "post", "Show a question to the room (host)"),
    ("order", E + "/order", "post", "Reorder its questions (host)"),
    ("end", E + "/end", "post", "End it (host)"),
    ("claimHost", E + "/host", "post", "Become its host elsewhere"),
    ("export", E + "/export", "get", "Export it (host)"),
    ("stream", E + "/stream", "get", "Follow it live"),
    ("join", "/api/join/{code}", "get", "Find it by its code"),
    ("delete", Q, "delete", "Delete its first question while a draft (host)"),
    *ON_QUESTION,
)
FROM_QUESTION = _links("question", ("delete", Q, "delete", "Delete it (host)"), *ON_QUESTION)
FROM_OPENED = _links("question", ("answer", Q + "/responses", "post", "Answer it"), *ON_QUESTION)


def _host_operation(
    summary: str,
    reply: str,
    description: str,
    *errors: int,
    body: dict[str, Any] | None = None,
    links: dict[str, Any] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    success: dict[str, Any] = json_reply(ref(reply), description)
    if links:
        success["links"] = links
    operation: dict[str, Any] = {
        "summary": summary,
        "security": HOST_AUTH,
        "responses": {str(status): success, **error_replies(401, 403, 404, *errors)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


HOST_STATE = 409  # invalid_state, event_ended (and for a reset, round_changed)
BODIES = {"open": "Opening", "reset": "ResetRequest"}  # the optional bodies of those actions


def event_paths() -> dict[str, Any]:
    picture_query = [
        {
            "name": "format",
            "in": "query",
            "description": "png or svg: one round's picture (the host, or a participant "
            "who may see its results); json or csv: the question, every round, as the event's "
            "export has it (host)",
            "schema": {"type": "string", "enum": list(QUESTION_FORMATS), "default": "png"},
        },
        {
            "name": "chart",
            "in": "query",
            "schema": {"type": "string", "enum": list(charts.CHARTS), "default": "bar"},
        },
        {
            "name": "round",
            "in": "query",
            "description": "Which round (1, 2, …); the current one by default. A round the "
            "question has not had is 404",
            "schema": {"type": "integer", "minimum": 1, "maximum": 10**ROUND_DIGITS - 1},
        },
        {"name": "lang", "in": "query", "schema": {"type": "string", "enum": list(LANGUAGES)}},
        *(
            {
                "name": name,
                "in": "query",
                "description": f"Picture {name} in pixels",
                "schema": {"type": "integer", "minimum": low, "maximum": high, "default": d},
            }
            for name, (low, high), d in (
                ("width", charts.WIDTH_RANGE, charts.SIZE_DEFAULT[0]),
                ("height", charts.HEIGHT_RANGE, charts.SIZE_DEFAULT[1]),
            )
        ),
    ]
    return {
        "/api/events": {
            "post": {
                "summary": "Create an event, with or without questions; sets the host cookie",
                "requestBody": request_body("EventCreateRequest"),
                "responses": {
                    "201": {**json_reply(ref("EventCreated"), "Created"), "links": FROM_CREATE},
                    **error_replies(403, *BODY_ERRORS),
                },
            }
        },
        E: {
            "parameters": [EVENT_ID],
            "get": {
                "summary": "The event as this viewer may see it: participants see no drafts, "
                "and results as each question's visibility allows",
                "security": HOST_AUTH,
                "responses": {"200": json_reply(ref("Event"), "The event"), **error_replies(404)},
            },
            "patch": _host_operation(
                "Rename the event, switch its pace (live too), or set its filters: banned "
                "words and the profanity filter (host)",
                "Event",
                "The event as it is now",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("EventPatch"),
            ),
        },
        E + "/questions": {
            "parameters": [EVENT_ID],
            "post": _host_operation(
                "Add a draft question, last in the order (host)",
                "EventQuestion",
                "The new draft",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("QuestionSpec"),
                links=FROM_QUESTION,
                status=201,
            ),
        },
        Q: {
            "parameters": [EVENT_ID, QUESTION_ID],
            "patch": _host_operation(
                "Edit a draft (any spec field, merged), or an opened question's "
                "resultsVisibility and deadline (host)",
                "EventQuestion",
                "The question as it is now",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("QuestionPatch"),
            ),
            "delete": _host_operation(
                "Delete a draft (host)", "QuestionDeleted", "Deleted", HOST_STATE
            ),
        },
        **{
            Q + "/" + action: {
                "parameters": [EVENT_ID, QUESTION_ID],
                "post": _host_operation(
                    summary,
                    "EventQuestion",
                    "The question as it is now",
                    HOST_STATE,
                    *(BODY_ERRORS if action != "close" else ()),
                    body=request_body(BODIES[action], required=False) if action in BODIES else None,
                    links=FROM_OPENED if action != "close" else None,
                ),
            }
            for action, summary in (
                ("open", "Open a draft or reopen a closed question, same round (host)"),
                ("close", "Close a question (host; idempotent)"),
                ("reset", "Start a new round, open at once; earlier rounds are kept (host)"),
            )
        },
        Q + "/moderation": {
            "parameters": [EVENT_ID, QUESTION_ID],
            "post": _host_operation(
                "Hide, restore or approve one entry of a word cloud or open-text question; "
                "allowed once the event has ended too (host)",
                "EventQuestion",
                "The question as its host sees it now",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("ModerationRequest"),
            ),
        },
        Q + "/responses": {
            "parameters": [EVENT_ID, QUESTION_ID],
            "post": {
                "summary": "Answer an open question; sets the voter cookie when new",
                "description": "One answer per participant per round (409 already_voted), "
                "unless the question allows a change (allowChange): then, while it is open, "
                "a participant's new answer replaces theirs in the round, 201 as a first "
                "answer — the old answer's counts off the results, the new one's on, the "
                "number of answers unchanged.",
                "requestBody": request_body("AnswerRequest"),
                "responses": {
                    "201": json_reply(ref("AnswerResponse"), "Recorded and durable"),
                    **error_replies(403, 404, 409, *BODY_ERRORS),
                },
            },
        },
        Q + "/export": {
            "parameters": [EVENT_ID, QUESTION_ID, *picture_query],
            "get": {
                "summary": "One round of a question as a PNG or SVG picture (host, or a "
                "participant who may see its results); the question as JSON or CSV (host)",
                "security": HOST_AUTH,
                "responses": {
                    "200": {
                        "description": "The picture, or the question's export",
                        "content": {
                            "image/png": {"schema": {"type": "string", "format": "binary"}},
                            "image/svg+xml": {"schema": {"type": "string"}},
                            JSON: {"schema": QUESTION_EXPORT},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **error_replies(400, 401, 403, 404),
                },
            },
        },
        E + "/present": {
            "parameters": [EVENT_ID],
            "post": _host_operation(
                "What every phone shows: an opened question, or null for the lobby (host)",
                "Event",
                "The event as it is now",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("PresentRequest"),
            ),
        },
        E + "/order": {
            "parameters": [EVENT_ID],
            "post": _host_operation(
                "Put the questions in this order, naming each once (host)",
                "Event",
                "The event as it is now",
                HOST_STATE,
                *BODY_ERRORS,
                body=request_body("OrderRequest"),
            ),
        },
        E + "/end": {
            "parameters": [EVENT_ID],
            "post": _host_operation(
                "End the event: every question closes, the code is released (host; idempotent)",
                "Event",
                "The ended event",
            ),
        },
        E + "/host": {
            "parameters": [EVENT_ID],
            "post": _host_operation(
                "Trade the host token (Bearer) for the host cookie",
                "EventHostClaim",
                "This browser is the host now",
            ),
        },
        E + "/export": {
            "parameters": [
                EVENT_ID,
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
                },
                {
                    "name": "lang",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(LANGUAGES)},
                },
            ],
            "get": {
                "summary": "Every question (drafts too), every round with its results, as "
                "JSON (with the answers) or CSV (host)",
                "security": HOST_AUTH,
                "responses": {
                    "200": {
                        "description": "The event's results",
                        "content": {
                            JSON: {"schema": ref("EventExport")},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **error_replies(400, 401, 403, 404),
                },
            },
        },
        E + "/stream": {
            "parameters": [EVENT_ID],
            "get": {
                "summary": "Server-Sent Events for the whole event: snapshot, update, expired",
                "security": HOST_AUTH,
                "responses": {
                    "200": {
                        "description": "An endless event stream; `id:` is the version where "
                        "the viewer may see every result it counts",
                        "content": {"text/event-stream": {"schema": ref("EventStreamEvent")}},
                    },
                    **error_replies(404),
                },
            },
        },
        "/api/join/{code}": {
            "parameters": [CODE],
            "get": {
                "summary": "The live event holding a join code",
                "responses": {"200": json_reply(ref("Joined"), "Found"), **error_replies(404)},
            },
        },
    }
