"""Who is connected, in parts: each backend's `count_present` (one process alone, two on
one Redis summed, a silent one lapsing, a failing Redis), and the presence loop over a
feed (who counts, what the host's streams are sent, the 0 said once, the cap on calls in
flight). Over real servers: test_event_presence.py."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import Any

import pytest
import redis.exceptions

from tests.event_builders import participant
from tests.event_conformance import NOW
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tests.redis_event_pairs import raw_client, two_processes
from tests.redis_event_pairs import shared as shared  # a fixture; the alias keeps it
from tests.redis_servers import RedisServer
from tests.test_event_feed import Recorder, attach, new_feed, opened
from tohyo.event_presence import IN_FLIGHT, PRESENCE_INTERVAL, EventPresence
from tohyo.feed import EventFeed
from tohyo.storage import open_store
from tohyo.storage.events import PRESENCE_FRESH_MS, EventStore
from tohyo.storage.redis import RedisStore
from tohyo.storage.redis_keys import event_presence

# --- storage ------------------------------------------------------------------------------


async def test_one_process_alone_counts_exactly_its_own(events: EventStore) -> None:
    assert await events.count_present("e1", 3, NOW) == 3
    assert await events.count_present("e2", 1, NOW) == 1  # each event its own
    assert await events.count_present("e1", 5, NOW + 1) == 5  # the newest count replaces
    assert await events.count_present("e1", 0, NOW + 2) == 0


async def test_processes_on_one_redis_are_summed_and_a_silent_one_lapses(shared: str) -> None:
    async with two_processes(shared) as (a, b):
        assert await a.events.count_present("e1", 3, NOW) == 3
        assert await b.events.count_present("e1", 2, NOW) == 5
        assert await a.events.count_present("e1", 4, NOW + 1000) == 6  # A's newest, B's
        assert await b.events.count_present("e2", 7, NOW + 1000) == 7  # another event
        assert await b.events.count_present("e1", 0, NOW + 1500) == 4  # B's last one left
        assert await b.events.count_present("e1", 2, NOW + 2000) == 6
        # B falls silent (killed): it counts for PRESENCE_FRESH_MS after it last spoke.
        late = NOW + 2000 + PRESENCE_FRESH_MS
        assert await a.events.count_present("e1", 4, late - 1) == 6
        assert await a.events.count_present("e1", 4, late) == 4
        client = raw_client(shared)
        key = event_presence("e1")
        assert client.hlen(key) == 1  # the silent process's field is gone
        assert 0 < client.pttl(key) <= PRESENCE_FRESH_MS  # and so is the hash, in time
        assert await a.events.count_present("e1", 0, late + 1) == 0
        assert client.exists(key) == 0  # nobody connected: nothing kept


async def test_a_redis_failure_answers_this_processs_own_count_and_is_logged(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.flush()
    store = open_store(redis_server.url)
    assert isinstance(store, RedisStore)
    await store.start()
    try:

        async def refused(**_: Any) -> int:
            raise redis.exceptions.ConnectionError("Connection refused")

        store.redis_events.presence._script = refused
        with caplog.at_level(logging.ERROR, "tohyo.storage.redis"):
            assert await store.events.count_present("e1", 3, NOW) == 3
        assert any("redis failed" in r.getMessage() for r in caplog.records)
    finally:
        await store.close()


# --- the presence loop ---------------------------------------------------------------------


class Counting:
    """A store's count_present that records its calls, answering what each process says
    plus `elsewhere` (the other processes' phones), with the most calls at once."""

    def __init__(self, elsewhere: int = 0, pause: float = 0.0) -> None:
        self.calls: list[tuple[str, int]] = []
        self.elsewhere = elsewhere
        self.pause = pause
        self.in_flight = 0
        self.most = 0

    async def count_present(self, event_id: str, here: int, now: int) -> int:
        self.calls.append((event_id, here))
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(self.pause)
        finally:
            self.in_flight -= 1
        return here + self.elsewhere


def presence_of(store: Counting, feed: EventFeed) -> EventPresence:
    return EventPresence(store, feed, lambda: NOW)  # type: ignore[arg-type]


def connected(recorder: Recorder) -> list[int]:
    """The counts of the `presence` frames a stream was sent, in order."""
    frames = [f for f in recorder.frames if f.startswith(b"event: presence\n")]
    return [json.loads(f.split(b"data: ", 1)[1])["connected"] for f in frames]


async def test_distinct_participants_count_and_only_the_host_is_told() -> None:
    feed = new_feed()
    store = Counting(elsewhere=2)
    presence = presence_of(store, feed)
    event = opened()
    console, phones = Recorder(), [Recorder() for _ in range(4)]
    topic, _ = attach(feed, event, console, host=True)
    attach(feed, event, Recorder(), host=True)  # a second console: the host, not counted
    viewers = [
        attach(feed, event, recorder, who=participant(n))[1]
        for n, recorder in zip([1, 2, 3, 1], phones, strict=True)  # phone 1 twice
    ]
    await presence.round()
    assert store.calls == [(event.event_id, 3)]
    assert connected(console) == [5]  # three here, two elsewhere
    assert all(connected(phone) == [] for phone in phones)

    await presence.round()  # nothing changed: nothing sent
    assert connected(console) == [5]

    feed.release_event(topic, viewers[3])  # phone 1's second stream: phone 1 stays
    await presence.round()
    assert connected(console) == [5]
    feed.release_event(topic, viewers[2])
    await presence.round()
    assert connected(console) == [5, 4]

    # A console opened now gets the count at once, right after its snapshot.
    late = Recorder()
    attach(feed, event, late, host=True)
    assert connected(late) == [4]
    assert all(connected(phone) == [] for phone in phones)


async def test_an_event_whose_streams_all_closed_says_0_once() -> None:
    feed = new_feed()
    store = Counting()
    presence = presence_of(store, feed)
    event = opened()
    topic, host = attach(feed, event, Recorder(), host=True)
    _, phone = attach(feed, event, Recorder(), who=participant(1))
    await presence.round()
    feed.release_event(topic, phone)
    feed.release_event(topic, host)
    assert feed.event_topic(event.event_id) is None
    await presence.round()
    await presence.round()
    assert store.calls == [(event.event_id, 1), (event.event_id, 0)]


async def test_a_busy_console_gets_the_newest_count_once_it_drains() -> None:
    feed = new_feed()
    event = opened()
    gate = asyncio.Event()
    frames: list[bytes] = []

    async def slow(frame: bytes, final: bool) -> None:
        frames.append(frame)
        await gate.wait()  # a socket with no room

    recorder = Recorder()
    recorder.write = slow  # type: ignore[method-assign]
    topic, viewer = attach(feed, event, recorder, host=True)
    topic.show_presence(1)
    assert viewer.busy is not None
    topic.show_presence(2)  # not written over a busy socket
    topic.show_presence(3)
    recorder.frames = frames
    assert connected(recorder) == [1]
    gate.set()
    await asyncio.wait_for(viewer.busy, 2)
    await asyncio.sleep(0)
    assert connected(recorder) == [1, 3]


async def test_a_round_makes_one_call_per_event_and_a_few_at_once() -> None:
    feed = new_feed()
    store = Counting(pause=0.01)
    presence = presence_of(store, feed)
    for n in range(3 * IN_FLIGHT):
        attach(feed, replace(opened(), event_id=f"e{n}"), Recorder())
    feed.watch_event("idle")  # watched, nobody attached yet: not counted
    await presence.round()
    assert sorted(store.calls) == sorted((f"e{n}", 0) for n in range(3 * IN_FLIGHT))
    assert 1 < store.most <= IN_FLIGHT


async def test_the_loop_runs_from_start_to_stop() -> None:
    feed = new_feed()
    store = Counting()
    presence = EventPresence(store, feed, lambda: NOW, interval=0.01)  # type: ignore[arg-type]
    event = opened()
    console = Recorder()
    attach(feed, event, console, host=True)
    attach(feed, event, Recorder(), who=participant(1))
    presence.start()
    try:
        for _ in range(200):
            if connected(console):
                break
            await asyncio.sleep(0.01)
    finally:
        await presence.stop()
    assert connected(console) == [1]
    assert PRESENCE_INTERVAL * 3 * 1000 == PRESENCE_FRESH_MS  # a late round never lapses
