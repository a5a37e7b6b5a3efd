"""Audience Q&A at every backend's serialization point (`conftest.BACKENDS`): the same
inputs give the same outcomes on memory, SQLite, Redis and Redis Cluster — entries with
their ids, statuses and limits, every moderation exactly as `domain.qa.moderate` makes
it (the Redis script mirrors it in Lua: the cases below run both), one upvote per
participant however many of theirs race (across processes on Redis), and the refusals
of an ended, an unknown or an expired event. What survives a restart, and how the Q&A
follows its event's expiry, is tests/test_qa_storage_lifetime.py's.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.event_builders import participant
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tests.qa_storage_cases import RETENTION, Told, ask, draft, processes, upvote
from tohyo.domain import event_transitions as t
from tohyo.domain import qa
from tohyo.domain.qa import QaBoard, QaEntry
from tohyo.errors import AlreadyVoted, EventEnded, InvalidState, NotFound
from tohyo.storage.events import EventStore


async def test_entries_take_the_next_ids_and_read_back_as_asked(events: EventStore) -> None:
    await events.create_event(draft())
    told = Told(events)
    assert await events.qa_board("e1", NOW) == QaBoard()
    assert await events.qa_version("e1") == 0
    text = '「質問」 "quoted" \\ / 😀 <b>'
    first = await ask(events, 1, text, nickname="あき")
    assert first == QaEntry("a1", participant(1), text, "あき", "approved", NOW)
    second = await ask(events, 2, "Held?", "pending", filtered=True, now=NOW + 5)
    assert second == QaEntry("a2", participant(2), "Held?", None, "pending", NOW + 5, None, True)
    more = [await ask(events, 1, f"More {n}?") for n in range(9)]
    assert [e.entry_id for e in more] == [f"a{n}" for n in range(3, 12)]
    board = await events.qa_board("e1", NOW)
    assert board == QaBoard(11, None, (first, second, *more))  # in the order asked
    assert await events.qa_version("e1") == 11
    assert told.ids == ["e1"] * 11
    got, _ = await events.get_event("e1", None, NOW)
    assert got.version == draft().version  # the event itself did not change


async def test_one_author_and_one_event_take_so_many_entries(
    events: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limits are `domain.qa`'s as the call is made (every backend reads them then)."""
    monkeypatch.setattr(qa, "QA_PER_PARTICIPANT", 3)
    monkeypatch.setattr(qa, "QA_MAX", 5)
    await events.create_event(draft())
    for _ in range(3):
        await ask(events, 1)
    for status in ("approved", "pending"):  # however they are held
        with pytest.raises(InvalidState) as mine:
            await ask(events, 1, status=status)
        assert str(mine.value) == qa.TOO_MANY_MINE
    await ask(events, 2)
    await ask(events, 3, status="pending")
    with pytest.raises(InvalidState) as full:
        await ask(events, 4)
    assert str(full.value) == qa.TOO_MANY
    board = await events.qa_board("e1", NOW)
    assert [e.entry_id for e in board.entries] == ["a1", "a2", "a3", "a4", "a5"]
    assert board.version == 5  # the refusals wrote nothing


async def test_every_moderation_is_domain_moderate_at_the_serialization_point(
    events: EventStore,
) -> None:
    """Each of the 155 sequences of one to three actions, from pending and from approved,
    on an entry of its own of one event (so a pin meets the pin an earlier sequence left):
    after each action the entry returned, the pinned entry and the version are what
    `domain.qa.moderate` makes of the model's board, and an action that changes nothing
    moves no version."""
    await events.create_event(draft())
    model: dict[str, QaEntry] = {}
    pinned: str | None = None
    version = 0
    now = NOW
    sequences = [s for n in (1, 2, 3) for s in itertools.product(qa.ACTIONS, repeat=n)]
    assert len(sequences) == 155
    for who, sequence in enumerate(sequences):
        entry = await ask(events, who, status="pending" if who % 2 else "approved", now=now)
        model[entry.entry_id] = entry
        version += 1
        for action in sequence:
            now += 1
            before = model[entry.entry_id]
            after, pinned_after = qa.moderate(before, pinned, action, now)
            assert await events.qa_moderate("e1", entry.entry_id, action, now) == after
            version += after != before or pinned_after != pinned
            model[entry.entry_id], pinned = after, pinned_after
            board = await events.qa_board("e1", now)
            assert (board.version, board.pinned) == (version, pinned), (sequence, action)
            assert board.entry(entry.entry_id) == after
    board = await events.qa_board("e1", now)
    assert board == QaBoard(version, pinned, tuple(model.values()))
    assert await events.qa_version("e1") == version


async def test_a_pin_replaces_the_pin_and_answered_or_hidden_unpin(events: EventStore) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    await ask(events, 2, status="pending")
    await ask(events, 3)
    pinned = await events.qa_moderate("e1", "a1", "pin", NOW)
    assert (await events.qa_board("e1", NOW)).pinned == "a1"
    assert pinned.status == "approved"
    shown = await events.qa_moderate("e1", "a2", "pin", NOW)  # a pending one: shown by it
    assert shown.status == "approved"
    assert (await events.qa_board("e1", NOW)).pinned == "a2"
    await events.qa_moderate("e1", "a1", "unpin", NOW)  # not the pinned one: no change
    assert (await events.qa_board("e1", NOW)).pinned == "a2"
    done = await events.qa_moderate("e1", "a2", "answered", NOW + 7)
    assert (done.status, done.answered_at) == ("answered", NOW + 7)
    board = await events.qa_board("e1", NOW)
    assert board.pinned is None
    again = await events.qa_moderate("e1", "a2", "pin", NOW + 8)  # answered stays answered
    assert (again.status, again.answered_at) == ("answered", NOW + 7)
    await events.qa_moderate("e1", "a2", "hide", NOW + 9)
    board = await events.qa_board("e1", NOW)
    assert board.pinned is None and board.entry("a2") == QaEntry(
        "a2", participant(2), "Question from 2?", None, "hidden", NOW, NOW + 7
    )
    back = await events.qa_moderate("e1", "a2", "approve", NOW + 10)  # answeredAt cleared
    assert (back.status, back.answered_at) == ("approved", None)


async def test_a_moderation_that_changes_nothing_writes_nothing(events: EventStore) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    await events.qa_moderate("e1", "a1", "answered", NOW + 1)
    told = Told(events)
    version = await events.qa_version("e1")
    for action in ("answered", "unpin"):  # the same moment's answered: nothing new
        entry = await events.qa_moderate("e1", "a1", action, NOW + 1)
        assert (entry.status, entry.answered_at) == ("answered", NOW + 1)
    await ask(events, 2)
    await events.qa_moderate("e1", "a2", "approve", NOW)
    await events.qa_moderate("e1", "a2", "unpin", NOW)
    assert await events.qa_version("e1") == version + 1  # the ask only
    assert told.ids == ["e1"]


async def test_an_upvote_is_given_taken_back_and_given_again(events: EventStore) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    await ask(events, 2)
    told = Told(events)
    assert await upvote(events, 7, "a1") == 1
    assert await upvote(events, 8, "a1") == 2
    assert await upvote(events, 7, "a2") == 1
    with pytest.raises(AlreadyVoted) as twice:
        await upvote(events, 7, "a1")
    assert str(twice.value) == qa.UPVOTED_ALREADY
    assert await events.qa_upvoted("e1", participant(7)) == {"a1", "a2"}
    assert await upvote(events, 7, "a1", up=False) == 1
    assert await upvote(events, 7, "a1", up=False) == 1  # not theirs now: nothing changes
    assert await upvote(events, 9, "a2", up=False) == 1  # never theirs
    assert await events.qa_upvoted("e1", participant(7)) == {"a2"}
    assert await upvote(events, 7, "a1") == 2
    assert await events.qa_upvoted("e1", participant(7)) == {"a1", "a2"}
    assert await events.qa_upvoted("e1", participant(9)) == frozenset()
    board = await events.qa_board("e1", NOW)
    assert [(e.entry_id, e.upvotes) for e in board.entries] == [("a1", 2), ("a2", 1)]
    assert board.version == 2 + 5 and told.ids == ["e1"] * 5
    answered = await events.qa_moderate("e1", "a1", "answered", NOW)  # with its count
    assert answered.upvotes == 2
    assert await upvote(events, 9, "a1") == 3  # an answered entry is shown: upvotable


async def test_only_entries_shown_to_everyone_take_upvotes(events: EventStore) -> None:
    await events.create_event(draft())
    await ask(events, 1, status="pending")
    await ask(events, 2)
    await upvote(events, 7, "a2")
    await events.qa_moderate("e1", "a2", "hide", NOW)
    version = await events.qa_version("e1")
    for entry_id in ("a1", "a2"):
        with pytest.raises(InvalidState) as refused:
            await upvote(events, 8, entry_id)
        assert str(refused.value) == qa.NOT_UPVOTABLE
    with pytest.raises(AlreadyVoted):  # given while shown: given still, said first
        await upvote(events, 7, "a2")
    assert await events.qa_version("e1") == version
    assert await upvote(events, 7, "a2", up=False) == 0  # taken back from a hidden one
    await events.qa_moderate("e1", "a1", "approve", NOW)
    assert await upvote(events, 8, "a1") == 1


async def test_one_participants_fifty_racing_upvotes_count_once(
    events: EventStore, storage: str
) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    async with processes(storage, events) as stores:
        results = await asyncio.gather(
            *(upvote(stores[n % len(stores)], 7, "a1") for n in range(50)),
            return_exceptions=True,
        )
        assert results.count(1) == 1, results
        assert sum(isinstance(r, AlreadyVoted) for r in results) == 49, results
        for store in stores:
            board = await store.qa_board("e1", NOW)
            assert (board.version, board.entries[0].upvotes) == (2, 1)
            assert await store.qa_upvoted("e1", participant(7)) == {"a1"}


async def test_fifty_participants_racing_upvotes_count_fifty(
    events: EventStore, storage: str
) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    async with processes(storage, events) as stores:
        results = await asyncio.gather(
            *(upvote(stores[who % len(stores)], who, "a1") for who in range(50))
        )
        assert sorted(results) == list(range(1, 51))  # each saw its own count: none lost
        # Then half of them take theirs back while as many others give one.
        racing = (*range(25), *range(50, 75))
        await asyncio.gather(*(upvote(stores[w % len(stores)], w, "a1", w >= 50) for w in racing))
        for store in stores:
            board = await store.qa_board("e1", NOW)
            assert (board.version, board.entries[0].upvotes) == (101, 50)


async def test_an_ended_event_keeps_its_qa_and_takes_no_change(events: EventStore) -> None:
    await events.create_event(draft())
    await ask(events, 1)
    await upvote(events, 7, "a1")
    await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    with pytest.raises(EventEnded):
        await ask(events, 2)
    with pytest.raises(EventEnded):
        await upvote(events, 8, "a1")
    with pytest.raises(EventEnded):
        await upvote(events, 7, "a1", up=False)
    with pytest.raises(EventEnded):
        await events.qa_moderate("e1", "a1", "pin", NOW)
    with pytest.raises(EventEnded):  # the event's refusal comes before the entry's
        await events.qa_moderate("e1", "a9", "pin", NOW)
    board = await events.qa_board("e1", NOW)
    assert board.version == 2 and board.entries[0].upvotes == 1
    assert await events.qa_upvoted("e1", participant(7)) == {"a1"}


async def test_an_unknown_entry_or_event_and_an_expired_event_are_not_found(
    events: EventStore,
) -> None:
    for call in (
        ask(events, 1, event_id="nope"),
        upvote(events, 7, "a1", event_id="nope"),
        events.qa_moderate("nope", "a1", "approve", NOW),
        events.qa_board("nope", NOW),
    ):
        with pytest.raises(NotFound):
            await call
    assert await events.qa_version("nope") == 0
    assert await events.qa_upvoted("nope", participant(7)) == frozenset()
    await events.create_event(draft())
    await ask(events, 1)
    for up in (True, False):
        with pytest.raises(NotFound) as missing:
            await upvote(events, 7, "a2", up)
        assert str(missing.value) == qa.NO_ENTRY
    with pytest.raises(NotFound) as missing:
        await events.qa_moderate("e1", "a2", "approve", NOW)
    assert str(missing.value) == qa.NO_ENTRY
    later = NOW + TTL  # expired: as if gone, before any sweep
    for call in (
        ask(events, 2, now=later),
        events.qa_upvote("e1", "a1", participant(7), True, later),
        events.qa_moderate("e1", "a1", "hide", later),
        events.qa_board("e1", later),
    ):
        with pytest.raises(NotFound):
            await call
    assert (await events.qa_board("e1", NOW)).version == 1  # nothing was written
