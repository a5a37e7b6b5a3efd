"""An event's audience Q&A as SQLite rows: the statements the event journal
(`tohyo.storage.sqlite_events`) runs for them, what one batch holds of them, and how the
batch writes them.

Three tables (schema.sql): a row per entry, a row per upvote (who gave it: the primary
key is the backstop for one per participant), and per event its pinned entry, version
and next entry number. Every change is decided in memory (`local_qa`), and a batch holds
only its net effect on the file — each entry's newest row, the upvotes the file must
gain or lose, the newest state — so a storm of upvotes costs a row each, and one given
and taken back within a batch costs none. Reads lay the pending batches over the file's
rows (`QaBatch.apply`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any

from tohyo.domain.qa import QaEntry
from tohyo.storage import sqlite_file as file
from tohyo.storage.local_qa import QaStored
from tohyo.storage.qa import QaChange

_ENTRY_COLUMNS = (
    "event_id, entry_id, author, text, nickname, status, asked_at, answered_at, filtered"
)
SELECT_QA = "SELECT pinned, version, next_number FROM event_qa WHERE event_id = ?"
# In the order asked: "a2" before "a10".
SELECT_ENTRIES = (
    f"SELECT {_ENTRY_COLUMNS} FROM event_qa_entries WHERE event_id = ?"
    " ORDER BY length(entry_id), entry_id"
)
SELECT_UPVOTES = "SELECT entry_id, participant FROM event_qa_upvotes WHERE event_id = ?"

# Moderation changes an entry's status and answeredAt, nothing else of it.
UPSERT_ENTRY = (
    f"INSERT INTO event_qa_entries ({_ENTRY_COLUMNS}) VALUES ({', '.join(['?'] * 9)})"
    " ON CONFLICT (event_id, entry_id) DO UPDATE SET status = excluded.status,"
    " answered_at = excluded.answered_at"
)
INSERT_UPVOTES = "INSERT INTO event_qa_upvotes (event_id, entry_id, participant) VALUES "
DELETE_UPVOTE = (
    "DELETE FROM event_qa_upvotes WHERE event_id = ? AND entry_id = ? AND participant = ?"
)
UPSERT_QA = (
    "INSERT INTO event_qa (event_id, pinned, version, next_number) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (event_id) DO UPDATE SET pinned = excluded.pinned,"
    " version = excluded.version, next_number = excluded.next_number"
)
DELETE_QA = tuple(
    f"DELETE FROM {table} WHERE event_id = ?"
    for table in ("event_qa_upvotes", "event_qa_entries", "event_qa")
)


class QaBatch:
    """One event's Q&A changes in one batch (a part of `sqlite_events.EventChanges`)."""

    __slots__ = ("entries", "state", "upvotes")

    def __init__(self) -> None:
        self.entries: dict[str, QaEntry] = {}  # each entry's newest, in the order asked
        # (entryId, participant) -> (whether the batch's first change of it added it,
        # whether its last did). A home adds only an upvote it does not hold and takes
        # back only one it does, so the first says what the file holds, the last what
        # it must hold: the same, and there is nothing to write.
        self.upvotes: dict[tuple[str, bytes], tuple[bool, bool]] = {}
        self.state: tuple[str | None, int, int] = (None, 0, 1)  # pinned, version, next

    def add(self, change: QaChange) -> None:
        if change.entry is not None:
            self.entries[change.entry.entry_id] = change.entry
        if change.upvote is not None:
            entry_id, participant, added = change.upvote
            whose = (entry_id, participant)
            first, _ = self.upvotes.get(whose, (added, added))
            self.upvotes[whose] = (first, added)
        self.state = (change.pinned, change.version, change.next_number)

    def apply(self, stored: QaStored) -> None:
        """These changes laid over `stored` (read from the file, or from older batches)."""
        stored.entries.update(self.entries)  # a new one goes last, as it was asked
        for (entry_id, participant), (_, added) in self.upvotes.items():
            voters = stored.upvoters.setdefault(entry_id, set())
            if added:
                voters.add(participant)
            else:
                voters.discard(participant)
        stored.pinned, stored.version, stored.next_number = self.state

    def count(self) -> int:
        return len(self.entries) + len(self.upvotes) + 1


def load_qa_rows(reader: sqlite3.Connection, event_id: str) -> QaStored:
    """The event's Q&A as the file holds it (empty for an event it does not hold)."""
    stored = QaStored()
    state = reader.execute(SELECT_QA, (event_id,)).fetchone()
    if state is not None:
        stored.pinned, stored.version, stored.next_number = state
    for row in reader.execute(SELECT_ENTRIES, (event_id,)):
        entry = _entry_of(row)
        stored.entries[entry.entry_id] = entry
    for entry_id, participant in reader.execute(SELECT_UPVOTES, (event_id,)):
        stored.upvoters.setdefault(entry_id, set()).add(bytes(participant))
    return stored


def write_qa(c: sqlite3.Connection, deleted: Collection[str], changed: dict[str, QaBatch]) -> None:
    """On the commit thread, inside the batch's transaction: the Q&A of the deleted events
    goes (a deleted event has no changes in the batch: its home is gone), then each
    changed event's rows are written."""
    for event_id in deleted:
        for delete in DELETE_QA:
            c.execute(delete, (event_id,))
    c.executemany(
        UPSERT_ENTRY,
        [_entry_row(event_id, e) for event_id, b in changed.items() for e in b.entries.values()],
    )
    gained: list[tuple[str, str, bytes]] = []
    lost: list[tuple[str, str, bytes]] = []
    for event_id, batch in changed.items():
        for (entry_id, participant), (first, last) in batch.upvotes.items():
            if first and last:
                gained.append((event_id, entry_id, participant))
            elif not first and not last:
                lost.append((event_id, entry_id, participant))
    file.insert_rows(c, INSERT_UPVOTES, gained)
    c.executemany(DELETE_UPVOTE, lost)
    c.executemany(UPSERT_QA, [(event_id, *b.state) for event_id, b in changed.items()])


def _entry_row(event_id: str, entry: QaEntry) -> tuple[Any, ...]:
    return (
        event_id,
        entry.entry_id,
        entry.author,
        entry.text,
        entry.nickname,
        entry.status,
        entry.asked_at,
        entry.answered_at,
        int(entry.filtered),
    )


def _entry_of(row: tuple[Any, ...]) -> QaEntry:
    _, entry_id, author, text, nickname, status, asked_at, answered_at, filtered = row
    return QaEntry(
        entry_id, bytes(author), text, nickname, status, asked_at, answered_at, bool(filtered)
    )
