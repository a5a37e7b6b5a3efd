"""An answer meant for a round, every backend (`conftest.BACKENDS`): `EventStore.answer`'s
`expected_round` is checked at the serialization point, with open and once — a question
reset since the participant saw it refuses the answer (RoundChanged, saying the round it
is in), records nothing and tells no listener; without it, the current round takes it."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import AlreadyVoted, NotFound, RoundChanged, VotingClosed
from tohyo.storage.events import Answer, EventStore


async def reset_twice(events: EventStore) -> Event:
    """Event e1: q1 open in its third round (reset twice), q2 a draft."""
    await events.create_event(new_event(spec("Lunch?"), spec("Later?"), now=NOW, ttl=TTL))
    await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))
    for _ in range(2):
        event = await events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))
    question = event.question("q1")
    assert question is not None and question.round == 3
    return event


async def answer(events: EventStore, who: int, expected_round: int | None) -> None:
    await events.answer(
        "e1", participant(who), "q1", ["1"], ("1",), NOW, expected_round=expected_round
    )


async def tally_total(events: EventStore, round_: int) -> int:
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question("q1")
    assert question is not None
    return event.tally(question, round_).total


async def test_an_answer_meant_for_an_earlier_round_records_nothing(events: EventStore) -> None:
    before = await reset_twice(events)
    told: list[Collection[Answer]] = []
    events.add_event_listener(lambda event, answers: told.append(answers))
    for stale in (1, 2, 4, 10**30):
        with pytest.raises(RoundChanged) as refused:
            await answer(events, 1, stale)
        assert refused.value.status == 409 and refused.value.code == "round_changed"
        assert refused.value.details == {"round": 3}
    after, answered = await events.get_event("e1", participant(1), NOW)
    assert answered == frozenset() and after.version == before.version
    assert [await tally_total(events, r) for r in (1, 2, 3)] == [0, 0, 0]
    assert await events.responses("e1") == []
    assert told == []

    # The participant is not spent: the round they see now takes their answer, once.
    await answer(events, 1, 3)
    _, answered = await events.get_event("e1", participant(1), NOW)
    assert answered == frozenset({("q1", 3)})
    assert await tally_total(events, 3) == 1
    with pytest.raises(AlreadyVoted):
        await answer(events, 1, 3)
    # Meant for another round, it is that round which is refused, whatever was answered.
    with pytest.raises(RoundChanged):
        await answer(events, 1, 2)
    assert [r.round for r in await events.responses("e1")] == [3]


async def test_without_an_expected_round_the_current_round_takes_the_answer(
    events: EventStore,
) -> None:
    await reset_twice(events)
    await answer(events, 2, None)
    await events.answer("e1", participant(3), "q1", ["2"], ("2",), NOW)  # the old call
    _, answered = await events.get_event("e1", participant(3), NOW)
    assert answered == frozenset({("q1", 3)})
    assert await tally_total(events, 3) == 2


async def test_the_question_is_found_and_open_before_its_round_is_checked(
    events: EventStore,
) -> None:
    await reset_twice(events)
    with pytest.raises(NotFound):  # a draft: participants never learn it exists
        await events.answer("e1", participant(1), "q2", ["1"], ("1",), NOW, expected_round=5)
    with pytest.raises(NotFound):
        await events.answer("e1", participant(1), "q9", ["1"], ("1",), NOW, expected_round=5)
    await events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    with pytest.raises(VotingClosed):
        await answer(events, 1, 1)
    with pytest.raises(VotingClosed):
        await answer(events, 1, 3)
