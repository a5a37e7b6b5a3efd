"""A participant's own answers read back (`EventStore.answers_of`), every backend
(`conftest.BACKENDS`): for the page they reload, which shows them what they sent. Only
theirs, only the rounds asked for that they answered, the answer as stored (the last one
taken where it was changed), an earlier round's apart from the current one's — and, from
another store over the same storage (a restart, another process), the same.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import NotFound
from tohyo.storage import open_store
from tohyo.storage.events import EventStore

# A key as the service makes them: 32 bytes, here with the separators the stores use
# between a field's parts (Redis's ":", a line break) inside it.
KEY = b":\n" + bytes(range(30))


def lunch() -> Event:
    """q1 single (allows a change), q2 a word cloud, q3 a scale with two statements."""
    return new_event(
        spec("Lunch?", allowChange=True),
        spec("A word?", "wordcloud"),
        spec("Rate it", "scale", points=5, statements=[{"text": "Food"}, {"text": "Place"}]),
        now=NOW,
        ttl=TTL,
    )


async def running(events: EventStore) -> None:
    await events.create_event(lunch())
    for question_id in ("q1", "q2", "q3"):
        await events.change_event("e1", NOW, lambda e, q=question_id: t.open_question(e, q, NOW))


async def send(events: EventStore, who: bytes, question_id: str, answer: Any) -> None:
    counters = tuple(str(part) for part in answer)
    _, round_ = await events.answer("e1", who, question_id, answer, counters, NOW)
    assert round_ in (1, 2)


ROUNDS = [("q1", 1), ("q2", 1), ("q3", 1)]


async def test_only_the_participants_own_answers_in_the_rounds_asked(events: EventStore) -> None:
    await running(events)
    assert await events.answers_of("e1", KEY, ROUNDS, NOW) == {}  # nothing sent yet
    await send(events, KEY, "q1", ["2"])
    await send(events, KEY, "q3", [4, 1])
    await send(events, participant(2), "q1", ["3"])
    await send(events, participant(2), "q2", ["Ramen"])

    assert await events.answers_of("e1", KEY, ROUNDS, NOW) == {("q1", 1): ["2"], ("q3", 1): [4, 1]}
    assert await events.answers_of("e1", KEY, [("q3", 1)], NOW) == {("q3", 1): [4, 1]}
    assert await events.answers_of("e1", KEY, [("q1", 2)], NOW) == {}  # no such round yet
    assert await events.answers_of("e1", KEY, [], NOW) == {}
    theirs = await events.answers_of("e1", participant(2), ROUNDS, NOW)
    assert theirs == {("q1", 1): ["3"], ("q2", 1): ["Ramen"]}
    assert await events.answers_of("e1", participant(3), ROUNDS, NOW) == {}


async def test_a_changed_answer_reads_back_as_the_last_one_taken(events: EventStore) -> None:
    await running(events)
    await send(events, KEY, "q1", ["1"])
    await send(events, KEY, "q1", ["3"])  # q1 allows a change
    assert await events.answers_of("e1", KEY, [("q1", 1)], NOW) == {("q1", 1): ["3"]}


async def test_each_round_keeps_its_own_answer(events: EventStore) -> None:
    await running(events)
    await send(events, KEY, "q2", ["Ramen", "Soba"])
    await events.change_event("e1", NOW, lambda e: t.reset_question(e, "q2", NOW))
    assert await events.answers_of("e1", KEY, [("q2", 2)], NOW) == {}  # the new round: none
    await send(events, KEY, "q2", ["Curry"])
    assert await events.answers_of("e1", KEY, [("q2", 1), ("q2", 2)], NOW) == {
        ("q2", 1): ["Ramen", "Soba"],
        ("q2", 2): ["Curry"],
    }


async def test_a_missing_event_has_none(events: EventStore) -> None:
    try:
        found = await events.answers_of("nope", KEY, ROUNDS, NOW)
    except NotFound:
        return
    assert found == {}


async def test_they_read_back_after_a_restart(storage: str, backend: str) -> None:
    """Read by a store opened afresh over the same storage, once the first has closed:
    from the SQLite file, from Redis (what another process would read)."""
    if backend == "memory":
        pytest.skip("a memory store is its own storage")
    first = open_store(storage)
    await first.start()
    try:
        await running(first.events)
        await send(first.events, KEY, "q3", [5, 5])
        await send(first.events, KEY, "q1", ["1"])
        await send(first.events, KEY, "q1", ["2"])
    finally:
        await first.close()
    again = open_store(storage)
    await again.start()
    try:
        found = await again.events.answers_of("e1", KEY, ROUNDS, NOW)
    finally:
        await again.close()
    assert found == {("q1", 1): ["2"], ("q3", 1): [5, 5]}


async def test_an_answer_still_being_committed_is_read_from_its_batch(
    events: EventStore, backend: str
) -> None:
    """On SQLite an answer is decided at once and committed in a batch: read meanwhile,
    it comes from the batch, and the read returns once it is durable."""
    if backend != "sqlite":
        pytest.skip("only SQLite's answers wait in a batch (memory's are durable at once)")
    await running(events)
    await send(events, KEY, "q1", ["1"])
    changing = asyncio.ensure_future(send(events, KEY, "q1", ["3"]))
    await asyncio.sleep(0)  # its first step: decided, in the open batch, not yet durable
    assert not changing.done()
    assert await events.answers_of("e1", KEY, [("q1", 1)], NOW) == {("q1", 1): ["3"]}
    await changing
