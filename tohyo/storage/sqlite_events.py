"""Events on SQLite: the journal that makes their changes durable in the very batches that
carry the sessions'.

`tohyo.storage.sqlite` decides *when* (group commit on its one commit thread, recovery
after a failed commit); this module knows *what* each batch holds of the events and how
it is read back (the statements and the rows they bind: `sqlite_event_rows`, and for
what is kept beside an event `sqlite_nickname_rows` and `sqlite_qa_rows`). Each change
writes only the part of the event it touched (an answer: its response, its round's tally
and the version; never the structure, which a host's change writes; a Q&A change only
its Q&A's rows). Sharing the batches is the point: an answer and a vote that arrive
together share one fsync, callers of both are answered when it is done, and a failed
commit refuses and recovers both alike — events are exactly as durable as sessions.

The events in use live in `tohyo.storage.event_homes.LocalEvents`, which decides every
change in this process (it also allocates the join codes); this journal only has to read
back what it was given — its own pending writes first, then the file.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Collection
from typing import Any, Protocol

from tohyo.domain.event import Event, Response, RoundKey
from tohyo.domain.questions import Increments
from tohyo.storage import sqlite_file as file
from tohyo.storage.event_homes import Answers, Held, Kept
from tohyo.storage.events import Answer
from tohyo.storage.local_qa import QaStored
from tohyo.storage.qa import QaChange
from tohyo.storage.sqlite_event_rows import (
    DELETE_EVENT,
    INSERT_RESPONSES,
    SELECT_ANSWERED,
    SELECT_ANSWERS,
    SELECT_EVENT,
    SELECT_EXPIRED,
    SELECT_KEPT,
    SELECT_LIVE_CODES,
    SELECT_RESPONSES,
    SELECT_TALLIES,
    UPDATE_RESPONSE,
    UPDATE_VERSION,
    UPSERT_EVENT,
    UPSERT_STRUCTURE,
    UPSERT_TALLY,
    ResponseRow,
    event_from_rows,
    event_row,
    response_row,
    structure_row,
    tally_rows,
    update_row,
)
from tohyo.storage.sqlite_nickname_rows import SELECT_NICKNAMES, write_nicknames
from tohyo.storage.sqlite_qa_rows import QaBatch, load_qa_rows, write_qa


class EventChanges:
    """The event changes of one batch (a part of `sqlite._Batch`)."""

    __slots__ = (
        "changed",
        "counted",
        "deleted",
        "events",
        "nicknames",
        "qa",
        "responses",
        "shaped",
    )

    def __init__(self) -> None:
        self.events: dict[str, Event] = {}  # the newest state of each event touched
        self.shaped: set[str] = set()  # events created or changed by the host: whole rows
        self.counted: dict[str, set[RoundKey]] = {}  # per event, the rounds answers moved
        self.responses: dict[str, list[ResponseRow]] = {}  # per event, in arrival order
        # Per event, changed answers by whose: written over the stored ones (the last of
        # one participant's changes in the batch is the one that stands).
        self.changed: dict[str, dict[Answer, ResponseRow]] = {}
        # Per event, the newest nickname of each participant who set one (never in
        # `events`: a nickname does not change the event, and listeners are not told).
        self.nicknames: dict[str, Held] = {}
        # Per event, its audience Q&A's changes (beside the event, as nicknames are).
        self.qa: dict[str, QaBatch] = {}
        self.deleted: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.events or self.deleted or self.nicknames or self.qa)

    def count(self) -> int:
        rows = (*self.responses.values(), *self.changed.values(), *self.nicknames.values())
        qa = sum(batch.count() for batch in self.qa.values())
        return len(self.events) + sum(len(each) for each in rows) + qa

    def answers(self, event_id: str) -> list[Answer]:
        """Who answered in the batch, each once (a change follows an answer)."""
        first = [(row[3], row[1], row[2]) for row in self.responses.get(event_id, ())]
        return list(dict.fromkeys((*first, *self.changed.get(event_id, {}))))

    def kept(self, event_id: str) -> list[tuple[Answer, str]]:
        """The increments (JSON) of the batch's answers kept with theirs, in order."""
        rows = [*self.responses.get(event_id, ()), *self.changed.get(event_id, {}).values()]
        return [((row[3], row[1], row[2]), row[6]) for row in rows if row[6] is not None]

    def write(self, c: sqlite3.Connection) -> None:
        """On the commit thread, inside the batch's transaction."""
        # Deletes first, and ended events before live ones: a code released (by expiry or
        # by ending) and allocated again within one batch must be free in the file before
        # its new holder's row meets the unique index on live codes.
        for event_id in self.deleted:
            for delete in DELETE_EVENT:
                c.execute(delete, (event_id,))
        shaped = [self.events[event_id] for event_id in self.shaped]
        shaped.sort(key=lambda event: event.status == "live")
        c.executemany(UPSERT_EVENT, [event_row(event) for event in shaped])
        c.executemany(UPSERT_STRUCTURE, [structure_row(event) for event in shaped])
        counted = [self.events[event_id] for event_id in self.counted]
        c.executemany(
            UPDATE_VERSION,
            [(e.version, e.event_id) for e in counted if e.event_id not in self.shaped],
        )
        c.executemany(
            UPSERT_TALLY, [row for e in counted for row in tally_rows(e, self.counted[e.event_id])]
        )
        file.insert_rows(c, INSERT_RESPONSES, [r for rows in self.responses.values() for r in rows])
        # After the inserts: an answer and its change may share a batch.
        c.executemany(
            UPDATE_RESPONSE,
            [update_row(r) for rows in self.changed.values() for r in rows.values()],
        )
        write_nicknames(c, self.nicknames)
        write_qa(c, self.deleted, self.qa)


class Batches(Protocol):
    """What this journal needs of the SQLite journal whose batches it rides."""

    @property
    def reader(self) -> sqlite3.Connection:
        """The event loop's connection (it sees what has committed)."""

    def open_events(self) -> EventChanges:
        """The open batch's event changes; StorageError while the store refuses writes."""

    def pending_events(self) -> list[EventChanges]:
        """Event changes not yet in the file, newest first; StorageError as above."""

    def commit_soon(self) -> asyncio.Future[None]:
        """Schedule the open batch; its future, set once it has committed."""

    def durable(self) -> asyncio.Future[None] | None: ...


class SQLiteEventJournal:
    """`event_homes.EventJournal` on the SQLite journal's batches."""

    def __init__(self, batches: Batches) -> None:
        self._batches = batches
        self._notify: Callable[[Event, Collection[Answer]], None] = lambda event, who: None
        self._on_failure: Callable[[], None] = lambda: None
        self._refused: set[str] = set()  # events whose refused changes viewers may have seen

    def bind_events(
        self, notify: Callable[[Event, Collection[Answer]], None], on_failure: Callable[[], None]
    ) -> None:
        self._notify = notify
        self._on_failure = on_failure

    # --- reads: pending changes first (newest first), then the file -------------------

    def load_event(self, event_id: str) -> Event | None:
        for pending in self._batches.pending_events():
            if event_id in pending.events:
                return pending.events[event_id]
            if event_id in pending.deleted:
                return None
        reader = self._batches.reader
        row = reader.execute(SELECT_EVENT, (event_id,)).fetchone()
        if row is None:
            return None
        return event_from_rows(row, reader.execute(SELECT_TALLIES, (event_id,)).fetchall())

    def load_answers(self, event_id: str) -> Answers:
        pending = self._batches.pending_events()
        rows = self._batches.reader.execute(SELECT_ANSWERED, (event_id,))
        answers: Answers = {}
        for participant, question_id, round_ in rows:
            answers.setdefault(bytes(participant), set()).add((question_id, round_))
        for changes in pending:
            for participant, question_id, round_ in changes.answers(event_id):
                answers.setdefault(participant, set()).add((question_id, round_))
        return answers

    def load_kept(self, event_id: str) -> Kept:
        pending = self._batches.pending_events()
        kept: Kept = {}
        for participant, question_id, round_, increments in self._batches.reader.execute(
            SELECT_KEPT, (event_id,)
        ):
            kept[(bytes(participant), question_id, round_)] = tuple(json.loads(increments))
        for changes in reversed(pending):  # oldest first: a later change has the last word
            for whose, increments in changes.kept(event_id):
                kept[whose] = tuple(json.loads(increments))
        return kept

    def load_nicknames(self, event_id: str) -> Held:
        pending = self._batches.pending_events()
        rows = self._batches.reader.execute(SELECT_NICKNAMES, (event_id,))
        held: Held = {bytes(participant): (key, shown) for participant, key, shown in rows}
        for changes in reversed(pending):  # oldest first: a later change has the last word
            if event_id in changes.deleted:
                held = {}
            held.update(changes.nicknames.get(event_id, {}))
        return held

    def load_qa(self, event_id: str) -> QaStored:
        pending = self._batches.pending_events()
        stored = load_qa_rows(self._batches.reader, event_id)
        for changes in reversed(pending):  # oldest first: a later change has the last word
            if event_id in changes.deleted:
                stored = QaStored()
            batch = changes.qa.get(event_id)
            if batch is not None:
                batch.apply(stored)
        return stored

    def live_codes(self) -> dict[str, str]:
        pending = self._batches.pending_events()
        rows = self._batches.reader.execute(SELECT_LIVE_CODES)
        code_of: dict[str, str] = dict(rows)
        for changes in reversed(pending):  # oldest first: the newer batch has the last word
            for event_id in changes.deleted:
                code_of.pop(event_id, None)
            for event_id, event in changes.events.items():
                if event.status == "live" and event.code:
                    code_of[event_id] = event.code
                else:
                    code_of.pop(event_id, None)
        return {code: event_id for event_id, code in code_of.items()}

    def expired_events(self, now: int, limit: int) -> list[str]:
        """Expired in the file unless a pending change says otherwise (an end moves the
        expiry), and expired pending events not yet in the file."""
        newest: dict[str, Event | None] = {}
        for changes in reversed(self._batches.pending_events()):
            newest.update(dict.fromkeys(changes.deleted))
            newest.update(changes.events)
        rows = self._batches.reader.execute(SELECT_EXPIRED, (now, limit + len(newest)))
        gone = [row[0] for row in rows if row[0] not in newest]
        gone += [eid for eid, event in newest.items() if event is not None and event.expired(now)]
        return gone[:limit]

    def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey]
    ) -> dict[RoundKey, Any]:
        """`event_homes.AnswerReader`: the newest pending write of each (a batch writes
        its changes after its inserts), else the file's. The file's are found among the
        event's answers (responses_event): a reload's read, rare beside the answers, which
        an index by participant would slow."""
        found: dict[RoundKey, Any] = {}
        for changes in self._batches.pending_events():  # newest first
            changed = changes.changed.get(event_id, {}).values()
            for row in (*changed, *reversed(changes.responses.get(event_id, ()))):
                if row[3] == participant and (row[1], row[2]) in rounds:
                    found.setdefault((row[1], row[2]), json.loads(row[4]))
        rows = self._batches.reader.execute(SELECT_ANSWERS, (event_id, participant))
        for question_id, round_, answer in rows:
            if (question_id, round_) in rounds:
                found.setdefault((question_id, round_), json.loads(answer))
        return found

    def responses(self, event_id: str) -> list[Response]:
        self._batches.pending_events()  # refuses while the file is being re-read
        rows = self._batches.reader.execute(SELECT_RESPONSES, (event_id,))
        return [Response(q, r, bytes(p), json.loads(a), at) for q, r, p, a, at in rows]

    # --- writes: into the open batch; the caller awaits the returned future ------------

    def record_event(self, event: Event, created: bool = False) -> asyncio.Future[None]:
        # A create is an upsert like any change: the batch holds each event's newest state.
        changes = self._batches.open_events()
        changes.events[event.event_id] = event
        changes.shaped.add(event.event_id)
        if created:  # a new event's tallies, if it comes with any (a host's change moves none)
            changes.counted.setdefault(event.event_id, set()).update(event.tallies)
        return self._batches.commit_soon()

    def record_response(
        self,
        event: Event,
        response: Response,
        increments: Increments | None = None,
        replaces: bool = False,
    ) -> asyncio.Future[None]:
        changes = self._batches.open_events()
        event_id = event.event_id
        changes.events[event_id] = event
        changes.counted.setdefault(event_id, set()).add((response.question_id, response.round))
        row = response_row(event_id, response, increments)
        if replaces:
            whose = (response.participant, response.question_id, response.round)
            changes.changed.setdefault(event_id, {})[whose] = row
        else:
            changes.responses.setdefault(event_id, []).append(row)
        return self._batches.commit_soon()

    def record_nickname(
        self, event_id: str, participant: bytes, key: str, shown: str
    ) -> asyncio.Future[None]:
        changes = self._batches.open_events()
        changes.nicknames.setdefault(event_id, {})[participant] = (key, shown)
        return self._batches.commit_soon()

    def record_qa(self, event_id: str, change: QaChange) -> asyncio.Future[None]:
        changes = self._batches.open_events()
        changes.qa.setdefault(event_id, QaBatch()).add(change)
        return self._batches.commit_soon()

    def record_event_delete(self, event_id: str) -> asyncio.Future[None]:
        changes = self._batches.open_events()
        changes.events.pop(event_id, None)
        changes.shaped.discard(event_id)
        changes.counted.pop(event_id, None)
        changes.responses.pop(event_id, None)  # deleted with the event, never inserted
        changes.changed.pop(event_id, None)
        changes.nicknames.pop(event_id, None)
        changes.qa.pop(event_id, None)
        changes.deleted.add(event_id)
        return self._batches.commit_soon()

    def durable(self) -> asyncio.Future[None] | None:
        return self._batches.durable()

    # --- called by the SQLite journal as its batches commit or fail --------------------

    def committed(self, changes: EventChanges) -> None:
        """Tell the listeners: each event's newest state and who answered in the batch."""
        for event_id, event in changes.events.items():
            self._notify(event, changes.answers(event_id))

    def refused(self, changes: EventChanges) -> None:
        self._refused.update(changes.events)

    def failed(self) -> None:
        """A batch was lost: forget every event home and join code."""
        self._on_failure()

    def recovered(self) -> None:
        """The file is open again: forget anything loaded meanwhile, and announce what the
        file holds of each refused event — viewers saw the state before the refused change,
        and the file may hold it."""
        self._on_failure()
        refused, self._refused = self._refused, set()
        for event_id in refused:
            event = self.load_event(event_id)
            if event is not None:
                self._notify(event, ())
