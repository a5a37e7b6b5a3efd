"""Races between two processes on one Redis (or Cluster), each store playing one: host
changes computed on a revision another process moved on are computed again and apply
once; answers racing a close from the other process count only before it; join codes
drawn from a tiny space by both never go to two live events.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, draw_codes
from tests.redis_event_pairs import answer, draft, running
from tests.redis_event_pairs import pair as pair  # a fixture; the alias keeps it
from tests.redis_event_pairs import shared as shared  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import AlreadyVoted, StorageError, VotingClosed
from tohyo.storage.redis import RedisStore

# --- races between processes ------------------------------------------------------------


async def test_host_changes_racing_from_two_processes_all_apply_once(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    """20 changes at once, half through each process, each on a different question: every
    one applies, exactly once (each was computed again after losing a compare-and-set)."""
    one, _ = pair
    specs = [spec(f"Question {i}?") for i in range(20)]
    await one.events.create_event(new_event(*specs, now=NOW, ttl=TTL))
    ids = [f"q{i}" for i in range(1, 21)]
    changes = [lambda e, q=q: t.open_question(e, q, NOW) for q in ids]
    results = await asyncio.gather(
        *(pair[i % 2].events.change_event("e1", NOW, c) for i, c in enumerate(changes))
    )
    assert sorted(r.revision for r in results) == list(range(2, 22))
    stored, _ = await pair[1].events.get_event("e1", None, NOW)
    assert (stored.revision, stored.version) == (21, 21)
    assert all(q.status == "open" for q in stored.questions)
    assert all(q.rounds_opened == (NOW,) for q in stored.questions)  # opened once each


async def test_reorders_racing_from_two_processes_each_apply_on_the_latest_order(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    specs = [spec(f"Question {i}?") for i in range(5)]
    await one.events.create_event(new_event(*specs, now=NOW, ttl=TTL))

    def rotate(event: Event) -> Event:
        ids = tuple(q.question_id for q in event.questions)
        return t.reorder(event, (*ids[1:], ids[0]))

    results = await asyncio.gather(
        *(pair[i % 2].events.change_event("e1", NOW, rotate) for i in range(20))
    )
    assert sorted(r.revision for r in results) == list(range(2, 22))
    stored, _ = await one.events.get_event("e1", None, NOW)
    # 20 rotations of 5 questions: back where they began, only if none was lost or doubled.
    assert [q.question_id for q in stored.questions] == ["q1", "q2", "q3", "q4", "q5"]
    assert stored.revision == 21


async def test_answers_racing_a_close_from_another_process_are_counted_only_before_it(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    answering, closing = pair
    await running(answering)
    calls = [answer(answering, who) for who in range(100)]
    close = closing.events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    calls.insert(30, close)
    results = await asyncio.gather(*calls, return_exceptions=True)
    closed = results.pop(30)
    assert isinstance(closed, Event)
    assert all(isinstance(r, (Event, VotingClosed)) for r in results), results
    accepted = [r for r in results if isinstance(r, Event)]
    assert all(r.version < closed.version for r in accepted)  # the close came after each
    stored, _ = await closing.events.get_event("e1", None, NOW)
    total = stored.tallies[("q1", 1)].total if ("q1", 1) in stored.tallies else 0
    assert total == len(accepted) == len(await closing.events.responses("e1"))
    assert closed.tallies.get(("q1", 1), None) == stored.tallies.get(("q1", 1), None)


async def test_answers_racing_resets_from_another_process_name_the_round_they_are_stored_in(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    """The other process's resets leave gaps in this one's copy that a read repairs; the
    read goes past some answers, whose replies then carry a newer event, where the
    question may be in a later round. Each reply still names its answer's own round."""
    answering, resetting = pair
    await running(answering)

    async def host() -> None:
        for _ in range(5):
            await resetting.events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))

    resets = asyncio.create_task(host())
    replied: Counter[tuple[bytes, int]] = Counter()
    while True:
        last = resets.done()
        wave = await asyncio.gather(
            *(
                answering.events.answer("e1", participant(w), "q1", ["1"], ("1",), NOW)
                for w in range(50)
            ),
            return_exceptions=True,
        )
        assert all(isinstance(r, (tuple, AlreadyVoted)) for r in wave), wave
        replied.update((participant(w), r[1]) for w, r in enumerate(wave) if isinstance(r, tuple))
        if last:
            break
    await resets
    stored = await resetting.events.responses("e1")
    assert replied == Counter((r.participant, r.round) for r in stored)
    assert max(r.round for r in stored) == 6


async def test_an_answer_past_the_deadline_is_refused_before_any_read_settles_it(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await one.events.create_event(draft())
    await one.events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW, NOW + 1000))
    late = one.events.answer("e1", participant(1), "q1", ["1"], ("1",), NOW + 1000)
    with pytest.raises(VotingClosed):
        await late
    assert await one.events.responses("e1") == []


# --- join codes ---------------------------------------------------------------------------


SPACE = [str(code) for code in range(200_000, 200_050)]  # 50 codes


def tiny_space() -> Iterator[str]:
    order = SPACE[:]
    random.shuffle(order)
    return iter(order)


async def test_creation_racing_from_two_processes_never_shares_a_live_code(
    pair: tuple[RedisStore, RedisStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    draw_codes(monkeypatch, tiny_space)
    results = await asyncio.gather(
        *(pair[i % 2].events.create_event(draft(f"e{i}")) for i in range(80)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Event)]
    assert all(isinstance(r, (Event, StorageError)) for r in results), results
    assert len(made) == len(SPACE)  # every code taken once, none by two events
    assert sorted(e.code for e in made) == SPACE
    for event in made:
        assert await pair[1].events.find_code(event.code, NOW) == event.event_id
