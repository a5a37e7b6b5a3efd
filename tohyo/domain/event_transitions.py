"""What a host's changes and an answer do to an event: pure functions every backend
calls at the event's serialization point.

Each host change returns the event with `revision` and `version` one higher, or the very
same object when nothing changes (a repeated close, present or end), so a retried
request is harmless and announces nothing. Every backend first applies `settle`, which
closes the questions whose deadline has passed, as of their deadline.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tohyo.domain import questions as question_types
from tohyo.domain.event import QUESTIONS_MAX, Event, Question, RoundKey
from tohyo.domain.event_specs import QuestionSpec
from tohyo.domain.questions import Increments
from tohyo.errors import EventEnded, InvalidState, NotFound, VotingClosed

# The most text one event's questions hold — their prompts and their own texts (a choice
# question's choices) — in bytes of UTF-8: what one host can make storage keep and every
# process hold in memory (the title, at most 200 characters, is bounded on its own). 100
# questions fit at 650 bytes each (a prompt of 60 kana and four choices of 30 take 540);
# the longest the specs allow take 3.7 KB each in Japanese, so 17 of those fit, where 100
# of them would be 375 KB.
EVENT_TEXT_MAX = 64 * 1024
# A quiz's points run from its round's opening to its time limit, so that limit is its
# only deadline, and a round that has closed is over: it is played again by a reset.
QUIZ_DEADLINE = "A quiz question closes at its timeLimit; it takes no other deadline"
QUIZ_REPLAY = "A quiz question's round is over once it closes: reset it to play it again"


def timed(question: Question) -> bool:
    """Whether `question` is a quiz (its deadline is its time limit: see QUIZ_DEADLINE)."""
    return isinstance(question.config, question_types.QuizConfig)


def changed(before: Event, after: Event) -> Event:
    """`after` as the next state of `before`, one revision and one version on."""
    return replace(after, revision=before.revision + 1, version=before.version + 1)


def require_live(event: Event) -> None:
    if event.status != "live":
        raise EventEnded()


def find(event: Event, question_id: str) -> Question:
    question = event.question(question_id)
    if question is None:
        raise NotFound("No such question in this event")
    return question


def _with(event: Event, question: Question) -> Event:
    questions = tuple(
        question if q.question_id == question.question_id else q for q in event.questions
    )
    return replace(event, questions=questions)


def _draft(event: Event, question_id: str) -> Question:
    require_live(event)
    question = find(event, question_id)
    if question.status != "draft":
        raise InvalidState(
            "Only a draft question can be changed this way; this one has been opened"
        )
    return question


# --- building ------------------------------------------------------------------------


def text_size(event: Event) -> int:
    """The text of the event's questions in bytes of UTF-8: each one's prompt and the texts
    of its config as its type stores them (`EVENT_TEXT_MAX`)."""
    size = 0
    for q in event.questions:
        stored = question_types.kind(q.type).config_to_json(q.config)
        size += len(q.prompt.encode()) + _text_in(stored)
    return size


def _text_in(stored: Any) -> int:
    if isinstance(stored, str):
        return len(stored.encode())
    if isinstance(stored, dict):
        return sum(_text_in(key) + _text_in(value) for key, value in stored.items())
    if isinstance(stored, (list, tuple)):
        return sum(_text_in(item) for item in stored)
    return 0  # numbers, booleans, null: not text


def require_text_room(event: Event) -> Event:
    """`event`, if its text fits in `EVENT_TEXT_MAX`; else InvalidState naming the limit."""
    size = text_size(event)
    if size > EVENT_TEXT_MAX:
        raise InvalidState(
            f"An event holds at most {EVENT_TEXT_MAX // 1024} KiB ({EVENT_TEXT_MAX:,} bytes)"
            f" of question text — prompts, choices, labels and statements, counted in UTF-8; this"
            f" would make it"
            f" {size:,} bytes",
            {"limit": EVENT_TEXT_MAX, "size": size},
        )
    return event


def new_question(question_id: str, spec: QuestionSpec) -> Question:
    deadline = spec.deadline
    return Question(
        question_id,
        spec.type,
        spec.prompt,
        spec.config,
        visibility=spec.visibility,
        allow_change=spec.allow_change,
        # A draft keeps the deadline it is planned with; opening it applies that.
        closes_at=deadline.at if deadline is not None else None,
        duration=deadline.seconds if deadline is not None else None,
    )


def add_question(event: Event, spec: QuestionSpec) -> Event:
    require_live(event)

    if len(event.questions) >= QUESTIONS_MAX:
        raise InvalidState(f"An event holds at most {QUESTIONS_MAX} questions")
    question = new_question(f"q{event.next_question}", spec)
    grown = replace(
        event, questions=(*event.questions, question), next_question=event.next_question + 1
    )
    return changed(event, require_text_room(grown))


def edit_question(event: Event, question_id: str, spec: QuestionSpec) -> Event:
    """A draft rewritten from a full spec (the API merges a PATCH onto the stored one)."""
    before = _draft(event, question_id)
    planned = new_question(question_id, spec)
    after = replace(
        before,
        type=spec.type,
        prompt=spec.prompt,
        config=spec.config,
        visibility=spec.visibility,
        allow_change=spec.allow_change,
        closes_at=planned.closes_at,
        duration=planned.duration,
    )
    return event if after == before else changed(event, require_text_room(_with(event, after)))


def delete_question(event: Event, question_id: str) -> Event:
    _draft(event, question_id)
    kept = tuple(q for q in event.questions if q.question_id != question_id)
    return changed(event, replace(event, questions=kept))


def reorder(event: Event, question_ids: tuple[str, ...]) -> Event:
    """Put the questions in this order; it must name each of them once."""
    require_live(event)
    present = [q.question_id for q in event.questions]
    if sorted(question_ids) != sorted(present):
        raise InvalidState("The order must name every question of the event exactly once")
    if list(question_ids) == present:
        return event
    by_id = {q.question_id: q for q in event.questions}
    return changed(event, replace(event, questions=tuple(by_id[i] for i in question_ids)))


def configure_event(event: Event, title: str | None, pace: str | None) -> Event:
    require_live(event)
    after = event
    if title is not None and title != event.title:
        after = replace(after, title=title)
    if pace is not None and pace != event.pace:
        after = replace(after, pace=pace)  # type: ignore[arg-type]
    return event if after is event else changed(event, after)


def configure_question(
    event: Event, question_id: str, visibility: str | None, closes_at: int | None
) -> Event:
    """Who sees the results, and the deadline of an open question (as polls' settings)."""
    require_live(event)
    before = find(event, question_id)
    after = before
    if visibility is not None and visibility != before.visibility:
        after = replace(after, visibility=visibility)  # type: ignore[arg-type]
    if closes_at is not None and closes_at != before.closes_at:
        if before.status != "open":
            raise VotingClosed("A deadline can be set only while the question is open")
        if timed(before):
            raise InvalidState(QUIZ_DEADLINE)
        after = replace(after, closes_at=closes_at)
    return event if after is before else changed(event, _with(event, after))


# --- the lifecycle -------------------------------------------------------------------


def open_question(event: Event, question_id: str, now: int, closes_at: int | None = None) -> Event:
    """draft or closed → open. Reopening continues the same round; opening an open
    question changes nothing (unless it sets a new deadline)."""
    require_live(event)
    before = find(event, question_id)
    if before.status == "open":
        if closes_at is None or closes_at == before.closes_at:
            return event
        if timed(before):
            raise InvalidState(QUIZ_DEADLINE)
        return changed(event, _with(event, replace(before, closes_at=closes_at)))
    if before.status == "closed" and timed(before):
        raise InvalidState(QUIZ_REPLAY)
    first = before.opened_at is None
    after = replace(
        before,
        status="open",
        closes_at=closes_at,  # a reopened question does not keep a deadline that has passed
        closed_at=None,
        opened_at=now if first else before.opened_at,
        rounds_opened=(*before.rounds_opened, now) if first else before.rounds_opened,
    )
    return changed(event, _with(event, after))


def close_question(event: Event, question_id: str, now: int) -> Event:
    require_live(event)
    before = find(event, question_id)
    if before.status == "draft":
        raise InvalidState("A draft question has not been opened")
    if before.status == "closed":
        return event
    return changed(event, _with(event, _closed(before, now)))


def _closed(question: Question, at: int) -> Question:
    return replace(question, status="closed", closed_at=at)


def reset_question(event: Event, question_id: str, now: int, closes_at: int | None = None) -> Event:
    """A new round, open at once: the live tally starts at zero and everyone may answer
    again; the earlier rounds' answers and tallies are kept."""
    require_live(event)
    before = find(event, question_id)
    if before.status == "draft":
        raise InvalidState("A draft question has no round to reset; open it")
    after = replace(
        before,
        status="open",
        round=before.round + 1,
        closes_at=closes_at,
        opened_at=now,
        closed_at=None,
        rounds_opened=(*before.rounds_opened, now),
    )
    return changed(event, _with(event, after))


def present(event: Event, question_id: str | None) -> Event:
    """What every phone shows: a question that has been opened, or None (the lobby)."""
    require_live(event)
    if question_id is not None and find(event, question_id).status == "draft":
        raise InvalidState("A draft question cannot be presented; open it first")
    if question_id == event.presenting:
        return event
    return changed(event, replace(event, presenting=question_id))


def end_event(event: Event, now: int, retention_ms: int) -> Event:
    """Every open question closes, the join code is released, and the event is kept for
    `retention_ms` from now. Ending an ended event changes nothing."""
    if event.status == "ended":
        return event
    questions = tuple(_closed(q, now) if q.status == "open" else q for q in event.questions)
    ended = replace(
        event,
        status="ended",
        code="",
        questions=questions,
        ended_at=now,
        expires_at=now + retention_ms,
    )
    return changed(event, ended)


def settle(event: Event, now: int) -> Event:
    """Questions past their deadline closed, as of the deadline (one change for all)."""
    if event.status != "live":
        return event
    due = [
        q
        for q in event.questions
        if q.status == "open" and q.closes_at is not None and now >= q.closes_at
    ]
    if not due:
        return event
    after = event
    for q in due:
        assert q.closes_at is not None
        after = _with(after, _closed(q, q.closes_at))
    return changed(event, after)


def next_deadline(event: Event) -> int | None:
    """The soonest deadline of an open question (the feed closes it on time)."""
    due = [q.closes_at for q in event.questions if q.status == "open" and q.closes_at is not None]
    return min(due) if event.status == "live" and due else None


# --- answers -------------------------------------------------------------------------


def answerable(event: Event, question_id: str) -> Question:
    """The question an answer is for, if it takes answers now. A draft is not found:
    participants never learn that drafts exist."""
    question = event.question(question_id)
    if question is None or question.status == "draft":
        raise NotFound("No such question in this event")
    if event.status != "live" or question.status != "open":
        raise VotingClosed()
    return question


def record_answer(
    event: Event, question: Question, increments: Increments, replaced: Increments | None = None
) -> Event:
    """The event after one accepted answer in the question's current round; the caller
    has checked `answerable` and that this participant has no answer in the round — or,
    where `question.allow_change`, that `replaced` are the increments of the answer the
    participant had in it (`Tally.replace`: the number of answers stays)."""
    key: RoundKey = (question.question_id, question.round)
    tallies = dict(event.tallies)
    before = event.tally(question)
    tallies[key] = (
        before.add(increments) if replaced is None else before.replace(replaced, increments)
    )
    return replace(event, version=event.version + 1, tallies=tallies)
