"""Quiz nicknames in event storage, every backend (`conftest.BACKENDS`): a nickname is
unique by its key within the event, claimed at the event's serialization point (a race
for one name has one winner, across processes on Redis), a rename frees the old key in
the same step, and nicknames live and die with their event — kept by a reopened store,
gone once it expires. Names are made as the quiz makes them (`domain.quiz.nickname`):
storage gets the shown form and the key, and never normalises again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tests.redis_event_pairs import raw_client
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.questions import Filters
from tohyo.domain.quiz import nickname
from tohyo.errors import EventEnded, NicknameTaken, NotFound
from tohyo.storage import open_store
from tohyo.storage.events import EventStore
from tohyo.storage.redis_keys import event_nickname_keys

RETENTION = TTL // 2  # as the conformance suite's: hours ahead, shorter than TTL
DURABLE = ["sqlite", "redis", "redis-cluster"]


def draft(event_id: str = "e1", ttl: int = TTL) -> Event:
    return new_event(spec("One?"), now=NOW, event_id=event_id, ttl=ttl)


async def name(
    events: EventStore, who: int, raw: str, event_id: str = "e1", now: int = NOW
) -> None:
    """Participant `who` takes the nickname `raw`, as the quiz would make it."""
    shown, key = nickname(raw, Filters())
    await events.set_nickname(event_id, participant(who), shown, key, now)


@contextlib.asynccontextmanager
async def processes(storage: str, events: EventStore) -> AsyncIterator[list[EventStore]]:
    """`events`, and on a shared store (Redis, Cluster) four more stores on the same URL,
    as four more tohyo processes would be; a local store has one process only."""
    others = [open_store(storage) for _ in range(4)] if storage.startswith("redis") else []
    for store in others:
        await store.start()
    try:
        yield [events, *(store.events for store in others)]
    finally:
        for store in others:
            await store.close()


async def test_nicknames_are_set_and_read_back_beside_the_event(events: EventStore) -> None:
    created = await events.create_event(draft())
    await name(events, 1, "  Aki ")
    await name(events, 2, "あき")
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "あき"}
    got, _ = await events.get_event("e1", None, NOW)
    assert got == created  # the event itself did not change: no version, no revision
    assert await events.nicknames("e2") == {}


async def test_a_key_another_participant_holds_is_taken_and_nothing_changes(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 2, "Bo")
    for raw in ("aki", "ＡＫＩ", " AKI "):  # one name after normalisation
        with pytest.raises(NicknameTaken):
            await name(events, 2, raw)
        with pytest.raises(NicknameTaken):
            await name(events, 3, raw)
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "Bo"}


async def test_a_rename_frees_the_old_key_for_someone_else(events: EventStore) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 1, "Ren")
    await name(events, 2, "AKI")  # free again
    with pytest.raises(NicknameTaken):
        await name(events, 1, "aki")  # and now another's
    await name(events, 3, "Aki2")
    assert await events.nicknames("e1") == {
        participant(1): "Ren",
        participant(2): "AKI",
        participant(3): "Aki2",
    }
    with pytest.raises(NicknameTaken):
        await name(events, 4, "ren")


async def test_ones_own_key_again_succeeds_with_the_new_casing(events: EventStore) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 1, "Aki")
    await name(events, 1, "ＡＫＩ")
    assert await events.nicknames("e1") == {participant(1): "ＡＫＩ"}
    with pytest.raises(NicknameTaken):  # still held, under its new casing
        await name(events, 2, "aki")


async def test_fifty_participants_racing_for_one_name_leave_one_holder(
    events: EventStore, storage: str
) -> None:
    await events.create_event(draft())
    async with processes(storage, events) as stores:
        results = await asyncio.gather(
            *(name(stores[who % len(stores)], who, "Aki") for who in range(50)),
            return_exceptions=True,
        )
        winners = [who for who, r in enumerate(results) if r is None]
        assert len(winners) == 1, results
        assert all(isinstance(r, NicknameTaken) for r in results if r is not None), results
        for store in stores:  # every process reads the one holder
            assert await store.nicknames("e1") == {participant(winners[0]): "Aki"}


async def test_a_rename_racing_claims_on_the_key_it_frees_gives_it_once(
    events: EventStore, storage: str
) -> None:
    """The holder moves to another name while 49 others claim the one it frees: whoever
    claims before the move is refused, one claim after it at most gets it (each in any
    order a shared store may take them), and what is stored is what was answered."""
    await events.create_event(draft())
    await name(events, 0, "Aki")
    async with processes(storage, events) as stores:
        calls = [name(stores[who % len(stores)], who, "Aki") for who in range(1, 50)]
        calls.insert(0, name(stores[1 % len(stores)], 0, "Ren"))
        results = await asyncio.gather(*calls, return_exceptions=True)
    assert results[0] is None  # the holder's move: "Ren" was free
    assert all(r is None or isinstance(r, NicknameTaken) for r in results), results
    winners = [who for who, r in enumerate(results) if r is None and who != 0]
    assert len(winners) <= 1
    expected = {participant(0): "Ren"} | {participant(who): "Aki" for who in winners}
    assert await events.nicknames("e1") == expected


async def test_an_ended_event_keeps_its_nicknames_and_takes_no_new_ones(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    with pytest.raises(EventEnded):
        await name(events, 2, "Bo")
    with pytest.raises(EventEnded):
        await name(events, 1, "Ren")
    assert await events.nicknames("e1") == {participant(1): "Aki"}


async def test_an_unknown_or_expired_event_takes_no_nickname(events: EventStore) -> None:
    with pytest.raises(NotFound):
        await name(events, 1, "Aki")
    await events.create_event(draft())
    with pytest.raises(NotFound):
        await name(events, 1, "Aki", now=NOW + TTL)
    assert await events.nicknames("e1") == {}


async def test_an_expired_events_nicknames_are_gone(events: EventStore) -> None:
    await events.create_event(draft("e1"))
    await events.create_event(draft("e2", ttl=TTL // 4))
    for event_id in ("e1", "e2"):
        await name(events, 1, "Aki", event_id)
        await name(events, 2, "Bo", event_id)
    assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    assert await events.nicknames("e2") == {}
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "Bo"}
    assert await events.expire_events(NOW + TTL) == ["e1"]
    assert await events.nicknames("e1") == {}


@pytest.mark.parametrize("backend", DURABLE)
async def test_a_reopened_store_holds_every_acknowledged_nickname(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    try:
        events = first.events
        await events.create_event(draft("e1"))
        await events.create_event(draft("e2", ttl=TTL // 4))
        await name(events, 1, "Aki")
        await name(events, 2, "Bo")
        await name(events, 2, "Ren", "e2")
        # Keys freed and taken at once: on SQLite in one batch, decided in this order, so
        # all three are taken; its newest rows are p1 "Bo" and p2 "Zed", and "Bo" must be
        # out of p2's row in the file before it is in p1's. (A shared store may take them
        # in any order: what it answered is what it holds.)
        results = await asyncio.gather(
            name(events, 1, "Kai"),
            name(events, 2, "Zed"),
            name(events, 1, "Bo"),
            name(events, 3, "Aki"),
            return_exceptions=True,
        )
        assert all(r is None or isinstance(r, NicknameTaken) for r in results), results
        held = await events.nicknames("e1")
        if not storage.startswith("redis"):
            assert list(results) == [None] * 4
            assert held == {participant(1): "Bo", participant(2): "Zed", participant(3): "Aki"}
        assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    finally:
        await first.close()

    second = open_store(storage)
    await second.start()
    try:
        events = second.events
        assert await events.nicknames("e1") == held
        assert await events.nicknames("e2") == {}
        holder, shown = next(iter(held.items()))
        with pytest.raises(NicknameTaken):  # held still, and known to the new process
            await name(events, 99, shown.upper())
        await name(events, int.from_bytes(holder, "big"), "Moved")  # frees it, here too
        await name(events, 99, shown)
        assert (await events.nicknames("e1"))[participant(99)] == shown
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_file_from_before_nicknames_gains_them_as_it_opens(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    await first.events.create_event(draft())
    await first.close()
    path = storage.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as older:
        older.execute("DROP TABLE event_nicknames")  # as an older tohyo made the file
        older.commit()
    second = open_store(storage)
    await second.start()
    try:
        await name(second.events, 1, "Aki")
        assert await second.events.nicknames("e1") == {participant(1): "Aki"}
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["redis", "redis-cluster"])
async def test_redis_nickname_keys_expire_and_go_with_the_event(
    events: EventStore, storage: str
) -> None:
    """PEXPIREAT at the event's expiresAt on both hashes, moved with it by the end, and
    deleted with it by the sweep (not left for Redis's own clock)."""
    await events.create_event(draft())
    await name(events, 1, "Aki")
    raw = raw_client(storage)
    try:
        keys = event_nickname_keys("e1")
        assert [raw.pexpiretime(key) for key in keys] == [NOW + TTL] * 2
        await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
        assert [raw.pexpiretime(key) for key in keys] == [NOW + RETENTION] * 2
        assert await events.expire_events(NOW + RETENTION) == ["e1"]
        assert [raw.exists(key) for key in keys] == [0, 0]
    finally:
        raw.close()
