""" "N connected" on the host's stream, against real `tohyo serve` processes: over memory
and SQLite one server counts the distinct phones holding a stream (one cookie twice is
one phone; the host's own streams are none), up as they connect and down as they leave;
over Redis two servers sum their phones, and a killed one stops counting within the
staleness bound. Phones are never sent a count. (The parts alone, in process:
test_event_presence_counts.py.)

Counts move every PRESENCE_INTERVAL (2 s), so every wait here is a few rounds, and "it
stays" is checked over a round and a half (a wrong count would have been sent by then).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import event_streams
from tests.conftest import ServerProcess
from tests.event_streams import (
    Start,
    client_for,
    host_event,
    open_event_stream,
    phone,
    question,
)
from tests.redis_event_pairs import shared as shared  # a fixture; the alias keeps it
from tests.sse import Frame, FrameQueue, Stream, open_snapshot
from tohyo.event_presence import PRESENCE_INTERVAL
from tohyo.storage.events import PRESENCE_FRESH_MS

pytestmark = pytest.mark.slow

SOON = 3 * PRESENCE_INTERVAL + 2  # seconds: a change of who is connected shows within this
A_ROUND = 1.5 * PRESENCE_INTERVAL  # at least one round passes within this


start = event_streams.start


async def next_count(stream: FrameQueue, timeout: float) -> int:
    try:
        frame: Frame = await asyncio.wait_for(stream.presence.get(), timeout)
    except TimeoutError:
        raise AssertionError(f"no presence frame within {timeout:.1f}s") from None
    assert frame.get("id") is None  # a count of connections is no version of the event
    assert set(frame.data) == {"connected"}
    count: int = frame.data["connected"]
    return count


async def until_connected(stream: FrameQueue, n: int, timeout: float = SOON) -> None:
    """Read the stream's counts until one says `n`."""
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    while not seen or seen[-1] != n:
        left = deadline - time.monotonic()
        assert left > 0, f"never {n} connected: {seen}"
        try:
            seen.append(await next_count(stream, left))
        except AssertionError:
            raise AssertionError(f"never {n} connected: {seen}") from None


async def stays(stream: FrameQueue, seconds: float = A_ROUND) -> None:
    """No other count comes for `seconds` (at least one round counted meanwhile)."""
    await asyncio.sleep(seconds)
    others = []
    while not stream.presence.empty():
        others.append(stream.presence.get_nowait().data)
    assert others == [], f"the count moved: {others}"


class Room:
    """Streams opened and closed one by one, each read past its snapshot."""

    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()
        self._open: dict[Stream, contextlib.AsyncExitStack] = {}

    async def open(self, http: httpx.AsyncClient, event_id: str, headers: Any) -> Stream:
        own = contextlib.AsyncExitStack()
        stream = await own.enter_async_context(open_event_stream(http, event_id, headers))
        await open_snapshot(stream)
        self._open[stream] = own
        return stream

    async def close(self, stream: Stream) -> None:
        await self._open.pop(stream).aclose()

    async def close_all(self) -> None:
        for own in self._open.values():
            with contextlib.suppress(Exception):  # a killed server's streams are gone
                await own.aclose()


@contextlib.asynccontextmanager
async def room() -> AsyncIterator[Room]:
    opened = Room()
    try:
        yield opened
    finally:
        await opened.close_all()


async def test_the_host_sees_how_many_distinct_phones_are_connected(start: Start) -> None:
    server = start()
    async with client_for(server) as http, room() as streams:
        ev = await host_event(http, question("Lunch?"))
        eid = ev.event_id
        console = await streams.open(http, eid, ev.host)
        await streams.open(http, eid, ev.host)  # the host on a second screen: not a phone
        phones = {n: await streams.open(http, eid, phone(n)) for n in (1, 2, 3)}
        again = await streams.open(http, eid, phone(1))  # phone 1 reconnected: still one
        every_phone = [*phones.values(), again]
        await until_connected(console, 3)
        await stays(console)

        # A console opened now is told at once, right after its snapshot.
        opened_at = time.monotonic()
        late = await streams.open(http, eid, ev.host)
        assert await next_count(late, timeout=1.0) == 3
        assert time.monotonic() - opened_at < 1.5

        await streams.close(phones.pop(3))
        for stream in (console, late):
            await until_connected(stream, 2)
        await streams.close(again)  # phone 1 still holds its first stream
        await stays(console)
        await streams.close(phones.pop(1))
        await until_connected(console, 1)
        await streams.close(phones.pop(2))
        await until_connected(console, 0)  # the last one left: 0, once
        await stays(console)

        # A phone's stream never heard a count, all the while.
        watcher = await streams.open(http, eid, phone(4))
        await until_connected(console, 1)
        await stays(watcher)
        for stream in every_phone:
            assert stream.presence.empty()
    assert "Traceback" not in server.log()


def two_servers(server_factory: Any, storage: str) -> list[ServerProcess]:
    servers: list[ServerProcess] = [
        server_factory(storage=storage).start(wait=False) for _ in range(2)
    ]
    for server in servers:
        server.wait_ready(60)
    return servers


async def test_phones_on_two_processes_are_summed_and_a_killed_one_stops_counting(
    server_factory: Any, shared: str
) -> None:
    a, b = two_servers(server_factory, shared)
    async with client_for(a) as on_a, client_for(b) as on_b, room() as streams:
        ev = await host_event(on_a, question("Lunch?"))
        eid = ev.event_id
        console = await streams.open(on_a, eid, ev.host)
        console_on_b = await streams.open(on_b, eid, ev.host)
        for n in (1, 2):
            await streams.open(on_a, eid, phone(n))
        on_b_phones = [await streams.open(on_b, eid, phone(n)) for n in (3, 4, 5)]
        for stream in (console, console_on_b):
            await until_connected(stream, 5)
        await stays(console)

        await streams.close(on_b_phones.pop())  # B's count goes down: A's total with it
        await until_connected(console, 4)

        b.kill()  # SIGKILL: B never says its phones left
        killed = time.monotonic()
        await until_connected(console, 2, timeout=PRESENCE_FRESH_MS / 1000 + SOON)
        assert time.monotonic() - killed < PRESENCE_FRESH_MS / 1000 + 2 * PRESENCE_INTERVAL + 1
        await stays(console)
    assert "Traceback" not in a.log()
