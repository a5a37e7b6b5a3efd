"""Audience Q&A live on real servers: every stream of the event is sent `qa` frames — the
shown entries to everyone, every entry to the host — after each change; a storm of upvotes
ends on the exact count; and on Redis, the host's moderation through one process reaches
the streams of another.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests import event_streams
from tests.event_streams import HostedEvent, client_for, host_event, open_event_stream, phone
from tests.redis_servers import RedisServer
from tests.sse import Frame, Stream

start, http = event_streams.start, event_streams.http


async def next_qa(stream: Stream, until: Any = None, timeout: float = 8.0) -> Frame:
    """The next `qa` frame (skipping the event's own), or the first for which `until`
    holds."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await stream.next_event(max(0.05, deadline - time.monotonic()))
        if frame.event == "qa" and (until is None or until(frame.data)):
            return frame


def texts(frame: Frame) -> list[str]:
    return [entry["text"] for entry in frame.data["entries"]]


async def qa_on(http: httpx.AsyncClient, mode: str) -> HostedEvent:
    event = await host_event(http, {"type": "single", "prompt": "Q?", "choices": [
        {"text": "a"}, {"text": "b"}]})  # fmt: skip
    response = await http.patch(
        f"/api/events/{event.event_id}", json={"qa": mode}, headers=event.host
    )
    assert response.status_code == 200, response.text
    return event


async def ask(http: httpx.AsyncClient, event: HostedEvent, n: int, text: str) -> dict[str, Any]:
    response = await http.post(f"/api/events/{event.event_id}/qa", json={"text": text},
                               headers=phone(n))  # fmt: skip
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_phones_and_the_host_see_the_questions_live(http: httpx.AsyncClient) -> None:
    event = await qa_on(http, "moderated")
    async with (
        open_event_stream(http, event.event_id, phone(1)) as audience,
        open_event_stream(http, event.event_id, event.host) as host,
    ):
        first = await next_qa(audience)  # the board as it is, once the stream opens
        assert first.data["entries"] == [] and first.get("id") is None
        await ask(http, event, 2, "Is there a break?")
        held = await next_qa(host, lambda d: d["entries"])
        assert [(e["text"], e["status"]) for e in held.data["entries"]] == [
            ("Is there a break?", "pending")
        ]
        await event.post("/qa/a1/approve")
        shown = await next_qa(audience, lambda d: d["entries"])
        assert texts(shown) == ["Is there a break?"]
        assert "author" not in shown.data["entries"][0] and "mine" not in shown.data["entries"][0]
        await event.post("/qa/a1/pin")
        pinned = await next_qa(audience, lambda d: d["pinned"])
        assert pinned.data["pinned"] == "a1"
        await event.post("/qa/a1/hide")
        gone = await next_qa(audience, lambda d: not d["entries"])
        assert gone.data["pinned"] is None


async def test_a_storm_of_upvotes_ends_on_the_exact_count(http: httpx.AsyncClient) -> None:
    event = await qa_on(http, "open")
    await ask(http, event, 1, "Slides after the talk?")
    url = f"/api/events/{event.event_id}/qa/a1/upvote"
    async with open_event_stream(http, event.event_id, phone(1)) as audience:
        await next_qa(audience)
        statuses = await asyncio.gather(*(http.post(url, headers=phone(n)) for n in range(200)))
        assert {r.status_code for r in statuses} == {201}
        final = await next_qa(audience, lambda d: d["entries"][0]["upvotes"] == 200)
        assert final.data["entries"][0]["upvotes"] == 200
        # Paced: far fewer frames than upvotes reached the phone.
        assert len(await audience.quiet(0.5)) <= 1


async def test_moderation_reaches_the_streams_of_every_process(
    redis_server: RedisServer, server_factory: Any
) -> None:
    redis_server.flush()
    one = server_factory(storage=redis_server.url).start()
    other = server_factory(storage=redis_server.url).start()
    async with client_for(one) as first, client_for(other) as second:
        event = await qa_on(first, "moderated")
        async with (
            open_event_stream(second, event.event_id, phone(1)) as audience,
            open_event_stream(second, event.event_id, event.host) as host,
        ):
            await next_qa(audience)
            await ask(first, event, 2, "Asked through the first process")
            held = await next_qa(host, lambda d: d["entries"])
            assert held.data["entries"][0]["status"] == "pending"
            await event.post("/qa/a1/approve")  # through the first, too
            shown = await next_qa(audience, lambda d: d["entries"])
            assert texts(shown) == ["Asked through the first process"]
            up = await second.post(f"/api/events/{event.event_id}/qa/a1/upvote", headers=phone(3))
            assert up.status_code == 201
            read = await first.get(f"/api/events/{event.event_id}/qa")
            assert read.json()["entries"][0]["upvotes"] == 1
