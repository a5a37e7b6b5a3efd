"""Properties of the event's transitions, for any sequence of host changes, answers and
passing time (Hypothesis).

Each step is applied as a backend applies it: the event is settled at the step's time
first, then the change runs; a refusal leaves the event as it was. A plain model keeps
who answered which question in which round, and after every step:

- version ≥ revision, and version − revision is the number of answers recorded;
- a change that changes something moves the version by exactly one (and the revision
  with it, for a host's change); one that changes nothing is the same object;
- each round's tally totals the answers the model recorded in that round;
- no draft is ever answerable, no ended event has an open question or a code, and what
  is presented is always a question that has been opened.

And two participants in one audience (the feed renders one frame each) see one view, two
in different audiences different views, and the frame the feed puts together for a phone is
its view.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.event_builders import new_event, spec
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event, RoundKey
from tohyo.domain.event_views import audience, phone_view
from tohyo.errors import EventEnded, InvalidState, NotFound, VotingClosed
from tohyo.feed.event_frames import EventFrames

NOW = 1_700_000_000_000
REFUSALS = (EventEnded, InvalidState, NotFound, VotingClosed)

question_id = st.sampled_from(["q1", "q2", "q3", "q4", "q5", "q9"])
deadline = st.one_of(st.none(), st.integers(1, 30_000))
host_change = st.one_of(
    st.tuples(st.just("add"), st.none()),
    st.tuples(st.just("edit"), question_id),
    st.tuples(st.just("delete"), question_id),
    st.tuples(st.just("reorder"), st.permutations(["q1", "q2", "q3", "q4", "q5"])),
    st.tuples(st.just("open"), st.tuples(question_id, deadline)),
    st.tuples(st.just("close"), question_id),
    st.tuples(st.just("reset"), st.tuples(question_id, deadline)),
    st.tuples(st.just("present"), st.one_of(st.none(), question_id)),
    st.tuples(st.just("visibility"), question_id),
    st.tuples(st.just("pace"), st.sampled_from(["presenter", "audience"])),
    st.tuples(st.just("end"), st.none()),
)
answer = st.tuples(st.just("answer"), st.tuples(question_id, st.integers(0, 5), st.integers(1, 3)))
step = st.tuples(st.integers(0, 10_000), st.one_of(host_change, answer, answer, answer))


def host(kind: str, arg: Any, now: int) -> Callable[[Event], Event]:
    """The host change `kind` as a function of the event (as `change_event` takes it)."""
    changes: dict[str, Callable[[Event], Event]] = {
        "add": lambda e: t.add_question(e, spec(f"Added {now}?")),
        "edit": lambda e: t.edit_question(e, arg, spec(f"Edited {now}?", "multiple")),
        "delete": lambda e: t.delete_question(e, arg),
        "reorder": lambda e: t.reorder(e, tuple(i for i in arg if e.question(i) is not None)),
        "open": lambda e: t.open_question(e, arg[0], now, _at(now, arg[1])),
        "close": lambda e: t.close_question(e, arg, now),
        "reset": lambda e: t.reset_question(e, arg[0], now, _at(now, arg[1])),
        "present": lambda e: t.present(e, arg),
        "visibility": lambda e: t.configure_question(e, arg, "always", None),
        "pace": lambda e: t.configure_event(e, None, arg),
        "end": lambda e: t.end_event(e, now, 86_400_000),
    }
    return changes[kind]


def _at(now: int, delay: int | None) -> int | None:
    return None if delay is None else now + delay


class Model:
    def __init__(self) -> None:
        self.answered: set[tuple[int, str, int]] = set()  # (participant, question, round)
        self.counts: Counter[RoundKey] = Counter()

    def answer(self, e: Event, qid: str, who: int, choice: int) -> Event:
        question = t.answerable(e, qid)  # the refusals propagate
        if (who, qid, question.round) in self.answered:
            return e  # AlreadyVoted: the store records nothing
        self.answered.add((who, qid, question.round))
        self.counts[(qid, question.round)] += 1
        return t.record_answer(e, question, (str(choice),))


def check_invariants(e: Event, model: Model) -> None:
    assert e.version >= e.revision >= 1
    assert e.version - e.revision == sum(model.counts.values())
    totals = {key: tally.total for key, tally in e.tallies.items() if tally.total}
    assert totals == {key: n for key, n in model.counts.items() if n}
    for tally in e.tallies.values():
        assert sum(tally.counts.values()) == tally.total  # one choice per answer here
    ids = [q.question_id for q in e.questions]
    assert len(set(ids)) == len(ids)
    assert all(int(i[1:]) < e.next_question for i in ids)
    for q in e.questions:
        if q.status == "draft":
            assert q.round == 1 and q.rounds_opened == () and q.opened_at is None
            try:
                t.answerable(e, q.question_id)
            except NotFound:
                pass
            else:
                raise AssertionError(f"draft {q.question_id} is answerable")
        else:
            assert len(q.rounds_opened) == q.round and q.opened_at == q.rounds_opened[-1]
        assert (q.status == "closed") == (q.closed_at is not None)
    if e.presenting is not None:
        shown = e.question(e.presenting)
        assert shown is not None and shown.status != "draft"
    if e.status == "ended":
        assert e.code == "" and e.ended_at is not None
        assert all(q.status != "open" for q in e.questions)


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=60))
def test_any_sequence_of_transitions_keeps_the_invariants(
    steps: list[tuple[int, tuple[str, Any]]],
) -> None:
    e = new_event(spec("One?"), spec("Two?"), spec("Three?"), now=NOW, code="123456")
    model = Model()
    now = NOW
    for elapsed, (kind, arg) in steps:
        now += elapsed
        before = t.settle(e, now)
        if before is not e:  # deadlines passed: one host change, as of each deadline
            assert (before.revision, before.version) == (e.revision + 1, e.version + 1)
            for q in e.questions:
                if q.status == "open" and q.closes_at is not None and now >= q.closes_at:
                    closed = before.question(q.question_id)
                    assert closed is not None and closed.status == "closed"
                    assert closed.closed_at == q.closes_at
        assert not any(
            q.status == "open" and q.closes_at is not None and q.closes_at <= now
            for q in before.questions
        )
        try:
            if kind == "answer":
                after = model.answer(before, arg[0], arg[1], arg[2])
            else:
                after = host(kind, arg, now)(before)
        except REFUSALS:
            after = before
        if after is not before:
            assert after.version == before.version + 1
            expected_revision = before.revision + (0 if kind == "answer" else 1)
            assert after.revision == expected_revision
        else:
            assert after == before
        e = after
        check_invariants(e, model)


@settings(max_examples=200, deadline=None)
@given(st.lists(host_change, max_size=40))
def test_a_host_change_applied_twice_changes_nothing_the_second_time(
    changes: list[tuple[str, Any]],
) -> None:
    """open, close, present, end, reorder, visibility, pace: idempotent (a retried request
    announces nothing). add, edit, delete and reset are not, by their nature."""
    idempotent = {"open", "close", "present", "end", "reorder", "visibility", "pace"}
    e = new_event(spec("One?"), spec("Two?"), now=NOW, code="123456")
    for kind, arg in changes:
        change = host(kind, arg, NOW)
        try:
            e = change(e)
        except REFUSALS:
            continue
        if kind in idempotent:
            assert change(e) is e


round_key = st.tuples(question_id, st.integers(1, 4))


@settings(max_examples=200, deadline=None)
@given(st.lists(step, max_size=40), st.sets(round_key), st.sets(round_key))
def test_participants_of_one_audience_are_shown_the_same_view(
    steps: list[tuple[int, tuple[str, Any]]],
    mine: set[RoundKey],
    theirs: set[RoundKey],
) -> None:
    """The feed renders one frame per audience: two participants whose answers put them
    in one audience must be shown exactly the same thing — and two in different audiences
    something different (else the audience splits the hall for nothing: one render each)."""
    e = new_event(spec("One?"), spec("Two?"), spec("Three?"), now=NOW, code="123456")
    model = Model()
    now = NOW
    for elapsed, (kind, arg) in steps:
        now += elapsed
        e = t.settle(e, now)
        with contextlib.suppress(*REFUSALS):
            e = model.answer(e, *arg) if kind == "answer" else host(kind, arg, now)(e)

    def seen(answered: set[RoundKey]) -> tuple[Hashable, dict[str, Any]]:
        return audience(e, host=False, answered=answered), phone_view(e, answered)

    # Answers of earlier rounds (or of questions gone) change neither audience nor view.
    current = {(q.question_id, q.round) for q in e.questions}
    stale = {key for key in theirs if key not in current}
    assert seen(mine) == seen(mine | stale)
    # And in general: one audience, one view; and one view, one audience.
    (mine_audience, mine_view), (their_audience, their_view) = seen(mine), seen(theirs)
    assert (mine_view == their_view) == (mine_audience == their_audience)
    assert mine_audience != audience(e, host=True, answered=mine)
    # The feed puts a phone's frame together from pieces: it says what phone_view says,
    # whichever audience asks first.
    fresh = EventFrames(e)
    for answered in (theirs, mine, theirs | mine):
        assert phone_frame(fresh, answered) == {**phone_view(e, answered), "isHost": False}


@settings(max_examples=200, deadline=None)
@given(st.lists(step, max_size=40), st.sets(round_key), st.sets(round_key))
def test_a_phones_frame_put_together_from_the_last_versions_pieces_is_its_view(
    steps: list[tuple[int, tuple[str, Any]]],
    mine: set[RoundKey],
    theirs: set[RoundKey],
) -> None:
    """The feed hands each version's question views on to the next and renders again only
    those whose question, tally or position changed: after any step, a phone's frame is
    still exactly its view. (The event starts with every kind of question shown and
    answered, so that the steps change what the pieces show.)"""
    e = new_event(
        spec("One?", resultsVisibility="always"),
        spec("Two?"),  # after_vote
        spec("Three?", resultsVisibility="after_close"),
        now=NOW,
        code="123456",
    )
    model = Model()
    for question_id in ("q1", "q2", "q3"):
        e = t.open_question(e, question_id, NOW)
        e = model.answer(e, question_id, 9, 1)
    e = t.present(e, "q1")
    frames = EventFrames(e)
    now = NOW
    for elapsed, (kind, arg) in steps:
        for answered in (mine, theirs):
            assert phone_frame(frames, answered) == {**phone_view(e, answered), "isHost": False}
        now += elapsed
        e = t.settle(e, now)
        with contextlib.suppress(*REFUSALS):
            e = model.answer(e, *arg) if kind == "answer" else host(kind, arg, now)(e)
        frames = EventFrames(e, frames)
    assert phone_frame(frames, mine) == {**phone_view(e, mine), "isHost": False}


def phone_frame(frames: EventFrames, answered: set[RoundKey]) -> dict[str, Any]:
    """The data of the update `frames` has for a phone that answered `answered`."""
    frame = frames.frame("update", host=False, answered=frozenset(answered))
    assert frame.startswith(b"event: update\ndata: ") and frame.endswith(b"\n\n")
    data: dict[str, Any] = json.loads(frame.split(b"data: ", 1)[1])
    return data
