"""SQLite events when commits fail or callers give up: a refused change is announced
to no one, the store then serves and announces what the file holds (whether or not the
refused commit reached it), and one caller cancelled does not cancel its batch-mates."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_conformance import NOW, definition, key
from tests.test_sqlite_events import answer, codes, live_event, new_event, opened, participant
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, RoundKey
from tohyo.errors import AlreadyVoted, NotFound, StorageError
from tohyo.storage import event_homes
from tohyo.storage.sqlite import SQLiteStore


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "tohyo.db"


async def served(
    store: SQLiteStore, event_id: str, who: bytes | None
) -> tuple[Event, frozenset[RoundKey]]:
    """The event once the store serves again after a failed commit (it refuses while it
    re-reads its file)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return await store.events.get_event(event_id, who, NOW)
        except StorageError:
            assert time.monotonic() < deadline, "the store never served again"
            await asyncio.sleep(0.02)


async def test_a_caller_given_up_on_leaves_its_batch_to_commit(path: Path) -> None:
    """Callers share one future per batch: one cancelled (its client gone) must not cancel
    the others' answers, votes or the commit after theirs."""
    store = await opened(path)
    await store.create(definition())
    await live_event(store, "e1")
    callers = [
        asyncio.ensure_future(answer(store, "e1", 1)),
        asyncio.ensure_future(answer(store, "e1", 2)),
        asyncio.ensure_future(store.cast("s1", key(1), ("1",), NOW)),
    ]
    await asyncio.sleep(0)  # one turn of the loop: each has recorded and awaits the commit
    callers[0].cancel()
    kept = await asyncio.gather(*callers[1:])
    with pytest.raises(asyncio.CancelledError):
        await callers[0]
    assert kept[1].state.total_votes == 1
    later = await answer(store, "e1", 3)  # the store goes on committing
    assert later.tally(later.questions[0]).total == 3  # the cancelled caller's answer too
    await store.close()


# --- a failed commit ---------------------------------------------------------------------


async def test_a_failed_commit_refuses_and_the_store_then_serves_the_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await opened(path)
    await live_event(store, "e1")
    committed = await answer(store, "e1", 1)
    heard: list[Event] = []
    store.events.add_event_listener(lambda event, who: heard.append(event))

    real_write = store.journal._write

    def failing_write(batch: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    store.journal._write = failing_write  # type: ignore[method-assign]
    monkeypatch.setattr(event_homes, "code_candidates", codes("333333"))
    present = store.events.change_event("e1", NOW, lambda e: transitions.present(e, "q1"))
    results = await asyncio.gather(
        answer(store, "e1", 2),
        answer(store, "e1", 2),  # a duplicate of an answer that will be lost
        present,
        store.events.create_event(new_event("e2")),
        return_exceptions=True,
    )
    assert all(isinstance(r, StorageError) for r in results), results
    assert heard == []  # nothing refused was announced
    store.journal._write = real_write  # type: ignore[method-assign]

    # Until the file has been re-read nothing is served; then the file is the truth.
    event, mine = await served(store, "e1", participant(2))
    assert store.journal.reopens == 1
    assert event == committed and mine == frozenset()
    assert heard == [committed]  # viewers hear what the file holds of the refused event
    assert await store.events.find_code("333333", NOW) is None
    with pytest.raises(NotFound):
        await store.events.get_event("e2", None, NOW)
    after = await answer(store, "e1", 2)
    assert after.tally(after.questions[0]).total == 2
    assert (await store.events.create_event(new_event("e2"))).code == "333333"
    await store.close()


async def test_a_commit_that_reached_the_file_though_it_failed_is_served_after(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hard case of a failed commit: its frames are in the file (the fsync failed after
    they were written). Refused to its callers, it is what the store serves and announces
    once it has re-read the file — codes, answers and all."""
    store = await opened(path)
    await live_event(store, "e1")
    heard: list[Event] = []
    store.events.add_event_listener(lambda event, who: heard.append(event))
    real_write = store.journal._write

    def written_then_failed(batch: Any) -> None:
        real_write(batch)
        raise sqlite3.OperationalError("disk I/O error")

    store.journal._write = written_then_failed  # type: ignore[method-assign]
    monkeypatch.setattr(event_homes, "code_candidates", codes("444444"))
    results = await asyncio.gather(
        answer(store, "e1", 1), store.events.create_event(new_event("e2")), return_exceptions=True
    )
    assert all(isinstance(r, StorageError) for r in results), results
    store.journal._write = real_write  # type: ignore[method-assign]

    event, mine = await served(store, "e1", participant(1))
    assert mine == {("q1", 1)} and event.tally(event.questions[0]).total == 1
    # Viewers saw the states before; the file holds the newer ones: each is announced.
    assert sorted(e.event_id for e in heard) == ["e1", "e2"] and event in heard
    with pytest.raises(AlreadyVoted):
        await answer(store, "e1", 1)
    assert await store.events.find_code("444444", NOW) == "e2"
    monkeypatch.setattr(event_homes, "code_candidates", codes("444444", "555555"))
    assert (await store.events.create_event(new_event("e3"))).code == "555555"
    await store.close()
