"""How long audience Q&A lasts, on every backend: as long as its event. A reopened store
(a restarted SQLite process, a new process on Redis) holds every acknowledged entry,
upvote, pin and version — SQLite's batches writing only the net effect of what they
hold, so an upvote taken back and given again in one batch is neither lost nor doubled;
another process on the same Redis reads what one process's moderation wrote; and the
Q&A is deleted with its event, its Redis keys expiring at the event's expiresAt as it
moves. The rules themselves are tests/test_qa_storage.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import replace

import pytest

from tests.event_builders import participant
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tests.qa_storage_cases import DURABLE, RETENTION, Told, ask, draft, processes, upvote
from tests.redis_event_pairs import raw_client
from tohyo.domain import event_transitions as t
from tohyo.domain.qa import QaBoard, QaEntry
from tohyo.errors import AlreadyVoted, NotFound
from tohyo.storage import open_store
from tohyo.storage.events import EventStore
from tohyo.storage.local_qa import QaStored
from tohyo.storage.qa import QaChange
from tohyo.storage.redis_keys import event_qa_keys
from tohyo.storage.sqlite import SQLiteStore

QA_TABLES = ("event_qa_entries", "event_qa_upvotes", "event_qa")


async def some_qa(events: EventStore, event_id: str = "e1") -> None:
    """Four entries (one pending, one with a nickname), three upvotes, a pin, an answer."""
    for who, status in ((1, "approved"), (2, "pending"), (3, "approved")):
        await ask(events, who, status=status, event_id=event_id)  # type: ignore[arg-type]
    await ask(events, 4, "Named?", nickname="あき", event_id=event_id)
    for who, entry_id in ((7, "a1"), (8, "a1"), (9, "a3")):
        await upvote(events, who, entry_id, event_id=event_id)
    await events.qa_moderate(event_id, "a3", "answered", NOW + 3)
    await events.qa_moderate(event_id, "a1", "pin", NOW + 4)


async def test_an_expired_events_qa_is_deleted_with_it(events: EventStore) -> None:
    await events.create_event(draft("e1"))
    await events.create_event(draft("e2", ttl=TTL // 4))
    await some_qa(events, "e1")
    await some_qa(events, "e2")
    kept = await events.qa_board("e1", NOW)
    assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    with pytest.raises(NotFound):
        await events.qa_board("e2", NOW)
    assert await events.qa_version("e2") == 0
    assert await events.qa_upvoted("e2", participant(7)) == frozenset()
    await events.create_event(draft("e2"))  # the id again: nothing of the old one's Q&A
    assert await events.qa_board("e2", NOW) == QaBoard()
    assert (await ask(events, 1, event_id="e2")).entry_id == "a1"
    assert await events.qa_board("e1", NOW) == kept


@pytest.mark.parametrize("backend", DURABLE)
async def test_a_reopened_store_holds_every_acknowledged_qa_change(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    try:
        events = first.events
        await events.create_event(draft("e1"))
        await events.create_event(draft("e2", ttl=TTL // 4))
        await some_qa(events)
        await some_qa(events, "e2")
        # At once: on SQLite one batch, decided in this order. p7's upvote (in the file)
        # taken back and given again, p10's given and taken back: nothing to write; p8's
        # taken back: a row less; p11's given: a row more; a5 asked and approved: its row
        # as approved. (A shared store may take them in any order: what it answered is
        # what it holds.)
        results = await asyncio.gather(
            upvote(events, 7, "a1", up=False),
            upvote(events, 7, "a1"),
            upvote(events, 10, "a3"),
            upvote(events, 10, "a3", up=False),
            upvote(events, 8, "a1", up=False),
            upvote(events, 11, "a1"),
            ask(events, 5, status="pending"),
            events.qa_moderate("e1", "a5", "approve", NOW),
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(r, NotFound | AlreadyVoted) for r in refused), results
        held = await events.qa_board("e1", NOW)
        upvoted = {who: await events.qa_upvoted("e1", participant(who)) for who in range(20)}
        assert held.pinned == "a1"
        if not storage.startswith("redis"):
            assert refused == [] and held.version == 9 + 8
            assert [(e.entry_id, e.upvotes, e.status) for e in held.entries] == [
                ("a1", 2, "approved"),
                ("a2", 0, "pending"),
                ("a3", 1, "answered"),
                ("a4", 0, "approved"),
                ("a5", 0, "approved"),
            ]
            assert {who: set(mine) for who, mine in upvoted.items() if mine} == {
                7: {"a1"},
                9: {"a3"},
                11: {"a1"},
            }
        assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    finally:
        await first.close()

    second = open_store(storage)
    await second.start()
    try:
        events = second.events
        assert await events.qa_board("e1", NOW) == held
        assert await events.qa_version("e1") == held.version
        assert {who: await events.qa_upvoted("e1", participant(who)) for who in range(20)} == (
            upvoted
        )
        with pytest.raises(NotFound):
            await events.qa_board("e2", NOW)
        for who in (7, 11):
            if "a1" in upvoted[who]:
                with pytest.raises(AlreadyVoted):  # known to the new process
                    await upvote(events, who, "a1")
        assert (await ask(events, 6)).entry_id == "a6"  # the numbering goes on
        assert (await events.qa_board("e1", NOW)).version == held.version + 1
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_reopened_sqlite_file_tells_the_version_before_any_board_read(
    storage: str,
) -> None:
    first = open_store(storage)
    await first.start()
    await first.events.create_event(draft())
    await ask(first.events, 1)
    await first.close()
    second = open_store(storage)
    await second.start()
    try:
        assert await second.events.qa_version("e1") == 1
    finally:
        await second.close()


def as_read(stored: QaStored) -> tuple[object, ...]:
    """What a home makes of `stored` (an entry nobody upvotes now has no upvoters)."""
    upvoters = {entry_id: who for entry_id, who in stored.upvoters.items() if who}
    return stored.entries, upvoters, stored.pinned, stored.version, stored.next_number


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_sqlite_journal_reads_its_pending_qa_changes_over_the_file(
    storage: str,
) -> None:
    """A home loaded while changes are in the open batch, in the one committing, or in
    the file (or spread over all three) gets the same Q&A; a pending delete leaves none."""
    store = open_store(storage)
    await store.start()
    try:
        assert isinstance(store, SQLiteStore)
        journal = store.journal.event_journal
        await store.events.create_event(draft())
        asked = QaEntry("a1", participant(1), "Why?", "あき", "approved", NOW, None, True)
        answered = replace(asked, status="answered", answered_at=NOW + 1)
        changes = [
            QaChange(1, None, 2, asked),
            QaChange(2, None, 2, None, ("a1", participant(7), True)),
            QaChange(3, "a1", 2, answered),
            QaChange(4, "a1", 2, None, ("a1", participant(8), True)),
            QaChange(5, "a1", 2, None, ("a1", participant(7), False)),
        ]
        expected = as_read(QaStored({"a1": answered}, {"a1": {participant(8)}}, "a1", 5, 2))
        done = journal.record_qa("e1", changes[0])
        await asyncio.sleep(0)  # its batch goes to the commit thread; the rest waits
        for change in changes[1:]:
            done = journal.record_qa("e1", change)
        assert as_read(journal.load_qa("e1")) == expected
        await done
        assert as_read(journal.load_qa("e1")) == expected  # from the file alone
        assert journal.load_qa("e2") == QaStored()
        done = journal.record_event_delete("e1")
        assert journal.load_qa("e1") == QaStored()
        await done
        assert journal.load_qa("e1") == QaStored()
    finally:
        await store.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_expired_events_qa_rows_leave_the_file(storage: str) -> None:
    store = open_store(storage)
    await store.start()
    try:
        await store.events.create_event(draft("e1"))
        await store.events.create_event(draft("e2", ttl=TTL // 4))
        await some_qa(store.events, "e1")
        await some_qa(store.events, "e2")
        assert await store.events.expire_events(NOW + TTL // 4) == ["e2"]
    finally:
        await store.close()
    with contextlib.closing(sqlite3.connect(storage.removeprefix("sqlite:///"))) as file:
        for table in QA_TABLES:
            rows = dict(file.execute(f"SELECT event_id, count(*) FROM {table} GROUP BY 1"))
            assert set(rows) == {"e1"}, table


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_file_from_before_qa_gains_its_tables_as_it_opens(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    await first.events.create_event(draft())
    await first.close()
    with contextlib.closing(sqlite3.connect(storage.removeprefix("sqlite:///"))) as older:
        for table in QA_TABLES:
            older.execute(f"DROP TABLE {table}")  # as an older tohyo made the file
        older.commit()
    second = open_store(storage)
    await second.start()
    try:
        await some_qa(second.events)
        assert (await second.events.qa_board("e1", NOW)).version == 9
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["redis", "redis-cluster"])
async def test_what_one_process_changes_another_reads(events: EventStore, storage: str) -> None:
    """Two stores on one Redis are two processes: each reads the other's entries,
    upvotes, moderation and version; only the one that made a change tells its
    listeners (the other learns of it by reading the version)."""
    await events.create_event(draft())
    async with processes(storage, events) as (here, there, *_):
        told_here, told_there = Told(here), Told(there)
        await ask(here, 1)
        await ask(there, 2, status="pending")
        await upvote(there, 7, "a1")
        await here.qa_moderate("e1", "a2", "pin", NOW)
        await there.qa_moderate("e1", "a1", "answered", NOW + 1)
        assert await there.qa_version("e1") == await here.qa_version("e1") == 5
        assert await here.qa_board("e1", NOW) == await there.qa_board("e1", NOW)
        board = await here.qa_board("e1", NOW)
        assert board.pinned == "a2"
        assert [(e.status, e.upvotes) for e in board.entries] == [
            ("answered", 1),
            ("approved", 0),
        ]
        assert await here.qa_upvoted("e1", participant(7)) == {"a1"}
        with pytest.raises(AlreadyVoted):
            await upvote(here, 7, "a1")
        assert (told_here.ids, told_there.ids) == (["e1"] * 2, ["e1"] * 3)


@pytest.mark.parametrize("backend", ["redis", "redis-cluster"])
async def test_redis_qa_keys_expire_and_go_with_the_event(events: EventStore, storage: str) -> None:
    """PEXPIREAT at the event's expiresAt on every Q&A key, moved with it by the end, and
    deleted with it by the sweep (not left for Redis's own clock)."""
    await events.create_event(draft())
    await some_qa(events)
    raw = raw_client(storage)
    try:
        keys = event_qa_keys("e1")
        assert [raw.pexpiretime(key) for key in keys] == [NOW + TTL] * len(keys)
        await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
        assert [raw.pexpiretime(key) for key in keys] == [NOW + RETENTION] * len(keys)
        assert await events.expire_events(NOW + RETENTION) == ["e1"]
        assert [raw.exists(key) for key in keys] == [0] * len(keys)
    finally:
        raw.close()
