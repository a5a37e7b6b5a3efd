"""Schemathesis hooks for tests/test_fuzz.py (loaded by `schemathesis run` through
SCHEMATHESIS_HOOKS, and imported by the in-process fuzz test).

- The host: a session's or event's host token comes back from creating it; most other
  requests to it carry it, so stateful runs reach the host's operations, and the rest go
  without, as an audience member's would.
- The few refusals a schema cannot state: with every check on, `positive_data_acceptance`
  reports any 4xx other than 401/403/404/409 to a schema-valid request. The API's 400s
  that depend on the session, the event or the clock, not on the request's shape, are
  the only ones let through, each by its message (so any other 400 still fails) and,
  where it is told, only on the operation that can give it:
  - anywhere: two choices (or a scale's statements) equal once trimmed; a deadline in
    the past or after the session expires; a ballot naming a choice this session lacks,
    or two choices in a single-choice session (an event's question also: more choice ids
    than it has choices);
  - an answer to an event's question (`AnswerRequest` is an `anyOf` of every type's
    shape, since the body names no type): a body shaped for another type than the
    question's, and the limits of the question's own config — a word cloud's maxEntries,
    a scale's points and statements, a ranking's rankTop and items — and the event's
    banned words or profanity filter catching an entry;
  - a PATCH of a question: a draft's is merged onto its spec, so a type's required field
    the draft lacks (a single-choice draft turned into a scale without points, a word
    cloud into a choice question without choices) or a rankTop past the items it ends up
    with (QuestionPatch leaves that to the draft, whose items they may be) is the
    draft's doing, not the body's; and an opened question takes only its
    resultsVisibility and deadline, so a PATCH of fields only drafts (or other types)
    take changes nothing and is told so;
  - the other way round, a PATCH of a question accepted although a field of another
    type than the question's breaks that type's rule (`maxEntries: 99` to a choice
    question): the question ignores the field, as any field it does not have;
  - a whole number sent as 3.0 where a question type takes JSON integers only (a
    scale's points, a ranking's rankTop, a word cloud's maxEntries): JSON Schema's
    `integer` is any number with no fraction, so no schema can refuse 3.0 and keep 3;
  - a question to the host (`POST …/qa`) with `nickname: true` from a participant who has
    not chosen one (PUT …/me): whose nickname it would show is the cookie's, not the
    body's. (Q&A's other refusals of valid bodies — Q&A off, a 21st question, an entry
    not shown, a second upvote — are 409s, which valid data may meet.)
  And one 413: a body past TOHYO_MAX_BODY, which no schema can state in bytes.
- One 404 of a resource just made: an answer to a question just added. Adding makes a
  draft, and participants never find a draft (404, as any question they cannot see), so
  the schema links a question's answers from `open`, never from adding it; the stateful
  phase's own inference links them anyway (ensure_resource_availability, ST302).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import schemathesis

from tohyo.web.openapi_question_types import PATCH_PROPERTIES, SPEC_FIELDS
from tohyo.web.openapi_questions import QUESTION_PATCH

HOST_TOKENS: dict[str, str] = {}
_turns = itertools.count()

# (code, words in the error or a detail) of each refusal the schema cannot state.
STATEFUL_REFUSALS = (
    ("validation_error", "duplicates another choice"),
    ("validation_error", "duplicates another statement"),
    ("validation_error", "seconds in the future"),
    ("validation_error", "must be no later than"),
    ("invalid_ballot", "Unknown choice id"),
    ("invalid_ballot", "accepts exactly one choice"),
    # An event's question: more choice ids than this question has choices.
    ("invalid_ballot", "This question has"),
    # A nickname the event's filters catch, or one another player holds (409).
    ("validation_error", "nickname is not allowed in this event"),
)
# An answer to an event's question (see above): the question's type and config decide.
ANSWER_REFUSALS = tuple(
    ("invalid_ballot", words)
    for words in (
        # Shaped for another type: the field this question's type reads is not there.
        *("choiceIds must be a list", "entries must be a list", "text must be a string"),
        *("ranking must be a list", "value must be a whole number", "values must be a list"),
        # This question's config: how many entries, points, statements, items to rank.
        *("This question takes at most", "This scale has no statements", "This scale rates"),
        *("The rating of statement", "Rank all", "Rank exactly"),
        # The event's filters.
        "is not allowed in this event",
    )
)
# A PATCH of a question (see above): a draft's merged onto its spec, an opened one's.
PATCH_REFUSALS = (
    ("validation_error", "points must be a whole number"),
    ("validation_error", "rankTop must be a whole number"),
    ("validation_error", "choices must be a list of {text} objects"),
    # A quiz's rules met by the draft's fields: its choices (which `correct` must name),
    # its planned deadline or allowChange (a draft of another type turned into a quiz).
    ("validation_error", "correct must"),
    ("validation_error", "timeLimit must be a whole number"),
    ("validation_error", "is not for a quiz"),
    ("validation_error", "must be false for a quiz"),
    # An opened question: only its live fields count, and a body with none of them (a
    # field of another type only, which it ignores) changes nothing.
    ("validation_error", "Give resultsVisibility, closesAt or durationSeconds"),
)
# A question to the host (see above): the asker has no nickname to show.
QA_ASK_REFUSALS = (("validation_error", "Choose a nickname first"),)
ANSWER = re.compile(r"^/api/events/[^/]+/questions/[^/]+/responses$")
QA_ASK = re.compile(r"^/api/events/[^/]+/qa$")
QUESTION = re.compile(r"^/api/events/[^/]+/questions/[^/]+$")


def _words(body: dict[str, Any]) -> list[str]:
    """The error and each detail as "field message", as the server words them."""
    words = [str(body.get("error", ""))]
    details = body.get("details")
    if isinstance(details, list):
        for d in details:
            if isinstance(d, dict):
                words.append(f"{d.get('field', '')} {d.get('message', '')}".strip())
    return words


def _refused_for(body: dict[str, Any], refusals: tuple[tuple[str, str], ...]) -> bool:
    words = _words(body)
    return any(
        body.get("code") == code and any(phrase in w for w in words) for code, phrase in refusals
    )


def is_stateful_refusal(
    status: int, body: Any, method: str = "", path: str = "", sent: Any = None
) -> bool:
    """Whether a response is a 400 for a rule that depends on the session, the event, the
    draft, the caller or the clock (or a 3.0 where 3 is taken): `method` and `path` the
    request's, `sent` its body as JSON."""
    if status != 400 or not isinstance(body, dict):
        return False
    if _refused_for(body, STATEFUL_REFUSALS) or _integral_float_refused(body, sent):
        return True
    if method == "POST" and ANSWER.match(path):
        return _refused_for(body, ANSWER_REFUSALS)
    if method == "PATCH" and QUESTION.match(path):
        return _refused_for(body, PATCH_REFUSALS)
    if method == "POST" and QA_ASK.match(path):
        return _refused_for(body, QA_ASK_REFUSALS)
    return False


# QuestionPatch as the question's own type reads it: the fields only other types take
# left out (see is_ignored_field_acceptance), and so its "at least one field" too;
# formats checked, as schemathesis checks them.
_OWN_PATCH = jsonschema_rs.validator_for(
    {k: v for k, v in QUESTION_PATCH.items() if k != "anyOf"}, validate_formats=True
)


def is_ignored_field_acceptance(method: str, path: str, sent: Any, reply: Any) -> bool:
    """Whether a schema-violating PATCH of a question was accepted only because what
    violates the schema is in fields of other types than the question's (the reply's):
    without them, the body is valid."""
    if method != "PATCH" or not QUESTION.match(path):
        return False
    if not isinstance(sent, dict) or not isinstance(reply, dict):
        return False
    own = SPEC_FIELDS.get(str(reply.get("type")))
    if own is None:
        return False
    others = set(PATCH_PROPERTIES) - set(own.properties)
    return bool(_OWN_PATCH.is_valid({k: v for k, v in sent.items() if k not in others}))


def _integral_float_refused(body: dict[str, Any], sent: Any) -> bool:
    """A whole number refused where the request gave it as a float (3.0): every detail of
    the 400 is such a field, so nothing else about the body was refused."""
    details = body.get("details")
    if body.get("code") != "validation_error" or not isinstance(details, list) or not details:
        return False
    return all(
        isinstance(d, dict)
        and "must be a whole number" in str(d.get("message", ""))
        and _is_integral_float(_at(sent, str(d.get("field", ""))))
        for d in details
    )


def _at(value: Any, field: str) -> Any:
    """The part of `value` a detail's field names (`questions[2].points`), or None."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _is_integral_float(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer()


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


def _request(response: Any) -> tuple[str, str, Any]:
    """The method, path and JSON body of the request `response` answers."""
    request = response.request
    sent = request.body
    try:
        sent = json.loads(sent) if sent else None
    except ValueError:
        sent = None
    return str(request.method).upper(), urlsplit(str(request.url)).path, sent


def is_answer_to_a_draft(name: str, response: Any) -> bool:
    """Whether a failure is ST302 for an answer to a question just added (a draft)."""
    if name != "EnsureResourceAvailability" or response.status_code != 404:
        return False
    method, path, _ = _request(response)
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        method == "POST"
        and re.fullmatch(r"/api/events/[^/]+/questions/[^/]+/responses", path) is not None
        and isinstance(body, dict)
        and body.get("code") == "not_found"
        and body.get("error") == "No such question in this event"
    )


def kept(failure: Any, response: Any) -> bool:
    """Keep every failure but the refusals the schema cannot rule out: a stateful 400 of
    valid data, a 413 of any data, and a draft not found by an answer."""
    name = type(failure).__name__
    if is_answer_to_a_draft(name, response):
        return False
    if name not in ("RejectedPositiveData", "AcceptedNegativeData"):
        return True
    try:
        body = response.json()
    except ValueError:
        return True
    if is_size_refusal(response.status_code, body):
        return False
    request = _request(response)
    if name == "AcceptedNegativeData":
        return not is_ignored_field_acceptance(request[0], request[1], request[2], body)
    return not is_stateful_refusal(response.status_code, body, *request)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    return kept(failure, response)
