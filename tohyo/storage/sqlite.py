"""`sqlite:///path/tohyo.db` — the embedded default: one file, one owning process, WAL.

Sessions live in this process (see `tohyo.storage.local`: the event loop decides every
operation); this journal makes their changes durable. Changes accumulate in a batch while
the previous batch commits on a dedicated thread, so however many votes arrive during one
fsync they share the next one — group commit, pipelined. Callers are answered when their
batch has committed (`synchronous=FULL` by default: the commit survives power loss).
Events ride the same batches (`tohyo.storage.sqlite_events`): as durable as sessions.

A failed commit leaves its outcome unknown: SQLite may have written the transaction's
frames to the WAL before the fsync that failed, and recovery after a crash replays them.
So after a failure the journal refuses everything, closes both connections and opens the
file afresh, which runs that same recovery, and only then serves again — from the file.
The process never shows a state the disk will not hold after a crash (PostgreSQL's lesson
from fsync failures: do not trust what you have in memory, re-read the durable truth).

The file is locked with flock(2) for the life of the store, so a second server on the
same file fails at start with a clear message instead of corrupting the tallies.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from tohyo import metrics
from tohyo.domain import Session
from tohyo.domain.model import Ballot
from tohyo.domain.transitions import kept_ballot
from tohyo.errors import StorageError
from tohyo.storage import sqlite_file as file
from tohyo.storage.base import ChangeListener
from tohyo.storage.event_homes import LocalEvents
from tohyo.storage.events import EventStore
from tohyo.storage.faultlog import FaultLog
from tohyo.storage.local import LocalStore
from tohyo.storage.sqlite_events import EventChanges, SQLiteEventJournal
from tohyo.storage.sqlite_thread import CommitThread

log = logging.getLogger("tohyo.sqlite")

SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")
PROBE_INTERVAL = 1.0  # seconds a commit (or a probe) vouches for the disk, for readiness
REOPEN_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)  # back-off while the file will not reopen


class _Shared(asyncio.Future[None]):
    """The future of one batch, awaited by every caller in it, so no caller may cancel it:
    one cancelled (its client gone, a readiness probe given up on) would cancel the
    outcome for all the others. Its own task still ends cancelled, once the outcome is
    known: asyncio throws the cancellation in when this future completes. (Cheaper than
    a shield per caller, which costs each of them a second turn of the loop.)"""

    def cancel(self, msg: Any = None) -> bool:
        return False


class _Batch:
    """Changes waiting for one commit, and the future their callers wait on."""

    __slots__ = ("ballots", "changed", "creates", "deletes", "done", "events", "probe")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.creates: list[tuple[Any, ...]] = []
        self.ballots: list[file.BallotRow] = []
        self.changed: dict[str, Session] = {}  # newest state of each session touched
        self.deletes: list[str] = []
        self.events = EventChanges()  # the events' part: tohyo.storage.sqlite_events
        self.probe = False  # readiness asks for a commit to prove the disk works
        self.done: asyncio.Future[None] = _Shared(loop=loop)

    def __bool__(self) -> bool:
        return bool(self.changed or self.deletes or self.probe or self.events)


class SQLiteJournal:
    def __init__(self, path: str, synchronous: str = "FULL") -> None:
        if synchronous.upper() not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        self.path = os.path.abspath(path)
        self._synchronous = synchronous.upper()
        self._lock_fd = file.lock(self.path)
        try:
            self._writer = file.connect(self.path, self._synchronous)
            self._reader = file.connect(self.path, self._synchronous)
        except BaseException:
            os.close(self._lock_fd)
            raise
        self._key = b""
        self._notify: ChangeListener = lambda session: None
        self._on_failure: Callable[[], None] = lambda: None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: CommitThread | None = None
        self._next: _Batch | None = None
        self._inflight: _Batch | None = None
        self._scheduled = False
        self._closed = False
        # After a failed commit: the task re-reading the file (nothing is served meanwhile),
        # the sessions whose refused changes it must announce, and whether the newest
        # commit attempt failed (readiness stays false until one succeeds).
        self._recovery: asyncio.Task[None] | None = None
        self._refused: set[str] = set()
        self._last_commit_failed = False
        self._last_commit_ok = -math.inf  # monotonic time of the newest successful commit
        self._last_probe = -math.inf
        self._faults = FaultLog(log, "SQLite commit")
        self.commits = 0  # transactions committed, for metrics and the group-commit test
        self.reopens = 0  # times the file was re-read after a failed commit
        self.reopens_in_streak = 0  # since the last commit that succeeded
        self.event_journal = SQLiteEventJournal(self)  # events ride these same batches

    def bind(self, notify: ChangeListener, on_failure: Callable[[], None]) -> None:
        self._notify = notify
        self._on_failure = on_failure

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._next = _Batch(self._loop)
        self._thread = CommitThread(self._loop, "tohyo-sqlite-commit")
        self._key = file.load_or_make_key(self._writer)

    async def close(self) -> None:
        if self._closed:
            return
        if self._loop is not None:
            while (done := self.durable()) is not None:
                with contextlib.suppress(StorageError):
                    await done
        self._closed = True
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovery
        if self._thread is not None:
            self._thread.close()
        self._writer.close()
        self._reader.close()
        os.close(self._lock_fd)

    def server_key(self) -> bytes:
        return self._key

    async def ready(self) -> bool:
        """The file answers a query (a dropped disk or a deleted file does not), it is not
        being re-read after a failed commit, and a commit got through within the last
        PROBE_INTERVAL — if none did, a probe commit is made (an idle server must notice a
        failing disk too; readiness is polled, so this is at most one small commit a
        second, shared by every caller)."""
        if self._closed or self._recovery is not None:
            return False
        try:
            self._reader.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        now = time.monotonic()
        if now - max(self._last_commit_ok, self._last_probe) < PROBE_INTERVAL:
            return not self._last_commit_failed
        self._last_probe = now
        batch = self._open_batch()
        batch.probe = True
        self._schedule()
        with contextlib.suppress(StorageError):
            await batch.done
        return not self._last_commit_failed

    # --- reads (event-loop thread, own connection: sees committed data) -----------------

    def load(self, session_id: str) -> Session | None:
        batch = self._open_batch()
        for pending in (batch, self._inflight):
            if pending is not None and session_id in pending.changed:
                return pending.changed[session_id]
        row = self._reader.execute(file.SELECT_SESSION, (session_id,)).fetchone()
        return None if row is None else file.session_from_row(row)

    def load_voters(self, session_id: str) -> dict[bytes, Ballot]:
        batch = self._open_batch()
        rows = self._reader.execute(
            "SELECT voter_key, choice_ids FROM ballots WHERE session_id = ?", (session_id,)
        )
        voters = {bytes(key): kept_ballot(tuple(ids.split(","))) for key, ids in rows}
        for pending in (batch, self._inflight):
            if pending is not None:
                voters.update(
                    (key, kept_ballot(tuple(ids.split(","))))
                    for sid, key, ids, _ in pending.ballots
                    if sid == session_id
                )
        return voters

    def expired(self, now: int, limit: int) -> list[str]:
        self._open_batch()
        rows = self._reader.execute(
            "SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?", (now, limit)
        )
        return [row[0] for row in rows]

    def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        self._open_batch()
        rows = self._reader.execute(
            "SELECT choice_ids FROM ballots WHERE session_id = ?", (session_id,)
        )
        return [tuple(row[0].split(",")) for row in rows]

    # --- writes: add to the open batch; the caller awaits the returned future -----------

    def record_create(self, session: Session) -> asyncio.Future[None]:
        self._open_batch().creates.append(file.create_row(session))
        return self.record_state(session)

    def record_ballot(
        self, session: Session, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> asyncio.Future[None]:
        self._open_batch().ballots.append(
            (session.definition.session_id, voter_key, ",".join(choice_ids), now)
        )
        return self.record_state(session)

    def record_state(self, session: Session) -> asyncio.Future[None]:
        batch = self._open_batch()
        batch.changed[session.definition.session_id] = session
        self._schedule()
        return batch.done

    def record_delete(self, session_id: str) -> asyncio.Future[None]:
        batch = self._open_batch()
        batch.changed.pop(session_id, None)
        batch.deletes.append(session_id)
        self._schedule()
        return batch.done

    def durable(self) -> asyncio.Future[None] | None:
        """The future of the newest batch, or None when everything is committed."""
        if self._next:
            self._schedule()
            return self._next.done
        return self._inflight.done if self._inflight is not None else None

    # --- the events' part of each batch (SQLiteEventJournal reads and writes it) --------

    @property
    def reader(self) -> sqlite3.Connection:
        return self._reader

    def open_events(self) -> EventChanges:
        return self._open_batch().events

    def pending_events(self) -> list[EventChanges]:
        batch = self._open_batch()
        return [batch.events] if self._inflight is None else [batch.events, self._inflight.events]

    def commit_soon(self) -> asyncio.Future[None]:
        batch = self._open_batch()
        self._schedule()
        return batch.done

    # --- group commit -------------------------------------------------------------------

    def _open_batch(self) -> _Batch:
        if self._closed or self._next is None:
            raise StorageError("The store is not running")
        if self._recovery is not None:
            raise StorageError("Storage is re-reading its file after a failed write; try again")
        return self._next

    def _schedule(self) -> None:
        # One flush per loop iteration at most, and none while a commit is in flight:
        # what arrives meanwhile waits for it and then goes out as one batch.
        if not self._scheduled and self._inflight is None:
            self._scheduled = True
            assert self._loop is not None
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if self._inflight is not None or not self._next or self._recovery is not None:
            return
        assert self._loop is not None and self._thread is not None
        batch, self._next = self._next, _Batch(self._loop)
        self._inflight = batch
        self._thread.submit(self._write, batch, self._written)

    def _write(self, batch: _Batch) -> None:
        """On the commit thread: one transaction for the whole batch."""
        c = self._writer
        started = time.perf_counter()
        c.execute("BEGIN IMMEDIATE")
        try:
            if batch.creates:
                c.executemany(file.INSERT_SESSION, batch.creates)
            file.insert_ballots(c, batch.ballots)
            c.executemany(
                file.UPDATE_SESSION,
                [file.state_row(sid, s.state) for sid, s in batch.changed.items()],
            )
            for session_id in batch.deletes:
                c.execute("DELETE FROM ballots WHERE session_id = ?", (session_id,))
                c.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            batch.events.write(c)
            if batch.probe:
                c.execute(file.PROBE, (str(time.time()).encode(),))
            c.execute("COMMIT")
            metrics.COMMIT_SECONDS.observe(time.perf_counter() - started)
            changes = len(batch.ballots) + len(batch.changed) + batch.events.count()
            metrics.COMMIT_BATCH.observe(changes)
        except BaseException:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the commit's error is the news
                    c.rollback()
            raise

    def _written(self, batch: _Batch, error: BaseException | None) -> None:
        """On the loop, once the commit thread is done with `batch`."""
        self._inflight = None
        assert self._next is not None and self._loop is not None
        if error is None:
            self.commits += 1
            self._last_commit_failed = False
            self._last_commit_ok = time.monotonic()
            self._faults.succeeded()
            self.reopens_in_streak = 0
            # Answer the callers first: the feed's fan-out is queued behind their replies,
            # so a hall's chart never delays the hall's votes.
            batch.done.set_result(None)
            for session in batch.changed.values():
                self._notify(session)
            self.event_journal.committed(batch.events)
            if self._next:
                self._flush()
            return
        # The outcome is unknown: the transaction may or may not be in the file. Refuse it
        # and the open batch built on top of it, drop every home, and serve nothing until
        # the file has been opened afresh (which replays whatever a crash would replay).
        self._last_commit_failed = True
        refused = len(batch.changed) + len(batch.events.events)
        self._faults.failed(error, f"; {refused} changes refused")
        failed, self._next = self._next, _Batch(self._loop)
        for lost in (batch, failed):
            self._refused.update(lost.changed)
            self.event_journal.refused(lost.events)
            lost.done.set_exception(StorageError())
            lost.done.exception()  # retrieved: a batch nobody awaited is not an error
        self._on_failure()
        self.event_journal.failed()
        self._recovery = self._loop.create_task(self._recover())

    async def _recover(self) -> None:
        """Reopen the file until it opens, then serve again from what it holds."""
        assert self._loop is not None
        for attempt in itertools.count():
            try:
                assert self._thread is not None
                await self._thread.run(self._reopen)
                break
            except (sqlite3.Error, OSError) as error:
                self._faults.failed(error, " (reopening the file)")
                await asyncio.sleep(REOPEN_DELAYS[min(attempt, len(REOPEN_DELAYS) - 1)])
        self.reopens += 1
        self._recovery = None
        self._on_failure()  # nothing was loaded meanwhile; be sure of it all the same
        refused, self._refused = self._refused, set()
        for session_id in refused:
            # Viewers saw the state before the refused change; the file may hold it.
            session = self.load(session_id)
            if session is not None:
                self._notify(session)
        self.event_journal.recovered()
        if self.reopens_in_streak == 0:  # later ones are counted by the fault log
            log.warning("SQLite file re-read after a failed commit; serving again")
        self.reopens_in_streak += 1
        if self._next:
            self._schedule()

    def _reopen(self, _: object = None) -> None:
        """On the commit thread: close both connections, so that no connection of this
        process keeps the WAL index, and open them again: SQLite then rebuilds the index
        from the WAL file exactly as it would after a crash."""
        for conn in (self._writer, self._reader):
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._writer = file.connect(self.path, self._synchronous)
        self._reader = file.connect(self.path, self._synchronous)


class SQLiteStore(LocalStore):
    def __init__(self, path: str, synchronous: str = "FULL") -> None:
        self.journal = SQLiteJournal(path, synchronous)
        super().__init__(self.journal)
        self.events: EventStore = LocalEvents(self.journal.event_journal)
