"""The interface every question type implements, and the tally it feeds.

A type decides four things and nothing else: what its spec may configure
(`parse_config`), what an answer may be (`parse_answer`), which tally counters an answer
increments (`increments`), and how a tally reads as results (`results`). Storage never
names a type: it stores an answer (its canonical JSON) and adds its increments to the
question's tally for the round, atomically, if that participant has no answer yet — or,
where the question lets a participant change their answer, takes the old answer's
increments off and puts the new one's on, in the same step (`Tally.replace`).

Counters are named by strings (a choice's id, a word cloud's normalised entry, …), so a
type with an open-ended set of answers needs no schema of its own. A counter name never
holds a control character (`domain.text` refuses them in every text), so a type may join
the parts of a name with U+001F (`SEPARATOR`).

Where people type (word clouds, open text), the host moderates *entries*: each has a key
(a word cloud's normalised word, a card's id) that the question's `hidden` and `approved`
sets name, and the event's banned words apply to it. `results` gets them in a
`ResultsContext`, with who is looking, so a type leaves out what a viewer may not see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

Increments = tuple[str, ...]  # counters an answer adds 1 to (a name may repeat)
SEPARATOR = "\x1f"  # between the parts of a counter name (see above)


@dataclass(frozen=True, slots=True)
class Tally:
    """One question's counters in one round, and how many answers made them."""

    counts: Mapping[str, int] = field(default_factory=dict)
    total: int = 0

    def add(self, increments: Increments) -> Tally:
        counts = dict(self.counts)
        for name in increments:
            counts[name] = counts.get(name, 0) + 1
        return Tally(counts, self.total + 1)

    def replace(self, old: Increments, new: Increments) -> Tally:
        """One participant's answer changed: `old`'s counters go down, `new`'s up, and the
        number of answers stays. A counter that reaches 0 is dropped (every backend drops
        it), so a word nobody sends any more leaves the cloud."""
        counts = dict(self.counts)
        for name in old:
            left = counts.get(name, 0) - 1
            if left > 0:
                counts[name] = left
            else:
                counts.pop(name, None)
        for name in new:
            counts[name] = counts.get(name, 0) + 1
        return Tally(counts, self.total)


EMPTY = Tally()


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What `increments` may use besides the answer: when it was given (ms, the server's
    clock), and a tag that names whose it is within the question — a short keyed hash of
    the participant and the question, so an open-text card has an id of its own, but two
    questions' tags of one participant do not link up (`answer_tag`)."""

    at: int
    tag: str


def answer_tag(participant: bytes, question_id: str) -> str:
    """`AnswerContext.tag`: 10 hex digits of a hash of the participant key (itself a keyed
    hash of their cookie) and the question — unique enough within one question's answers,
    and the same participant's tags differ from question to question."""
    return hashlib.blake2b(participant + b"\x00" + question_id.encode(), digest_size=5).hexdigest()


@dataclass(frozen=True, slots=True)
class Filters:
    """The event's filters for typed entries: banned words (normalised, as
    `domain.text_keys.entry_key` makes them) and the optional English profanity filter."""

    banned: tuple[str, ...] = ()
    profanity: bool = False


NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class ResultsContext:
    """Who looks at results, and the moderation they are shown under.

    `host`: the host sees hidden and pending entries too, flagged (`hidden: true`,
    `pending: true`), to restore or approve them; everyone else sees neither. `closed`:
    the question's round is over (a ranking adds its runoff then). `full`: an export:
    every entry, where a view sends the first few (a hall's frames stay small)."""

    host: bool = False
    closed: bool = False
    full: bool = False
    hidden: frozenset[str] = frozenset()
    approved: frozenset[str] = frozenset()
    filters: Filters = NO_FILTERS


PUBLIC = ResultsContext()


class QuestionType(Protocol):
    """One kind of question: a module in `tohyo.domain.questions` registers one."""

    # The `type` names of specs this module handles (choice questions: single, multiple).
    names: tuple[str, ...]
    # Fields of `config_view` a participant is not shown until the question closes (a
    # quiz's right answers): the host sees them throughout.
    sealed: tuple[str, ...]

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> Any:
        """The type's frozen config from a question spec; problems are appended (field,
        message) rather than raised, so one reply lists every mistake of a spec."""

    def config_view(self, config: Any) -> dict[str, Any]:
        """The config as the API shows it (merged into the question's view)."""

    def parse_answer(self, config: Any, body: Any, filters: Filters) -> Any:
        """The canonical answer (JSON-able) from a response body; InvalidBallot if wrong —
        also when a typed entry is caught by `filters` (it never counts)."""

    def increments(self, config: Any, answer: Any, context: AnswerContext) -> Increments:
        """The counters `answer` adds 1 to."""

    def results(self, config: Any, tally: Tally, context: ResultsContext) -> dict[str, Any]:
        """The tally as results: the `results` of a question's view. Entries the host hid,
        entries not yet approved (for `context.host`: flagged instead) and entries caught
        by the filters (a word banned after it was sent) are left out, counts and all."""

    def config_to_json(self, config: Any) -> Any:
        """The config as stored (JSON-able), read back by `config_from_json`."""

    def config_from_json(self, type_name: str, stored: Any) -> Any: ...
