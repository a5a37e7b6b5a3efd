"""Schemathesis hooks for tests/test_fuzz.py (loaded by `schemathesis run` through
SCHEMATHESIS_HOOKS, and imported by the in-process fuzz test).

- The host: a session's or event's host token comes back from creating it; most other
  requests to it carry it, so stateful runs reach the host's operations, and the rest go
  without, as an audience member's would.
- The few refusals a schema cannot state: with every check on, `positive_data_acceptance`
  reports any 4xx other than 401/403/404/409 to a schema-valid request. Three of the
  API's 400s depend on the session or the clock, not on the request's shape, and are
  the only ones let through (each by its message, so any other 400 still fails):
  two choices equal once trimmed; a deadline in the past or after the session expires;
  a ballot naming a choice this session lacks, or two choices in a single-choice session
  (for an event's question also: more choice ids than it has choices). And one 413: a
  body past TOHYO_MAX_BODY, which no schema can state in bytes.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis

HOST_TOKENS: dict[str, str] = {}
_turns = itertools.count()

# (code, words in the error or a detail) of each refusal the schema cannot state.
STATEFUL_REFUSALS = (
    ("validation_error", "duplicates another choice"),
    ("validation_error", "seconds in the future"),
    ("validation_error", "must be no later than"),
    ("invalid_ballot", "Unknown choice id"),
    ("invalid_ballot", "accepts exactly one choice"),
    # An event's question: more choice ids than this question has choices.
    ("invalid_ballot", "This question has"),
)


def is_stateful_refusal(status: int, body: Any) -> bool:
    """Whether a response is a 400 for a rule that depends on the session or the clock."""
    if status != 400 or not isinstance(body, dict):
        return False
    details = body.get("details")
    words = [str(body.get("error", ""))]
    if isinstance(details, list):
        words += [str(d.get("message", "")) for d in details if isinstance(d, dict)]
    return any(
        body.get("code") == code and any(phrase in w for w in words)
        for code, phrase in STATEFUL_REFUSALS
    )


def remember_host(method: str, path: str, status: int, body: Any) -> None:
    if method.upper() == "POST" and path == "/api/vote" and status == 201:
        HOST_TOKENS[body["sessionId"]] = body["hostToken"]
    if method.upper() == "POST" and path == "/api/events" and status == 201:
        HOST_TOKENS[body["eventId"]] = body["hostToken"]


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    if response.status_code == 201:
        remember_host(case.method, case.path, response.status_code, response.json())


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    parameters = case.path_parameters or {}
    token = HOST_TOKENS.get(parameters.get("sessionId") or parameters.get("eventId") or "")
    headers = case.headers or {}
    if token and "authorization" not in {k.lower() for k in headers} and next(_turns) % 4:
        case.headers = {**headers, "Authorization": f"Bearer {token}"}


def is_size_refusal(status: int, body: Any) -> bool:
    """Whether a response is the 413 of a body past the server's byte limit: a limit of
    size, not of shape (an event created with many long questions passes it while every
    field is valid), and as much a refusal of broken data as a 400."""
    return status == 413 and isinstance(body, dict) and body.get("code") == "payload_too_large"


def kept(failure: Any, response: Any) -> bool:
    """Keep every failure but the refusals the schema cannot rule out: a stateful 400 of
    valid data, and a 413 of any data."""
    name = type(failure).__name__
    if name not in ("RejectedPositiveData", "AcceptedNegativeData"):
        return True
    try:
        body = response.json()
    except ValueError:
        return True
    if is_size_refusal(response.status_code, body):
        return False
    return not (name == "RejectedPositiveData" and is_stateful_refusal(response.status_code, body))


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    return kept(failure, response)
