"""The table of malformed requests that tests/test_malformed.py sends: each with its
documented 4xx status and error code."""

from __future__ import annotations

from typing import Any

from tests.conftest import QUESTION

SID = "{sid}"  # replaced by a real session id
CREATE = "/api/vote"
VOTE = f"/api/vote/{SID}"
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
TEXT = {"content-type": "text/plain"}


def nested(depth: int) -> bytes:
    return b'{"choiceIds":' + b"[" * depth + b"]" * depth + b"}"


CASES: list[tuple[str, str, str, Any, dict[str, Any], int, str]] = [
    # id, method, path, body (bytes or JSON-able), headers, status, code
    ("create: not json", "POST", CREATE, b"question=Lunch", JSON, 400, "invalid_json"),
    # A body must say it is JSON: a cross-site HTML form can only send form types.
    (
        "create: form-encoded",
        "POST",
        CREATE,
        b"question=Lunch",
        FORM,
        415,
        "unsupported_media_type",
    ),
    (
        "create: JSON as text/plain",
        "POST",
        CREATE,
        b'{"question":"x"}',
        TEXT,
        415,
        "unsupported_media_type",
    ),
    (
        "create: JSON undeclared",
        "POST",
        CREATE,
        b'{"question":"x"}',
        {},
        415,
        "unsupported_media_type",
    ),
    (
        "create: json with charset",
        "POST",
        CREATE,
        b"[]",
        {"content-type": "application/json; charset=utf-8"},
        400,
        "validation_error",
    ),
    ("create: empty body", "POST", CREATE, b"", JSON, 400, "invalid_json"),
    ("create: bad utf-8", "POST", CREATE, b'{"question":"\xff"}', JSON, 400, "invalid_json"),
    ("create: truncated", "POST", CREATE, b'{"question":', JSON, 400, "invalid_json"),
    ("create: array", "POST", CREATE, [QUESTION], {}, 400, "validation_error"),
    ("create: string", "POST", CREATE, "Lunch?", {}, 400, "validation_error"),
    ("create: null", "POST", CREATE, b"null", JSON, 400, "validation_error"),
    ("create: missing all", "POST", CREATE, {}, {}, 400, "validation_error"),
    (
        "create: question number",
        "POST",
        CREATE,
        {**QUESTION, "question": 1},
        {},
        400,
        "validation_error",
    ),
    (
        "create: question too long",
        "POST",
        CREATE,
        {**QUESTION, "question": "x" * 256},
        {},
        400,
        "validation_error",
    ),
    (
        "create: choices object",
        "POST",
        CREATE,
        {**QUESTION, "choices": {"text": "a"}},
        {},
        400,
        "validation_error",
    ),
    (
        "create: choice null",
        "POST",
        CREATE,
        {**QUESTION, "choices": [None, None]},
        {},
        400,
        "validation_error",
    ),
    (
        "create: choice text list",
        "POST",
        CREATE,
        {**QUESTION, "choices": [{"text": ["a"]}, {"text": "b"}]},
        {},
        400,
        "validation_error",
    ),
    (
        "create: 11 choices",
        "POST",
        CREATE,
        {**QUESTION, "choices": [{"text": str(i)} for i in range(11)]},
        {},
        400,
        "validation_error",
    ),
    (
        "create: huge choice list",
        "POST",
        CREATE,
        {**QUESTION, "choices": [{"text": "a"}] * 1000},
        {},
        400,
        "validation_error",
    ),
    (
        "create: vote type",
        "POST",
        CREATE,
        {**QUESTION, "voteType": "SINGLE"},
        {},
        400,
        "validation_error",
    ),
    (
        "create: too large",
        "POST",
        CREATE,
        {**QUESTION, "question": "x" * 20_000},
        {},
        413,
        "payload_too_large",
    ),
    ("create: deep nesting", "POST", CREATE, b"[" * 5000 + b"]" * 5000, JSON, 400, "invalid_json"),
    ("create: wrong method", "GET", CREATE, None, {}, 405, "method_not_allowed"),
    # A question and a choice are one line of printable text: no controls, no noncharacters.
    *(
        (f"create: {name} in {where}", "POST", CREATE, body, {}, 400, "validation_error")
        for name, char in (
            ("line feed", "\n"),
            ("carriage return", "\r"),
            ("tab", "\t"),
            ("NUL", "\x00"),
            ("escape", "\x1b"),
            ("NEL", "\x85"),
            ("line separator", "\u2028"),
            ("U+FFFE", "\ufffe"),
            ("U+FFFF", "\uffff"),
        )
        for where, body in (
            ("question", {**QUESTION, "question": f"Lunch{char}today?"}),
            ("choice", {**QUESTION, "choices": [{"text": f"Ra{char}men"}, {"text": "Curry"}]}),
        )
    ),
    # JSON's escape of half a surrogate pair is not text: orjson refuses the body.
    (
        "create: lone surrogate",
        "POST",
        CREATE,
        b'{"question":"\\ud800"}',
        JSON,
        400,
        "invalid_json",
    ),
    # Optional fields are left out, never null; a deadline is one of two fields, not both.
    *(
        (
            f"create: {field} null",
            "POST",
            CREATE,
            {**QUESTION, field: None},
            {},
            400,
            "validation_error",
        )
        for field in ("closesAt", "durationSeconds", "resultsVisibility")
    ),
    (
        "create: both deadlines",
        "POST",
        CREATE,
        {**QUESTION, "closesAt": "2099-01-01T00:00:00Z", "durationSeconds": 60},
        {},
        400,
        "validation_error",
    ),
    # The settings body is checked first (400), before the session and the host.
    *(
        (f"settings: {name}", "POST", f"{VOTE}/settings", body, {}, 400, "validation_error")
        for name, body in (
            ("empty", {}),
            ("unknown field only", {"colour": "red"}),
            ("durationSeconds null", {"durationSeconds": None}),
            ("closesAt null", {"closesAt": None}),
            ("resultsVisibility null", {"resultsVisibility": None}),
            ("both deadlines", {"closesAt": "2099-01-01T00:00:00Z", "durationSeconds": 60}),
            ("array", [{"durationSeconds": 60}]),
        )
    ),
    (
        "settings: no credentials",
        "POST",
        f"{VOTE}/settings",
        {"durationSeconds": 60},
        {},
        401,
        "unauthorized",
    ),
    ("vote: not json", "POST", VOTE, b"choiceIds=1", JSON, 400, "invalid_json"),
    ("vote: text/plain", "POST", VOTE, b'{"choiceIds":["1"]}', TEXT, 415, "unsupported_media_type"),
    (
        "vote: multipart",
        "POST",
        VOTE,
        b"--x--",
        {"content-type": "multipart/form-data; boundary=x"},
        415,
        "unsupported_media_type",
    ),
    ("vote: no choiceIds", "POST", VOTE, {"choice": "1"}, {}, 400, "invalid_ballot"),
    ("vote: choiceIds string", "POST", VOTE, {"choiceIds": "1"}, {}, 400, "invalid_ballot"),
    ("vote: choiceIds numbers", "POST", VOTE, {"choiceIds": [1]}, {}, 400, "invalid_ballot"),
    ("vote: choiceIds null", "POST", VOTE, {"choiceIds": None}, {}, 400, "invalid_ballot"),
    (
        "vote: choiceIds objects",
        "POST",
        VOTE,
        {"choiceIds": [{"id": "1"}]},
        {},
        400,
        "invalid_ballot",
    ),
    ("vote: empty", "POST", VOTE, {"choiceIds": []}, {}, 400, "invalid_ballot"),
    ("vote: two for single", "POST", VOTE, {"choiceIds": ["1", "2"]}, {}, 400, "invalid_ballot"),
    ("vote: unknown id", "POST", VOTE, {"choiceIds": ["0"]}, {}, 400, "invalid_ballot"),
    ("vote: long id", "POST", VOTE, {"choiceIds": ["9" * 5000]}, {}, 400, "invalid_ballot"),
    ("vote: deep nesting", "POST", VOTE, nested(3000), JSON, 400, "invalid_json"),
    ("vote: array body", "POST", VOTE, ["1"], {}, 400, "invalid_ballot"),
    (
        "vote: too large",
        "POST",
        VOTE,
        {"choiceIds": ["1"], "pad": "x" * 17_000},
        {},
        413,
        "payload_too_large",
    ),
    (
        "vote: lying length",
        "POST",
        VOTE,
        b"{}",
        {"content-length": "999999999"},
        413,
        "payload_too_large",
    ),
    ("vote: wrong method", "DELETE", VOTE, None, {}, 405, "method_not_allowed"),
    ("close: no credentials", "POST", f"{VOTE}/close", None, {}, 401, "unauthorized"),
    (
        "close: empty bearer",
        "POST",
        f"{VOTE}/close",
        None,
        {"authorization": "Bearer "},
        401,
        "unauthorized",
    ),
    (
        "close: basic auth",
        "POST",
        f"{VOTE}/close",
        None,
        {"authorization": "Basic eDp5"},
        401,
        "unauthorized",
    ),
    (
        "close: wrong token",
        "POST",
        f"{VOTE}/close",
        None,
        {"authorization": "Bearer " + "A" * 43},
        403,
        "forbidden",
    ),
    (
        "close: odd token",
        "POST",
        f"{VOTE}/close",
        None,
        {"authorization": "Bearer \u00e9t\u00e9-token-1234567890".encode("latin-1")},
        403,
        "forbidden",
    ),
    ("close: GET", "GET", f"{VOTE}/close", None, {}, 405, "method_not_allowed"),
    ("export: format", "GET", f"{VOTE}/export?format=pdf", None, {}, 400, "invalid_parameter"),
    (
        "export: lang",
        "GET",
        f"{VOTE}/export?format=csv&lang=xx",
        None,
        {},
        400,
        "invalid_parameter",
    ),
    ("export: not allowed", "GET", f"{VOTE}/export", None, {}, 403, "results_hidden"),
    ("stream: POST", "POST", f"{VOTE}/stream", None, {}, 405, "method_not_allowed"),
    ("id: short", "GET", "/api/vote/abc", None, {}, 404, "not_found"),
    (
        "id: upper case",
        "GET",
        "/api/vote/5194A7FE-C96F-409A-950A-2D62337F3C0B",
        None,
        {},
        404,
        "not_found",
    ),
    (
        "id: not v4",
        "GET",
        "/api/vote/5194a7fe-c96f-109a-950a-2d62337f3c0b",
        None,
        {},
        404,
        "not_found",
    ),
    ("id: dots", "GET", "/api/vote/..%2F..%2Fetc%2Fpasswd", None, {}, 404, "not_found"),
    ("id: unicode", "GET", "/api/vote/投票", None, {}, 404, "not_found"),
    ("id: very long", "GET", "/api/vote/" + "a" * 10_000, None, {}, 404, "not_found"),
    ("id: vote on odd id", "POST", "/api/vote/%00", {"choiceIds": ["1"]}, {}, 404, "not_found"),
    ("path: unknown action", "GET", f"{VOTE}/results", None, {}, 404, "not_found"),
    ("path: too deep", "GET", f"{VOTE}/export/x", None, {}, 404, "not_found"),
    ("path: unknown api", "GET", "/api/votes", None, {}, 404, "not_found"),
]
