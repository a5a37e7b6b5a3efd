"""`sqlite:///path/tohyo.db` — the embedded default: one file, one owning process, WAL.

Every operation runs on one writer thread that owns the connection (the session's
serialization point, like a durable object's input gate). The thread takes everything
queued, runs it in one transaction and commits once — group commit — and only then
resolves the callers' futures and tells the change listeners (the output gate). Reads
ride the same queue, so they see committed state only.

The file is locked with flock(2) for the life of the store, so a second server on the
same file fails at start with a clear message instead of corrupting the tallies.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import queue
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from tohyo import domain
from tohyo.domain import Choice, Definition, Session, State
from tohyo.errors import AlreadyVoted, NotFound, StorageError, StoreLocked, TohyoError
from tohyo.storage.base import Listeners

log = logging.getLogger("tohyo.sqlite")

T = TypeVar("T")
_STOP = object()
_MAX_BATCH = 2000  # bounds one transaction's latency while keeping commits rare under load
_SCHEMA = Path(__file__).with_name("schema.sql").read_text()
SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


class SQLiteStore(Listeners):
    def __init__(self, path: str, synchronous: str = "FULL", cache_size: int = 10_000) -> None:
        super().__init__()
        if synchronous.upper() not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        self.path = os.path.abspath(path)
        self._lock_fd = _lock(self.path)
        try:
            self._conn = _connect(self.path, synchronous.upper())
        except BaseException:
            os.close(self._lock_fd)
            raise
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._cache_size = cache_size
        self._dirty: dict[str, Session] = {}  # rows to UPDATE before this batch commits
        self._changed: dict[str, Session] = {}  # sessions to announce after it commits
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self.commits = 0  # transactions committed, for metrics and the group-commit test

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="tohyo-sqlite-writer", daemon=True)
        self._thread.start()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            done: Future[None] = Future()
            self._queue.put((_STOP, done))
            await asyncio.wrap_future(done)
            self._thread.join()
        self._conn.close()
        os.close(self._lock_fd)

    # --- operations (each runs on the writer thread) ----------------------------------

    async def server_key(self) -> bytes:
        return await self._submit(self._op_server_key)

    async def create(self, definition: Definition) -> Session:
        return await self._submit(self._op_create, definition)

    async def get(self, session_id: str, voter_key: bytes | None, now: int) -> tuple[Session, bool]:
        return await self._submit(self._op_get, session_id, voter_key, now)

    async def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        return await self._submit(self._op_cast, session_id, voter_key, choice_ids, now)

    async def close_voting(self, session_id: str, now: int) -> Session:
        return await self._submit(self._op_close, session_id, now)

    async def expire(self, now: int, limit: int = 500) -> list[str]:
        return await self._submit(self._op_expire, now, limit)

    async def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        return await self._submit(self._op_ballots, session_id)

    def _op_server_key(self) -> bytes:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'server_key'").fetchone()
        if row is not None:
            return bytes(row[0])
        key = secrets.token_bytes(32)
        self._conn.execute("INSERT INTO meta (key, value) VALUES ('server_key', ?)", (key,))
        return key

    def _op_create(self, d: Definition) -> Session:
        session = Session(d, State.initial(len(d.choices)))
        s = session.state
        self._conn.execute(
            "INSERT INTO sessions (id, question, vote_type, choices, created_at, expires_at,"
            " host_key, status, closed_at, counts, total_votes, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        self._remember(session, changed=False)
        self._changed[d.session_id] = session
        return session

    def _op_get(self, session_id: str, voter_key: bytes | None, now: int) -> tuple[Session, bool]:
        session = self._load(session_id, now)
        voted = voter_key is not None and (
            self._conn.execute(
                "SELECT 1 FROM ballots WHERE session_id = ? AND voter_key = ?",
                (session_id, voter_key),
            ).fetchone()
            is not None
        )
        return session, voted

    def _op_cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        session = self._load(session_id, now)
        domain.require_open(session.state)
        indexes = domain.ballot_indexes(session.definition, choice_ids)
        # The primary key (session_id, voter_key) is the one-ballot-per-voter rule.
        inserted = self._conn.execute(
            "INSERT OR IGNORE INTO ballots (session_id, voter_key, choice_ids, voted_at)"
            " VALUES (?, ?, ?, ?)",
            (session_id, voter_key, ",".join(choice_ids), now),
        ).rowcount
        if inserted == 0:
            raise AlreadyVoted()
        session = Session(session.definition, domain.add_ballot(session.state, indexes))
        self._remember(session, changed=True)
        return session

    def _op_close(self, session_id: str, now: int) -> Session:
        session = self._load(session_id, now)
        state = domain.close(session.state, now)
        if state is not session.state:
            session = Session(session.definition, state)
            self._remember(session, changed=True)
        return session

    def _op_expire(self, now: int, limit: int) -> list[str]:
        ids = [
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?", (now, limit)
            )
        ]
        for session_id in ids:
            self._conn.execute("DELETE FROM ballots WHERE session_id = ?", (session_id,))
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._cache.pop(session_id, None)
        return ids

    def _op_ballots(self, session_id: str) -> list[tuple[str, ...]]:
        rows = self._conn.execute(
            "SELECT choice_ids FROM ballots WHERE session_id = ?", (session_id,)
        )
        return [tuple(row[0].split(",")) for row in rows]

    # --- writer-thread helpers --------------------------------------------------------

    def _load(self, session_id: str, now: int) -> Session:
        session = self._cache.get(session_id)
        if session is None:
            row = self._conn.execute(
                "SELECT id, question, vote_type, choices, created_at, expires_at, host_key,"
                " status, closed_at, counts, total_votes, version FROM sessions WHERE id = ?",
                (session_id,),
            ).fetchone()
            if row is None:
                raise NotFound()
            session = _session_from_row(row)
            self._remember(session, changed=False)
        else:
            self._cache.move_to_end(session_id)
        if session.expired(now):
            raise NotFound()
        return session

    def _remember(self, session: Session, *, changed: bool) -> None:
        self._cache[session.session_id] = session
        self._cache.move_to_end(session.session_id)
        if changed:
            self._dirty[session.session_id] = session
            self._changed[session.session_id] = session

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch = []
            stop: Future[None] | None = None
            while True:
                if isinstance(item, tuple) and item[0] is _STOP:
                    stop = item[1]
                    break
                batch.append(item)
                if len(batch) >= _MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._run_batch(batch)
            if stop is not None:
                stop.set_result(None)
                return

    def _run_batch(self, batch: list[tuple[Callable[..., Any], tuple[Any, ...], Any]]) -> None:
        self._changed = {}
        outcomes: list[tuple[Any, Any, BaseException | None]] = []
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            for op, args, fut in batch:
                try:
                    outcomes.append((fut, op(*args), None))
                except TohyoError as refused:  # a refusal writes nothing
                    outcomes.append((fut, None, refused))
            for s in self._dirty.values():
                st = s.state
                self._conn.execute(
                    "UPDATE sessions SET status = ?, closed_at = ?, counts = ?, total_votes = ?,"
                    " version = ? WHERE id = ?",
                    (
                        st.status,
                        st.closed_at,
                        json.dumps(st.counts),
                        st.total_votes,
                        st.version,
                        s.session_id,
                    ),
                )
            self._conn.execute("COMMIT")
            self.commits += 1
        except Exception:
            log.exception("SQLite batch of %d operations failed; rolled back", len(batch))
            if self._conn.in_transaction:
                self._conn.rollback()
            self._cache.clear()  # the file is the truth again
            self._changed = {}
            outcomes = [(fut, None, StorageError()) for _, _, fut in batch]
        self._dirty.clear()
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        changed = list(self._changed.values())
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._deliver, outcomes, changed)

    def _deliver(
        self, outcomes: list[tuple[Any, Any, BaseException | None]], changed: list[Session]
    ) -> None:
        for session in changed:
            self._notify(session)
        for fut, result, error in outcomes:
            if fut.cancelled():
                continue
            if error is None:
                fut.set_result(result)
            else:
                fut.set_exception(error)

    async def _submit(self, op: Callable[..., T], *args: Any) -> T:
        if self._closed or self._loop is None:
            raise StorageError("The store is not running")
        fut: asyncio.Future[T] = self._loop.create_future()
        self._queue.put((op, args, fut))
        return await fut


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
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(_SCHEMA)
    return conn
