"""What only the SQLite backend promises for events: they and their answers survive a
restart, join codes stay unique among live events in the file, answers share commits
with host changes and with sessions, loads see pending writes, expiry deletes answers
too — all on real files. Failed commits and cancelled callers: test_sqlite_event_faults."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.test_conformance import NOW, definition, key
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, Response
from tohyo.domain.event_specs import parse_question
from tohyo.errors import AlreadyVoted, NotFound
from tohyo.storage import event_homes
from tohyo.storage.events import Answer
from tohyo.storage.sqlite import SQLiteStore

HOUR = 3_600_000


# --- builders ----------------------------------------------------------------------------


def new_event(event_id: str, ttl: int = HOUR) -> Event:
    """A live event with a single-choice q1 and a multiple-choice q2, both drafts."""
    questions = (
        transitions.new_question("q1", parse_question(body("Lunch?", "single"))),
        transitions.new_question("q2", parse_question(body("Which talks?", "multiple"))),
    )
    return Event(
        event_id,
        "",
        "Workshop — 会場",
        b"host",
        NOW,
        NOW + ttl,
        questions=questions,
        next_question=3,
    )


def body(prompt: str, type_: str) -> dict[str, Any]:
    return {"type": type_, "prompt": prompt, "choices": [{"text": t} for t in ("a", "b", "c")]}


def participant(n: int) -> bytes:
    return n.to_bytes(16, "big")


def codes(*fixed: str) -> Any:
    """Code candidates that try `fixed` in order (the random ones would hide a clash)."""

    def candidates() -> Iterator[str]:
        return iter(fixed)

    return candidates


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "tohyo.db"


async def opened(path: Path) -> SQLiteStore:
    store = SQLiteStore(str(path))
    await store.start()
    return store


async def live_event(store: SQLiteStore, event_id: str, ttl: int = HOUR) -> Event:
    """A new event with q1 open."""
    await store.events.create_event(new_event(event_id, ttl))
    return await open_q(store, event_id, "q1")


async def open_q(store: SQLiteStore, event_id: str, question_id: str) -> Event:
    return await store.events.change_event(
        event_id, NOW, lambda e: transitions.open_question(e, question_id, NOW)
    )


async def answer(
    store: SQLiteStore, event_id: str, n: int, question_id: str = "q1", choice: str = "1"
) -> Event:
    event, _ = await store.events.answer(
        event_id, participant(n), question_id, [choice], (choice,), NOW
    )
    return event


def rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    reader = sqlite3.connect(path)
    try:
        return reader.execute(sql, args).fetchall()
    finally:
        reader.close()


# --- a restart -------------------------------------------------------------------------


async def test_an_event_and_its_answers_survive_a_restart(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await opened(path)
    await live_event(store, "e1")
    await store.events.change_event("e1", NOW, lambda e: transitions.present(e, "q1"))
    for n in range(3):
        await answer(store, "e1", n, choice=str(n + 1))
    await store.events.change_event("e1", NOW, lambda e: transitions.reset_question(e, "q1", NOW))
    await answer(store, "e1", 0, choice="2")  # round 2
    await open_q(store, "e1", "q2")
    await store.events.answer("e1", participant(1), "q2", ["1", "3"], ("1", "3"), NOW)
    second = await live_event(store, "e2")
    ended = await store.events.change_event(
        "e2", NOW, lambda e: transitions.end_event(e, NOW, HOUR)
    )
    before, mine = await store.events.get_event("e1", participant(0), NOW)
    answers = await store.events.responses("e1")
    await store.close()

    again = await opened(path)
    try:
        after, mine_after = await again.events.get_event("e1", participant(0), NOW)
        assert after == before  # structure, tallies, revision, version, code: all of it
        assert (after.revision, after.version) == (before.revision, before.version)
        assert mine_after == mine == {("q1", 1), ("q1", 2)}
        assert after.tally(after.questions[0], 1).counts == {"1": 1, "2": 1, "3": 1}
        assert after.tally(after.questions[0], 2).counts == {"2": 1}
        assert after.tally(after.questions[1]).counts == {"1": 1, "3": 1}
        assert await again.events.responses("e1") == answers
        assert answers[-1] == Response("q2", 1, participant(1), ["1", "3"], NOW)
        with pytest.raises(AlreadyVoted):
            await answer(again, "e1", 0)
        assert await again.events.find_code(before.code, NOW) == "e1"
        assert (await again.events.get_event("e2", None, NOW))[0] == ended
        assert ended.code == "" and await again.events.find_code(second.code, NOW) is None
        # A new event never gets a code that is live in the file.
        monkeypatch.setattr(event_homes, "code_candidates", codes(before.code, "987654"))
        third = await again.events.create_event(new_event("e3"))
        assert third.code == "987654"
    finally:
        await again.close()


async def test_codes_released_by_ending_or_expiry_are_free_in_the_same_commit(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await opened(path)
    monkeypatch.setattr(event_homes, "code_candidates", codes("111111"))
    await store.events.create_event(new_event("a", ttl=10))
    monkeypatch.setattr(event_homes, "code_candidates", codes("111111", "222222"))
    assert (await store.events.create_event(new_event("b"))).code == "222222"

    # The end and the new holder of its code land in one batch: the file must release the
    # code before it meets the unique index on live codes (a clash would fail the commit).
    monkeypatch.setattr(event_homes, "code_candidates", codes("222222", "111111"))
    commits = store.journal.commits
    gone, c = await asyncio.gather(
        store.events.expire_events(NOW + 10), store.events.create_event(new_event("c"))
    )
    assert gone == ["a"] and c.code == "111111"
    monkeypatch.setattr(event_homes, "code_candidates", codes("111111", "222222"))
    end_b = store.events.change_event("b", NOW, lambda e: transitions.end_event(e, NOW, HOUR))
    ended, d = await asyncio.gather(end_b, store.events.create_event(new_event("d")))
    assert ended.code == "" and d.code == "222222"
    assert store.journal.commits - commits == 2
    await store.close()

    again = await opened(path)
    try:
        assert await again.events.find_code("111111", NOW) == "c"
        assert await again.events.find_code("222 222", NOW) == "d"
        live = rows(path, "SELECT code, id FROM events WHERE status = 'live' ORDER BY code")
        assert live == [("111111", "c"), ("222222", "d")]
        assert rows(path, "SELECT code FROM events WHERE id = 'b'") == [(None,)]
    finally:
        await again.close()


async def test_the_file_refuses_two_live_events_with_one_code(path: Path) -> None:
    store = await opened(path)
    assert (await store.events.create_event(new_event("e1"))).code
    await store.close()
    writer = sqlite3.connect(path)
    try:
        copy = "INSERT INTO events SELECT ?, code, ?, revision, version,"
        copy += " host_key, created_at, expires_at, ended_at FROM events WHERE id = 'e1'"
        writer.execute(copy, ("ended-one", "ended"))  # an ended event may keep any code
        with pytest.raises(sqlite3.IntegrityError):
            writer.execute(copy, ("e2", "live"))
    finally:
        writer.close()


# --- group commit ------------------------------------------------------------------------


async def test_answers_host_changes_and_votes_share_commits(path: Path) -> None:
    store = await opened(path)
    heard: list[tuple[Event, Collection[Answer]]] = []
    store.events.add_event_listener(lambda event, who: heard.append((event, who)))
    await store.create(definition())
    await live_event(store, "e1")
    heard.clear()

    # Started together, they are all recorded before the first commit goes out (nothing
    # of theirs awaits before its change is in the batch): one commit for the lot.
    commits = store.journal.commits
    host = store.events.change_event("e1", NOW, lambda e: transitions.present(e, "q1"))
    await asyncio.gather(host, answer(store, "e1", 1), store.cast("s1", key(1), ("1",), NOW))
    assert store.journal.commits - commits == 1
    assert len(heard) == 1 and heard[0][1] == [(participant(1), "q1", 1)]
    assert heard[0][0].presenting == "q1" and heard[0][0].tally(heard[0][0].questions[0]).total

    # Many at once: far fewer commits than answers, and listeners hear each answer once,
    # with the newest state of the event after each commit.
    commits = store.journal.commits
    heard.clear()
    await asyncio.gather(*(answer(store, "e1", n, choice=str(n % 3 + 1)) for n in range(2, 502)))
    assert store.journal.commits - commits < 100
    assert len(heard) == store.journal.commits - commits
    assert sorted(who[0] for _, whom in heard for who in whom) == [
        participant(n) for n in range(2, 502)
    ]
    event, _ = await store.events.get_event("e1", None, NOW)
    assert heard[-1][0] == event and event.tally(event.questions[0]).total == 501
    assert rows(path, "SELECT count(*) FROM responses WHERE event_id = 'e1'") == [(501,)]
    await store.close()


async def test_an_answers_commit_writes_its_round_and_the_version_never_the_structure(
    path: Path,
) -> None:
    """Regression: every answer's commit rewrote the event's whole row, structure and all
    (up to 400 KB for an event of long questions). Now it writes the response, its round's
    tally and the version; the structure is written by the host's changes alone."""
    store = await opened(path)
    await live_event(store, "e1")
    answering: list[str] = []
    hosting: list[str] = []
    writer = store.journal._writer
    try:
        writer.set_trace_callback(answering.append)
        await asyncio.gather(*(answer(store, "e1", n) for n in range(20)))
        writer.set_trace_callback(hosting.append)
        await store.events.change_event("e1", NOW, lambda e: transitions.present(e, "q1"))
        writer.set_trace_callback(answering.append)
        await answer(store, "e1", 20)
    finally:
        writer.set_trace_callback(None)
    writes = [s for s in answering if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes and not [s for s in writes if "event_structures" in s or "INTO events" in s]
    assert [s for s in hosting if "INTO event_structures" in s]  # the host's change wrote it
    tallies = rows(path, "SELECT question_id, round, counts, total FROM event_tallies")
    assert tallies == [("q1", 1, '{"1":21}', 21)]
    assert rows(path, "SELECT version FROM events") == [(2 + 21 + 1,)]
    await store.close()


async def test_an_answer_is_in_the_file_before_its_caller_hears_of_it(path: Path) -> None:
    store = await opened(path)
    await live_event(store, "e1")
    reader = sqlite3.connect(path)

    async def answer_and_look(n: int) -> bool:
        await answer(store, "e1", n)
        found = reader.execute(
            "SELECT 1 FROM responses WHERE event_id = 'e1' AND participant = ?", (participant(n),)
        ).fetchone()
        return found is not None

    try:
        assert all(await asyncio.gather(*(answer_and_look(n) for n in range(200))))
    finally:
        reader.close()
        await store.close()


async def test_loads_read_the_open_batch_and_the_one_in_flight(path: Path) -> None:
    """While a commit is on the disk, the journal answers from both pending batches."""
    store = await opened(path)
    journal, events = store.journal, store.journal.event_journal
    real_write = journal._write
    release = threading.Event()

    def slow_write(batch: Any) -> None:
        release.wait(10)
        real_write(batch)

    journal._write = slow_write  # type: ignore[method-assign]
    first = replace(new_event("e1"), code="123456")
    in_flight = events.record_event(first, created=True)
    deadline = time.monotonic() + 5
    while journal._inflight is None:  # the commit thread has it now
        assert time.monotonic() < deadline
        await asyncio.sleep(0.001)
    asked = transitions.open_question(first, "q1", NOW)
    events.record_event(asked)
    second = transitions.record_answer(asked, asked.questions[0], ("2",))
    response = Response("q1", 1, participant(1), ["2"], NOW)
    pending = events.record_response(second, response)
    events.record_event(replace(new_event("e2", ttl=-1), code="654321"), created=True)
    try:
        assert events.load_event("e1") == second
        assert events.load_answers("e1") == {participant(1): {("q1", 1)}}
        assert events.live_codes() == {"123456": "e1", "654321": "e2"}
        assert events.expired_events(NOW, 10) == ["e2"]
        events.record_event_delete("e2")
        assert events.load_event("e2") is None and events.live_codes() == {"123456": "e1"}
    finally:
        release.set()
    await in_flight
    await pending
    journal._write = real_write  # type: ignore[method-assign]
    assert events.load_event("e1") == second and events.load_event("e2") is None
    assert events.responses("e1") == [response]
    await store.close()


# --- expiry ------------------------------------------------------------------------------


async def test_expiry_deletes_events_and_their_responses(path: Path) -> None:
    store = await opened(path)
    await live_event(store, "short", ttl=1_000)
    await live_event(store, "long")
    await live_event(store, "ends")
    for event_id in ("short", "long", "ends"):
        await answer(store, event_id, 1)
    await store.events.change_event("ends", NOW, lambda e: transitions.end_event(e, NOW, 500))

    assert await store.events.expire_events(NOW + 999) == ["ends"]  # kept 500 ms once ended
    assert sorted(await store.events.expire_events(NOW + 1_000)) == ["short"]
    for event_id in ("short", "ends"):
        with pytest.raises(NotFound):
            await store.events.get_event(event_id, None, NOW)
        assert await store.events.responses(event_id) == []
    assert rows(path, "SELECT id FROM events") == [("long",)]
    assert rows(path, "SELECT DISTINCT event_id FROM responses") == [("long",)]
    await store.close()

    again = await opened(path)
    try:
        with pytest.raises(NotFound):
            await again.events.get_event("short", None, NOW)
        assert (await again.events.get_event("long", participant(1), NOW))[1] == {("q1", 1)}
        assert await again.events.expire_events(NOW + 1_000) == []
    finally:
        await again.close()


async def test_a_file_from_before_events_gains_them_and_keeps_its_sessions(path: Path) -> None:
    from tests.test_sqlite import OLD_SCHEMA

    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.close()
    store = await opened(path)
    try:
        session, _ = await store.get("s", None, 1)
        assert session.definition.choices[1].text == "b"
        await live_event(store, "e1")
        assert (await answer(store, "e1", 1)).version == 3
    finally:
        await store.close()
