"""What every event handler does first: who is asking, the host's changes in the order
polls check them, optional bodies, and the URLs an event is reached by.

The order of a host's change is the polls' own: the body (400), the event (404), the host
(401, 403), then what the event's state allows (403 closed, 409 invalid_state, 409
event_ended), the last decided at the event's serialization point by the transition.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tohyo.domain.event import Event
from tohyo.domain.event_views import question_view
from tohyo.errors import NotFound
from tohyo.web import security
from tohyo.web.event_access import (
    EventCaller,
    is_event_host,
    participant_key,
    require_event_host,
)
from tohyo.web.http import Request, Send

if TYPE_CHECKING:
    from tohyo.web.api import Context

HostChange = Callable[[Event, int], Event]
EVENT_GONE = "No such event (it may have expired)"


@dataclass(frozen=True, slots=True)
class EventRoute:
    """A route's handler bound to the ids its path names: what `api.handle` calls."""

    handler: Callable[[Context, Request, EventRoute, Send], Awaitable[None]]
    event_id: str = ""
    question_id: str = ""
    code: str = ""

    def __call__(self, ctx: Context, request: Request, _: str, send: Send) -> Awaitable[None]:
        # The handler's coroutine itself, not one awaiting it: a frame fewer per stream.
        return self.handler(ctx, request, self, send)


async def caller(ctx: Context, request: Request, event_id: str) -> EventCaller:
    """The event as storage has it, what this browser has answered, whether it is the host."""
    participant = participant_key(ctx.server_key, request, event_id)
    try:
        event, answered = await ctx.objects.events.get(event_id, participant)
    except NotFound:
        raise NotFound(EVENT_GONE) from None
    host = is_event_host(ctx.server_key, request, event)
    return EventCaller(event, answered, host, participant)


async def hosted(ctx: Context, request: Request, event_id: str) -> Event:
    """The event, if this request is its host's: 404, then 401 or 403."""
    try:
        event, _ = await ctx.objects.events.get(event_id, None)
    except NotFound:
        raise NotFound(EVENT_GONE) from None
    require_event_host(ctx.server_key, request, event)
    return event


async def host_change(ctx: Context, request: Request, event_id: str, change: HostChange) -> Event:
    """A host's change, applied at the event's serialization point once the host is known."""
    await hosted(ctx, request, event_id)
    return await ctx.objects.events.change(event_id, change)


async def optional_json(request: Request, limit: int) -> tuple[bool, Any]:
    """Whether there is a body, and it as JSON (open and reset take one or not). A body of
    `null` is a body: only none at all means "not given"."""
    headers = request.headers
    length = headers.get(b"content-length")
    if (length is None or length.strip() == b"0") and b"transfer-encoding" not in headers:
        return False, None
    return True, await request.json(limit)


def same_origin(ctx: Context, request: Request) -> None:
    """PATCH and DELETE change state as POST does: the same check (handle() runs it for
    POST). A browser sends neither cross-site without a preflight tohyo never answers, so
    this is a second fence, not the first."""
    security.require_same_origin(request, ctx.settings.public_url)


def join_url(ctx: Context, request: Request, event_id: str) -> str:
    return f"{request.base_url(ctx.settings.public_url)}/e/{event_id}"


def host_question(event: Event, question_id: str) -> dict[str, Any]:
    """A question as its host sees it (the reply of every change to one question)."""
    for position, question in enumerate(event.questions, start=1):
        if question.question_id == question_id:
            return question_view(event, question, host=True, answered=(), position=position)
    raise AssertionError(f"{question_id} is not in {event.event_id}")


def cookie_lifetime(ctx: Context) -> int:
    """The voter cookie's Max-Age: the poll's vote, an answer, the event stream and the
    phone page all set the one rule (`security.voter_cookie_lifetime`). The event's set
    it again on every answer and every participant's page and stream, so it never runs
    out in the middle of an event (a new cookie would be a new participant, and an open
    stream would go on under the old one)."""
    return security.voter_cookie_lifetime(ctx.settings.session_ttl, ctx.settings.event_retention)
