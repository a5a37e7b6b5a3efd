"""The storage protocol for an event's audience Q&A (`domain.qa`), on every backend.

Entries, their upvotes and the pinned entry are kept beside the event, never in it, and
expire and are deleted with it. Each operation is decided at the event's serialization
point (this process's event loop on memory and SQLite, one Lua script on the shard that
owns `{eventId}` on Redis) and returns once durable. One upvote per (entry, participant)
is the same atomic rule as one answer per (question, round, participant): "add it if it
is not there", never a read of a count and a write of count + 1.

Every change moves the event's Q&A `version` on by one. Listeners in the process that
made the change are told at once (with the event id); other processes learn of changes
by reading the version (`qa_version`), which a watched event's Q&A polls
(`tohyo.qa_objects`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tohyo.domain.qa import QaAction, QaBoard, QaEntry, QaStatus

QaListener = Callable[[str], None]  # (eventId): its Q&A changed here


@dataclass(frozen=True, slots=True)
class QaChange:
    """One committed change of an event's Q&A, as a local store's journal records it:
    the entry it wrote (None for an upvote), the upvote it added or took back, and the
    event's pinned entry, version and next entry number after it."""

    version: int
    pinned: str | None
    next_number: int
    entry: QaEntry | None = None
    upvote: tuple[str, bytes, bool] | None = None  # (entryId, participant, added)


class QaStore(Protocol):
    def add_qa_listener(self, listener: QaListener) -> None:
        """Call `listener(event_id)` after each Q&A change committed by this process."""

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
        """Store a new entry with the next entry id (`domain.qa.entry_id`): NotFound (no
        such event, or expired), EventEnded, InvalidState `domain.qa.TOO_MANY` (the event
        holds QA_MAX) or `TOO_MANY_MINE` (the author has asked QA_PER_PARTICIPANT), each
        decided in the step that stores it. Returns the entry as stored."""

    async def qa_upvote(
        self, event_id: str, entry_id: str, participant: bytes, up: bool, now: int
    ) -> int:
        """Add (`up`) or take back `participant`'s upvote of the entry, and return its
        count after: NotFound (no such event or entry), EventEnded, InvalidState
        `domain.qa.NOT_UPVOTABLE` (adding to an entry not shown to everyone),
        AlreadyVoted (adding one the participant has). Taking back one they do not have
        changes nothing (no version) and returns the count."""

    async def qa_moderate(
        self, event_id: str, entry_id: str, action: QaAction, now: int
    ) -> QaEntry:
        """Apply the host's `action` (`domain.qa.moderate`, the pinned entry with it):
        NotFound (no such event or entry), EventEnded. Returns the entry after it, with
        its upvotes. An action that changes nothing writes nothing."""

    async def qa_board(self, event_id: str, now: int) -> QaBoard:
        """Every entry with its upvotes, the pinned one and the version: NotFound for no
        such event (or expired)."""

    async def qa_upvoted(self, event_id: str, participant: bytes) -> frozenset[str]:
        """The entries `participant` has upvoted (their page's marks)."""

    async def qa_version(self, event_id: str) -> int:
        """The Q&A's version (0 before its first change, or for no such event): a cheap
        read for the processes that show it."""
