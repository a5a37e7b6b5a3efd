"""The host's moderation over HTTP: `POST …/questions/{questionId}/moderation` (hide,
restore or approve one entry of a word cloud or open-text question) and the event's
filters, which `PATCH /api/events/{id}` takes with its title and pace.

Each is a host's change like any other (`event_requests.host_change`): the body first
(400), then the event (404) and the host (401, 403), then what the event allows (409),
decided at the event's serialization point by the pure transitions of
`domain.event_moderation` — atomic, durable, versioned, and on every open stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tohyo.domain import event_moderation as moderation
from tohyo.domain import profanity
from tohyo.domain.event import Event
from tohyo.domain.event_specs import parse_event_changes
from tohyo.web.event_requests import EventRoute, host_change, host_question, hosted, same_origin
from tohyo.web.http import Request, Send, send_json

if TYPE_CHECKING:
    from tohyo.web.api import Context


async def moderate(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`{key, action}` → 200, the question as its host sees it (results flag the entry)."""
    asked = moderation.parse_moderation(await request.json(ctx.settings.max_body))
    event = await host_change(
        ctx,
        request,
        at.event_id,
        lambda e, now: moderation.moderate(e, at.question_id, asked.key, asked.action),
    )
    await send_json(send, 200, host_question(event, at.question_id))


async def configure(ctx: Context, request: Request, event_id: str) -> Event:
    """`PATCH /api/events/{id}` applied: title and pace while live, the filters at any
    time. Turning the profanity filter on loads its word list first, once the host is
    known: if it cannot load, 409 and the event is untouched."""
    same_origin(ctx, request)
    patch = parse_event_changes(await request.json(ctx.settings.max_body))
    await hosted(ctx, request, event_id)
    if patch.profanity:
        profanity.require_available()
    return await ctx.objects.events.change(
        event_id, lambda e, now: moderation.apply_event_patch(e, patch)
    )
