"""An event's audience Q&A over HTTP (../shared/EVENTS.md, the Q&A rows):

- `GET …/qa`: the entries this viewer may see (the host: all of them);
- `POST …/qa` `{text, nickname?}`: a participant's question → 201 `{entryId, status, …}`;
- `POST`/`DELETE …/qa/{entryId}/upvote`: 201 / 200 `{entryId, upvotes, upvoted}`, a
  second upvote 409 already_voted;
- `POST …/qa/{entryId}/approve` · `hide` · `answered` · `pin` · `unpin`: the host's.

The voter cookie names the participant, as for answers: one upvote per cookie per entry
(a browser without one is given one by its first question or upvote).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tohyo.domain import qa
from tohyo.errors import NotFound, StorageError
from tohyo.web import security
from tohyo.web.event_access import voter_cookie, voter_token
from tohyo.web.event_requests import (
    EVENT_GONE,
    EventRoute,
    caller,
    cookie_lifetime,
    hosted,
    same_origin,
)
from tohyo.web.http import Request, Send, send_json

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from tohyo.web.api import Context


async def board(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET …/qa`: shown entries (and the caller's own pending ones), or all for the host."""
    who = await caller(ctx, request, at.event_id)
    view = await ctx.objects.qa.board(who.event, None if who.host else who.participant, who.host)
    await send_json(send, 200, view)


async def ask(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`POST …/qa`: 201 the entry as its author sees it (`status` pending or approved)."""
    await ctx.budgets.spend("vote", request.address, at.event_id)
    body = await request.json(ctx.settings.max_body)
    await _as_participant(
        ctx, request, at, send, 201, lambda who: ctx.objects.qa.ask(at.event_id, who, body)
    )


async def upvote(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`POST …/qa/{entryId}/upvote`: 201; 409 already_voted for a second one."""
    await _vote(ctx, request, at, send, up=True)


async def withdraw(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`DELETE …/qa/{entryId}/upvote`: 200, whether or not there was one to take back."""
    same_origin(ctx, request)  # handle() checks POST's, not DELETE's
    await _vote(ctx, request, at, send, up=False)


async def _vote(ctx: Context, request: Request, at: EventRoute, send: Send, *, up: bool) -> None:
    await ctx.budgets.spend("vote", request.address, at.event_id)
    entry_id = _entry(at)
    await _as_participant(
        ctx,
        request,
        at,
        send,
        201 if up else 200,
        lambda who: ctx.objects.qa.upvote(at.event_id, entry_id, who, up),
    )


def moderation(action: str) -> Callable[[Context, Request, EventRoute, Send], Awaitable[None]]:
    async def moderate(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
        entry_id = _entry(at)
        await hosted(ctx, request, at.event_id)
        try:
            view = await ctx.objects.qa.moderate(at.event_id, entry_id, action)
        except NotFound as error:
            raise NotFound(str(error) or EVENT_GONE) from None
        await send_json(send, 200, view)

    moderate.__name__ = f"moderate_{action}"
    moderate.__doc__ = f"`POST …/qa/{{entryId}}/{action}`: the host's; 200 the entry."
    return moderate


async def _as_participant(
    ctx: Context,
    request: Request,
    at: EventRoute,
    send: Send,
    status: int,
    act: Callable[[bytes], Awaitable[dict[str, Any]]],
) -> None:
    """Run `act` as the voter cookie's participant (minting one for a new browser) and
    send its body with `status` and the cookie."""
    token, fresh = voter_token(request)
    participant = security.voter_key(ctx.server_key, at.event_id, token)
    minted = voter_cookie(token, cookie_lifetime(ctx), request)
    try:
        body = await act(participant)
    except StorageError as error:
        if fresh:  # perhaps stored under this new token: the retry must carry it
            error.headers.append(minted)
        raise
    await send_json(send, status, body, [minted])


def _entry(at: EventRoute) -> str:
    if not qa.is_entry_id(at.question_id):
        raise NotFound(qa.NO_ENTRY)
    return at.question_id


ACTIONS: dict[str, dict[str, Any]] = {
    "upvote": {"POST": upvote, "DELETE": withdraw},
    **{action: {"POST": moderation(action)} for action in qa.ACTIONS},
}
