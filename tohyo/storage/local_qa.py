"""Audience Q&A of events homed in this process (memory and SQLite): `LocalQa`, the Q&A
half of `event_homes.LocalEvents`.

An event's Q&A is loaded into its home on first use (`QaHome`): the entries, who upvoted
each, the pinned one, the version. An operation checks and applies its change with no
`await` in between (the event loop is the serialization point), hands it to the journal,
and answers once the journal's batch is durable — as answers and nicknames are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from tohyo.domain import event_transitions as transitions
from tohyo.domain import qa
from tohyo.domain.qa import QaAction, QaBoard, QaEntry, QaStatus
from tohyo.errors import AlreadyVoted, InvalidState, NotFound
from tohyo.storage.local import Done, _wait
from tohyo.storage.qa import QaChange, QaListener

if TYPE_CHECKING:
    from tohyo.storage.event_homes import EventHome


@dataclass(slots=True)
class QaStored:
    """An event's Q&A as a journal holds it (upvotes as who gave them, never a count)."""

    entries: dict[str, QaEntry] = field(default_factory=dict)  # in the order asked
    upvoters: dict[str, set[bytes]] = field(default_factory=dict)
    pinned: str | None = None
    version: int = 0
    next_number: int = 1


def apply_qa_change(stored: QaStored, change: QaChange) -> None:
    """`change` applied to a journal's copy of the Q&A (the memory journal's, a batch's)."""
    if change.entry is not None:
        stored.entries[change.entry.entry_id] = change.entry
    if change.upvote is not None:
        entry_id, participant, added = change.upvote
        voters = stored.upvoters.setdefault(entry_id, set())
        if added:
            voters.add(participant)
        else:
            voters.discard(participant)
    stored.pinned = change.pinned
    stored.version = change.version
    stored.next_number = change.next_number


class QaHome:
    """An event's Q&A in its home, with each author's count of entries."""

    __slots__ = ("asked", "stored")

    def __init__(self, stored: QaStored) -> None:
        self.stored = stored
        self.asked: dict[bytes, int] = {}
        for entry in stored.entries.values():
            self.asked[entry.author] = self.asked.get(entry.author, 0) + 1

    def counted(self, entry: QaEntry) -> QaEntry:
        return replace(entry, upvotes=len(self.stored.upvoters.get(entry.entry_id, ())))

    def board(self) -> QaBoard:
        s = self.stored
        return QaBoard(s.version, s.pinned, tuple(map(self.counted, s.entries.values())))


class QaJournal(Protocol):
    def load_qa(self, event_id: str) -> QaStored:
        """The event's Q&A (empty for an event it does not hold)."""

    def record_qa(self, event_id: str, change: QaChange) -> Done:
        """One Q&A change, in the next batch."""

    def durable(self) -> Done: ...


class LocalQa:
    """Mixed into `LocalEvents`, whose homes, journal and listeners it uses."""

    _journal: QaJournal
    _qa_listeners: list[QaListener]
    _home: Callable[[str, int], EventHome]
    _homes: dict[str, EventHome]

    def add_qa_listener(self, listener: QaListener) -> None:
        self._qa_listeners.append(listener)

    async def qa_ask(
        self,
        event_id: str,
        author: bytes,
        text: str,
        nickname: str | None,
        status: QaStatus,
        filtered: bool,
        now: int,
    ) -> QaEntry:
        home = self._home(event_id, now)
        transitions.require_live(home.event)
        board = self._qa(home)
        s = board.stored
        if len(s.entries) >= qa.QA_MAX:
            raise InvalidState(qa.TOO_MANY)
        if board.asked.get(author, 0) >= qa.QA_PER_PARTICIPANT:
            raise InvalidState(qa.TOO_MANY_MINE)
        entry = QaEntry(qa.entry_id(s.next_number), author, text, nickname, status, now)
        entry = replace(entry, filtered=filtered)
        s.entries[entry.entry_id] = entry
        s.next_number += 1
        board.asked[author] = board.asked.get(author, 0) + 1
        await self._commit(home, entry=entry)
        return entry

    async def qa_upvote(
        self, event_id: str, entry_id: str, participant: bytes, up: bool, now: int
    ) -> int:
        home = self._home(event_id, now)
        transitions.require_live(home.event)
        s = self._qa(home).stored
        entry = s.entries.get(entry_id)
        if entry is None:
            raise NotFound(qa.NO_ENTRY)
        voters = s.upvoters.setdefault(entry_id, set())
        if up:
            if participant in voters:
                await _wait(self._journal.durable())  # the first may still commit
                raise AlreadyVoted(qa.UPVOTED_ALREADY)
            if entry.status not in qa.SHOWN:
                raise InvalidState(qa.NOT_UPVOTABLE)
            voters.add(participant)
        elif participant in voters:
            voters.discard(participant)
        else:
            await _wait(self._journal.durable())  # as a read
            return len(voters)
        count = len(voters)
        await self._commit(home, upvote=(entry_id, participant, up))
        return count

    async def qa_moderate(
        self, event_id: str, entry_id: str, action: QaAction, now: int
    ) -> QaEntry:
        home = self._home(event_id, now)
        transitions.require_live(home.event)
        board = self._qa(home)
        s = board.stored
        entry = s.entries.get(entry_id)
        if entry is None:
            raise NotFound(qa.NO_ENTRY)
        after, pinned = qa.moderate(entry, s.pinned, action, now)
        if after == entry and pinned == s.pinned:
            await _wait(self._journal.durable())  # as a read
            return board.counted(entry)
        s.entries[entry_id] = after
        s.pinned = pinned
        await self._commit(home, entry=after)
        return board.counted(after)

    async def qa_board(self, event_id: str, now: int) -> QaBoard:
        home = self._home(event_id, now)
        board = self._qa(home).board()
        await _wait(self._journal.durable())  # as a read: only what is durable is told
        return board

    async def qa_upvoted(self, event_id: str, participant: bytes) -> frozenset[str]:
        home = self._homes.get(event_id)
        s = self._qa(home).stored if home else self._journal.load_qa(event_id)
        mine = frozenset(e for e, voters in s.upvoters.items() if participant in voters)
        await _wait(self._journal.durable())
        return mine

    async def qa_version(self, event_id: str) -> int:
        # A home's Q&A is loaded for good; an event not homed here is read from the journal.
        home = self._homes.get(event_id)
        stored = self._qa(home).stored if home else self._journal.load_qa(event_id)
        return stored.version

    def _qa(self, home: EventHome) -> QaHome:
        if home.qa is None:
            home.qa = QaHome(self._journal.load_qa(home.event.event_id))
        return home.qa

    async def _commit(
        self,
        home: EventHome,
        entry: QaEntry | None = None,
        upvote: tuple[str, bytes, bool] | None = None,
    ) -> None:
        """Hand the change just applied to the home to the journal, and tell listeners
        once it is durable. A journal that refuses it (a store closing) leaves the home's
        Q&A to be read again, without the change."""
        event_id = home.event.event_id
        assert home.qa is not None
        s = home.qa.stored
        s.version += 1
        change = QaChange(s.version, s.pinned, s.next_number, entry, upvote)
        try:
            done = self._journal.record_qa(event_id, change)
        except BaseException:
            home.qa = None
            raise
        await _wait(done)
        for listener in self._qa_listeners:
            listener(event_id)
