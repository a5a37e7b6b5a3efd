"""The handlers of one question of an event: add, edit, delete (drafts), open, close,
reset, and a participant's answer.

Every host's change is a pure transition applied at the event's serialization point
(`EventObjects.change`), timed there: a deadline given with open or reset is resolved
against the event as it is when the change applies, not as it was when read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tohyo import domain
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, Question
from tohyo.domain.event_specs import (
    QuestionSpec,
    parse_opening,
    parse_question,
    parse_question_patch,
)
from tohyo.domain.validation import DEADLINE_FIELDS, Deadline, issue
from tohyo.errors import RoundChanged, StorageError, ValidationFailed, VotingClosed
from tohyo.event_objects import opening_deadline
from tohyo.web import security
from tohyo.web.event_access import voter_cookie, voter_token
from tohyo.web.event_requests import (
    EventRoute,
    cookie_lifetime,
    host_change,
    host_question,
    optional_json,
    same_origin,
)
from tohyo.web.http import Request, Send, send_json

if TYPE_CHECKING:
    from tohyo.web.api import Context

# What a PATCH may name: every field of a choice question's spec (a draft takes any of
# them, an opened question only resultsVisibility and a deadline). A new question type
# adds its own config fields here.
# What a PATCH of a draft may name: the fields every question has, and each type's own
# (tests/test_events_api_errors.py checks every type's config view is covered).
PATCH_FIELDS = frozenset(
    {
        "type",
        "prompt",
        "resultsVisibility",
        "allowChange",
        *DEADLINE_FIELDS,
        "choices",  # choice questions and rankings
        "rankTop",
        "maxEntries",  # word clouds
        "moderation",  # open text
        "points",  # rating scales
        "labels",
        "statements",
        "correct",  # quizzes
        "timeLimit",
        "scoring",
    }
)
ROUND_RULE = "must be a whole number, 1 or more"


def planned_ahead(spec: QuestionSpec, now: int, expires_at: int, prefix: str = "") -> None:
    """A spec's `closesAt` must be ahead when it is given, as a poll's deadline: at least
    DURATION_MIN seconds away and before the event expires (400 else). It may pass while
    the question waits as a draft: then opening it drops it."""
    deadline = spec.deadline
    if deadline is None or deadline.at is None:
        return
    try:
        deadline.resolve(now, expires_at)
    except ValidationFailed as error:
        details = [issue(prefix + d["field"], d["message"]) for d in error.details]
        raise ValidationFailed(error.message, details) from None


async def add(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`POST …/questions`: a spec → 201, the new draft (last in the order)."""
    spec = parse_question(await request.json(ctx.settings.max_body))
    named: list[str] = []

    def adding(event: Event, now: int) -> Event:
        transitions.require_live(event)
        planned_ahead(spec, now, event.expires_at)
        # A shared store may run a change more than once: the last run is the one kept.
        named[:] = [f"q{event.next_question}"]
        return transitions.add_question(event, spec)

    event = await host_change(ctx, request, at.event_id, adding)
    await send_json(send, 201, host_question(event, named[0]))


async def edit(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`PATCH …/questions/{id}`: a draft takes any spec field, merged onto what it has; an
    opened question only `resultsVisibility` and a deadline (409 invalid_state else).

    A PATCH must name a field it knows (400 first, as every body). What else it may say
    depends on the question, so the rest of the body is read once the question is known:
    after the event (404) and the host (401, 403), at the serialization point, on the
    question as it is there: merged onto a copy read before, a PATCH would put back what
    another one changed meanwhile."""
    same_origin(ctx, request)
    body = await request.json(ctx.settings.max_body)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    if not PATCH_FIELDS & set(body):
        raise ValidationFailed(
            "Give a field to change", [issue("", "must have one of " + ", ".join(PATCH_FIELDS))]
        )
    given = any(name in body for name in DEADLINE_FIELDS)

    def change(event: Event, now: int) -> Event:
        question = transitions.find(event, at.question_id)
        planned = _with_plan(question, body, now)
        spec, visibility, deadline = parse_question_patch(question, planned)
        if spec is None:
            return _configured(event, at.question_id, visibility, deadline, now)
        transitions.require_live(event)
        if given:
            planned_ahead(spec, now, event.expires_at)
        return transitions.edit_question(event, at.question_id, spec)

    event = await host_change(ctx, request, at.event_id, change)
    await send_json(send, 200, host_question(event, at.question_id))


def _with_plan(question: Question, body: dict[str, Any], now: int) -> dict[str, Any]:
    """A draft keeps the deadline it is planned with unless the PATCH gives another (the
    stored spec the PATCH is merged onto has none: `spec_fields` leaves it out); a planned
    time that has passed is dropped, as opening the draft would drop it."""
    if question.status != "draft" or any(name in body for name in DEADLINE_FIELDS):
        return body
    if body.get("type", question.type) == "quiz":
        return body  # a quiz's deadline is its timeLimit, in the spec (a draft made one too)
    if question.duration is not None:
        return {**body, "durationSeconds": question.duration}
    planned = question.closes_at
    if planned is not None and planned >= now + domain.DURATION_MIN * 1000:
        return {**body, "closesAt": domain.iso(planned)}
    return body


def _configured(
    event: Event,
    question_id: str,
    visibility: domain.Visibility | None,
    deadline: Deadline | None,
    now: int,
) -> Event:
    """Who sees an opened question's results, and its deadline, as polls' settings: a
    deadline for a closed question is 403 closed before it is checked against the clock."""
    transitions.require_live(event)
    question = transitions.find(event, question_id)
    closes_at = None
    if deadline is not None:
        if question.status != "open":
            raise VotingClosed("A deadline can be set only while the question is open")
        closes_at = deadline.resolve(now, event.expires_at)
    return transitions.configure_question(event, question_id, visibility, closes_at)


async def delete(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`DELETE …/questions/{id}`: drafts only (409 invalid_state once opened)."""
    same_origin(ctx, request)
    await host_change(
        ctx, request, at.event_id, lambda e, now: transitions.delete_question(e, at.question_id)
    )
    body = {"eventId": at.event_id, "questionId": at.question_id, "deleted": True}
    await send_json(send, 200, body)


async def open_(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """draft or closed → open; a reopened question continues its round. Optional body
    `{closesAt}` or `{durationSeconds}`; without one the question's own duration, or the
    time a draft was planned to close at, applies."""
    body = await _optional_object(ctx, request)
    asked = parse_opening(body) if body is not None else None

    def opening(event: Event, now: int) -> Event:
        transitions.require_live(event)
        question = transitions.find(event, at.question_id)
        if question.status == "open":  # open already: only a deadline given now changes it
            closes_at = asked.resolve(now, event.expires_at) if asked is not None else None
        else:
            closes_at = opening_deadline(question, asked, now, event.expires_at)
        return transitions.open_question(event, at.question_id, now, closes_at)

    event = await host_change(ctx, request, at.event_id, opening)
    await send_json(send, 200, host_question(event, at.question_id))


async def _optional_object(ctx: Context, request: Request) -> dict[str, Any] | None:
    """The optional body of open and reset: none, or an object (anything else is 400)."""
    given, body = await optional_json(request, ctx.settings.max_body)
    if not given:
        return None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    return body


def round_field(body: dict[str, Any], problems: list[dict[str, str]]) -> int | None:
    """The optional `round` of an answer or a reset: the round the request was made for,
    as the page making it showed the question. None when not given: any round will do."""
    if "round" not in body:
        return None
    value = body["round"]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has numbers, not integers: 2.0 is 2
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    problems.append(issue("round", ROUND_RULE))
    return None


def _reset_body(body: dict[str, Any]) -> tuple[Deadline | None, int | None]:
    """Reset's body: open's deadline, and the round the host saw (every problem at once)."""
    problems: list[dict[str, str]] = []
    seen = round_field(body, problems)
    try:
        asked = parse_opening(body)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, [*error.details, *problems]) from None
    if problems:
        raise ValidationFailed("round " + ROUND_RULE, problems)
    return asked, seen


async def close(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    event = await host_change(
        ctx, request, at.event_id, lambda e, now: transitions.close_question(e, at.question_id, now)
    )
    await send_json(send, 200, host_question(event, at.question_id))


async def reset(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """A new round, open at once (the earlier rounds are kept); the optional body is
    open's, and may say which round the host saw (`round`): if the question has moved on
    from it by the time this applies (the same reset retried, or another screen's first),
    409 round_changed, and no round more."""
    body = await _optional_object(ctx, request)
    asked, seen = _reset_body(body) if body is not None else (None, None)

    def resetting(event: Event, now: int) -> Event:
        transitions.require_live(event)
        question = transitions.find(event, at.question_id)
        if question.status == "draft":  # the transition says why, before any deadline
            return transitions.reset_question(event, at.question_id, now)
        if seen is not None and question.round != seen:
            raise RoundChanged(question.round)
        closes_at = opening_deadline(question, asked, now, event.expires_at)
        return transitions.reset_question(event, at.question_id, now, closes_at)

    event = await host_change(ctx, request, at.event_id, resetting)
    await send_json(send, 200, host_question(event, at.question_id))


async def answer(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """A participant's answer, as a vote: the voter cookie names them (set when new, and
    renewed by every answer, so it lasts the event out), the question's type checks the
    body, storage checks open, round and once. 201 only once the answer is durable."""
    await ctx.budgets.spend("vote", request.address, at.event_id)
    body = await request.json(ctx.settings.max_body)
    meant = _answer_round(body)
    token, fresh = voter_token(request)
    participant = security.voter_key(ctx.server_key, at.event_id, token)
    minted = voter_cookie(token, cookie_lifetime(ctx), request)
    now = ctx.objects.clock()  # one reading: answeredAt is the time stored with the answer
    try:
        _, round_ = await ctx.objects.events.answer(
            at.event_id, participant, at.question_id, body, now=now, expected_round=meant
        )
    except StorageError as error:
        if fresh:
            # The outcome is unknown: the answer may be stored under this new token. The
            # retry must carry it, or it would count again under another one.
            error.headers.append(minted)
        raise
    reply = {
        "message": "Your answer has been recorded",
        "answeredAt": domain.iso(now),
        "questionId": at.question_id,
        "round": round_,  # the round it was recorded in (the event may be newer)
    }
    await send_json(send, 201, reply, [minted])


def _answer_round(body: Any) -> int | None:
    """The round an answer is meant for, when it says (`round`): storage refuses it, 409
    round_changed, if the question is in another one by then — an answer to a question
    since reset is not counted in the new round. (A body that is no object is the
    question type's to refuse.)"""
    if not isinstance(body, dict):
        return None
    problems: list[dict[str, str]] = []
    meant = round_field(body, problems)
    if problems:
        raise ValidationFailed("round " + ROUND_RULE, problems)
    return meant
