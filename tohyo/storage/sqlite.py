"""`sqlite:///path/tohyo.db` — the embedded default: one file, one owning process, WAL.

Sessions live in this process (see `tohyo.storage.local`: the event loop decides every
operation); this journal makes their changes durable. Changes accumulate in a batch while
the previous batch commits on a dedicated thread, so however many votes arrive during one
fsync they share the next one — group commit, pipelined. Callers are answered when their
batch has committed (`synchronous=FULL` by default: the commit survives power loss).

The file is locked with flock(2) for the life of the store, so a second server on the
same file fails at start with a clear message instead of corrupting the tallies.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tohyo import metrics
from tohyo.domain import Choice, Definition, Session, State
from tohyo.errors import StorageError, StoreLocked
from tohyo.storage.base import ChangeListener
from tohyo.storage.local import LocalStore

log = logging.getLogger("tohyo.sqlite")

_SCHEMA = Path(__file__).with_name("schema.sql").read_text()
SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


class _Batch:
    """Changes waiting for one commit, and the future their callers wait on."""

    __slots__ = ("ballots", "changed", "creates", "deletes", "done")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.creates: list[tuple[Any, ...]] = []
        self.ballots: list[tuple[str, bytes, str, int]] = []
        self.changed: dict[str, Session] = {}  # newest state of each session touched
        self.deletes: list[str] = []
        self.done: asyncio.Future[None] = loop.create_future()

    def __bool__(self) -> bool:
        return bool(self.changed or self.deletes)


class SQLiteJournal:
    def __init__(self, path: str, synchronous: str = "FULL") -> None:
        if synchronous.upper() not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        self.path = os.path.abspath(path)
        self._lock_fd = _lock(self.path)
        try:
            self._writer = _connect(self.path, synchronous.upper())
            self._reader = _connect(self.path, synchronous.upper())
        except BaseException:
            os.close(self._lock_fd)
            raise
        self._key = b""
        self._notify: ChangeListener = lambda session: None
        self._on_failure: Callable[[], None] = lambda: None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._next: _Batch | None = None
        self._inflight: _Batch | None = None
        self._scheduled = False
        self._closed = False
        self.commits = 0  # transactions committed, for metrics and the group-commit test

    def bind(self, notify: ChangeListener, on_failure: Callable[[], None]) -> None:
        self._notify = notify
        self._on_failure = on_failure

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._next = _Batch(self._loop)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="tohyo-sqlite-commit")
        self._key = self._load_or_make_key()

    async def close(self) -> None:
        if self._closed:
            return
        if self._loop is not None:
            while (done := self.durable()) is not None:
                with contextlib.suppress(StorageError):
                    await done
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._writer.close()
        self._reader.close()
        os.close(self._lock_fd)

    def server_key(self) -> bytes:
        return self._key

    def ready(self) -> bool:
        """The file answers a query (a dropped disk or a deleted file does not)."""
        try:
            self._reader.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    # --- reads (event-loop thread, own connection: sees committed data) -----------------

    def load(self, session_id: str) -> Session | None:
        batch = self._open_batch()
        for pending in (batch, self._inflight):
            if pending is not None and session_id in pending.changed:
                return pending.changed[session_id]
        row = self._reader.execute(_SELECT_SESSION, (session_id,)).fetchone()
        return None if row is None else _session_from_row(row)

    def load_voters(self, session_id: str) -> set[bytes]:
        batch = self._open_batch()
        rows = self._reader.execute(
            "SELECT voter_key FROM ballots WHERE session_id = ?", (session_id,)
        )
        voters = {bytes(row[0]) for row in rows}
        for pending in (batch, self._inflight):
            if pending is not None:
                voters.update(b[1] for b in pending.ballots if b[0] == session_id)
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
        batch = self._open_batch()
        d, s = session.definition, session.state
        batch.creates.append(
            (
                d.session_id,
                d.question,
                d.vote_type,
                json.dumps([c.text for c in d.choices], ensure_ascii=False),
                d.created_at,
                d.expires_at,
                d.host_key,
                s.status,
                s.closed_at,
                json.dumps(s.counts),
                s.total_votes,
                s.version,
                s.visibility,
                s.closes_at,
            )
        )
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

    # --- group commit -------------------------------------------------------------------

    def _open_batch(self) -> _Batch:
        if self._closed or self._next is None:
            raise StorageError("The store is not running")
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
        if self._inflight is not None or not self._next:
            return
        assert self._loop is not None and self._executor is not None
        batch, self._next = self._next, _Batch(self._loop)
        self._inflight = batch
        future = self._loop.run_in_executor(self._executor, self._write, batch)
        future.add_done_callback(self._written)

    def _write(self, batch: _Batch) -> None:
        """On the commit thread: one transaction for the whole batch."""
        c = self._writer
        started = time.perf_counter()
        c.execute("BEGIN IMMEDIATE")
        try:
            if batch.creates:
                c.executemany(_INSERT_SESSION, batch.creates)
            _insert_ballots(c, batch.ballots)
            c.executemany(
                _UPDATE_SESSION,
                [
                    (
                        st.status,
                        st.closed_at,
                        json.dumps(st.counts),
                        st.total_votes,
                        st.version,
                        st.visibility,
                        st.closes_at,
                        sid,
                    )
                    for sid, st in ((sid, s.state) for sid, s in batch.changed.items())
                ],
            )
            for session_id in batch.deletes:
                c.execute("DELETE FROM ballots WHERE session_id = ?", (session_id,))
                c.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            c.execute("COMMIT")
            metrics.COMMIT_SECONDS.observe(time.perf_counter() - started)
            metrics.COMMIT_BATCH.observe(len(batch.ballots) + len(batch.changed))
        except BaseException:
            if c.in_transaction:
                c.rollback()
            raise

    def _written(self, future: asyncio.Future[None]) -> None:
        batch, self._inflight = self._inflight, None
        assert batch is not None and self._next is not None and self._loop is not None
        error = future.exception()
        if error is None:
            self.commits += 1
            # Answer the callers first: the feed's fan-out is queued behind their replies,
            # so a hall's chart never delays the hall's votes.
            batch.done.set_result(None)
            for session in batch.changed.values():
                self._notify(session)
        else:
            # Nothing of this batch is durable, and the open batch was built on top of it:
            # refuse both, and let the sessions reload from the file.
            log.error(
                "SQLite commit failed; %d changes refused", len(batch.changed), exc_info=error
            )
            failed, self._next = self._next, _Batch(self._loop)
            for lost in (batch, failed):
                lost.done.set_exception(StorageError())
                lost.done.exception()  # retrieved: a batch nobody awaited is not an error
            self._on_failure()
        if self._next:
            self._flush()

    def _load_or_make_key(self) -> bytes:
        row = self._writer.execute("SELECT value FROM meta WHERE key = 'server_key'").fetchone()
        if row is not None:
            return bytes(row[0])
        key = secrets.token_bytes(32)
        self._writer.execute("INSERT INTO meta (key, value) VALUES ('server_key', ?)", (key,))
        return key


class SQLiteStore(LocalStore):
    def __init__(self, path: str, synchronous: str = "FULL") -> None:
        self.journal = SQLiteJournal(path, synchronous)
        super().__init__(self.journal)


_COLUMNS = (
    "id, question, vote_type, choices, created_at, expires_at, host_key,"
    " status, closed_at, counts, total_votes, version, visibility, closes_at"
)
_SELECT_SESSION = f"SELECT {_COLUMNS} FROM sessions WHERE id = ?"
_INSERT_SESSION = f"INSERT INTO sessions ({_COLUMNS}) VALUES ({', '.join(['?'] * 14)})"
_INSERT_BALLOTS = "INSERT INTO ballots (session_id, voter_key, choice_ids, voted_at) VALUES "
_CHUNK = 128  # rows per multi-row INSERT (512 parameters; SQLite allows 32,766)
_INSERT_CHUNK = _INSERT_BALLOTS + ", ".join(["(?, ?, ?, ?)"] * _CHUNK)


def _insert_ballots(c: sqlite3.Connection, rows: list[tuple[str, bytes, str, int]]) -> None:
    """Insert in chunks of one statement each: executemany would step once per row, and
    each step lets go of the GIL — a round of thread switching per ballot."""
    full = len(rows) - len(rows) % _CHUNK
    for start in range(0, full, _CHUNK):
        c.execute(_INSERT_CHUNK, [v for row in rows[start : start + _CHUNK] for v in row])
    rest = rows[full:]
    if rest:
        sql = _INSERT_BALLOTS + ", ".join(["(?, ?, ?, ?)"] * len(rest))
        c.execute(sql, [v for row in rest for v in row])


_UPDATE_SESSION = (
    "UPDATE sessions SET status = ?, closed_at = ?, counts = ?, total_votes = ?, version = ?,"
    " visibility = ?, closes_at = ? WHERE id = ?"
)


def _session_from_row(row: tuple[Any, ...]) -> Session:
    texts = json.loads(row[3])
    definition = Definition(
        session_id=row[0],
        question=row[1],
        vote_type=row[2],
        choices=tuple(Choice(str(i), t) for i, t in enumerate(texts, start=1)),
        created_at=row[4],
        expires_at=row[5],
        host_key=bytes(row[6]),
    )
    state = State(
        status=row[7],
        closed_at=row[8],
        counts=tuple(json.loads(row[9])),
        total_votes=row[10],
        version=row[11],
        visibility=row[12],
        closes_at=row[13],
    )
    return Session(definition, state)


def _lock(path: str) -> int:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise StoreLocked(
            f"Another tohyo process (pid {owner}) owns {path}; stop it or choose another --storage"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _connect(path: str, synchronous: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per batch.
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, cached_statements=256
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(_SCHEMA)
    _migrate(conn)
    return conn


# Columns added after a file may have been created: (name, definition).
_ADDED_COLUMNS = (
    ("visibility", "TEXT NOT NULL DEFAULT 'after_vote'"),
    ("closes_at", "INTEGER"),
)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a database made by an older tohyo up to this schema (additive only)."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    for name, definition in _ADDED_COLUMNS:
        if name not in present:
            conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {definition}")
