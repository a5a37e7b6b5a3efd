"""Every question type at every backend's serialization point (memory, SQLite, Redis,
Redis Cluster: `conftest.storage`).

Storage never names a type, so what a type needs of it is that the counters its answers
make are applied exactly: for each type, a room answers with answers the type itself
parses and counts (Japanese, emoji, width and case variants, line breaks), half of it
changing its answer concurrently while the host closes the question. Whatever the
interleaving, each participant has one answer, every answer acknowledged before the
close is the one stored, every one after is refused, and the live tally is exactly the
recount of the stored answers — so the results the room saw are the export's.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.event_builders import new_event, participant
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.domain import questions
from tohyo.domain.event import Event, Question
from tohyo.domain.event_specs import parse_question
from tohyo.domain.questions import NO_FILTERS, PUBLIC, AnswerContext, answer_tag
from tohyo.errors import VotingClosed
from tohyo.storage.events import EventStore

WORDS = [
    "Kyoto",
    "kyoto",
    "ＫＹＯＴＯ",
    "京都",
    "東京タワー",
    "🍣",
    "👨\u200d👩\u200d👧",
    "café",
    "cafe\u0301",
]
ITEMS = [{"text": t} for t in ("Ramen", "カレー", "Sushi 🍣", "Soba", "Udon")]
SPECS: dict[str, dict[str, Any]] = {
    "single": {"choices": ITEMS},
    "multiple": {"choices": ITEMS},
    "wordcloud": {"maxEntries": 3},
    "text": {"moderation": "approve"},
    "scale": {"points": 7, "statements": [{"text": "速さ"}, {"text": "Clarity"}]},
    "ranking": {"choices": ITEMS, "rankTop": 3},
    "quiz": {"choices": ITEMS, "correct": ["2", "4"], "timeLimit": 30, "scoring": "partial"},
}
ONCE = {"quiz"}  # types whose answer never changes: fresh participants race the close


def body(type_name: str, rng: random.Random) -> dict[str, Any]:
    """A random valid answer body of the type."""
    if type_name == "single":
        return {"choiceIds": [str(rng.randint(1, 5))]}
    if type_name in ("multiple", "quiz"):
        return {"choiceIds": sorted(rng.sample([str(i) for i in range(1, 6)], rng.randint(1, 5)))}
    if type_name == "wordcloud":
        return {"entries": rng.sample(WORDS, rng.randint(1, 3))}
    if type_name == "text":
        return {"text": f"{rng.choice(WORDS)}\nline {rng.randint(1, 3)} <b>&</b>"}
    if type_name == "scale":
        return {"values": [rng.randint(1, 7), rng.randint(1, 7)]}
    return {"ranking": rng.sample([str(i) for i in range(1, 6)], 3)}


async def opened(events: EventStore, type_name: str) -> Question:
    prompt = {"type": type_name, "prompt": "Your answer?", "allowChange": type_name not in ONCE}
    spec = parse_question({**prompt, **SPECS[type_name]})
    await events.create_event(new_event(spec, now=NOW, ttl=TTL))
    event = await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))
    question = event.question("q1")
    assert question is not None
    return question


def answer(events: EventStore, question: Question, who: int, sent: dict[str, Any]) -> Any:
    """The answer as the web layer sends it: parsed and counted by its type."""
    kind = questions.kind(question.type)
    parsed = kind.parse_answer(question.config, sent, NO_FILTERS)
    context = AnswerContext(NOW, answer_tag(participant(who), "q1"))
    counters = kind.increments(question.config, parsed, context)
    return events.answer("e1", participant(who), "q1", parsed, counters, NOW)


async def settled(events: EventStore) -> tuple[Event, Question, list[Any]]:
    event, _ = await events.get_event("e1", None, NOW)
    question = event.question("q1")
    assert question is not None
    return event, question, [r for r in await events.responses("e1") if r.round == 1]


@pytest.mark.parametrize("type_name", sorted(SPECS))
async def test_every_type_counts_exactly_under_changes_racing_a_close(
    events: EventStore, type_name: str
) -> None:
    assert set(SPECS) == set(questions.TYPE_NAMES)  # a new type joins this test
    rng = random.Random(f"{type_name}-14")
    question = await opened(events, type_name)
    room = range(1, 41)
    first = await asyncio.gather(
        *(answer(events, question, who, body(type_name, rng)) for who in room)
    )
    assert all(round_ == 1 for _, round_ in first)

    # Half the room changes its answer, several times each, while the host closes; where
    # an answer cannot change, as many newcomers answer once instead.
    if type_name in ONCE:
        changes = [(who, body(type_name, rng)) for who in range(41, 101)]
    else:
        changes = [(who, body(type_name, rng)) for who in room[::2] for _ in range(3)]
    rng.shuffle(changes)

    async def close() -> Event:
        await asyncio.sleep(0)
        return await events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))

    outcomes = await asyncio.gather(
        *(answer(events, question, who, sent) for who, sent in changes),
        close(),
        return_exceptions=True,
    )
    closed = outcomes[-1]
    assert isinstance(closed, Event)
    taken: dict[int, tuple[int, Any]] = {}  # who -> (version, the answer's counters)
    for (who, sent), outcome in zip(changes, outcomes[:-1], strict=True):
        if isinstance(outcome, VotingClosed):
            continue
        assert not isinstance(outcome, BaseException), outcome
        event, round_ = outcome
        assert round_ == 1 and event.version < closed.version  # acknowledged before the close
        if who not in taken or event.version > taken[who][0]:
            taken[who] = (event.version, sent)

    event, q, stored = await settled(events)
    assert q.status == "closed"
    everyone = [*room, *(who for who in taken if who not in room)]
    assert sorted(r.participant for r in stored) == sorted(participant(w) for w in everyone)
    kind = questions.kind(type_name)
    for r in stored:  # each participant's answer is their last one taken
        who = int.from_bytes(r.participant, "big")
        if who in taken:
            assert r.answer == kind.parse_answer(q.config, taken[who][1], NO_FILTERS)
    live = event.tally(q)
    recount = event_export.recount(q, stored)
    assert live == recount and live.total == len(everyone)
    assert kind.results(q.config, live, PUBLIC) == kind.results(q.config, recount, PUBLIC)
    # After the close, a change is refused and nothing moves.
    with pytest.raises(VotingClosed):
        await answer(events, question, 1, body(type_name, rng))
    assert (await settled(events))[0].tally(q) == live
