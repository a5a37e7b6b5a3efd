"""Change of answer racing, every backend: one participant's many answers at once, many
participants changing while the host closes or resets the question. However they
interleave, each participant has one answer in the round, the tally is exactly the sum
of the answers stored (`event_export.recount`), and a change is counted exactly when it
was acknowledged.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, Heard
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event, Response
from tohyo.domain.questions import Tally
from tohyo.errors import VotingClosed
from tohyo.storage.events import EventStore

ROUND = ("q1", 1)
CHOICES = [str(i) for i in range(1, 11)]


async def running(events: EventStore) -> Event:
    """q1: multiple choice of 10, open, allowing a change."""
    specs = [spec("Which talks?", "multiple", n=10, allowChange=True)]
    await events.create_event(new_event(*specs, now=NOW, ttl=TTL))
    return await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))


def choose(events: EventStore, who: int, choices: tuple[str, ...]) -> Any:
    """One answer (its counters are its choice ids): (the event after it, its round)."""
    return events.answer("e1", participant(who), "q1", list(choices), choices, NOW)


def counted(choices: tuple[str, ...]) -> Tally:
    return Tally().add(choices)


async def stored(events: EventStore) -> tuple[Tally, list[Response], Tally]:
    """The live tally of q1's round 1, its stored answers, and their recount."""
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question("q1")
    assert question is not None
    answers = [r for r in await events.responses("e1") if r.round == 1]
    return event.tallies.get(ROUND, Tally()), answers, event_export.recount(question, answers)


async def test_one_participants_concurrent_changes_leave_one_answer(events: EventStore) -> None:
    """30 different answers of one participant at once: each is taken (the first as an
    answer, the others as changes of it), one at a time, so exactly one stands — the
    last taken — and the tally is its counters once."""
    opened = await running(events)
    rng = random.Random(7)
    subsets = [c for n in range(1, 11) for c in itertools.combinations(CHOICES, n)]
    answers = rng.sample(subsets, 30)
    heard = Heard(events, "e1")
    await events.watch_event("e1")
    try:
        results = await asyncio.gather(*(choose(events, 7, a) for a in answers))
        versions = [event.version for event, _ in results]
        assert sorted(versions) == list(range(opened.version + 1, opened.version + 31))
        for (event, round_), choices in zip(results, answers, strict=True):
            assert round_ == 1
            assert event.tallies[ROUND] == counted(choices)  # the state its own answer made
        last = answers[versions.index(max(versions))]
        live, responses, recount = await stored(events)
        assert live == recount == counted(last)
        assert [(r.participant, tuple(r.answer)) for r in responses] == [(participant(7), last)]
        assert (await heard.reach(max(versions))).tallies[ROUND] == counted(last)
        assert heard.versions == sorted(set(heard.versions))
    finally:
        events.unwatch_event("e1")


async def test_changes_racing_a_close_count_exactly_when_acknowledged(
    events: EventStore,
) -> None:
    """100 participants change their answer while the host closes: those acknowledged
    before the close are in the tally, the others are refused and their first answer
    stands; the tally is the recount of what is stored."""
    await running(events)
    rng = random.Random(11)
    first = {who: tuple(sorted(rng.sample(CHOICES, rng.randint(1, 4)))) for who in range(100)}
    then = {who: tuple(sorted(rng.sample(CHOICES, rng.randint(1, 4)))) for who in range(100)}
    await asyncio.gather(*(choose(events, who, first[who]) for who in range(100)))
    calls = [choose(events, who, then[who]) for who in range(100)]
    calls.insert(50, events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW)))
    results = await asyncio.gather(*calls, return_exceptions=True)
    closed = results.pop(50)
    assert isinstance(closed, Event)
    assert all(isinstance(r, (tuple, VotingClosed)) for r in results), results
    changed = {who for who, r in enumerate(results) if isinstance(r, tuple)}
    assert all(r[0].version < closed.version for r in results if isinstance(r, tuple))
    final = {who: then[who] if who in changed else first[who] for who in range(100)}
    expected = Tally()
    for choices in final.values():
        expected = expected.add(choices)
    live, responses, recount = await stored(events)
    assert live == recount == expected == closed.tallies[ROUND]
    assert {r.participant: tuple(r.answer) for r in responses} == {
        participant(who): choices for who, choices in final.items()
    }
    assert len(responses) == 100 and live.total == 100


async def test_changes_racing_a_reset_count_once_in_the_round_they_name(
    events: EventStore,
) -> None:
    """60 participants answered round 1; each changes it twice while the host resets:
    a change before the reset replaces their round-1 answer, one after is a first answer
    in round 2 (or a change of it). Each round's tally is the recount of its answers."""
    await running(events)
    await asyncio.gather(*(choose(events, who, ("1",)) for who in range(60)))
    calls: list[Any] = [choose(events, who % 60, (str(who % 10 + 1),)) for who in range(120)]
    calls.insert(60, events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW)))
    results = await asyncio.gather(*calls)
    assert isinstance(results.pop(60), Event)
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question("q1")
    assert question is not None and question.round == 2
    responses = await events.responses("e1")
    assert len({(r.participant, r.round) for r in responses}) == len(responses)
    for round_ in (1, 2):
        answers = [r for r in responses if r.round == round_]
        live = event.tallies.get(("q1", round_), Tally())
        assert live == event_export.recount(question, answers)
    assert event.tallies[ROUND].total == 60  # changes never add to the number of answers
    in_round_2 = {r.participant for r in responses if r.round == 2}
    replied_2 = {participant(w % 60) for w, (_, round_) in enumerate(results) if round_ == 2}
    assert in_round_2 == replied_2
