"""The event's transitions, one by one: what each does, what it refuses, and that a
change which changes nothing returns the very same object (a retried request is
harmless and announces nothing).

Deadlines and answers are in test_event_domain_answers, views in test_event_views, specs
and join codes in test_event_specs, sequences of transitions in test_event_properties.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.event_builders import NOW, assert_changed, event, new_event, opened, spec
from tohyo.domain import event_transitions as t
from tohyo.domain.event import QUESTIONS_MAX, Event
from tohyo.domain.questions import EMPTY, Tally
from tohyo.errors import EventEnded, InvalidState, NotFound, VotingClosed

RETENTION = 7 * 86_400_000

Change = Callable[[Event], Event]


# --- building: drafts only ----------------------------------------------------------


def test_add_appends_a_draft_with_the_next_id() -> None:
    e = event(2)
    after = t.add_question(e, spec("Third?"))
    assert_changed(e, after)
    q3 = after.questions[-1]
    assert (q3.question_id, q3.prompt, q3.status, q3.round) == ("q3", "Third?", "draft", 1)
    assert after.next_question == 4


def test_ids_are_never_reused_after_a_delete() -> None:
    e = t.delete_question(event(2), "q2")
    assert [q.question_id for q in t.add_question(e, spec()).questions] == ["q1", "q3"]


def test_add_refuses_past_the_limit() -> None:
    e = new_event(*(spec() for _ in range(QUESTIONS_MAX)), now=NOW)
    with pytest.raises(InvalidState):
        t.add_question(e, spec())


def test_edit_rewrites_a_draft() -> None:
    e = event(2)
    after = t.edit_question(e, "q2", spec("Dinner?", "multiple", 4, resultsVisibility="always"))
    assert_changed(e, after)
    q2 = after.question("q2")
    assert q2 is not None
    assert (q2.prompt, q2.type, len(q2.config.choices), q2.visibility) == (
        "Dinner?",
        "multiple",
        4,
        "always",
    )
    assert after.question("q1") == e.question("q1")


def test_a_draft_keeps_the_deadline_it_is_planned_with_and_an_edit_replaces_it() -> None:
    e = t.add_question(event(1), spec("Timed?", durationSeconds=60))
    q2 = e.question("q2")
    assert q2 is not None and (q2.duration, q2.closes_at, q2.status) == (60, None, "draft")
    e = t.edit_question(e, "q2", spec("Timed?", closesAt="2030-01-01T00:00:00Z"))
    q2 = e.question("q2")
    assert q2 is not None and (q2.duration, q2.closes_at) == (None, 1_893_456_000_000)
    assert t.settle(e, 1_893_456_000_000) is e  # a draft's planned deadline closes nothing
    assert t.next_deadline(e) is None


def test_an_edit_to_the_same_spec_is_the_same_object() -> None:
    e = event(2)
    assert t.edit_question(e, "q1", spec("Question 1?")) is e


def test_delete_removes_a_draft() -> None:
    e = event(3)
    after = t.delete_question(e, "q2")
    assert_changed(e, after)
    assert [q.question_id for q in after.questions] == ["q1", "q3"]


@pytest.mark.parametrize("then_close", [False, True])
def test_an_opened_question_cannot_be_edited_or_deleted(then_close: bool) -> None:
    e = opened(2, "q1")
    if then_close:
        e = t.close_question(e, "q1", NOW + 1)
    with pytest.raises(InvalidState):
        t.edit_question(e, "q1", spec("Other?"))
    with pytest.raises(InvalidState):
        t.delete_question(e, "q1")


def test_edit_and_delete_of_an_unknown_question_are_not_found() -> None:
    with pytest.raises(NotFound):
        t.edit_question(event(), "q9", spec())
    with pytest.raises(NotFound):
        t.delete_question(event(), "q9")


def test_reorder_puts_the_questions_in_the_given_order() -> None:
    e = opened(3, "q2")  # reordering is not only for drafts: it is the running order
    after = t.reorder(e, ("q3", "q1", "q2"))
    assert_changed(e, after)
    assert [q.question_id for q in after.questions] == ["q3", "q1", "q2"]
    assert after.question("q2") == e.question("q2")


def test_reorder_to_the_same_order_is_the_same_object() -> None:
    e = event(3)
    assert t.reorder(e, ("q1", "q2", "q3")) is e


@pytest.mark.parametrize(
    "order",
    [("q1", "q2"), ("q1", "q2", "q3", "q4"), ("q1", "q1", "q2"), ("q1", "q2", "q9"), ()],
)
def test_reorder_must_name_every_question_once(order: tuple[str, ...]) -> None:
    with pytest.raises(InvalidState):
        t.reorder(event(3), order)


def test_configure_event_changes_title_and_pace() -> None:
    e = event()
    after = t.configure_event(e, "Retro", "audience")
    assert_changed(e, after)
    assert (after.title, after.pace) == ("Retro", "audience")
    assert t.configure_event(after, "Retro", "audience") is after
    assert t.configure_event(after, None, None) is after


# --- open, close, reset -------------------------------------------------------------


def test_open_makes_a_draft_open_in_round_one() -> None:
    e = event()
    after = t.open_question(e, "q1", NOW + 5, closes_at=NOW + 60_000)
    assert_changed(e, after)
    q = after.question("q1")
    assert q is not None
    assert (q.status, q.round, q.opened_at, q.closes_at, q.rounds_opened) == (
        "open",
        1,
        NOW + 5,
        NOW + 60_000,
        (NOW + 5,),
    )


def test_opening_an_open_question_is_the_same_object() -> None:
    e = opened()
    assert t.open_question(e, "q1", NOW + 9) is e
    q = e.question("q1")
    assert q is not None
    assert t.open_question(e, "q1", NOW + 9, closes_at=q.closes_at) is e


def test_opening_an_open_question_with_a_new_deadline_sets_it() -> None:
    e = opened()
    after = t.open_question(e, "q1", NOW + 9, closes_at=NOW + 60_000)
    assert_changed(e, after)
    q = after.question("q1")
    assert q is not None and (q.status, q.closes_at, q.opened_at) == ("open", NOW + 60_000, NOW)


def test_reopening_a_closed_question_continues_its_round() -> None:
    e = opened()
    q = e.question("q1")
    assert q is not None
    e = t.record_answer(e, q, ("1",))
    closed = t.close_question(e, "q1", NOW + 10)
    again = t.open_question(closed, "q1", NOW + 20)
    assert_changed(closed, again)
    q = again.question("q1")
    assert q is not None
    assert (q.status, q.round, q.opened_at, q.closed_at, q.rounds_opened) == (
        "open",
        1,
        NOW,
        None,
        (NOW,),
    )
    assert again.tally(q) == Tally({"1": 1}, 1)  # the round's answers are still counted


def test_a_reopened_question_drops_its_old_deadline() -> None:
    e = t.open_question(event(), "q1", NOW, closes_at=NOW + 10_000)
    e = t.settle(e, NOW + 10_000)
    again = t.open_question(e, "q1", NOW + 20_000)
    q = again.question("q1")
    assert q is not None and q.closes_at is None


def test_close_closes_an_open_question() -> None:
    e = opened()
    after = t.close_question(e, "q1", NOW + 7)
    assert_changed(e, after)
    q = after.question("q1")
    assert q is not None and (q.status, q.closed_at, q.round) == ("closed", NOW + 7, 1)


def test_closing_a_closed_question_is_the_same_object() -> None:
    e = t.close_question(opened(), "q1", NOW + 7)
    assert t.close_question(e, "q1", NOW + 8) is e


def test_a_draft_cannot_be_closed() -> None:
    with pytest.raises(InvalidState):
        t.close_question(event(), "q1", NOW)


@pytest.mark.parametrize("close_first", [False, True])
def test_reset_starts_a_new_open_round_and_keeps_the_old_tallies(close_first: bool) -> None:
    e = opened()
    q = e.question("q1")
    assert q is not None
    e = t.record_answer(e, q, ("2",))
    if close_first:
        e = t.close_question(e, "q1", NOW + 5)
    after = t.reset_question(e, "q1", NOW + 10, closes_at=NOW + 70_000)
    assert_changed(e, after)
    q = after.question("q1")
    assert q is not None
    assert (q.status, q.round, q.opened_at, q.closed_at, q.closes_at) == (
        "open",
        2,
        NOW + 10,
        None,
        NOW + 70_000,
    )
    assert q.rounds_opened == (NOW, NOW + 10)
    assert after.tally(q) is EMPTY  # the new round's tally is empty
    assert after.tally(q, 1) == Tally({"2": 1}, 1)  # round 1's is kept
    assert t.answerable(after, "q1") == q  # everyone may answer again


def test_a_draft_cannot_be_reset() -> None:
    with pytest.raises(InvalidState):
        t.reset_question(event(), "q1", NOW)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: t.open_question(e, "q9", NOW),
        lambda e: t.close_question(e, "q9", NOW),
        lambda e: t.reset_question(e, "q9", NOW),
        lambda e: t.configure_question(e, "q9", "always", None),
    ],
)
def test_changes_to_an_unknown_question_are_not_found(change: Change) -> None:
    with pytest.raises(NotFound):
        change(event())


def test_configure_question_sets_visibility_and_an_open_deadline() -> None:
    e = opened()
    after = t.configure_question(e, "q1", "always", NOW + 60_000)
    assert_changed(e, after)
    q = after.question("q1")
    assert q is not None and (q.visibility, q.closes_at) == ("always", NOW + 60_000)
    assert t.configure_question(after, "q1", "always", NOW + 60_000) is after
    assert t.configure_question(after, "q1", None, None) is after


def test_a_deadline_needs_an_open_question() -> None:
    e = t.close_question(opened(), "q1", NOW + 1)
    with pytest.raises(VotingClosed):
        t.configure_question(e, "q1", None, NOW + 60_000)
    shown = t.configure_question(e, "q1", "after_close", None)  # visibility still may change
    q = shown.question("q1")
    assert q is not None and q.visibility == "after_close"


# --- present ------------------------------------------------------------------------


def test_present_shows_an_opened_question_and_none_is_the_lobby() -> None:
    e = opened(2, "q1")
    shown = t.present(e, "q1")
    assert_changed(e, shown)
    assert shown.presenting == "q1"
    assert t.present(shown, "q1") is shown
    lobby = t.present(shown, None)
    assert_changed(shown, lobby)
    assert lobby.presenting is None
    assert t.present(lobby, None) is lobby


def test_a_closed_question_may_be_presented() -> None:
    e = t.close_question(opened(), "q1", NOW + 1)
    assert t.present(e, "q1").presenting == "q1"


def test_a_draft_cannot_be_presented_and_an_unknown_question_is_not_found() -> None:
    with pytest.raises(InvalidState):
        t.present(event(), "q1")
    with pytest.raises(NotFound):
        t.present(event(), "q9")


# --- end ----------------------------------------------------------------------------


def test_end_closes_every_open_question_and_releases_the_code() -> None:
    e = t.close_question(opened(3, "q1", "q2"), "q2", NOW + 3)
    e = t.present(e, "q1")
    ended = t.end_event(e, NOW + 10, RETENTION)
    assert_changed(e, ended)
    assert (ended.status, ended.code, ended.ended_at, ended.expires_at) == (
        "ended",
        "",
        NOW + 10,
        NOW + 10 + RETENTION,
    )
    assert [(q.status, q.closed_at) for q in ended.questions] == [
        ("closed", NOW + 10),
        ("closed", NOW + 3),  # closed before: as of then
        ("draft", None),
    ]
    assert ended.presenting == "q1"  # the room still shows what it showed


def test_ending_an_ended_event_is_the_same_object() -> None:
    ended = t.end_event(opened(), NOW + 10, RETENTION)
    assert t.end_event(ended, NOW + 20, RETENTION) is ended


@pytest.mark.parametrize(
    "change",
    [
        lambda e: t.add_question(e, spec()),
        lambda e: t.edit_question(e, "q2", spec("Other?")),
        lambda e: t.delete_question(e, "q2"),
        lambda e: t.reorder(e, ("q2", "q1")),
        lambda e: t.configure_event(e, "New title", None),
        lambda e: t.configure_question(e, "q1", "always", None),
        lambda e: t.open_question(e, "q1", NOW + 20),
        lambda e: t.open_question(e, "q2", NOW + 20),
        lambda e: t.close_question(e, "q1", NOW + 20),
        lambda e: t.reset_question(e, "q1", NOW + 20),
        lambda e: t.present(e, "q1"),
        lambda e: t.present(e, None),
    ],
)
def test_every_host_change_on_an_ended_event_is_refused(change: Change) -> None:
    ended = t.end_event(t.present(opened(2, "q1"), "q1"), NOW + 10, RETENTION)
    with pytest.raises(EventEnded):
        change(ended)
