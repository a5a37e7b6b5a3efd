"""What a store has acknowledged about events is there for the next process: SQLite's
file and Redis's keys, read by a store opened afresh on the same URL. (Memory keeps
nothing past its process, so it has no part here.)"""

from __future__ import annotations

import pytest

from tests.conftest import BACKENDS
from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tohyo.domain import event_transitions as t
from tohyo.errors import AlreadyVoted
from tohyo.storage import open_store


@pytest.fixture(params=[b for b in BACKENDS if b != "memory"])
def backend(request: pytest.FixtureRequest) -> str:
    """The durable backends only (overrides conftest's: a skip is not a pass in CI)."""
    return str(request.param)


async def test_a_reopened_store_holds_every_acknowledged_change(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    try:
        events = first.events
        kept = await events.create_event(new_event(spec("One?"), now=NOW, event_id="e1", ttl=TTL))
        ended = await events.create_event(new_event(now=NOW, event_id="e2", ttl=TTL))
        await events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW))
        for who in range(5):
            await events.answer("e1", participant(who), "q1", ["1"], ("1",), NOW)
        await events.change_event("e1", NOW + 1, lambda e: t.reset_question(e, "q1", NOW + 1))
        last, round_ = await events.answer("e1", participant(0), "q1", ["2"], ("2",), NOW + 2)
        assert round_ == 2
        await events.change_event("e2", NOW, lambda e: t.end_event(e, NOW, TTL // 2))
        responses = await events.responses("e1")
    finally:
        await first.close()

    second = open_store(storage)
    await second.start()
    try:
        events = second.events
        got, mine = await events.get_event("e1", participant(0), NOW + 3)
        assert got == last and mine == {("q1", 1), ("q1", 2)}
        assert sorted(await events.responses("e1"), key=repr) == sorted(responses, key=repr)
        assert len(responses) == 6
        assert await events.find_code(kept.code, NOW + 3) == "e1"
        assert await events.find_code(ended.code, NOW + 3) is None
        with pytest.raises(AlreadyVoted):  # the same participant, the same round
            await events.answer("e1", participant(0), "q1", ["1"], ("1",), NOW + 3)
    finally:
        await second.close()
