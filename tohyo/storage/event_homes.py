"""Events homed in this process (memory and SQLite): the event loop is the serialization
point, as for sessions (`tohyo.storage.local`).

Each event in use has a home: its current state and who has answered what — and, for the
questions that allow a change of answer, what each answer added to the tally, so that a
new answer takes exactly that off again (`Tally.replace`) without storage knowing the
question's type. An operation checks and applies its change with no `await` in between,
hands it to the journal, and answers once the journal's batch is durable (group commit).
The join codes of live events are held here too, so allocating one is a lookup and an
insert with nothing in between: atomic without any check-then-set against storage. So
are an event's nicknames, beside its state (never in it: a hall's 10,000 names would ride
every copy of the event), both ways — who holds which, and whose each key is — so that
claiming one is a lookup and a write with nothing in between as well; whether the
participant has answered a question that fixes their name (a quiz's) is looked up in the
same step, in the answered sets an answer is checked against.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable

from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, Response, RoundKey
from tohyo.domain.questions import Increments
from tohyo.domain.quiz import RENAME_TOO_LATE
from tohyo.errors import (
    AlreadyVoted,
    InvalidState,
    NicknameTaken,
    NotFound,
    RoundChanged,
    StorageError,
)
from tohyo.storage.events import (
    EVENTS_KEPT,
    Answer,
    Change,
    EventListeners,
    code_candidates,
    normalize_code,
)
from tohyo.storage.local import Done, _wait
from tohyo.storage.local_qa import LocalQa, QaHome, QaStored
from tohyo.storage.qa import QaChange, QaListener

Answers = dict[bytes, set[RoundKey]]  # participant -> the (question, round) pairs answered
# (participant, questionId, round) -> the increments of the answer stored there, kept for
# the questions that allow a change only (the others never need them again: 10,000
# participants' answers cost nothing more than who answered).
Kept = dict[Answer, Increments]
Held = dict[bytes, tuple[str, str]]  # participant -> their nickname's (key, shown form)


class EventJournal(Protocol):
    """Where a local store's event changes become durable, in batches."""

    def bind_events(
        self, notify: Callable[[Event, Collection[Answer]], None], on_failure: Callable[[], None]
    ) -> None: ...
    def load_event(self, event_id: str) -> Event | None: ...
    def load_answers(self, event_id: str) -> Answers: ...
    def load_kept(self, event_id: str) -> Kept:
        """The increments stored with the answers to questions that allow a change."""

    def load_nicknames(self, event_id: str) -> Held:
        """Who holds which nickname in the event ({} for an event it does not hold)."""

    def live_codes(self) -> dict[str, str]: ...
    def record_event(self, event: Event, created: bool = False) -> Done:
        """A new event (`created`), or any other change but an answer."""

    def record_response(
        self,
        event: Event,
        response: Response,
        increments: Increments | None = None,
        replaces: bool = False,
    ) -> Done:
        """One answer; `event` is the state after it, which differs from the state
        recorded before only by the version and the tally of the answer's round.
        `increments` are kept with it when its question allows a change (else None);
        `replaces`: it takes the place of the participant's answer in the round, which
        the journal holds (with its increments), so that only the new one is stored."""

    def record_nickname(self, event_id: str, participant: bytes, key: str, shown: str) -> Done:
        """`participant`'s nickname from now on: the one they held before, if any, is
        theirs no more (its key is free), in the same write."""

    def load_qa(self, event_id: str) -> QaStored:
        """The event's audience Q&A (empty for an event it does not hold)."""

    def record_qa(self, event_id: str, change: QaChange) -> Done:
        """One change of the event's Q&A (`storage.qa.QaChange`), in the next batch."""

    def record_event_delete(self, event_id: str) -> Done:
        """The event and all that is kept beside it: answers, tallies, nicknames, Q&A."""

    def durable(self) -> Done: ...
    def expired_events(self, now: int, limit: int) -> list[str]: ...
    def responses(self, event_id: str) -> list[Response]: ...


@runtime_checkable
class AnswerReader(Protocol):
    """A journal that reads some answers back by whose they are (`answers_of`) without
    reading every answer of the event."""

    def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey]
    ) -> dict[RoundKey, Any]:
        """`participant`'s stored answers in those of `rounds` they answered."""


class Nicknames:
    """An event's nicknames both ways: the key and shown form each participant holds, and
    the participant each key belongs to (a key is held by one participant at most)."""

    __slots__ = ("held", "owners")

    def __init__(self, held: Held) -> None:
        self.held = held
        self.owners = {key: participant for participant, (key, _) in held.items()}

    def give(self, participant: bytes, key: str, shown: str) -> None:
        """`participant` holds `key` now, and their previous key no more."""
        previous = self.held.get(participant)
        if previous is not None and previous[0] != key:
            del self.owners[previous[0]]
        self.held[participant] = (key, shown)
        self.owners[key] = participant


class EventHome:
    __slots__ = ("answers", "event", "kept", "nicknames", "qa")

    def __init__(
        self,
        event: Event,
        answers: Answers | None,
        kept: Kept | None = None,
        nicknames: Nicknames | None = None,
    ) -> None:
        self.event = event
        self.answers = answers  # None until first needed
        self.kept = kept  # loaded with `answers`
        self.nicknames = nicknames  # None until first needed
        self.qa: QaHome | None = None  # its audience Q&A, loaded when first used


class LocalEvents(LocalQa, EventListeners):
    def __init__(self, journal: EventJournal, max_homes: int = EVENTS_KEPT) -> None:
        super().__init__()
        self._qa_listeners: list[QaListener] = []
        self._journal: EventJournal = journal
        self._homes: OrderedDict[str, EventHome] = OrderedDict()
        self._max_homes = max_homes
        self._codes: dict[str, str] | None = None  # join code -> live event id
        journal.bind_events(self._notify_event, self._forget_all)

    # Every change is made in this process: nothing to watch.
    async def watch_event(self, event_id: str) -> None:
        pass

    def unwatch_event(self, event_id: str) -> None:
        pass

    async def create_event(self, event: Event) -> Event:
        codes = self._live_codes()
        for code in code_candidates():
            if code not in codes:
                break
        else:
            raise StorageError("No join code is free; try again later")
        event = replace(event, code=code)
        done = self._journal.record_event(event, created=True)  # may refuse: then nothing
        codes[code] = event.event_id
        self._remember(EventHome(event, {}, {}, Nicknames({})))
        await _wait(done)
        return event

    async def get_event(
        self, event_id: str, participant: bytes | None, now: int
    ) -> tuple[Event, frozenset[RoundKey]]:
        home = self._home(event_id, now)
        event = home.event
        answers, _ = self._answers(home)
        mine = frozenset(answers.get(participant, ())) if participant else frozenset()
        await _wait(self._journal.durable())
        return event, mine

    async def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey], now: int
    ) -> dict[RoundKey, Any]:
        home = self._home(event_id, now)
        answers, _ = self._answers(home)
        mine = answers.get(participant, set())
        answered = {key for key in rounds if key in mine}
        found = self._read_answers(event_id, participant, answered) if answered else {}
        await _wait(self._journal.durable())  # as a read: only what is durable is told
        return found

    async def change_event(self, event_id: str, now: int, change: Change) -> Event:
        home = self._home(event_id, now)
        before = home.event
        after = change(before)
        if after is before:
            await _wait(self._journal.durable())
            return before
        done = self._journal.record_event(after)
        home.event = after
        if before.code and not after.code:  # ended: the code is free for another event
            self._live_codes().pop(before.code, None)
        await _wait(done)
        return after

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
        home = self._home(event_id, now)
        question = transitions.answerable(home.event, question_id)
        if expected_round is not None and question.round != expected_round:
            await _wait(self._journal.durable())  # the reset that moved it may still commit
            raise RoundChanged(question.round)
        answers, kept = self._answers(home)
        mine = answers.get(participant)
        key = (question_id, question.round)
        whose: Answer = (participant, question_id, question.round)
        replaced: Increments | None = None
        if mine is not None and key in mine:
            # Without its increments (a question that did not allow a change when it was
            # answered) an answer cannot be taken back: it stands.
            replaced = kept.get(whose) if question.allow_change else None
            if replaced is None:
                await _wait(self._journal.durable())  # the earlier answer may still commit
                raise AlreadyVoted()
        after = transitions.record_answer(home.event, question, increments, replaced)
        response = Response(question_id, question.round, participant, answer, now)
        stored = increments if question.allow_change else None
        done = self._journal.record_response(after, response, stored, replaced is not None)
        answers.setdefault(participant, set()).add(key)
        if stored is not None:
            kept[whose] = stored
        home.event = after
        await _wait(done)
        return after, question.round

    async def set_nickname(
        self,
        event_id: str,
        participant: bytes,
        shown: str,
        key: str,
        now: int,
        locked_by: Collection[str] = (),
    ) -> None:
        home = self._home(event_id, now)
        transitions.require_live(home.event)
        if locked_by:
            answers, _ = self._answers(home)
            locked = set(locked_by)
            if any(question_id in locked for question_id, _ in answers.get(participant, ())):
                await _wait(self._journal.durable())  # the answer may still commit
                raise InvalidState(RENAME_TOO_LATE)
        names = self._nicknames(home)
        owner = names.owners.get(key)
        if owner is not None and owner != participant:
            await _wait(self._journal.durable())  # its holder's claim may still commit
            raise NicknameTaken()
        if names.held.get(participant) == (key, shown):
            await _wait(self._journal.durable())  # as a read: the same claim may still commit
            return
        done = self._journal.record_nickname(event_id, participant, key, shown)  # may refuse
        names.give(participant, key, shown)
        await _wait(done)

    async def nicknames(self, event_id: str) -> dict[bytes, str]:
        # The home's where it is kept here; else the journal's, without making one a home.
        home = self._homes.get(event_id)
        held = self._nicknames(home).held if home else self._journal.load_nicknames(event_id)
        shown = {participant: name for participant, (_, name) in held.items()}  # as of now
        await _wait(self._journal.durable())  # as a read: only what is durable is told
        return shown

    async def nickname_of(self, event_id: str, participant: bytes) -> str | None:
        home = self._homes.get(event_id)
        held = self._nicknames(home).held if home else self._journal.load_nicknames(event_id)
        entry = held.get(participant)
        await _wait(self._journal.durable())  # as a read: only what is durable is told
        return entry[1] if entry is not None else None

    async def find_code(self, code: str, now: int) -> str | None:
        normal = normalize_code(code)
        event_id = self._live_codes().get(normal) if normal else None
        if event_id is None:
            return None
        try:
            self._home(event_id, now)
        except NotFound:
            return None
        return event_id

    async def expire_events(self, now: int, limit: int = 500) -> list[str]:
        gone = self._journal.expired_events(now, limit)
        done: Done = None
        codes = self._live_codes()
        for event_id in gone:
            self._homes.pop(event_id, None)
            for code in [c for c, e in codes.items() if e == event_id]:
                del codes[code]
            done = self._journal.record_event_delete(event_id)
        await _wait(done)
        return gone

    async def responses(self, event_id: str) -> list[Response]:
        await _wait(self._journal.durable())
        return self._journal.responses(event_id)

    async def count_present(self, event_id: str, here: int, now: int) -> int:
        return here  # every stream of an event homed here is in this process

    # --- homes ---------------------------------------------------------------------

    def _read_answers(
        self, event_id: str, participant: bytes, rounds: set[RoundKey]
    ) -> dict[RoundKey, Any]:
        """Only the participant's, where the journal can read them so (SQLite); otherwise
        picked from every answer of the event (the memory journal's: a dict in memory)."""
        if isinstance(self._journal, AnswerReader):
            return self._journal.answers_of(event_id, participant, rounds)
        return {
            (r.question_id, r.round): r.answer
            for r in self._journal.responses(event_id)
            if r.participant == participant and (r.question_id, r.round) in rounds
        }

    def _home(self, event_id: str, now: int) -> EventHome:
        home = self._homes.get(event_id)
        if home is None:
            event = self._journal.load_event(event_id)
            if event is None:
                raise NotFound()
            home = EventHome(event, None)
            self._remember(home)
        else:
            self._homes.move_to_end(event_id)
        if home.event.expired(now):
            raise NotFound()
        settled = transitions.settle(home.event, now)
        if settled is not home.event:  # past a deadline: closed now, as of then
            home.event = settled
            self._journal.record_event(settled)
        return home

    def _answers(self, home: EventHome) -> tuple[Answers, Kept]:
        if home.answers is None or home.kept is None:
            home.answers = self._journal.load_answers(home.event.event_id)
            home.kept = self._journal.load_kept(home.event.event_id)
        return home.answers, home.kept

    def _nicknames(self, home: EventHome) -> Nicknames:
        if home.nicknames is None:
            home.nicknames = Nicknames(self._journal.load_nicknames(home.event.event_id))
        return home.nicknames

    def _live_codes(self) -> dict[str, str]:
        if self._codes is None:
            self._codes = self._journal.live_codes()
        return self._codes

    def _remember(self, home: EventHome) -> None:
        self._homes[home.event.event_id] = home
        while len(self._homes) > self._max_homes:
            self._homes.popitem(last=False)

    def _forget_all(self) -> None:
        """A batch failed: reload events and codes from durable storage."""
        self._homes.clear()
        self._codes = None
