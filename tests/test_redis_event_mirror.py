"""A process's copy of an event on Redis (`redis_event_mirror`), without Redis: changes
arrive out of order from replies, the channel and reads, and the copy still moves one
version at a time, never back, and each reply gets the state at its own version."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, until
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.storage.events import Answer
from tohyo.storage.redis_event_mirror import EventMirrors
from tohyo.storage.redis_event_wire import AnswerMessage, apply


def opened() -> Event:
    event = new_event(spec("One?"), now=NOW, ttl=TTL)
    return t.open_question(event, "q1", NOW)


def answers(base: Event, n: int) -> list[AnswerMessage]:
    """The messages of n answers after `base`, each for choice "1"."""
    return [
        AnswerMessage(base.version + i, (participant(i), "q1", 1), i, {"1": i})
        for i in range(1, n + 1)
    ]


class Told:
    def __init__(self) -> None:
        self.states: list[Event] = []
        self.answers: list[Answer] = []

    def __call__(self, event: Event, answers: Collection[Answer]) -> None:
        self.states.append(event)
        self.answers += answers


async def test_messages_out_of_order_are_applied_in_version_order() -> None:
    told = Told()
    reads: list[str] = []

    async def read(event_id: str) -> Event:
        reads.append(event_id)
        raise AssertionError("no read: the replies in flight fill every gap")

    mirrors = EventMirrors(read, told, lambda event_id: False)
    base = opened()
    mirror = mirrors.get("e1")
    mirrors.offer_state(mirror, base)
    messages = answers(base, 5)
    replies = []
    scripts = [mirrors.sending(mirror) for _ in messages]  # five answers sent at once
    for script in scripts:
        script.__enter__()
    order = (messages[2], messages[0], messages[4], messages[1], messages[3])
    for script, message in zip(scripts, order, strict=True):  # their replies, in this order
        mirrors.offer_message(mirror, message)
        replies.append((message.version, mirrors.state_at(mirror, message.version)))
        script.__exit__(None, None, None)
    exact = base
    expected = {}
    for message in messages:
        exact = apply(exact, message)
        expected[message.version] = exact
    for version, state in replies:
        assert (await state) == expected[version]  # each reply: the state at its version
    seen = [s.version for s in told.states]
    assert seen == sorted(set(seen)) and told.states[-1] == expected[base.version + 5]
    assert sorted(told.answers) == sorted(m.answer for m in messages)
    assert reads == []


async def test_a_reply_whose_change_came_first_on_the_channel_gets_its_own_state() -> None:
    told = Told()

    async def read(event_id: str) -> Event:
        raise AssertionError("no read needed")

    mirrors = EventMirrors(read, told, lambda event_id: True)
    base = opened()
    mirror = mirrors.get("e1")
    mirrors.offer_state(mirror, base)
    first, second = answers(base, 2)
    with mirrors.sending(mirror):
        mirrors.offer_message(mirror, first)  # the channel: ours, then another's
        mirrors.offer_message(mirror, second)
        mirrors.offer_message(mirror, first)  # our reply, last
        state = mirrors.state_at(mirror, first.version)
    assert (await state) == apply(base, first)
    assert [s.version for s in told.states] == [base.version, first.version, second.version]


async def test_a_gap_no_reply_will_fill_is_read_and_never_goes_back() -> None:
    told = Told()
    base = opened()
    messages = answers(base, 4)
    stored = base
    for message in messages:
        stored = apply(stored, message)
    read_done = asyncio.Event()

    async def read(event_id: str) -> Event:
        read_done.set()
        return stored

    mirrors = EventMirrors(read, told, lambda event_id: False)
    mirror = mirrors.get("e1")
    mirrors.offer_state(mirror, base)
    mirrors.offer_message(mirror, messages[3])  # 1-3 were lost
    await asyncio.wait_for(read_done.wait(), 5)
    await until(lambda: told.states[-1].version == stored.version)
    assert told.states[-1] == stored
    assert messages[3].answer in told.answers
    # A message the read went past is not applied again, but its participant is told
    # (with the same state: the feed widens that phone's stream and keeps its version).
    mirrors.offer_message(mirror, messages[1])
    assert [s.version for s in told.states] == [base.version, stored.version, stored.version]
    assert told.states[-1] == stored and told.answers[-1] == messages[1].answer
