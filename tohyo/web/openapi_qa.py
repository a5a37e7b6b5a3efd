"""The audience Q&A part of the OpenAPI document (`tohyo.web.event_qa_api`, and the
host's `…/qa/export`): its bodies, replies and errors, and the links the stateful phase
follows — an event (created, or just configured: a PATCH may turn Q&A on) to asking, and
an asked or moderated entry (its `entryId`) to its upvotes and the host's moderation."""

from __future__ import annotations

from typing import Any

from tohyo.domain import qa
from tohyo.event_export import LANGUAGES
from tohyo.web.openapi_event_fields import TIME
from tohyo.web.openapi_events import (
    BODY_ERRORS,
    EVENT_ID,
    HOST_AUTH,
    error_replies,
    json_reply,
    request_body,
)
from tohyo.web.openapi_question_types import visible
from tohyo.web.openapi_schemas import JSON, one_line, ref

E = "/api/events/{eventId}"
QA = E + "/qa"
ENTRY = QA + "/{entryId}"
# domain.qa.is_entry_id: "a" and a number with no leading zero, 12 characters at most.
ENTRY_ID_PATTERN = "^a[1-9][0-9]{0,10}$"
ENTRY_ID_PARAMETER = {
    "name": "entryId",
    "in": "path",
    "required": True,
    "description": "An entry's id in its event (a1, a2, … in the order asked); any other "
    "form, or an id the event lacks, is 404 not_found",
    "schema": {"type": "string", "pattern": ENTRY_ID_PATTERN},
}
ENTRY_ID = {"type": "string", "pattern": ENTRY_ID_PATTERN}
TRUE = {"type": "boolean", "enum": [True]}

QA_ENTRY = {
    "type": "object",
    "required": ["entryId", "text", "status", "upvotes", "askedAt"],
    "description": "One audience question: `status` pending (waiting for the host: a "
    "moderated Q&A, or caught by the event's filters), approved (shown to everyone), "
    "answered (shown, marked done) or hidden (the host's only)",
    "properties": {
        "entryId": ENTRY_ID,
        "text": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "approved", "answered", "hidden"]},
        "upvotes": {"type": "integer", "minimum": 0},
        "askedAt": TIME,
        "nickname": {"type": "string", "description": "Only where its author chose to show it"},
        "answeredAt": TIME,
        "filtered": {**TRUE, "description": "The host's only: the event's filters caught it"},
        "mine": {**TRUE, "description": "GET …/qa and a POST's reply: the caller asked it"},
        "upvoted": {**TRUE, "description": "GET …/qa: the caller upvoted it"},
    },
}
PINNED = {
    "anyOf": [ENTRY_ID, {"type": "null"}],
    "description": "The entry being answered (for everyone but the host, only while shown)",
}
ENTRIES = {"type": "array", "description": "In the order asked", "items": ref("QaEntry")}

QA_SCHEMAS: dict[str, Any] = {
    "QaAsk": {
        "type": "object",
        "required": ["text"],
        "description": "A participant's question to the host. Unknown fields are refused (400).",
        "properties": {
            "text": {
                "type": "string",
                "pattern": one_line(qa.TEXT_MAX),
                "allOf": [visible()],
                "description": f"1-{qa.TEXT_MAX} characters of one line, trimmed",
            },
            "nickname": {
                "type": "boolean",
                "default": False,
                "description": "Show the asker's nickname (PUT …/me) with it; true without "
                "one is 400 (field nickname). Anonymous by default",
            },
        },
        "additionalProperties": False,
        "examples": [{"text": "Where are the slides?"}, {"text": "Lunch?", "nickname": True}],
    },
    "QaEntry": QA_ENTRY,
    "QaBoard": {
        "type": "object",
        "required": ["mode", "version", "pinned", "entries"],
        "description": "The entries this viewer may see: the host every one; anyone else "
        "the shown ones (approved, answered), and a participant their own pending ones",
        "properties": {
            "mode": {"type": "string", "enum": list(qa.QA_MODES)},
            "version": {"type": "integer", "minimum": 0, "description": "+1 per change"},
            "pinned": PINNED,
            "entries": ENTRIES,
        },
    },
    "QaFrame": {
        "type": "object",
        "required": ["version", "pinned", "entries"],
        "description": "A stream's `qa` event: a participant's hold the shown entries only "
        "(at most the 100 most upvoted and the 100 newest), the host's every entry; never "
        "`mine` or `upvoted` (GET …/qa has them)",
        "properties": {
            "version": {"type": "integer", "minimum": 0},
            "pinned": PINNED,
            "entries": ENTRIES,
        },
    },
    "QaUpvote": {
        "type": "object",
        "required": ["entryId", "upvotes", "upvoted"],
        "properties": {
            "entryId": ENTRY_ID,
            "upvotes": {"type": "integer", "minimum": 0},
            "upvoted": {"type": "boolean"},
        },
    },
    "QaRecord": {
        "type": "object",
        "required": ["mode", "pinned", "entries"],
        "description": "Every entry, hidden and pending ones too (never who asked)",
        "properties": {
            "mode": {"type": "string", "enum": list(qa.QA_MODES)},
            "pinned": {"anyOf": [ENTRY_ID, {"type": "null"}]},
            "entries": ENTRIES,
        },
    },
}


def _links(*targets: tuple[str, str, str, str], entry: bool) -> dict[str, Any]:
    """Links to (name, path, method, description) each: from an event's reply (its
    `eventId`), or from an entry's (`entry`: its `entryId`, on the request's event)."""
    parameters = (
        {"eventId": "$request.path.eventId", "entryId": "$response.body#/entryId"}
        if entry
        else {"eventId": "$response.body#/eventId"}
    )
    return {
        name: {
            "operationRef": f"#/paths/{path.replace('/', '~1')}/{method}",
            "parameters": parameters,
            "description": description,
        }
        for name, path, method, description in targets
    }


FROM_EVENT = _links(
    ("qa", QA, "get", "Its audience Q&A"),
    ("ask", QA, "post", "Ask the host a question"),
    entry=False,
)
# The host's moderation (domain.qa.moderate), each action's summary: one per action, or
# the document fails to build.
MODERATION = {
    "approve": "Show the entry to everyone (a hidden or answered one again)",
    "hide": "Show the entry to the host only; unpinned",
    "answered": "Mark the entry answered (answeredAt); unpinned",
    "pin": "Pin the entry, the one being answered now, in place of any other; a pending or "
    "hidden one is approved by it",
    "unpin": "Pin nothing, if this entry was pinned",
}
FROM_ENTRY = _links(
    ("upvote", ENTRY + "/upvote", "post", "Upvote it"),
    ("withdraw", ENTRY + "/upvote", "delete", "Take the upvote back"),
    *((action, f"{ENTRY}/{action}", "post", MODERATION[action]) for action in qa.ACTIONS),
    entry=True,
)


def _vote(summary: str, status: int) -> dict[str, Any]:
    return {
        "summary": summary,
        "responses": {
            str(status): json_reply(ref("QaUpvote"), "The entry's upvotes now"),
            **error_replies(403, 404, 409),
        },
    }


def qa_paths() -> dict[str, Any]:
    return {
        QA: {
            "parameters": [EVENT_ID],
            "get": {
                "summary": "The Q&A as this viewer may see it: the host every entry; a "
                "participant (voter cookie) also their own pending ones, and which they "
                "asked and upvoted",
                "security": HOST_AUTH,
                "responses": {
                    "200": json_reply(ref("QaBoard"), "The entries"),
                    **error_replies(404),
                },
            },
            "post": {
                "summary": "Ask the host a question (Q&A on, event live); sets the voter "
                "cookie when new",
                "description": f"At most {qa.QA_PER_PARTICIPANT} per participant and "
                f"{qa.QA_MAX} per event (409 invalid_state past either, and while Q&A is "
                "off); 409 event_ended once the event has ended.",
                "requestBody": request_body("QaAsk"),
                "responses": {
                    "201": {
                        **json_reply(ref("QaEntry"), "The entry as its author sees it"),
                        "links": FROM_ENTRY,
                    },
                    **error_replies(403, 404, 409, *BODY_ERRORS),
                },
            },
        },
        ENTRY + "/upvote": {
            "parameters": [EVENT_ID, ENTRY_ID_PARAMETER],
            "post": _vote(
                "Upvote a shown entry, once per participant (409 already_voted; an entry "
                "not shown, or Q&A off, 409 invalid_state); sets the voter cookie when new",
                201,
            ),
            "delete": _vote(
                "Take this participant's upvote back (200 whether or not there was one)", 200
            ),
        },
        **{
            f"{ENTRY}/{action}": {
                "parameters": [EVENT_ID, ENTRY_ID_PARAMETER],
                "post": {
                    "summary": MODERATION[action] + " (host; live events only)",
                    "security": HOST_AUTH,
                    "responses": {
                        "200": {
                            **json_reply(ref("QaEntry"), "The entry as the host sees it"),
                            "links": FROM_ENTRY,
                        },
                        **error_replies(401, 403, 404, 409),
                    },
                },
            }
            for action in qa.ACTIONS
        },
        QA + "/export": {
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
                "summary": "Every entry with its upvotes, status and times, as JSON or CSV (host)",
                "security": HOST_AUTH,
                "responses": {
                    "200": {
                        "description": "The Q&A",
                        "content": {
                            JSON: {
                                "schema": {
                                    "allOf": [ref("QaRecord")],
                                    "required": ["eventId", "exportedAt"],
                                    "properties": {
                                        "eventId": {"type": "string"},
                                        "exportedAt": TIME,
                                    },
                                }
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **error_replies(400, 401, 403, 404),
                },
            },
        },
    }


def with_qa_links(paths: dict[str, Any]) -> None:
    """Link the event's replies in `paths` (its create's, its PATCH's: Q&A may be on by
    then) to its Q&A."""
    for reply in (
        paths["/api/events"]["post"]["responses"]["201"],
        paths[E]["patch"]["responses"]["200"],
    ):
        reply["links"] = {**reply.get("links", {}), **FROM_EVENT}  # a copy: shared dicts
