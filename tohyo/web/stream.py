"""`GET /api/vote/{id}/stream` — Server-Sent Events straight on ASGI.

One coroutine per viewer and no queue: the viewer waits on its session topic's shared
wake-up future (see tohyo.objects) and then sends the topic's newest frame, rendered once
per audience. A viewer that falls behind skips to the newest state. Every event carries
`id: <version>` and absolute state, so a reconnect (with or without Last-Event-ID) gets a
fresh snapshot and nothing can be applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib

from tohyo.objects import Topic
from tohyo.web.api import Context, viewer
from tohyo.web.http import BASE_HEADERS, Receive, Request, Send

RETRY_MS = 3000
HEARTBEAT = b": ping\n\n"
EXPIRED = b"event: expired\ndata: {}\n\n"
# On shutdown, ask clients to come back soon: another process (or this one restarted)
# will serve them.
SHUTDOWN = b"retry: 1000\n\n"

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),  # nginx and friends: do not buffer the stream
    *BASE_HEADERS,
]


async def serve_stream(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    feed = ctx.objects.feed
    topic = feed.watch(session_id)  # before reading, so no committed change slips past
    try:
        session, voted, host = await viewer(ctx, request, session_id)
        feed.offer(topic, session)
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await _pump(ctx, topic, host or voted, request.receive, send)
    finally:
        feed.release(topic)


async def _pump(
    ctx: Context, topic: Topic, with_counts: bool, receive: Receive, send: Send
) -> None:
    assert topic.session is not None
    expires_at = topic.session.definition.expires_at
    heartbeat = ctx.settings.heartbeat
    clock = ctx.objects.clock

    sent = topic.session
    first = b"retry: %d\n\n" % RETRY_MS + topic.event("snapshot", with_counts)
    await send({"type": "http.response.body", "body": first, "more_body": True})

    disconnected = asyncio.ensure_future(_disconnect(receive))
    try:
        while True:
            if disconnected.done():
                return
            remaining = (expires_at - clock()) / 1000
            done: set[asyncio.Future[None]] = set()
            # Wait only when there is nothing newer to send: a wake-up that fired while
            # this viewer was blocked in send() must not leave it a change behind.
            behind = topic.session is not None and topic.session.version > sent.version
            if topic.ended is None and remaining > 0 and not behind:
                done, _ = await asyncio.wait(
                    (disconnected, topic.wakeup),
                    timeout=min(heartbeat, remaining),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if disconnected in done:
                    return
            if topic.ended == "shutdown":
                tail = SHUTDOWN
                break
            if topic.ended == "expired" or expires_at <= clock():
                tail = EXPIRED
                break
            current = topic.session
            assert current is not None
            if current.version > sent.version:
                closing = current.state.status == "closed" and sent.state.status != "closed"
                frame = topic.event("closed" if closing else "update", with_counts)
                sent = current
            elif not done:
                frame = HEARTBEAT
            else:
                continue
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": tail, "more_body": False})
    finally:
        disconnected.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await disconnected


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
