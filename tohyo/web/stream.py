"""`GET /api/vote/{id}/stream` — Server-Sent Events straight on ASGI.

The handler sends the headers and a snapshot, then hands the viewer to the feed
(`tohyo.feed`), which writes every later frame directly, and itself only waits for the
client to go away (or for the feed to end the response). Every event carries
`id: <version>` and absolute state, so a reconnect (with or without Last-Event-ID) gets a
fresh snapshot and nothing can be applied twice.
"""

from __future__ import annotations

from collections.abc import Awaitable

from tohyo import domain
from tohyo.feed import ENDINGS, Topic, Viewer
from tohyo.web.api import Context
from tohyo.web.http import BASE_HEADERS, Request, Send
from tohyo.web.session_views import viewer

RETRY = b"retry: 3000\n\n"

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),  # nginx and friends: do not buffer the stream
    *BASE_HEADERS,
]


async def serve_stream(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    # This coroutine lives as long as the stream, idle almost all of it: it keeps only
    # what the end needs (its frame is part of what every open stream costs), and leaves
    # the opening, with its session read and snapshot, to `_open`, whose frame goes.
    await ctx.budgets.spend("stream", request.address)
    ctx.streams.enter(request.address)  # 429 or 503 beyond the caps on open streams
    try:
        topic = await ctx.objects.watch(session_id)  # before reading: no change slips in
        attached: Viewer | None = None
        try:
            attached = await _open(ctx, request, topic, send)
            request.settle()
            # The feed writes from here on. A disconnect ends the wait — and so does the
            # feed completing the response, which the server reports as a disconnect too.
            if attached is not None:
                while (await request.receive())["type"] != "http.disconnect":
                    pass
        finally:
            ctx.objects.release(topic, attached)
    finally:
        ctx.streams.leave(request.address)


async def _open(ctx: Context, request: Request, topic: Topic, send: Send) -> Viewer | None:
    """Read the session, send the headers and the snapshot, and attach the viewer (None if
    the stream ended at once)."""
    session, voted, host = await viewer(ctx, request, topic.session_id)
    feed = ctx.objects.feed
    feed.offer(topic, session)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    if topic.ended is not None:  # the server is shutting down
        await _body(send, ENDINGS[topic.ended], final=True)
        return None
    snapshot_of = topic.session
    assert snapshot_of is not None
    with_counts = domain.can_see_counts(snapshot_of.state, host=host, voted=voted)
    await _body(send, RETRY + topic.event("snapshot", with_counts), final=False)
    attached = Viewer(BodyWriter(send), snapshot_of, host=host, voted=voted)
    feed.attach(topic, attached)
    return attached


class BodyWriter:
    """A viewer's `write`: each frame as a body message to the server's `send`. (An
    object of one slot: a closure over `send` would be a function and a cell, per viewer.)"""

    __slots__ = ("send",)

    def __init__(self, send: Send) -> None:
        self.send = send

    def __call__(self, frame: bytes, final: bool) -> Awaitable[None]:
        return self.send(_message(frame, final))


def _body(send: Send, frame: bytes, final: bool) -> Awaitable[None]:
    return send(_message(frame, final))


def _message(frame: bytes, final: bool) -> dict[str, object]:
    # One wake-up hands the same frame to every viewer of an audience: build its ASGI
    # message once, not once per viewer (servers only read it).
    global _last
    frame_, final_, message = _last
    if frame is not frame_ or final is not final_:
        message = {"type": "http.response.body", "body": frame, "more_body": not final}
        _last = (frame, final, message)
    return message


_last: tuple[bytes, bool, dict[str, object]] = (b"", False, {})
