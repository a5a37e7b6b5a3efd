"""One event storage suite, every backend: same inputs, same outcomes (`conftest.BACKENDS`).

Each test opens a fresh store of its backend and uses its `events` (the EventStore
protocol of `tohyo.storage.events`). The races are in test_event_conformance_races.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, draw_codes, until
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event, Response
from tohyo.domain.questions import Tally
from tohyo.errors import AlreadyVoted, EventEnded, InvalidState, NotFound, VotingClosed
from tohyo.storage.events import Answer, EventStore

RETENTION = TTL // 2  # hours, as TTL (see NOW), and shorter: ended events go first


def draft(event_id: str = "e1", n: int = 2) -> Event:
    """A live event of `n` draft questions (q1 single, q2 multiple, …), no code yet."""
    specs = [
        spec(f"Question {i}?", "multiple" if i % 2 == 0 else "single") for i in range(1, n + 1)
    ]
    return new_event(*specs, now=NOW, event_id=event_id, ttl=TTL)


async def running(events: EventStore, event_id: str = "e1", *open_ids: str) -> Event:
    """A created event with `open_ids` (default q1) open."""
    await events.create_event(draft(event_id))
    e: Event | None = None
    for question_id in open_ids or ("q1",):
        e = await events.change_event(event_id, NOW, opener(question_id))
    assert e is not None
    return e


def opener(question_id: str, closes_at: int | None = None) -> Callable[[Event], Event]:
    return lambda e: t.open_question(e, question_id, NOW, closes_at)


async def answer(
    events: EventStore, who: int, question_id: str = "q1", choice: str = "1", now: int = NOW
) -> Event:
    """The event after one answer; with nothing racing it, the answer's round is the
    question's round in that event."""
    event, round_ = await events.answer(
        "e1", participant(who), question_id, [choice], (choice,), now
    )
    question = event.question(question_id)
    assert question is not None and round_ == question.round
    return event


# --- create, codes, reads -----------------------------------------------------------


async def test_create_allocates_a_six_digit_code_that_find_code_finds(
    events: EventStore,
) -> None:
    created = await events.create_event(draft())
    code = created.code
    assert len(code) == 6 and code.isdigit() and code[0] != "0"
    assert created == replace(draft(), code=code)  # nothing else is changed
    for typed in (code, f"{code[:3]} {code[3:]}", f"{code[:3]}-{code[3:]}", full_width(code)):
        assert await events.find_code(typed, NOW) == "e1"
    other = "100000" if code != "100000" else "100001"
    for typed in (other, "abcdef", "", code + "0"):
        assert await events.find_code(typed, NOW) is None


def full_width(code: str) -> str:
    return "".join(chr(ord(c) - ord("0") + ord("０")) for c in code)


async def test_get_returns_the_created_event_and_what_a_participant_answered(
    events: EventStore,
) -> None:
    created = await events.create_event(draft())
    got, mine = await events.get_event("e1", None, NOW)
    assert (got, mine) == (created, frozenset())
    assert [q.status for q in got.questions] == ["draft", "draft"]
    await events.change_event("e1", NOW, opener("q1"))
    await events.change_event("e1", NOW, opener("q2"))
    await answer(events, 1, "q1")
    await answer(events, 1, "q2", "2")
    await answer(events, 2, "q2")
    _, mine = await events.get_event("e1", participant(1), NOW)
    assert mine == {("q1", 1), ("q2", 1)}
    _, theirs = await events.get_event("e1", participant(2), NOW)
    assert theirs == {("q2", 1)}
    _, nobody = await events.get_event("e1", participant(3), NOW)
    assert nobody == frozenset()


async def test_unknown_events_are_not_found(events: EventStore) -> None:
    with pytest.raises(NotFound):
        await events.get_event("nope", None, NOW)
    with pytest.raises(NotFound):
        await events.change_event("nope", NOW, opener("q1"))
    with pytest.raises(NotFound):
        await events.answer("nope", participant(1), "q1", ["1"], ("1",), NOW)


async def test_each_host_change_returns_and_stores_the_new_event(events: EventStore) -> None:
    created = await events.create_event(draft(n=3))
    changes: list[Callable[[Event], Event]] = [
        lambda e: t.add_question(e, spec("Added?")),
        lambda e: t.edit_question(e, "q2", spec("Edited?")),
        lambda e: t.delete_question(e, "q3"),
        lambda e: t.reorder(e, ("q4", "q1", "q2")),
        lambda e: t.configure_event(e, "Renamed", "audience"),
        opener("q1", NOW + 60_000),
        lambda e: t.configure_question(e, "q1", "always", NOW + 90_000),
        lambda e: t.present(e, "q1"),
        lambda e: t.close_question(e, "q1", NOW + 1),
        lambda e: t.reset_question(e, "q1", NOW + 2),
        lambda e: t.present(e, None),
        lambda e: t.end_event(e, NOW + 3, RETENTION),
    ]
    before = created
    for change in changes:
        after = await events.change_event("e1", NOW + 5, change)
        assert after == change(before)  # exactly the transition, applied once
        assert (after.revision, after.version) == (before.revision + 1, before.version + 1)
        got, _ = await events.get_event("e1", None, NOW + 5)
        assert got == after
        before = after
    assert before.title == "Renamed" and [q.question_id for q in before.questions] == [
        "q4",
        "q1",
        "q2",
    ]


async def test_a_change_that_changes_nothing_writes_nothing(events: EventStore) -> None:
    e = await running(events)
    for change in (
        opener("q1"),
        lambda e: t.present(e, None),
        lambda e: t.reorder(e, ("q1", "q2")),
        lambda e: t.configure_event(e, e.title, None),
    ):
        same = await events.change_event("e1", NOW, change)
        assert same == e and same.version == e.version
    got, _ = await events.get_event("e1", None, NOW)
    assert got == e


async def test_a_changes_errors_propagate_and_nothing_is_written(events: EventStore) -> None:
    e = await running(events)
    with pytest.raises(InvalidState):
        await events.change_event("e1", NOW, lambda x: t.close_question(x, "q2", NOW))
    with pytest.raises(NotFound):
        await events.change_event("e1", NOW, lambda x: t.present(x, "q9"))
    ended = await events.change_event("e1", NOW, lambda x: t.end_event(x, NOW, RETENTION))
    with pytest.raises(EventEnded):
        await events.change_event("e1", NOW, lambda x: t.reset_question(x, "q1", NOW))
    again = await events.change_event("e1", NOW, lambda x: t.end_event(x, NOW + 9, RETENTION))
    assert again == ended and ended.version == e.version + 1


# --- answers ------------------------------------------------------------------------


async def test_an_answer_counts_once_per_participant_per_round(events: EventStore) -> None:
    opened = await running(events, "e1", "q1", "q2")
    one = await answer(events, 1, "q2", "2")
    assert (one.revision, one.version) == (opened.revision, opened.version + 1)
    assert one.tallies == {("q2", 1): Tally({"2": 1}, 1)}
    with pytest.raises(AlreadyVoted):
        await answer(events, 1, "q2", "1")
    await answer(events, 1, "q1")  # the same participant, another question
    after, round_ = await events.answer("e1", participant(2), "q2", ["1", "3"], ("1", "3"), NOW)
    assert round_ == 1
    assert after.tallies == {
        ("q1", 1): Tally({"1": 1}, 1),
        ("q2", 1): Tally({"1": 1, "2": 1, "3": 1}, 2),
    }
    assert after.version == opened.version + 3
    got, _ = await events.get_event("e1", None, NOW)
    assert got == after


async def test_drafts_and_unknown_questions_are_not_found(events: EventStore) -> None:
    await running(events)
    for question_id in ("q2", "q9"):  # q2 is a draft: participants never learn of it
        with pytest.raises(NotFound):
            await answer(events, 1, question_id)
    assert (await answer(events, 1)).version == 3  # the refusals used nothing up


async def test_closed_questions_and_ended_events_refuse_answers(events: EventStore) -> None:
    await running(events, "e1", "q1", "q2")
    await events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    with pytest.raises(VotingClosed):
        await answer(events, 1, "q1")
    await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    with pytest.raises(VotingClosed):
        await answer(events, 1, "q2")
    got, _ = await events.get_event("e1", None, NOW)
    assert got.tallies == {} and all(q.status == "closed" for q in got.questions)


async def test_a_reopened_question_continues_its_round(events: EventStore) -> None:
    await running(events)
    await answer(events, 1)
    await events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    await events.change_event("e1", NOW, opener("q1"))
    with pytest.raises(AlreadyVoted):  # the same round: an answer before the close counts
        await answer(events, 1)
    after = await answer(events, 2)
    assert after.tallies == {("q1", 1): Tally({"1": 2}, 2)}


async def test_reset_starts_a_round_everyone_may_answer_again(events: EventStore) -> None:
    await running(events)
    for who in (1, 2, 3):
        await answer(events, who, choice=str(who))
    reset = await events.change_event("e1", NOW + 10, lambda e: t.reset_question(e, "q1", NOW + 10))
    q1 = reset.question("q1")
    assert q1 is not None and (q1.round, q1.status) == (2, "open")
    again = await answer(events, 1, choice="3", now=NOW + 11)
    with pytest.raises(AlreadyVoted):
        await answer(events, 1, now=NOW + 12)
    assert again.tallies == {
        ("q1", 1): Tally({"1": 1, "2": 1, "3": 1}, 3),
        ("q1", 2): Tally({"3": 1}, 1),
    }
    _, mine = await events.get_event("e1", participant(1), NOW + 12)
    assert mine == {("q1", 1), ("q1", 2)}
    stored = sorted(await events.responses("e1"), key=lambda r: (r.round, r.participant))
    assert stored == [
        Response("q1", 1, participant(1), ["1"], NOW),
        Response("q1", 1, participant(2), ["2"], NOW),
        Response("q1", 1, participant(3), ["3"], NOW),
        Response("q1", 2, participant(1), ["3"], NOW + 11),
    ]


async def test_an_answer_at_the_deadline_is_refused_and_the_read_shows_it_closed(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    opened = await events.change_event("e1", NOW, opener("q1", NOW + 20_000))
    await answer(events, 1, now=NOW + 19_999)
    with pytest.raises(VotingClosed):  # nobody closed it; the deadline did
        await answer(events, 2, now=NOW + 20_000)
    got, _ = await events.get_event("e1", None, NOW + 20_001)
    q1 = got.question("q1")
    assert q1 is not None and (q1.status, q1.closed_at) == ("closed", NOW + 20_000)
    assert (got.version, got.revision) == (opened.version + 2, opened.revision + 1)
    assert got.tallies == {("q1", 1): Tally({"1": 1}, 1)}
    with pytest.raises(VotingClosed):
        await answer(events, 3, now=NOW + 30_000)


async def test_a_read_past_the_deadline_closes_it_as_of_the_deadline(events: EventStore) -> None:
    await events.create_event(draft())
    opened = await events.change_event("e1", NOW, opener("q1", NOW + 20_000))
    got, _ = await events.get_event("e1", None, NOW + 25_000)
    q1 = got.question("q1")
    assert q1 is not None and (q1.status, q1.closed_at) == ("closed", NOW + 20_000)
    assert got.version == opened.version + 1
    again, _ = await events.get_event("e1", None, NOW + 26_000)
    assert again == got  # settled once


# --- end, expiry --------------------------------------------------------------------


async def test_end_releases_the_code_for_another_event(
    events: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await events.create_event(draft("e1"))
    code = first.code
    # The next event is offered the live code first: it must take another.
    free = "234567" if code != "234567" else "234568"
    draw_codes(monkeypatch, lambda: iter([code, free]))
    second = await events.create_event(draft("e2"))
    assert second.code == free
    ended = await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    assert (ended.code, ended.status, ended.expires_at) == ("", "ended", NOW + RETENTION)
    assert await events.find_code(code, NOW) is None
    got, _ = await events.get_event("e1", None, NOW)  # the event itself stays, by its id
    assert got == ended
    draw_codes(monkeypatch, lambda: iter([code]))  # released: a new event may take it
    third = await events.create_event(draft("e3"))
    assert third.code == code
    assert await events.find_code(code, NOW) == "e3"
    assert await events.find_code(free, NOW) == "e2"


async def test_expired_events_are_gone_before_and_after_the_sweep(events: EventStore) -> None:
    await running(events, "e1")
    await events.answer("e1", participant(1), "q1", ["1"], ("1",), NOW)
    live = await events.create_event(draft("e2"))
    await events.create_event(draft("e3"))
    await events.change_event("e3", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    assert await events.expire_events(NOW + RETENTION - 1) == []
    assert await events.expire_events(NOW + RETENTION) == ["e3"]  # ended: kept RETENTION
    later = NOW + TTL
    with pytest.raises(NotFound):
        await events.get_event("e1", None, later)
    with pytest.raises(NotFound):
        await events.answer("e1", participant(2), "q1", ["1"], ("1",), later)
    with pytest.raises(NotFound):
        await events.change_event("e1", later, lambda e: t.close_question(e, "q1", later))
    assert await events.find_code(live.code, later) is None
    assert sorted(await events.expire_events(later)) == ["e1", "e2"]
    assert await events.expire_events(later) == []
    for event_id in ("e1", "e2", "e3"):
        with pytest.raises(NotFound):
            await events.get_event(event_id, None, NOW)
        assert await events.responses(event_id) == []
    assert await events.find_code(live.code, NOW) is None


# --- listeners ----------------------------------------------------------------------


async def test_listeners_hear_every_committed_change_with_its_answers(events: EventStore) -> None:
    heard: list[tuple[int, frozenset[Answer]]] = []

    def listen(event: Event, answers: Collection[Answer]) -> None:
        if event.event_id == "e1":
            heard.append((event.version, frozenset(answers)))

    events.add_event_listener(listen)
    created = await events.create_event(draft())
    await events.watch_event("e1")
    try:
        versions: list[tuple[int, frozenset[Answer]]] = []
        e = await events.change_event("e1", NOW, opener("q1"))
        versions.append((e.version, frozenset()))
        e = await answer(events, 1)
        versions.append((e.version, frozenset({(participant(1), "q1", 1)})))
        with pytest.raises(AlreadyVoted):
            await answer(events, 1)
        await events.change_event("e1", NOW, opener("q1"))  # no change: nothing heard
        e = await events.change_event("e1", NOW, lambda x: t.reset_question(x, "q1", NOW))
        versions.append((e.version, frozenset()))
        e = await answer(events, 1)
        versions.append((e.version, frozenset({(participant(1), "q1", 2)})))
        e = await events.change_event("e1", NOW, lambda x: t.end_event(x, NOW, RETENTION))
        versions.append((e.version, frozenset()))
        await until(lambda: len([h for h in heard if h[0] > created.version]) >= len(versions))
        assert [h for h in heard if h[0] > created.version] == versions
    finally:
        events.unwatch_event("e1")


async def test_listeners_hear_a_deadline_closing_on_a_read(events: EventStore) -> None:
    heard: list[Event] = []
    events.add_event_listener(lambda event, answers: heard.append(event))
    await events.create_event(draft())
    await events.change_event("e1", NOW, opener("q1", NOW + 20_000))
    await events.watch_event("e1")
    try:
        got, _ = await events.get_event("e1", None, NOW + 25_000)
        await until(lambda: bool(heard) and heard[-1].version == got.version)
        q1 = heard[-1].question("q1")
        assert q1 is not None and (q1.status, q1.closed_at) == ("closed", NOW + 20_000)
    finally:
        events.unwatch_event("e1")


async def test_events_are_independent(events: EventStore) -> None:
    await running(events, "e1")
    await running(events, "e2")
    await events.answer("e1", participant(1), "q1", ["1"], ("1",), NOW)
    await events.answer("e2", participant(1), "q1", ["2"], ("2",), NOW)  # same participant
    await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    e2, mine = await events.get_event("e2", participant(1), NOW)
    assert (e2.status, e2.tallies, mine) == (
        "live",
        {("q1", 1): Tally({"2": 1}, 1)},
        frozenset({("q1", 1)}),
    )
    assert await events.responses("e2") == [Response("q1", 1, participant(1), ["2"], NOW)]
