"""A quiz's players and leaderboard over HTTP (../shared/EVENTS.md, the quiz table):
`GET`/`PUT /api/events/{id}/me` (this browser's nickname) and `GET …/leaderboard`.

A nickname is a label on the voter cookie's participant, never a credential: the cookie
names the player, as it does for their answers (a PUT from a browser without one gets
one, as a first answer does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tohyo.domain.validation import issue
from tohyo.errors import NotFound, StorageError, ValidationFailed
from tohyo.web import security
from tohyo.web.event_access import participant_key, voter_cookie, voter_token
from tohyo.web.event_requests import EVENT_GONE, EventRoute, cookie_lifetime
from tohyo.web.http import Request, Send, send_json

if TYPE_CHECKING:
    from tohyo.web.api import Context


async def read_me(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET …/me`: `{nickname}` (null until this browser gives one)."""
    participant = participant_key(ctx.server_key, request, at.event_id)
    try:
        name = await ctx.objects.quiz.nickname(at.event_id, participant)
    except NotFound:
        raise NotFound(EVENT_GONE) from None
    await send_json(send, 200, {"nickname": name})


async def name_me(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`PUT …/me` `{nickname}`: 200 `{nickname}` as stored (trimmed); 400 for no name,
    409 nickname_taken, 409 invalid_state once this player has answered a quiz question."""
    await ctx.budgets.spend("vote", request.address, at.event_id)
    body = await request.json(ctx.settings.max_body)
    if not isinstance(body, dict) or "nickname" not in body:
        raise ValidationFailed("Give a nickname", [issue("nickname", "is required")])
    token, fresh = voter_token(request)
    participant = security.voter_key(ctx.server_key, at.event_id, token)
    minted = voter_cookie(token, cookie_lifetime(ctx), request)
    try:
        name = await ctx.objects.quiz.set_nickname(at.event_id, participant, body["nickname"])
    except NotFound:
        raise NotFound(EVENT_GONE) from None
    except StorageError as error:
        if fresh:  # perhaps stored under this new token: the retry must carry it
            error.headers.append(minted)
        raise
    await send_json(send, 200, {"nickname": name}, [minted])


async def leaderboard(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET …/leaderboard`: the top 10 of the closed quiz rounds and, for a participant,
    `me` (their rank, score and each question's points)."""
    participant = participant_key(ctx.server_key, request, at.event_id)
    try:
        board = await ctx.objects.quiz.leaderboard(at.event_id, participant)
    except NotFound:
        raise NotFound(EVENT_GONE) from None
    await send_json(send, 200, board)
