"""A quiz at every backend's serialization point (`conftest.storage`): a room answering
in the last second of the limit — every answer accepted before the limit counts, every
one at or after it is refused, and the leaderboard made from what storage stored is
exact. Times are given to storage as the web layer gives them (its one clock reading).
"""

from __future__ import annotations

import asyncio
from fractions import Fraction

import pytest

from tests.event_builders import new_event, participant
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain import quiz
from tohyo.domain.event_specs import parse_question
from tohyo.errors import VotingClosed
from tohyo.storage.events import EventStore

LIMIT = 20  # seconds
ROOM = 500
SPEC = {
    "type": "quiz",
    "prompt": "Which planet is largest?",
    "choices": [{"text": "Mars"}, {"text": "Jupiter"}, {"text": "Venus"}],
    "correct": ["2"],
    "timeLimit": LIMIT,
}


def right(n: int) -> bool:
    return n % 3 != 0  # two in three know it


async def test_the_last_second_counts_to_the_millisecond_and_the_ranks_are_exact(
    events: EventStore,
) -> None:
    spec = parse_question(SPEC)
    await events.create_event(new_event(spec, now=NOW, ttl=TTL))
    limit_ms = LIMIT * 1000
    opened = await events.change_event(
        "e1", NOW, lambda e: t.open_question(e, "q1", NOW, NOW + limit_ms)
    )
    question = opened.question("q1")
    assert question is not None and question.closes_at == NOW + limit_ms

    def send(n: int, at: int) -> asyncio.Future[object]:
        picked = ["2"] if right(n) else ["1"]
        return asyncio.ensure_future(
            events.answer("e1", participant(n), "q1", picked, tuple(picked), at)
        )

    # The room answers in the last second: participant n at 19.000 s + 2n ms, the last
    # at 19.998 s, all at once.
    times = {n: NOW + limit_ms - 1000 + 2 * n for n in range(ROOM)}
    accepted = await asyncio.gather(*(send(n, at) for n, at in times.items()))
    assert all(round_ == 1 for _, round_ in accepted)  # type: ignore[misc]
    # Then the limit: at it and after it, every answer is refused and none is stored.
    late = await asyncio.gather(
        *(send(ROOM + n, NOW + limit_ms + n) for n in range(100)), return_exceptions=True
    )
    assert all(isinstance(outcome, VotingClosed) for outcome in late), late[:3]

    event, _ = await events.get_event("e1", None, NOW + limit_ms)
    closed = event.question("q1")
    assert closed is not None and closed.status == "closed"
    assert closed.closed_at == NOW + limit_ms  # closed as of its deadline
    stored = await events.responses("e1")
    assert len(stored) == ROOM == event.tally(closed).total
    made = quiz.board(event, stored)

    def expected(n: int) -> int:  # Kahoot's rule, worked out apart from domain.quiz
        if not right(n):
            return 0
        elapsed = times[n] - NOW
        exact = 1000 * (1 - Fraction(elapsed, 2 * limit_ms))
        return int(exact + Fraction(1, 2))  # halves up: exact is positive

    for n in range(ROOM):
        place = made.places[participant(n)]
        assert place.score == expected(n) and place.time == times[n] - NOW, n
    # Every right answer above every wrong one; among each, the faster first; and with
    # every elapsed time distinct, no two share a rank.
    order = [int.from_bytes(s.participant, "big") for s in made.ranked]
    assert order == sorted(range(ROOM), key=lambda n: (not right(n), times[n]))
    assert [s.rank for s in made.ranked] == list(range(1, ROOM + 1))
    assert expected(1) == 525 and expected(ROOM - 1) == 500  # 19.002 s and 19.998 s


@pytest.mark.parametrize("reset_first", [False, True])
async def test_a_reset_takes_its_rounds_points_away_on_every_backend(
    events: EventStore, reset_first: bool
) -> None:
    await events.create_event(new_event(parse_question(SPEC), now=NOW, ttl=TTL))
    await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW, NOW + 20_000))
    await events.answer("e1", participant(1), "q1", ["2"], ("2",), NOW + 1000)
    await events.change_event("e1", NOW + 2000, lambda e: t.close_question(e, "q1", NOW + 2000))
    event, _ = await events.get_event("e1", None, NOW + 2000)
    assert quiz.board(event, await events.responses("e1")).places[participant(1)].score == 975
    later = NOW + 3000
    await events.change_event(
        "e1", later, lambda e: t.reset_question(e, "q1", later, later + 20_000)
    )
    if reset_first:  # round 2 answered by someone else, then closed
        await events.answer("e1", participant(2), "q1", ["2"], ("2",), later)
    await events.change_event("e1", later + 1, lambda e: t.close_question(e, "q1", later + 1))
    event, _ = await events.get_event("e1", None, later + 1)
    made = quiz.board(event, await events.responses("e1"))
    assert participant(1) not in made.places
    assert [s.score for s in made.ranked] == ([1000] if reset_first else [])
