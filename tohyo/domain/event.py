"""An event's data: its questions, what the room is shown, and the tallies of every round.

An event is what a host runs in a room: one title, one join code, many questions. It is
tohyo's durable object for events: every change below is decided at the event's one
serialization point (see `tohyo.storage.events`). Frozen dataclasses, no behaviour; the
changes are in `event_transitions`.

Two counters: `version` goes up by one for every change (a host's or an answer), so
viewers order states by it; `revision` goes up only with the host's changes (the
structure), so a shared store can apply a host's change as compare-and-set on it while
answers keep landing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tohyo.domain.model import DEFAULT_VISIBILITY, Visibility
from tohyo.domain.questions import EMPTY, Filters, Tally

EventStatus = Literal["live", "ended"]
Pace = Literal["presenter", "audience"]
QuestionStatus = Literal["draft", "open", "closed"]

PACES: tuple[Pace, ...] = ("presenter", "audience")
TITLE_MAX = 200
QUESTIONS_MAX = 100  # per event: a day of workshops, not a survey platform
CODE_DIGITS = 6  # while few events are live; the store lengthens codes as the space fills

RoundKey = tuple[str, int]  # (questionId, round)


@dataclass(frozen=True, slots=True)
class Question:
    question_id: str
    type: str  # a name from domain.questions.TYPE_NAMES
    prompt: str
    config: Any  # the type's frozen config
    status: QuestionStatus = "draft"
    round: int = 1  # +1 per reset; answers belong to the round they were accepted in
    visibility: Visibility = DEFAULT_VISIBILITY
    closes_at: int | None = None  # deadline of the current opening
    # Seconds each opening lasts, from the spec's durationSeconds: applied at open and reset.
    duration: int | None = None
    opened_at: int | None = None  # when the current round first opened
    closed_at: int | None = None
    # When each round opened, oldest first (exports list every round).
    rounds_opened: tuple[int, ...] = ()
    # A participant may change their answer while the question is open (spec
    # `allowChange`): storage swaps the old answer's increments for the new one's.
    allow_change: bool = False
    # Moderation of typed entries, by entry key (see domain.questions.base): what the host
    # hid, and (for questions whose entries need approval first) what the host approved.
    hidden: frozenset[str] = frozenset()
    approved: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    code: str  # the join code while live; "" once ended (the code is released)
    title: str
    host_key: bytes  # keyed hash of the host token, never the token itself
    created_at: int
    expires_at: int  # deleted then: while live, and `retention` after it ends
    status: EventStatus = "live"
    pace: Pace = "presenter"
    presenting: str | None = None  # the question every phone shows; None is the lobby
    questions: tuple[Question, ...] = ()  # in the order the host set
    ended_at: int | None = None
    next_question: int = 1  # question ids are "q1", "q2", … and never reused
    revision: int = 1
    version: int = 1
    tallies: Mapping[RoundKey, Tally] = field(default_factory=dict)
    # Typed entries caught by these never count, nor show if sent before a word was banned.
    banned: tuple[str, ...] = ()  # normalised (domain.text_keys.entry_key)
    profanity_filter: bool = False
    # Audience Q&A (domain.qa): "off", "open" (questions show at once) or "moderated" (the
    # host approves each first). Its entries are kept beside the event, not in it.
    qa: str = "off"

    def filters(self) -> Filters:
        return Filters(self.banned, self.profanity_filter)

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.question_id == question_id:
                return q
        return None

    def tally(self, question: Question, round_: int | None = None) -> Tally:
        return self.tallies.get((question.question_id, round_ or question.round), EMPTY)

    def expired(self, now: int) -> bool:
        return self.expires_at <= now


@dataclass(frozen=True, slots=True)
class Response:
    """One stored answer: which question and round, whose (a keyed hash), what, when."""

    question_id: str
    round: int
    participant: bytes
    answer: Any
    answered_at: int
