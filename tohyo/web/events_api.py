"""The event JSON API (../shared/EVENTS.md "HTTP surface"): routes, and the handlers of
the event as a whole — create, read, configure, present, order, end, host, join, stream.

`tohyo.web.api.handle` hands over every path under /api/events and /api/join (after the
poll routes, so the vote's path costs nothing more). As for polls, routes are matched by
splitting the path: `/api/events/{eventId}[/action]`,
`/api/events/{eventId}/questions/{questionId}[/action]`,
`/api/events/{eventId}/qa/{entryId}/{action}` (event_qa_api), `/api/join/{code}`; the method
is checked first (405), then the event id's form (404). A question's own handlers are in
`event_questions_api`, the exports in `event_exports_api`.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tohyo import domain
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event
from tohyo.domain.event_specs import parse_event, parse_order, parse_present
from tohyo.domain.event_views import event_view
from tohyo.errors import InvalidState, MethodNotAllowed, NotFound
from tohyo.web import event_exports_api as exports
from tohyo.web import event_moderation_api as moderation
from tohyo.web import event_qa_api as qa
from tohyo.web import event_questions_api as questions
from tohyo.web import event_quiz_api as quiz
from tohyo.web import security
from tohyo.web.event_requests import (
    EVENT_GONE,
    EventRoute,
    caller,
    host_change,
    hosted,
    join_url,
)
from tohyo.web.http import Request, Send, cookie, send_json

if TYPE_CHECKING:
    from tohyo.web.api import Context

ROOTS = ("events", "join")  # parts[2] of the paths this module serves

Handler = Callable[["Context", Request, EventRoute, Send], Awaitable[None]]


# --- routing ---------------------------------------------------------------------------


def route(parts: list[str], method: str) -> tuple[EventRoute, str]:
    """The handler of `/api/events…` or `/api/join…` (`parts` is the path split at "/"),
    bound to the ids it names; as `api.route` returns, with no session id."""
    if parts[2] == "join":
        if len(parts) != 4 or not parts[3]:
            raise NotFound("No such endpoint")
        return EventRoute(_pick({"GET": join}, method), code=parts[3]), ""
    n = len(parts)
    if n == 3 or (n == 4 and parts[3] == ""):
        return EventRoute(_pick({"POST": create}, method)), ""
    table: dict[str, Handler] | None
    if n == 4:
        table = EVENT
    elif n == 5:
        table = EVENT_ACTIONS.get(parts[4])
    elif parts[4] == "qa":  # /qa/export, /qa/{entryId}/{action}: no methods of an entry's own
        table = QA_EXPORT.get(parts[5]) if n == 6 else qa.ACTIONS.get(parts[6]) if n == 7 else None
    elif parts[4] != "questions" or n > 7:
        table = None
    elif n == 6:
        table = QUESTION
    else:
        table = QUESTION_ACTIONS.get(parts[6])
    if table is None:
        raise NotFound("No such endpoint")
    handler = _pick(table, method)
    event_id = parts[3]
    if not domain.is_session_id(event_id):  # event ids are UUID4, as session ids
        raise NotFound(EVENT_GONE)
    return EventRoute(handler, event_id, parts[5] if n >= 6 else ""), ""


def _pick(table: dict[str, Handler], method: str) -> Handler:
    handler = table.get(method)
    if handler is None:
        raise MethodNotAllowed(details={"allowed": sorted(table)})
    return handler


# --- handlers --------------------------------------------------------------------------


async def create(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    await ctx.budgets.spend("create", request.address)
    draft = parse_event(await request.json(ctx.settings.max_body))
    now = ctx.objects.clock()
    for i, spec in enumerate(draft.questions):
        questions.planned_ahead(
            spec, now, now + ctx.objects.events.retention_ms, f"questions[{i}]."
        )
    event_id = str(uuid.uuid4())
    host_token = secrets.token_urlsafe(32)
    key = security.host_key(ctx.server_key, event_id, host_token)
    event = await ctx.objects.events.create(draft, event_id, key)
    url = join_url(ctx, request, event_id)
    body = {
        "eventId": event_id,
        "code": event.code,
        "joinUrl": url,
        # The token rides in the fragment: browsers never send it to a server or a log.
        "hostUrl": f"{url}/host#host={host_token}",
        "hostToken": host_token,
        "createdAt": domain.iso(event.created_at),
        "expiresAt": domain.iso(event.expires_at),
        # What the questions were named, so a client can go on without reading the event.
        "questionIds": [q.question_id for q in event.questions],
    }
    lifetime = max(1, (event.expires_at - event.created_at) // 1000)
    host_cookie = cookie(
        security.host_cookie_name(event_id), host_token, max_age=lifetime, secure=request.secure
    )
    await send_json(send, 201, body, [host_cookie])


async def read(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """The event as this viewer may see it: no drafts for participants, results as each
    question's visibility allows, the version only where it counts nothing hidden."""
    seen = await caller(ctx, request, at.event_id)
    view = event_view(seen.event, host=seen.host, answered=seen.answered)
    view["isHost"] = seen.host
    view["joinUrl"] = join_url(ctx, request, at.event_id)
    await send_json(send, 200, view)


async def _host_view(send: Send, event: Event) -> None:
    await send_json(send, 200, {**event_view(event, host=True), "isHost": True})


async def configure(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`PATCH`: `{title?, pace?, bannedWords?, profanityFilter?}`; the pace may switch
    while the event is live, the filters even once it has ended (event_moderation_api)."""
    await _host_view(send, await moderation.configure(ctx, request, at.event_id))


async def present(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`{questionId}` or `{questionId: null}`. A question the event lacks is named by the
    body, not the path: 409 invalid_state, as an order naming one is (a 404 would say
    there is no such event)."""
    question_id = parse_present(await request.json(ctx.settings.max_body))

    def presenting(event: Event, now: int) -> Event:
        transitions.require_live(event)
        if question_id is not None and event.question(question_id) is None:
            raise InvalidState("No such question in this event", {"questionId": question_id})
        return transitions.present(event, question_id)

    event = await host_change(ctx, request, at.event_id, presenting)
    await _host_view(send, event)


async def order(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    question_ids = parse_order(await request.json(ctx.settings.max_body))
    event = await host_change(
        ctx, request, at.event_id, lambda e, now: transitions.reorder(e, question_ids)
    )
    await _host_view(send, event)


async def end(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """Every open question closes and the join code is released; ending again is the same
    200. The event is kept for the retention from now, longer than the host cookie set at
    creation: the cookie is renewed to match."""
    retention = ctx.objects.events.retention_ms
    event = await host_change(
        ctx, request, at.event_id, lambda e, now: transitions.end_event(e, now, retention)
    )
    headers: list[tuple[bytes, bytes]] = []
    token = security.presented_host_token(request, at.event_id)
    if token is not None:
        left = max(1, (event.expires_at - ctx.objects.clock()) // 1000)
        name = security.host_cookie_name(at.event_id)
        headers.append(cookie(name, token, max_age=left, secure=request.secure))
    await send_json(send, 200, {**event_view(event, host=True), "isHost": True}, headers)


async def claim_host(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """Trade the host token (Bearer) for the host cookie, as polls' `/host`: a `hostUrl`
    opened on another device becomes the host console there."""
    event = await hosted(ctx, request, at.event_id)
    token = security.presented_host_token(request, at.event_id)
    assert token is not None
    left = max(1, (event.expires_at - ctx.objects.clock()) // 1000)
    host_cookie = cookie(
        security.host_cookie_name(at.event_id), token, max_age=left, secure=request.secure
    )
    await send_json(send, 200, {"eventId": at.event_id, "isHost": True}, [host_cookie])


async def join(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET /api/join/{code}`: the live event holding this code. Spaces, dashes and
    full-width digits are forgiven; anything else is no code, and a clear 404."""
    await ctx.budgets.spend("join", request.address)
    event_id = await ctx.objects.events.find_code(at.code)
    if event_id is None:
        raise NotFound("No live event has this code")
    await send_json(send, 200, {"eventId": event_id, "joinUrl": join_url(ctx, request, event_id)})


def stream(ctx: Context, request: Request, at: EventRoute, send: Send) -> Awaitable[None]:
    # The stream's coroutine itself, not one awaiting it: a frame fewer per open stream.
    from tohyo.web.event_stream import serve_event_stream

    return serve_event_stream(ctx, request, at.event_id, send)


EVENT: dict[str, Handler] = {"GET": read, "PATCH": configure}
EVENT_ACTIONS: dict[str, dict[str, Handler]] = {
    "questions": {"POST": questions.add},
    "present": {"POST": present},
    "order": {"POST": order},
    "end": {"POST": end},
    "host": {"POST": claim_host},
    "export": {"GET": exports.export_event},
    "stream": {"GET": stream},
    "me": {"GET": quiz.read_me, "PUT": quiz.name_me},
    "leaderboard": {"GET": quiz.leaderboard},
    "qa": {"GET": qa.board, "POST": qa.ask},
}
QA_EXPORT: dict[str, dict[str, Handler]] = {"export": {"GET": exports.export_qa}}
QUESTION: dict[str, Handler] = {"PATCH": questions.edit, "DELETE": questions.delete}
QUESTION_ACTIONS: dict[str, dict[str, Handler]] = {
    "open": {"POST": questions.open_},
    "close": {"POST": questions.close},
    "reset": {"POST": questions.reset},
    "responses": {"POST": questions.answer},
    "export": {"GET": exports.export_question},
    "moderation": {"POST": moderation.moderate},
}
