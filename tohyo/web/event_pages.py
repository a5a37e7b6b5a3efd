"""Pages of events: the participant's phone page `/e/{eventId}`, creating an event
(`/events/new`) and "My events" (`/mine`); the host's pages join them in `event_routes`.

As the poll pages (tohyo.web.pages, whose `render` these use): server-rendered, no inline
script, the page's state in `data-view` for its module, which then follows the event's
one stream (static/phone.js) and never reloads.
"""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tohyo import domain
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import QUESTIONS_MAX, TITLE_MAX, Event, RoundKey
from tohyo.domain.event_views import event_view, on_phones, phone_view
from tohyo.errors import NotFound, TohyoError
from tohyo.web import security
from tohyo.web.api import Context
from tohyo.web.event_access import is_event_host, voter_token
from tohyo.web.event_host_pages import host_routes, spaced_code
from tohyo.web.event_requests import cookie_lifetime
from tohyo.web.http import Request


class Render(Protocol):
    """pages.create_pages' `render`: a template in the request's language."""

    def __call__(
        self, request: StarletteRequest, name: str, page: str, status: int = 200, **values: Any
    ) -> Response: ...


def event_routes(ctx: Context, render: Render) -> list[BaseRoute]:
    """Every page of events. A plain list: each group of pages adds its routes here."""

    async def phone(request: StarletteRequest) -> Response:
        return await phone_page(ctx, render, request)

    async def new_event(request: StarletteRequest) -> Response:
        return render(
            request,
            "event_new.html",
            "event-create",
            title_max=TITLE_MAX,
            questions_max=QUESTIONS_MAX,
        )

    async def mine(request: StarletteRequest) -> Response:
        return render(request, "mine.html", "mine")

    return [
        Route("/events/new", new_event),
        Route("/mine", mine),
        Route("/e/{event_id}", phone),
        *host_routes(ctx, render),  # /e/{id}/host, /e/{id}/present, /e/{id}/summary
    ]


async def phone_page(ctx: Context, render: Render, request: StarletteRequest) -> Response:
    """The participant's page: the event as this browser may see it now (a latecomer gets
    the question being presented), then the stream keeps it current."""
    event_id = request.path_params["event_id"]
    if not domain.is_session_id(event_id):  # event ids are UUID4, as session ids are
        return render(request, "not_found.html", "not-found", 404, message_key="ev_not_found")
    lean = Request(request.scope, request.receive)
    # The voter cookie is given here, before the page opens its stream: the stream then
    # knows this participant from its first frame, and widens what they may see on the
    # same connection once they answer.
    token, _ = voter_token(lean)
    participant = security.voter_key(ctx.server_key, event_id, token)
    try:
        event, answered = await ctx.objects.events.get(event_id, participant)
    except NotFound:
        return render(request, "not_found.html", "not-found", 404, message_key="ev_not_found")
    except TohyoError as error:  # storage down: a clear page, not a 500
        return render(request, "event_unavailable.html", "event-unavailable", error.status)
    host = is_event_host(ctx.server_key, lean, event)
    # The host's preview: the page a participant who has answered nothing sees, counting
    # for nothing (its stream is the host's, which is no participant; its answers stay in
    # the page). For anyone else the flag does nothing.
    preview = host and request.query_params.get("preview") == "1"
    # As the stream's frames have it, so that the script reads one shape from the page and
    # the stream alike: the host's the whole event, a participant's what the phone shows —
    # and, this page being theirs alone, what they sent to the questions it shows.
    if preview:
        view = phone_view(event)
    elif host:
        view = event_view(event, host=True)
    else:
        view = phone_view(event, answered, await sent_answers(ctx, event, participant, answered))
    view["isHost"] = host and not preview
    if preview:
        view["preview"] = True
    response = render(
        request,
        "event.html",
        "event",
        view=view,
        view_json=orjson.dumps(view).decode(),
        screen=screen(view),
        code=spaced_code(event.code),  # as the host's screen shows it
        # Whether the phone shows a quiz player's nickname box (static/quiz_nickname.js):
        # the event's questions, drafts too, which a phone's view does not list.
        has_quiz=any(transitions.timed(q) for q in event.questions),
    )
    if not host:  # new, or renewed: it must not run out in the middle of the event
        response.set_cookie(
            security.VOTER_COOKIE,
            token,
            max_age=cookie_lifetime(ctx),  # as the answer and the event stream set it
            httponly=True,
            samesite="lax",
            secure=lean.secure,
        )
    return response


async def sent_answers(
    ctx: Context, event: Event, participant: bytes, answered: frozenset[RoundKey]
) -> dict[RoundKey, Any]:
    """The participant's answers to the current rounds of the questions their phone shows
    (read only where they answered one). Advisory: should storage fail here, the page
    says "answered" without what."""
    shown = {(q.question_id, q.round) for _, q in on_phones(event)}
    try:
        return await ctx.objects.events.answers_of(event.event_id, participant, shown & answered)
    except TohyoError:
        return {}


def screen(view: dict[str, Any]) -> str:
    """What the phone shows first (its script then follows the stream): `ended`, `lobby`
    (presenter pace with nothing presented; audience pace with nothing open), `question`
    (the presented one) or `list` (audience pace: every question in the open). (A host's
    view has every question: it is filtered as a participant's was.)"""
    if view["status"] == "ended":
        return "ended"
    shown = [q for q in view["questions"] if q["status"] != "draft"]
    if view["pace"] == "audience":
        return "list" if any(q["status"] == "open" for q in shown) else "lobby"
    presenting = view["presenting"]
    if presenting is None or all(q["questionId"] != presenting for q in shown):
        return "lobby"
    return "question"
