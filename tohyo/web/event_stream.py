"""`GET /api/events/{eventId}/stream` — one Server-Sent Events connection per phone for
the whole event.

As the poll stream (`tohyo.web.stream`, whose headers, retry hint and writes it shares):
the handler sends the headers and a snapshot, then hands the viewer to the feed, which
writes every later frame, and itself only waits for the client to go away (or for the
feed to end the response). Frames are absolute state, so a reconnect (with or without
`Last-Event-ID`) gets a fresh snapshot and nothing is applied twice.

What differs is who is watching. A participant's view turns on what they have answered,
and that changes on the open connection: so a phone without a voter cookie is given one
here, on the stream's response (a phone that has one gets it renewed), and its later
answer (sent with that cookie) is heard by the feed under the same participant key — its
results appear with no reconnect.
"""

from __future__ import annotations

from tohyo import domain
from tohyo.errors import NotFound
from tohyo.feed import ENDINGS, EventTopic, EventViewer
from tohyo.web import security
from tohyo.web.api import Context
from tohyo.web.event_access import is_event_host, voter_cookie, voter_token
from tohyo.web.event_requests import cookie_lifetime
from tohyo.web.http import Request, Send
from tohyo.web.stream import HEADERS, RETRY, BodyWriter, _body


async def serve_event_stream(ctx: Context, request: Request, event_id: str, send: Send) -> None:
    # This coroutine lives as long as the stream, idle almost all of it: it keeps only
    # what the end needs (its frame is part of what every open stream costs), and leaves
    # the opening, with the voter's key and cookie, to `_open`, whose frame goes.
    await ctx.budgets.spend("stream", request.address)
    ctx.streams.enter(request.address)  # 429 or 503 beyond the caps on open streams
    try:
        if not domain.is_session_id(event_id):  # event ids are UUID4, as session ids are
            raise NotFound()
        topic = await ctx.objects.events.watch(event_id)  # before reading: no change slips in
        attached: EventViewer | None = None
        try:
            attached = await _open(ctx, request, topic, send)
            request.settle()
            # The feed writes from here on. A disconnect ends the wait — and so does the
            # feed completing the response, which the server reports as a disconnect too.
            if attached is not None:
                while (await request.receive())["type"] != "http.disconnect":
                    pass
        finally:
            ctx.objects.events.release(topic, attached)
    finally:
        ctx.streams.leave(request.address)


async def _open(
    ctx: Context, request: Request, topic: EventTopic, send: Send
) -> EventViewer | None:
    """Read the event, send the headers and the snapshot, and attach the viewer (None if
    the stream ended at once)."""
    token, _ = voter_token(request)
    participant = security.voter_key(ctx.server_key, topic.session_id, token)
    # A phone new to tohyo is given its voter cookie here, so that its first answer is
    # made under the participant key this stream listens for; a phone that has one gets
    # it again, its lifetime renewed, so it cannot run out under the open stream.
    minted = voter_cookie(token, cookie_lifetime(ctx), request)
    # Until the viewer is attached, the answers heard for this participant are kept for
    # it: its read may come just before its own answer commits.
    with topic.expecting(participant):
        return await _opened(ctx, request, topic, participant, minted, send)


async def _opened(
    ctx: Context,
    request: Request,
    topic: EventTopic,
    participant: bytes,
    minted: tuple[bytes, bytes],
    send: Send,
) -> EventViewer | None:
    events = ctx.objects.events
    event, answered = await events.get(topic.session_id, participant)
    host = is_event_host(ctx.server_key, request, event)
    events.feed.offer_event(topic, event)
    headers = HEADERS if host else [*HEADERS, minted]  # the host is no participant
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if topic.ended is not None:  # the server is shutting down, or the event expired
        await _body(send, ENDINGS[topic.ended], final=True)
        return None
    # The topic may hold a newer state than the read (another stream offered it, or a
    # change was published meanwhile), and answers heard since the read count too. All of
    # it is taken before the snapshot's send, which may wait for the socket.
    mine = None if host else participant
    answered = topic.answered_by(mine, answered)
    snapshot_of = topic.latest
    assert snapshot_of is not None
    snapshot = topic.frame("snapshot", host=host, answered=answered)
    # What the snapshot shows, as the update that would show it: the feed sends this
    # viewer an update only when it differs (their event names aside, they match).
    shown = topic.frame("update", host=host, answered=answered)
    await _body(send, RETRY + snapshot, final=False)

    viewer = EventViewer(
        BodyWriter(send),
        host=host,
        participant=mine,
        answered=answered,
        sent_version=snapshot_of.version,
        sent_frame=shown,
    )
    events.feed.attach_event(topic, viewer)  # anything newer than the snapshot goes now
    ctx.objects.qa.watching(event)  # its Q&A's frames, if none are rendered here yet
    return viewer
