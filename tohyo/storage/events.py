"""The storage protocol for events, and what every backend shares about join codes.

An event is one durable object: each operation below is decided at the event's one
serialization point (this process's event loop on memory and SQLite, a Lua script on the
shard that owns `{eventId}` on Redis) and returns only once its effect is durable. After
a change is durable the backend calls every event listener with the event's new
committed state and the answers it records (participant, question, round), on the event loop.

Backends never name a question type: an answer arrives as its canonical JSON and the
tally counters it increments (`domain.questions`), and storage applies "store this
answer and these increments if this participant has none in the round". Where the
question allows a change (`Question.allow_change`) it applies "...or else in place of
the one they have": storage keeps the increments of such answers beside them, and takes
the old one's off as it adds the new one's (`Tally.replace`: the number of answers stays,
a counter at 0 is dropped), at the same serialization point, in the same write.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Collection, Iterator
from typing import Any, Protocol

from tohyo.domain.event import CODE_DIGITS, Event, Response, RoundKey
from tohyo.domain.questions import Increments
from tohyo.storage.qa import QaStore

# Who answered what in a change: (participant, questionId, round). Listeners need the
# question too: a phone's stream shows a question's results once its participant has
# answered it, on the open connection.
Answer = tuple[bytes, str, int]
# (the committed event, the answers this change records; empty for a host's change)
EventListener = Callable[[Event, Collection[Answer]], None]
Change = Callable[[Event], Event]  # pure; may be run more than once (compare-and-set)
# How many events a process keeps in memory between uses (the local homes, the Redis
# mirrors); one evicted is read again when next used. Each holds at most EVENT_TEXT_MAX
# (64 KiB) of question text, ~250 KiB of Python objects at worst (100 questions of 10
# choices, tests/test_event_text_limit.py): 1,000 of them stay under 250 MiB (62.5 MiB
# of text), where 10,000 of the longest events before the cap took 6-8 GiB.
EVENTS_KEPT = 1_000
# How long a process's count of connected participants counts once recorded: three of the
# presence loop's rounds (tohyo.event_presence), so one late round never drops a process.
PRESENCE_FRESH_MS = 6000


class EventStore(QaStore, Protocol):
    """An event and all kept beside it: its answers, nicknames and audience Q&A (QaStore)."""

    def add_event_listener(self, listener: EventListener) -> None:
        """Call `listener(event, answers)` after each committed change: `answers` are the
        (participant, questionId, round) of the answers it records."""

    def add_event_rollback_listener(self, listener: Callable[[Event], None]) -> None:
        """Call `listener(event)` with the stored state when storage turns out to have lost
        changes listeners were told of (only a shared store can: Redis after a failover)."""

    async def watch_event(self, event_id: str) -> None:
        """Make changes committed anywhere reach the listeners until `unwatch_event`."""

    def unwatch_event(self, event_id: str) -> None: ...

    async def create_event(self, event: Event) -> Event:
        """Store a new event with a join code unique among live events, allocated
        atomically (never check-then-set); return it with its code."""

    async def get_event(
        self, event_id: str, participant: bytes | None, now: int
    ) -> tuple[Event, frozenset[RoundKey]]:
        """The committed event (its due deadlines settled) and the (question, round)
        pairs `participant` has answered; NotFound if missing or expired."""

    async def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey], now: int
    ) -> dict[RoundKey, Any]:
        """`participant`'s stored answers (canonical, as `answer` was given them: the last
        one taken where it was changed) in those of `rounds` they have answered, by
        (question, round); for an event missing or expired, NotFound or nothing. For the
        page a participant reloads, which shows them what they sent: theirs alone, never
        part of a frame the feed shares."""

    async def change_event(self, event_id: str, now: int, change: Change) -> Event:
        """Apply a host's change to the settled event. `change` returns the same object
        when nothing changes: then nothing is written. Its errors propagate unchanged."""

    async def answer(
        self,
        event_id: str,
        participant: bytes,
        question_id: str,
        answer: Any,
        increments: Increments,
        now: int,
        expected_round: int | None = None,
    ) -> tuple[Event, int]:
        """Record one answer in the question's current round — RoundChanged if it is not
        `expected_round`, when that is given (a reset came first: checked once the question
        is found open, before AlreadyVoted, and nothing is recorded): NotFound (no such event or
        question, or a draft), VotingClosed, AlreadyVoted (unless the question allows a
        change: then the answer replaces the participant's one in the round, its
        increments in place of the old one's, and is stored with `now` as answeredAt),
        else, once durable, the new event and the round the answer was recorded in — the
        question's round at the serialization point, never read off the event: a shared
        store may return a newer state than its own (a read went past it), in which the
        question may have been reset meanwhile. Listeners are told a change as an answer."""

    async def set_nickname(
        self,
        event_id: str,
        participant: bytes,
        shown: str,
        key: str,
        now: int,
        locked_by: Collection[str] = (),
    ) -> None:
        """Give `participant` the nickname `shown` (unique by `key` within the event):
        NotFound if the event is missing or expired, EventEnded if it has ended,
        InvalidState (`domain.quiz.RENAME_TOO_LATE`) if the participant has a stored
        answer in any round of any question in `locked_by` (question ids: a score's name
        does not change under it), NicknameTaken if another participant holds `key`.
        Each is decided at the serialization point in the step that claims the name, so
        an answer committing meanwhile is either before it (refused) or after it (the
        new name stands), never between a check and the write. The participant's previous
        nickname, if any, is released in the same step (its key becomes free). Setting
        one's own current key again (perhaps with other `shown` casing) succeeds. Durable
        before it returns. Nicknames are kept beside the event, not in it (a hall's 10,000
        would ride every copy of it), and listeners are not told of them."""

    async def nicknames(self, event_id: str) -> dict[bytes, str]:
        """Every participant's nickname (shown form) in the event; {} for a missing event."""

    async def nickname_of(self, event_id: str, participant: bytes) -> str | None:
        """`participant`'s nickname (shown form), or None: one player's own, for their page
        (a hall's phones each reading every name would be 10,000 × 10,000 reads)."""

    async def find_code(self, code: str, now: int) -> str | None:
        """The live event holding join code `code` (normalised), or None."""

    async def expire_events(self, now: int, limit: int = 500) -> list[str]:
        """Delete up to `limit` events whose time is up; return their ids."""

    async def responses(self, event_id: str) -> list[Response]:
        """Every stored answer of the event, every round (exports and audits)."""

    async def count_present(self, event_id: str, here: int, now: int) -> int:
        """Record that `here` participants are connected to the event through this process
        (as of `now`); return how many are connected through every process. A process's
        count lapses PRESENCE_FRESH_MS after it was recorded. Advisory: on a failure the
        backend logs it and returns `here`, never an error."""


class EventListeners:
    def __init__(self) -> None:
        self._event_listeners: list[EventListener] = []
        self._event_rollback_listeners: list[Callable[[Event], None]] = []

    def add_event_listener(self, listener: EventListener) -> None:
        self._event_listeners.append(listener)

    def add_event_rollback_listener(self, listener: Callable[[Event], None]) -> None:
        self._event_rollback_listeners.append(listener)

    def _notify_event_rollback(self, event: Event) -> None:
        for listener in self._event_rollback_listeners:
            listener(event)

    def _notify_event(self, event: Event, answers: Collection[Answer] = ()) -> None:
        for listener in self._event_listeners:
            listener(event, answers)


# --- join codes ------------------------------------------------------------------------

CODE_TRIES_PER_LENGTH = 5
CODE_DIGITS_MAX = 12


def code_candidates() -> Iterator[str]:
    """Random numeric codes to try in turn: six digits first, then one digit more after
    every few taken ones. With half the six-digit space live, five tries all collide
    3% of the time, so codes lengthen only as the space fills up."""
    for digits in range(CODE_DIGITS, CODE_DIGITS_MAX + 1):
        for _ in range(CODE_TRIES_PER_LENGTH):
            # No leading zero: "012345" read aloud or typed into a number field loses it.
            yield str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))


# Spaces and dashes people type between groups of digits; a Japanese keyboard in kana
# mode types the long-vowel mark ー (U+30FC) for "-", and phones substitute the hyphen
# U+2010 and the minus sign U+2212. (NFKC has already made the full-width forms plain.)
_SEPARATORS = frozenset(" -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u3000\u30fc")


def normalize_code(raw: str) -> str | None:
    """ "123 456", "123-456" and full-width "１２３４５６" are 123456; anything but digits,
    spaces and dashes is no code (None)."""
    if len(raw) > 64:
        return None
    folded = unicodedata.normalize("NFKC", raw)
    digits = "".join(ch for ch in folded if ch not in _SEPARATORS)
    if not (
        digits.isascii() and digits.isdigit() and CODE_DIGITS <= len(digits) <= CODE_DIGITS_MAX
    ):
        return None
    return digits
