"""What only the Redis backend promises about events, against real redis-servers (one
server and a 3-node Cluster): two stores on one Redis play two processes. Changes made
through one reach the other's listeners with who answered; a listener never goes back,
and a gap in what it heard is read and filled; an ended event's code is released; the
sweep follows a moved expiry; failures are 503.

Races between the two processes are in test_redis_event_races.py; the outcomes every
backend shares, in test_event_conformance*.py (run over Redis too).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.event_builders import participant
from tests.event_conformance import NOW, TTL, draw_codes, until
from tests.redis_event_pairs import (
    Heard,
    answer,
    draft,
    opened,
    raw_client,
    running,
    unheard,
)
from tests.redis_event_pairs import pair as pair  # a fixture; the alias keeps it
from tests.redis_event_pairs import shared as shared  # a fixture; the alias keeps it
from tests.redis_servers import RedisServer
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import NotFound, StorageError
from tohyo.storage.redis import RedisStore
from tohyo.storage.redis_keys import code_key, event_channel, event_key

RETENTION = TTL // 2  # hours, as TTL (see NOW), and shorter: ended events go first


# --- the feed across processes ------------------------------------------------------------


async def test_changes_in_one_process_reach_the_other_with_who_answered(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    acting, watching = pair
    heard = Heard(watching)
    await running(acting)
    await watching.events.watch_event("e1")
    try:
        presented = await acting.events.change_event("e1", NOW, lambda e: t.present(e, "q1"))
        await until(lambda: heard.version == presented.version)
        assert heard.states[-1].presenting == "q1"
        for who in range(5):
            await answer(acting, who)
        last = await answer(acting, 5)
        await until(lambda: heard.version == last.version)
        assert heard.answers == {(participant(w), "q1", 1) for w in range(6)}
        assert heard.states[-1] == last  # the same state, exactly, as the process that made it
        assert heard.states[-1].tallies[("q1", 1)].total == 6
    finally:
        watching.events.unwatch_event("e1")


async def test_a_listener_never_goes_back_while_both_processes_change_the_event(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, other = pair
    heard = [Heard(one), Heard(other)]
    opened_ = await running(one)
    for store in pair:  # as a stream does: watch, then read
        await store.events.watch_event("e1")
        await store.events.get_event("e1", None, NOW)
    try:
        calls = [answer(pair[who % 2], who) for who in range(200)]
        calls.insert(100, other.events.change_event("e1", NOW, lambda e: t.present(e, "q1")))
        results = await asyncio.gather(*calls)
        # Each returns the event as of its own change, whichever process made it.
        versions = sorted(r.version for r in results)
        assert versions == list(range(opened_.version + 1, opened_.version + 202))
        stored, _ = await one.events.get_event("e1", None, NOW)
        for store_heard in heard:
            await until(lambda h=store_heard: h.version == stored.version)  # type: ignore[misc]
            seen = [s.version for s in store_heard.states if s.version > opened_.version]
            assert seen == sorted(set(seen)), "a listener heard a state twice or went back"
            assert store_heard.states[-1] == stored
            assert store_heard.answers >= {(participant(w), "q1", 1) for w in range(200)}
    finally:
        one.events.unwatch_event("e1")
        other.events.unwatch_event("e1")


async def test_a_gap_in_what_a_process_heard_is_read_and_filled(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    """Lost messages leave a gap: the next message cannot be applied, so the watcher
    reads the event and tells its listeners the whole state."""
    acting, watching = pair
    heard = Heard(watching)
    await running(acting)
    await watching.events.watch_event("e1")
    try:
        first = await answer(acting, 1)
        await until(lambda: heard.version == first.version)
        with unheard(acting):
            await answer(acting, 2)
            await answer(acting, 3)
        last = await answer(acting, 4)
        await until(lambda: heard.version == last.version)
        assert heard.states[-1] == last
        assert heard.states[-1].tallies[("q1", 1)].total == 4
        seen = [s.version for s in heard.states]
        assert seen == sorted(set(seen))
    finally:
        watching.events.unwatch_event("e1")


async def test_a_last_change_lost_on_the_channel_is_healed_by_the_resync(
    shared: str,
) -> None:
    """Nothing follows the lost message, so no gap shows: the periodic comparison of
    versions finds the stored one newer and reads it."""
    acting = opened(shared)
    watching = opened(shared.replace("resync_interval=0", "resync_interval=0.1"))
    await acting.start()
    await watching.start()
    heard = Heard(watching)
    try:
        await running(acting)
        await watching.events.watch_event("e1")
        with unheard(acting):
            last = await answer(acting, 1)
        await until(lambda: heard.version == last.version)
        assert heard.states[-1] == last
    finally:
        watching.events.unwatch_event("e1")
        await acting.close()
        await watching.close()


async def test_after_redis_lost_changes_the_copy_starts_again_from_what_is_stored(
    shared: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A failover to a replica that missed the last answers: the resync finds a stored
    version below what was heard, says so, and the changes after it are heard again."""
    acting = opened(shared)
    watching = opened(shared.replace("resync_interval=0", "resync_interval=0.1"))
    await acting.start()
    await watching.start()
    heard = Heard(watching)
    rollbacks: list[Event] = []  # what the feed is told, to reset the open streams here
    watching.events.add_event_rollback_listener(rollbacks.append)
    raw = raw_client(shared)
    try:
        opened_ = await running(acting)
        await watching.events.watch_event("e1")
        for who in range(3):
            last = await answer(acting, who)
        await until(lambda: heard.version == last.version)
        with caplog.at_level("WARNING", "tohyo.storage.redis"):
            raw.hset(event_key("e1"), "v", opened_.version)  # the answers are "lost"
            await until(lambda: "went back to version" in caplog.text)
        assert [r.version for r in rollbacks] == [opened_.version]
        after = await answer(acting, 9)
        stored, _ = await watching.events.get_event("e1", None, NOW)
        # The acting process had versions Redis lost; its answer's state is Redis's.
        assert after == stored and after.version == opened_.version + 1
        await until(lambda: any(s.version == after.version for s in heard.states[-1:]))
        assert (participant(9), "q1", 1) in heard.answers
    finally:
        raw.close()
        watching.events.unwatch_event("e1")
        await acting.close()
        await watching.close()


# --- join codes ---------------------------------------------------------------------------


async def test_an_ended_events_code_is_released_and_finds_nothing(
    pair: tuple[RedisStore, RedisStore], shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = pair
    live = await running(one)
    assert await other.events.find_code(live.code, NOW) == "e1"
    await one.events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    assert await other.events.find_code(live.code, NOW) is None
    raw = raw_client(shared)
    assert raw.get(code_key(live.code)) is None  # released, not only hidden
    # A code whose release was lost (a crash just after the end) still finds nothing.
    raw.set(code_key(live.code), "e1")
    assert await other.events.find_code(live.code, NOW) is None
    raw.close()


async def test_a_failed_creation_gives_its_code_back(
    pair: tuple[RedisStore, RedisStore], shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = pair
    await one.events.create_event(draft("e1"))
    draw_codes(monkeypatch, lambda: iter(["345678"]))
    with pytest.raises(StorageError):
        await one.events.create_event(draft("e1"))  # the id is taken: nothing is made
    raw = raw_client(shared)
    assert raw.get(code_key("345678")) is None
    raw.close()


# --- expiry, responses, failures ----------------------------------------------------------


async def test_ending_moves_the_sweep_to_the_new_expiry(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await running(one, "short")
    await running(one, "long")
    await one.events.change_event("short", NOW, lambda e: t.end_event(e, NOW, 1000))
    long_ = await one.events.change_event("long", NOW, lambda e: t.end_event(e, NOW, 2 * TTL))
    assert await one.events.expire_events(NOW + 1000) == ["short"]
    assert await one.events.expire_events(NOW + TTL) == []  # its first expiry passed
    got, _ = await one.events.get_event("long", None, NOW + TTL)
    assert got.version == long_.version
    assert await one.events.expire_events(NOW + 2 * TTL) == ["long"]
    with pytest.raises(NotFound):
        await one.events.get_event("long", None, NOW)


async def test_responses_are_read_in_pieces_and_all_come_back(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await running(one)
    await asyncio.gather(*(answer(one, who) for who in range(1500)))
    stored = await one.events.responses("e1")
    assert len(stored) == 1500
    assert {r.participant for r in stored} == {participant(w) for w in range(1500)}
    assert all((r.question_id, r.round, r.answered_at) == ("q1", 1, NOW) for r in stored)


async def test_a_redis_failure_is_a_storage_error(tmp_path: Path) -> None:
    server = RedisServer(tmp_path).start()
    store = opened(server.url)
    await store.start()
    try:
        await running(store)
        server.kill()
        for call in (
            store.events.get_event("e1", None, NOW),
            answer(store, 1),
            store.events.change_event("e1", NOW, lambda e: t.present(e, "q1")),
            store.events.find_code("123456", NOW),
            store.events.create_event(draft("e2")),
        ):
            with pytest.raises(StorageError):
                await call
    finally:
        await store.close()
        server.stop()


def test_every_key_of_an_event_is_on_one_slot() -> None:
    from redis.crc import key_slot

    from tohyo.storage.redis_keys import event_keys

    slots = {key_slot(k.encode()) for k in [*event_keys("e1"), event_channel("e1")]}
    assert slots == {key_slot(event_key("e1").encode())}
