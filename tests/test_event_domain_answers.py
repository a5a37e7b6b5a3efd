"""The event's deadlines and answers: settling closes what is due as of its deadline,
in one revision; only an open question of a live event takes answers (a draft is not
found); an answer moves the version and its round's tally, never the revision.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.event_builders import NOW, assert_changed, event, opened
from tohyo.domain import event_transitions as t
from tohyo.domain.questions import Tally
from tohyo.errors import NotFound, VotingClosed

RETENTION = 7 * 86_400_000


# --- deadlines ----------------------------------------------------------------------


def test_settle_closes_every_due_question_as_of_its_deadline_in_one_revision() -> None:
    e = event(3)
    e = t.open_question(e, "q1", NOW, closes_at=NOW + 10_000)
    e = t.open_question(e, "q2", NOW, closes_at=NOW + 20_000)
    e = t.open_question(e, "q3", NOW, closes_at=NOW + 90_000)
    assert t.settle(e, NOW + 9_999) is e
    assert t.next_deadline(e) == NOW + 10_000
    settled = t.settle(e, NOW + 25_000)
    assert_changed(e, settled)
    assert [(q.status, q.closed_at) for q in settled.questions] == [
        ("closed", NOW + 10_000),
        ("closed", NOW + 20_000),
        ("open", None),
    ]
    assert t.settle(settled, NOW + 25_000) is settled
    assert t.next_deadline(settled) == NOW + 90_000


def test_settle_at_the_deadline_itself_closes() -> None:
    e = t.open_question(event(), "q1", NOW, closes_at=NOW + 10_000)
    q = t.settle(e, NOW + 10_000).question("q1")
    assert q is not None and q.status == "closed"


def test_no_deadline_for_an_ended_event_or_questions_without_one() -> None:
    e = opened()
    assert t.next_deadline(e) is None
    e = t.open_question(e, "q2", NOW, closes_at=NOW + 10_000)
    ended = t.end_event(e, NOW + 1, RETENTION)
    assert t.next_deadline(ended) is None
    assert t.settle(ended, NOW + 20_000) is ended


# --- answers ------------------------------------------------------------------------


def test_only_an_open_question_of_a_live_event_is_answerable() -> None:
    e = opened(3, "q1", "q2")
    q1 = t.answerable(e, "q1")
    assert q1 == e.question("q1")
    with pytest.raises(NotFound):  # a draft is not found: participants never learn of it
        t.answerable(e, "q3")
    with pytest.raises(NotFound):
        t.answerable(e, "q9")
    with pytest.raises(VotingClosed):
        t.answerable(t.close_question(e, "q2", NOW + 1), "q2")
    with pytest.raises(VotingClosed):
        t.answerable(t.end_event(e, NOW + 1, RETENTION), "q1")


def test_an_ended_event_refuses_answers_even_to_a_question_left_open() -> None:
    # end_event closes every open question; an event built ended with one open must
    # refuse as well, since the event's status is what decides.
    e = replace(opened(), status="ended")
    with pytest.raises(VotingClosed):
        t.answerable(e, "q1")


def test_record_answer_counts_in_the_current_round_and_moves_only_the_version() -> None:
    e = opened(2, "q1")
    q = t.answerable(e, "q1")
    one = t.record_answer(e, q, ("1",))
    two = t.record_answer(one, q, ("1", "3"))
    assert (two.revision, two.version) == (e.revision, e.version + 2)
    assert two.tally(q) == Tally({"1": 2, "3": 1}, 2)
    assert two.tallies.keys() == {("q1", 1)}
    assert e.tallies == {}  # the earlier state is untouched
    reset = t.reset_question(two, "q1", NOW + 5)
    q = t.answerable(reset, "q1")
    three = t.record_answer(reset, q, ("2",))
    assert three.tally(q) == Tally({"2": 1}, 1)
    assert three.tally(q, 1) == Tally({"1": 2, "3": 1}, 2)
