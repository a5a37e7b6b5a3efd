"""The event storage races, every backend: answers racing each other, a close, a reset
and the host's changes; join codes allocated concurrently from a space too small to
avoid collisions. Every acknowledged answer is counted once, in its round, and no two
live events ever share a code.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, Heard, draw_codes
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import AlreadyVoted, StorageError, VotingClosed
from tohyo.storage.events import EventStore


def draft(event_id: str = "e1") -> Event:
    return new_event(spec("One?"), spec("Two?"), now=NOW, event_id=event_id, ttl=TTL)


async def running(events: EventStore, event_id: str = "e1") -> Event:
    await events.create_event(draft(event_id))
    await events.change_event(event_id, NOW, lambda e: t.open_question(e, "q2", NOW))
    return await events.change_event(event_id, NOW, lambda e: t.open_question(e, "q1", NOW))


async def answer(events: EventStore, who: int, question_id: str = "q1") -> Event:
    """The event after one answer (`answered` keeps its round too)."""
    event, _ = await answered(events, who, question_id)
    return event


def answered(events: EventStore, who: int, question_id: str = "q1") -> Any:
    """One answer: (the event after it, the round it was recorded in)."""
    choice = str(who % 3 + 1)
    return events.answer("e1", participant(who), question_id, [choice], (choice,), NOW)


async def test_concurrent_answers_of_distinct_participants_all_count(events: EventStore) -> None:
    opened = await running(events)
    heard = Heard(events, "e1")
    await events.watch_event("e1")
    try:
        results = await asyncio.gather(*(answer(events, who) for who in range(200)))
        final = opened.version + 200
        # Each reply is the state its own answer committed: one version each.
        assert sorted(r.version for r in results) == list(range(opened.version + 1, final + 1))
        for r in results:
            assert r.tallies[("q1", 1)].total == r.version - opened.version
        got, _ = await events.get_event("e1", None, NOW)
        tally = got.tallies[("q1", 1)]
        assert tally.total == 200 and dict(tally.counts) == {"1": 67, "2": 67, "3": 66}
        assert (got.version, got.revision) == (final, opened.revision)
        assert len(await events.responses("e1")) == 200
        assert await heard.reach(final) == got
        heard.check_order()
        assert sorted(heard.answers) == sorted((participant(w), "q1", 1) for w in range(200))
    finally:
        events.unwatch_event("e1")


async def test_one_participants_concurrent_answers_count_once(events: EventStore) -> None:
    await running(events)
    results = await asyncio.gather(*(answer(events, 7) for _ in range(20)), return_exceptions=True)
    assert sum(isinstance(r, Event) for r in results) == 1
    assert sum(isinstance(r, AlreadyVoted) for r in results) == 19
    got, mine = await events.get_event("e1", participant(7), NOW)
    assert got.tallies[("q1", 1)].total == 1 and mine == {("q1", 1)}


async def test_answers_racing_a_close_are_counted_exactly_when_accepted(
    events: EventStore,
) -> None:
    await running(events)
    close = events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    calls = [answer(events, who) for who in range(100)]
    calls.insert(50, close)
    results = await asyncio.gather(*calls, return_exceptions=True)
    closed = results.pop(50)
    assert isinstance(closed, Event)
    assert all(isinstance(r, (Event, VotingClosed)) for r in results), results
    accepted = {participant(who) for who, r in enumerate(results) if isinstance(r, Event)}
    got, _ = await events.get_event("e1", None, NOW)
    total = got.tallies[("q1", 1)].total if ("q1", 1) in got.tallies else 0
    assert total == len(accepted)
    assert {r.participant for r in await events.responses("e1")} == accepted
    assert got.version == closed.version  # the close is final: nothing is accepted after it
    assert all(r.version < closed.version for r in results if isinstance(r, Event))


async def test_answers_racing_a_reset_are_counted_once_in_their_round(
    events: EventStore,
) -> None:
    await running(events)
    reset = events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))
    # Each participant answers twice: before the reset one is refused, after it each may
    # count once in round 1 and once in round 2.
    calls: list[Any] = [answer(events, who % 60) for who in range(120)]
    calls.insert(60, reset)
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(results.pop(60), Event)
    assert all(isinstance(r, (Event, AlreadyVoted)) for r in results), results
    accepted = sum(isinstance(r, Event) for r in results)
    got, _ = await events.get_event("e1", None, NOW)
    stored = await events.responses("e1")
    per_round = Counter(r.round for r in stored)
    totals = {key[1]: tally.total for key, tally in got.tallies.items() if tally.total}
    assert totals == dict(per_round)
    assert sum(per_round.values()) == accepted >= 60  # each participant at least once
    assert len({(r.participant, r.round) for r in stored}) == len(stored)  # once per round


async def test_each_answers_reply_names_the_round_its_response_is_stored_in(
    events: EventStore,
) -> None:
    """Waves of answers racing three resets: the round each reply names is the round
    storage keeps its answer under (the event returned with it may be a newer one)."""
    await running(events)

    async def host() -> None:
        for _ in range(3):
            await events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))

    resets = asyncio.create_task(host())
    replied: Counter[tuple[bytes, int]] = Counter()
    while True:
        last = resets.done()  # one more wave once the resets are over: the last round's
        wave = await asyncio.gather(
            *(answered(events, who) for who in range(40)), return_exceptions=True
        )
        assert all(isinstance(r, (tuple, AlreadyVoted)) for r in wave), wave
        replied.update((participant(w), r[1]) for w, r in enumerate(wave) if isinstance(r, tuple))
        if last:
            break
    await resets
    stored = Counter((r.participant, r.round) for r in await events.responses("e1"))
    assert replied == stored
    assert max(round_ for _, round_ in stored) == 4  # the last wave: in the last round


async def test_versions_strictly_increase_across_host_changes_and_answers(
    events: EventStore,
) -> None:
    opened = await running(events)
    host: list[Callable[[Event], Event]] = [
        # Each a change in any order: a shared store may apply them in any.
        lambda e: t.present(e, "q1"),
        lambda e: t.configure_question(e, "q2", "always", None),
        lambda e: t.configure_question(e, "q1", "host", None),
        lambda e: t.configure_event(e, "Renamed", None),
        lambda e: t.add_question(e, spec("Three?")),
        lambda e: t.configure_event(e, None, "audience"),
    ]
    heard = Heard(events, "e1")
    await events.watch_event("e1")
    try:
        calls: list[Any] = [answer(events, w, "q1" if w % 2 else "q2") for w in range(60)]
        for i, change in enumerate(host):
            calls.insert(i * 10, events.change_event("e1", NOW, change))
        results = await asyncio.gather(*calls)
        final = opened.version + 66  # each change one version: none shared, none skipped
        assert sorted(r.version for r in results) == list(range(opened.version + 1, final + 1))
        got, _ = await events.get_event("e1", None, NOW)
        assert (got.version, got.revision) == (final, opened.revision + 6)
        assert (got.title, got.pace, got.presenting, len(got.questions)) == (
            "Renamed",
            "audience",
            "q1",
            3,
        )
        assert sum(tally.total for tally in got.tallies.values()) == 60
        assert await heard.reach(final) == got
        heard.check_order()
        assert len(heard.answers) == 60
    finally:
        events.unwatch_event("e1")


async def test_two_hosts_racing_the_same_change_apply_it_once(events: EventStore) -> None:
    opened = await running(events)
    results = await asyncio.gather(
        *(events.change_event("e1", NOW, lambda e: t.present(e, "q1")) for _ in range(10)),
        *(
            events.change_event("e1", NOW, lambda e: t.close_question(e, "q2", NOW))
            for _ in range(10)
        ),
    )
    assert {r.version for r in results} <= {opened.version + 1, opened.version + 2}
    got, _ = await events.get_event("e1", None, NOW)
    assert got.version == opened.version + 2 and got.presenting == "q1"


# --- join codes ---------------------------------------------------------------------

SPACE = [str(code) for code in range(100_000, 100_400)]  # 400 codes for 300 events


def shuffled_space() -> Iterator[str]:
    """Every code of the tiny space, in a random order: creation fails only when all of
    them are live."""
    order = SPACE[:]
    random.shuffle(order)
    return iter(order)


async def test_concurrent_creation_never_shares_a_live_code(
    events: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    draw_codes(monkeypatch, shuffled_space)
    created = await asyncio.gather(*(events.create_event(draft(f"e{i}")) for i in range(300)))
    codes = [e.code for e in created]
    assert len(set(codes)) == 300 and set(codes) <= set(SPACE)
    for event in random.sample(created, 20):
        assert await events.find_code(event.code, NOW) == event.event_id
    # The rest of the space, concurrently too, and a few more than it holds (each of
    # those tries all 400 codes before it gives up); then no code is free.
    more = await asyncio.gather(
        *(events.create_event(draft(f"f{i}")) for i in range(102)), return_exceptions=True
    )
    made = [e for e in more if isinstance(e, Event)]
    assert all(isinstance(e, (Event, StorageError)) for e in more), more
    assert len(made) == 100
    live = codes + [e.code for e in made]
    assert sorted(live) == SPACE  # every code once: none shared, none lost
    with pytest.raises(StorageError):
        await events.create_event(draft("g"))
    # Ending an event frees exactly its code.
    freed = created[123]
    await events.change_event(freed.event_id, NOW, lambda e: t.end_event(e, NOW, TTL // 2))
    again = await events.create_event(draft("h"))
    assert again.code == freed.code
    assert await events.find_code(freed.code, NOW) == "h"
