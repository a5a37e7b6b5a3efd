"""Change of answer on Redis (one server and a 3-node Cluster), two stores playing two
processes: the answer script replaces an answer in one step, and every process's copy of
the event (moved forward by the published message) is what `Tally.replace` makes — a
counter at 0 gone there too, whatever its name.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, until
from tests.redis_event_pairs import Heard, raw_client
from tests.redis_event_pairs import pair as pair  # a fixture; the alias keeps it
from tests.redis_event_pairs import shared as shared  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.questions import Increments, Tally
from tohyo.errors import AlreadyVoted
from tohyo.storage.redis import RedisStore
from tohyo.storage.redis_keys import event_key, event_responses

ROUND = ("q1", 1)


async def running(store: RedisStore) -> Event:
    """q1 allows a change, q2 does not; both open."""
    specs = (spec("Lunch?", allowChange=True), spec("Final?"))
    await store.events.create_event(new_event(*specs, now=NOW, ttl=TTL))
    await store.events.change_event("e1", NOW, lambda e: t.open_question(e, "q2", NOW))
    return await store.events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))


async def send(
    store: RedisStore, who: int, increments: Increments, question_id: str = "q1", body: str = "1"
) -> Event:
    event, _ = await store.events.answer(
        "e1", participant(who), question_id, [body], increments, NOW
    )
    return event


async def test_changes_through_either_process_leave_both_copies_as_tally_replace(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, other = pair
    heard = [Heard(one), Heard(other)]
    await running(one)
    for store in pair:  # as a stream does: watch, then read
        await store.events.watch_event("e1")
        await store.events.get_event("e1", None, NOW)
    try:
        sushi = ("寿司\x1f🍣", "\x1f", "🍣🍣")
        ramen = ("ラーメン\x1fRamen", "寿司\x1f🍣")
        model = Tally()
        for who, store in ((1, one), (2, other)):
            await send(store, who, sushi)
            model = model.add(sushi)
        last = await send(other, 1, ramen)  # 1 changes through the other process
        model = model.replace(sushi, ramen)
        last = await send(one, 2, ramen[:1])
        model = model.replace(sushi, ramen[:1])
        assert model == Tally({"ラーメン\x1fRamen": 2, "寿司\x1f🍣": 1}, 2)
        assert last.tallies[ROUND] == model
        for store, store_heard in zip(pair, heard, strict=True):
            await until(lambda h=store_heard: h.version == last.version)  # type: ignore[misc]
            assert store_heard.states[-1] == last
            assert store_heard.states[-1].tallies[ROUND] == model  # the emptied counters gone
            assert store_heard.answers == {(participant(w), "q1", 1) for w in (1, 2)}
            got, _ = await store.events.get_event("e1", None, NOW)
            assert got.tallies[ROUND] == model
    finally:
        for store in pair:
            store.events.unwatch_event("e1")


async def test_one_participants_changes_from_two_processes_leave_one_answer(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    """Each process's replies may carry a newer state than its own answer made (a read
    went past it): the answer stored says which change was the last."""
    await running(pair[0])
    answers = [(f"c{i}", f"d{i % 3}") for i in range(30)]
    await asyncio.gather(*(send(pair[i % 2], 7, a, body=str(i)) for i, a in enumerate(answers)))
    for store in pair:
        (stored,) = await store.events.responses("e1")
        assert stored.participant == participant(7)
        got, _ = await store.events.get_event("e1", None, NOW)
        assert got.tallies[ROUND] == Tally().add(answers[int(stored.answer[0])])


async def test_the_event_hash_says_which_questions_allow_a_change(
    pair: tuple[RedisStore, RedisStore], shared: str
) -> None:
    """What the answer script checks: `qs:<questionId>` carries the flag, and only the
    answers that may change are stored with their counters."""
    one, _ = pair
    await running(one)
    await send(one, 1, ("1",))
    await send(one, 1, ("2",), "q2")
    raw = raw_client(shared)
    try:
        assert raw.hget(event_key("e1"), "qs:q1") == b"open 1 0 1"
        assert raw.hget(event_key("e1"), "qs:q2") == b"open 1 0 0"
        stored = raw.hgetall(event_responses("e1"))
        q1 = stored[b"q1:1:" + participant(1)]
        q2 = stored[b"q2:1:" + participant(1)]
        assert q1.endswith(b'["1"]\n["1"]') and b"\n" not in q2
    finally:
        raw.close()


async def test_a_question_state_written_without_the_flag_takes_no_change(
    pair: tuple[RedisStore, RedisStore], shared: str
) -> None:
    """An event stored by a tohyo from before the flag ("<status> <round> <closesAt>"):
    its answers are taken once, as they were then."""
    one, _ = pair
    await running(one)
    raw = raw_client(shared)
    try:
        raw.hset(event_key("e1"), "qs:q1", "open 1 0")
    finally:
        raw.close()
    first = await send(one, 1, ("1",))
    with pytest.raises(AlreadyVoted):
        await send(one, 1, ("2",))
    got, _ = await one.events.get_event("e1", None, NOW)
    assert got.tallies[ROUND] == first.tallies[ROUND] == Tally({"1": 1}, 1)
