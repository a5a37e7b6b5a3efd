"""The host's pages of an event: the console (`/e/{id}/host`: build the event and run it),
presenter mode for the projector (`/e/{id}/present`) and the summary (`/e/{id}/summary`).

Each page is rendered for the event's host only. Anyone else gets a page saying so, with
a link to the participant's page; its script also takes a host link's `#host=` fragment
(which no browser sends to a server) and trades it for the host cookie, as the poll's
host view does, so the host link works in a browser that never had the cookie.

The pages are thin: the event as the host sees it (`event_view(host=True)`, the same
object the event stream sends) is embedded for the first drawing, and the scripts keep
it current from the stream and act through the event API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route

from tohyo import domain
from tohyo.domain.event_views import event_view
from tohyo.errors import NotFound, TohyoError
from tohyo.web.api import Context
from tohyo.web.event_access import is_event_host
from tohyo.web.http import Request

# pages.create_pages' render(request, template, page, status=200, **values).
Render = Callable[..., Response]
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
HOST_PAGES = {
    # path suffix -> (template, <body data-page>)
    "host": ("event_host.html", "event-host"),
    "present": ("event_present.html", "event-present"),
    "summary": ("event_summary.html", "event-summary"),
}


def spaced_code(code: str) -> str:
    """A join code as people read it aloud: "123 456" (groups of three; a longer code
    never ends on a lone digit: "123 45 67")."""
    groups = [code[i : i + 3] for i in range(0, len(code), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2][:2], groups[-2][2] + groups[-1]]
    return " ".join(groups)


def join_url(ctx: Context, request: Request, event_id: str) -> str:
    return f"{request.base_url(ctx.settings.public_url)}/e/{event_id}"


def host_routes(ctx: Context, render: Render) -> list[Route]:
    """The routes of the host's pages (listed in `event_pages`)."""
    from tohyo.web.pages import qr_svg  # pages includes these routes: import at call time

    def page_for(suffix: str) -> Callable[[StarletteRequest], Any]:
        template, page = HOST_PAGES[suffix]

        async def handler(request: StarletteRequest) -> Response:
            event_id = request.path_params["event_id"]
            missing = dict(message_key="evh_event_not_found")
            if not domain.is_session_id(event_id):  # event ids are UUID4, as session ids
                return render(request, "not_found.html", "not-found", 404, **missing)
            lean = Request(request.scope, request.receive)
            try:
                event, _ = await ctx.objects.events.get(event_id, None)
            except NotFound:
                return render(request, "not_found.html", "not-found", 404, **missing)
            except TohyoError as error:  # storage down: a clear page, as the phone's
                return render(request, "event_unavailable.html", "event-unavailable", error.status)
            if not is_event_host(ctx.server_key, lean, event):
                # 200, not 403: a host link opens here first, and its script (which needs
                # the page) trades the link's token for the host cookie, then reloads.
                return render(
                    request,
                    "event_not_host.html",
                    "event-not-host",
                    event_id=event_id,
                    title=event.title,
                )
            view = event_view(event, host=True)
            view["isHost"] = True
            url = join_url(ctx, lean, event_id)
            return render(
                request,
                template,
                page,
                view=view,
                view_json=orjson.dumps(view).decode(),
                join_url=url,
                code=spaced_code(event.code),
                qr=qr_svg(url),
                # A QR code of http://localhost/... would send every phone to itself.
                loopback=urlsplit(url).hostname in LOOPBACK_NAMES,
            )

        return handler

    return [Route(f"/e/{{event_id}}/{suffix}", page_for(suffix)) for suffix in HOST_PAGES]
