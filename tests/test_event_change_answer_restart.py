"""Changed answers are there for the next process, and can be changed again by it: a
SQLite file reopened, Redis read afresh by a new store (memory keeps nothing past its
process, so it has no part here). And what the SQLite file holds for a change: the
counters only of answers that may change, an older file migrated, the row found by its
index.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.questions import Tally
from tohyo.errors import AlreadyVoted
from tohyo.storage import open_store
from tohyo.storage.events import EventStore
from tohyo.storage.sqlite_event_rows import UPDATE_RESPONSE

ROUND = ("q1", 1)


@pytest.fixture(params=[b for b in BACKENDS if b != "memory"])
def backend(request: pytest.FixtureRequest) -> str:
    """The durable backends only (overrides conftest's: a skip is not a pass in CI)."""
    return str(request.param)


def changeable() -> Event:
    """q1 (multiple choice) allows a change; q2 (single) does not."""
    specs = (spec("Drinks?", "multiple", allowChange=True), spec("Lunch?"))
    return new_event(*specs, now=NOW, ttl=TTL)


async def choose(events: EventStore, who: int, *choices: str, question_id: str = "q1") -> Event:
    event, _ = await events.answer("e1", participant(who), question_id, list(choices), choices, NOW)
    return event


async def live_and_recounted(events: EventStore) -> tuple[Tally, Tally]:
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question("q1")
    assert question is not None
    answers = [r for r in await events.responses("e1") if r.question_id == "q1"]
    return event.tallies[ROUND], event_export.recount(question, answers)


async def test_changed_answers_survive_a_restart_and_change_again_after_it(
    storage: str,
) -> None:
    first = open_store(storage)
    await first.start()
    try:
        events = first.events
        await events.create_event(changeable())
        for question_id in ("q1", "q2"):
            await events.change_event(
                "e1", NOW, lambda e, q=question_id: t.open_question(e, q, NOW)
            )
        await choose(events, 1, "1", "2")
        await choose(events, 2, "2")
        await choose(events, 1, "3")
        await choose(events, 3, "1", question_id="q2")
        # An answer and its change at once (on SQLite: in one batch, the row inserted
        # and written over in one transaction).
        await asyncio.gather(choose(events, 4, "1"), choose(events, 4, "1", "3"))
        last = await choose(events, 2, "1", "2", "3")
        responses = await events.responses("e1")
    finally:
        await first.close()
    expected = Tally({"1": 2, "2": 1, "3": 3}, 3)
    assert last.tallies[ROUND] == expected

    second = open_store(storage)
    await second.start()
    try:
        events = second.events
        got, mine = await events.get_event("e1", participant(1), NOW)
        assert got == last and mine == {ROUND}
        assert sorted(await events.responses("e1"), key=repr) == sorted(responses, key=repr)
        assert await live_and_recounted(events) == (expected, expected)
        # The old answers' counters came back with them: a change takes off exactly those.
        changed = await choose(events, 4, "2")
        assert changed.tallies[ROUND] == Tally({"1": 1, "2": 2, "3": 2}, 3)
        assert await live_and_recounted(events) == (changed.tallies[ROUND],) * 2
        with pytest.raises(AlreadyVoted):
            await choose(events, 3, "2", question_id="q2")
    finally:
        await second.close()


# --- the SQLite file ------------------------------------------------------------------------


def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "tohyo.db"


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


async def answered_file(path: Path) -> None:
    """One event, q1 answered and changed by participant 1, q2 answered by 2."""
    store = open_store(f"sqlite:///{path}")
    await store.start()
    try:
        await store.events.create_event(changeable())
        for question_id in ("q1", "q2"):
            await store.events.change_event(
                "e1", NOW, lambda e, q=question_id: t.open_question(e, q, NOW)
            )
        await choose(store.events, 1, "1")
        await choose(store.events, 1, "2", "3")
        await choose(store.events, 2, "1", question_id="q2")
    finally:
        await store.close()


async def test_sqlite_keeps_counters_only_with_answers_that_may_change(tmp_path: Path) -> None:
    path = sqlite_path(tmp_path)
    await answered_file(path)
    stored = rows(path, "SELECT question_id, answer, increments FROM responses ORDER BY seq")
    assert stored == [("q1", '["2","3"]', '["2","3"]'), ("q2", '["1"]', None)]


async def test_sqlite_finds_a_changed_answers_row_by_its_partial_index(tmp_path: Path) -> None:
    path = sqlite_path(tmp_path)
    await answered_file(path)
    plan = rows(path, "EXPLAIN QUERY PLAN " + UPDATE_RESPONSE.replace("?", "NULL"))
    assert any("responses_changeable" in str(step) for step in plan), plan


async def test_a_file_from_before_changes_of_answer_gains_them(tmp_path: Path) -> None:
    """Its responses table has no increments column: opening adds it and the index; its
    answers stand (they were stored without their counters, so they cannot be taken
    back), and new ones may change."""
    path = sqlite_path(tmp_path)
    await answered_file(path)
    old = sqlite3.connect(path)
    old.execute("DROP INDEX responses_changeable")
    old.execute("ALTER TABLE responses DROP COLUMN increments")
    old.commit()
    old.close()
    assert "increments" not in {row[1] for row in rows(path, "PRAGMA table_info(responses)")}

    store = open_store(f"sqlite:///{path}")
    await store.start()
    try:
        events = store.events
        columns = {row[1] for row in rows(path, "PRAGMA table_info(responses)")}
        assert "increments" in columns
        assert ("responses_changeable",) in rows(
            path, "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
        with pytest.raises(AlreadyVoted):
            await choose(events, 1, "1")
        await choose(events, 5, "1")
        changed = await choose(events, 5, "2")
        assert changed.tallies[ROUND] == Tally({"2": 2, "3": 1}, 2)
        assert await live_and_recounted(events) == (changed.tallies[ROUND],) * 2
    finally:
        await store.close()
