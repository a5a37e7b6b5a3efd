"""Change of answer, every backend (`conftest.BACKENDS`): on a question that allows it
(`allowChange`), a participant's new answer takes the place of their old one at the
event's serialization point — the old answer's counters off the round's tally, the new
one's on, the number of answers the same, a counter at 0 gone (as `Tally.replace`), and
the stored answer the new one with its time. Without it, a second answer is refused as
ever. The races, restarts and two processes: test_event_change_answer_races.py.
"""

from __future__ import annotations

import random

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, Heard
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.questions import Increments, Tally
from tohyo.errors import AlreadyVoted, RoundChanged, VotingClosed
from tohyo.storage.events import EventStore

ROUND = ("q1", 1)


def changeable(event_id: str = "e1") -> Event:
    """q1 single and q2 multiple allow a change; q3 (single) does not."""
    return new_event(
        spec("Lunch?", allowChange=True),
        spec("Drinks?", "multiple", allowChange=True),
        spec("Final?"),
        now=NOW,
        event_id=event_id,
        ttl=TTL,
    )


async def running(events: EventStore, *open_ids: str) -> Event:
    await events.create_event(changeable())
    event: Event | None = None
    for question_id in open_ids or ("q1", "q2", "q3"):
        event = await events.change_event(
            "e1", NOW, lambda e, q=question_id: t.open_question(e, q, NOW)
        )
    assert event is not None
    return event


async def choose(
    events: EventStore, who: int, *choices: str, question_id: str = "q1", now: int = NOW
) -> Event:
    """`who` answers `choices` (their ids are the counters, as choice questions count)."""
    event, round_ = await events.answer(
        "e1", participant(who), question_id, list(choices), choices, now
    )
    assert round_ == 1
    return event


async def recounted(events: EventStore, question_id: str = "q1", round_: int = 1) -> Tally:
    """The round's tally as the export counts it, from the stored answers."""
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question(question_id)
    assert question is not None
    answers = [
        r for r in await events.responses("e1") if (r.question_id, r.round) == (question_id, round_)
    ]
    return event_export.recount(question, answers)


async def tally(events: EventStore, key: tuple[str, int] = ROUND) -> Tally:
    event, _ = await events.get_event("e1", None, NOW)
    return event.tallies.get(key, Tally())


async def test_a_changed_answer_moves_the_tally_and_replaces_the_stored_one(
    events: EventStore,
) -> None:
    opened = await running(events)
    heard = Heard(events, "e1")
    await events.watch_event("e1")
    try:
        first = await choose(events, 1, "1", now=NOW)
        changed = await choose(events, 1, "2", now=NOW + 5)
        assert changed.version == first.version + 1 == opened.version + 2
        assert changed.tallies[ROUND] == Tally({"2": 1}, 1)  # "1" at 0 is gone
        assert await tally(events) == Tally({"2": 1}, 1)
        (stored,) = await events.responses("e1")
        assert (stored.participant, stored.answer, stored.answered_at) == (
            participant(1),
            ["2"],
            NOW + 5,
        )
        assert await recounted(events) == Tally({"2": 1}, 1)
        _, mine = await events.get_event("e1", participant(1), NOW)
        assert mine == {ROUND}
        # Listeners are told a change as an answer, with the state it made.
        assert (await heard.reach(changed.version)).tallies[ROUND] == Tally({"2": 1}, 1)
        assert (participant(1), "q1", 1) in heard.answers
        assert heard.versions == sorted(set(heard.versions))
    finally:
        events.unwatch_event("e1")


async def test_without_allow_change_a_second_answer_is_refused_and_changes_nothing(
    events: EventStore,
) -> None:
    await running(events)
    before = await choose(events, 1, "1", question_id="q3")
    with pytest.raises(AlreadyVoted):
        await choose(events, 1, "2", question_id="q3", now=NOW + 1)
    after, _ = await events.get_event("e1", None, NOW)
    assert after.version == before.version
    assert after.tallies[("q3", 1)] == Tally({"1": 1}, 1)
    (stored,) = await events.responses("e1")
    assert (stored.answer, stored.answered_at) == (["1"], NOW)


async def test_only_the_changed_answers_counters_move_and_those_at_zero_vanish(
    events: EventStore,
) -> None:
    await running(events)
    await choose(events, 1, "1", "2", question_id="q2")
    await choose(events, 2, "2", question_id="q2")
    changed = await choose(events, 1, "2", "3", question_id="q2")
    # "1" went to 0 and is gone; "2" kept by both; "3" came on; still two answers.
    assert changed.tallies[("q2", 1)] == Tally({"2": 2, "3": 1}, 2)
    changed = await choose(events, 2, "1", question_id="q2")
    assert changed.tallies[("q2", 1)] == Tally({"1": 1, "2": 1, "3": 1}, 2)
    assert await tally(events, ("q2", 1)) == Tally({"1": 1, "2": 1, "3": 1}, 2)
    assert await recounted(events, "q2") == Tally({"1": 1, "2": 1, "3": 1}, 2)
    stored = {r.participant: r.answer for r in await events.responses("e1")}
    assert stored == {participant(1): ["2", "3"], participant(2): ["1"]}


async def test_any_sequence_of_answers_and_changes_ends_as_the_model_says(
    events: EventStore,
) -> None:
    """A seeded walk: 40 participants answer and change q2 (multiple choice) in turn;
    after each step the live tally is the model's (Tally.replace and Tally.add), and at
    the end it is the recount of the stored answers."""
    await running(events, "q2")
    rng = random.Random(14)
    model = Tally()
    mine: dict[int, Increments] = {}
    for step in range(300):
        who = rng.randrange(40)
        choices = tuple(sorted(rng.sample(["1", "2", "3"], rng.randint(1, 3))))
        got = await choose(events, who, *choices, question_id="q2", now=NOW + step)
        model = model.replace(mine[who], choices) if who in mine else model.add(choices)
        mine[who] = choices
        assert got.tallies[("q2", 1)] == model, step
    assert await tally(events, ("q2", 1)) == model
    assert await recounted(events, "q2") == model
    stored = await events.responses("e1")
    assert len(stored) == len(mine) == model.total
    assert {r.participant: tuple(r.answer) for r in stored} == {
        participant(w): c for w, c in mine.items()
    }


async def test_a_change_is_refused_once_closed_and_a_reset_starts_afresh(
    events: EventStore,
) -> None:
    await running(events, "q1")
    await choose(events, 1, "1")
    await events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    with pytest.raises(VotingClosed):
        await choose(events, 1, "2")
    await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))
    with pytest.raises(RoundChanged):  # the round meant is checked as ever
        await events.answer("e1", participant(1), "q1", ["3"], ("3",), NOW, expected_round=2)
    reopened = await choose(events, 1, "3")  # reopened: the same round, changed again
    assert reopened.tallies[ROUND] == Tally({"3": 1}, 1)
    reset = await events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))
    after, round_ = await events.answer(
        "e1", participant(1), "q1", ["2"], ("2",), NOW, expected_round=2
    )
    assert round_ == 2 and after.version == reset.version + 1
    assert after.tallies[("q1", 2)] == Tally({"2": 1}, 1)  # a first answer in round 2
    assert after.tallies[ROUND] == Tally({"3": 1}, 1)  # round 1 kept as it ended
    again, _ = await events.answer("e1", participant(1), "q1", ["1"], ("1",), NOW)
    assert again.tallies[("q1", 2)] == Tally({"1": 1}, 1)
    assert sorted((r.round, r.answer) for r in await events.responses("e1")) == [
        (1, ["3"]),
        (2, ["1"]),
    ]


async def test_counters_with_emoji_and_separators_survive_a_change(events: EventStore) -> None:
    """Counter names are any text but control characters inside a part, parts joined by
    U+001F (a word cloud's key and spelling): taken off and put on byte for byte."""
    await running(events, "q1")
    sushi = ("寿司\x1f🍣 Sushi", 'ｶﾚｰ\x1f"quoted" \\ / {}', "é\u0301")
    ramen = ("ラーメン\x1f🍜", "寿司\x1f🍣 Sushi")
    await events.answer("e1", participant(1), "q1", ["1"], sushi, NOW)
    await events.answer("e1", participant(2), "q1", ["1"], sushi[:1], NOW)
    changed, _ = await events.answer("e1", participant(1), "q1", ["2"], ramen, NOW)
    expected = Tally().add(sushi).add(sushi[:1]).replace(sushi, ramen)
    assert expected == Tally({"寿司\x1f🍣 Sushi": 2, "ラーメン\x1f🍜": 1}, 2)
    assert changed.tallies[ROUND] == expected
    assert await tally(events) == expected
    changed, _ = await events.answer("e1", participant(1), "q1", ["3"], sushi[1:], NOW)
    expected = expected.replace(ramen, sushi[1:])
    assert changed.tallies[ROUND] == expected == await tally(events)
