"""The SQLite file itself: schema, rows, migrations, and the lock that makes one owner.

`tohyo.storage.sqlite` decides *when* changes are written (group commit, recovery after a
failed commit); this module knows *what* is written and how rows become sessions.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tohyo.domain import Choice, Definition, Session, State
from tohyo.errors import StoreLocked

SCHEMA = Path(__file__).with_name("schema.sql").read_text()

_COLUMNS = (
    "id, question, vote_type, choices, created_at, expires_at, host_key,"
    " status, closed_at, counts, total_votes, version, visibility, closes_at"
)
SELECT_SESSION = f"SELECT {_COLUMNS} FROM sessions WHERE id = ?"
INSERT_SESSION = f"INSERT INTO sessions ({_COLUMNS}) VALUES ({', '.join(['?'] * 14)})"
UPDATE_SESSION = (
    "UPDATE sessions SET status = ?, closed_at = ?, counts = ?, total_votes = ?, version = ?,"
    " visibility = ?, closes_at = ? WHERE id = ?"
)
# A write whose only purpose is to prove that the disk takes a commit again (readiness).
PROBE = "INSERT OR REPLACE INTO meta (key, value) VALUES ('ready_probe', ?)"

_INSERT_BALLOTS = "INSERT INTO ballots (session_id, voter_key, choice_ids, voted_at) VALUES "
_CHUNK = 128  # rows per multi-row INSERT (under 1,000 parameters; SQLite allows 32,766)

BallotRow = tuple[str, bytes, str, int]


def create_row(session: Session) -> tuple[Any, ...]:
    d, s = session.definition, session.state
    return (
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


def state_row(session_id: str, st: State) -> tuple[Any, ...]:
    return (
        st.status,
        st.closed_at,
        json.dumps(st.counts),
        st.total_votes,
        st.version,
        st.visibility,
        st.closes_at,
        session_id,
    )


def insert_ballots(c: sqlite3.Connection, rows: list[BallotRow]) -> None:
    insert_rows(c, _INSERT_BALLOTS, rows)


def insert_rows(c: sqlite3.Connection, insert: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """`insert` ("INSERT INTO t (a, b) VALUES ") for every row, in chunks of one statement
    each: executemany would step once per row, and each step lets go of the GIL — a round
    of thread switching per row."""
    if not rows:
        return
    width = len(rows[0])
    full = len(rows) - len(rows) % _CHUNK
    for start in range(0, full, _CHUNK):
        chunk = rows[start : start + _CHUNK]
        c.execute(_values(insert, width, _CHUNK), [v for row in chunk for v in row])
    rest = rows[full:]
    if rest:
        c.execute(_values(insert, width, len(rest)), [v for row in rest for v in row])


@functools.cache
def _values(insert: str, width: int, count: int) -> str:
    row = "(" + ", ".join(["?"] * width) + ")"
    return insert + ", ".join([row] * count)


def session_from_row(row: tuple[Any, ...]) -> Session:
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


def load_or_make_key(c: sqlite3.Connection) -> bytes:
    """The server's secret for keyed hashes: made once, then kept in the file."""
    row = c.execute("SELECT value FROM meta WHERE key = 'server_key'").fetchone()
    if row is not None:
        return bytes(row[0])
    key = secrets.token_bytes(32)
    c.execute("INSERT INTO meta (key, value) VALUES ('server_key', ?)", (key,))
    return key


def lock(path: str) -> int:
    """An exclusive flock(2) on `path.lock`, held for the life of the store; its file says
    which pid owns the database."""
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


def connect(path: str, synchronous: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per batch.
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, cached_statements=256
    )
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(SCHEMA)
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


# Columns added after a file may have been created: table -> ((name, definition), ...).
_ADDED_COLUMNS = {
    "sessions": (
        ("visibility", "TEXT NOT NULL DEFAULT 'after_vote'"),
        ("closes_at", "INTEGER"),
    ),
    "responses": (("increments", "TEXT"),),
}
# The changeable answers (those kept with their increments) by whose they are: a change
# of answer finds its row here. Partial, so the other answers cost no index entry. Made
# after the columns are, since it names one an older file gains here.
CHANGEABLE_INDEX = (
    "CREATE INDEX IF NOT EXISTS responses_changeable"
    " ON responses (event_id, question_id, round, participant) WHERE increments IS NOT NULL"
)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a database made by an older tohyo up to this schema (additive only)."""
    for table, added in _ADDED_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, definition in added:
            if name not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
    conn.execute(CHANGEABLE_INDEX)
