"""What only the SQLite backend promises: durability, group commit, one owner per file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.test_conformance import NOW, definition, key
from tohyo import domain
from tohyo.errors import ConfigurationError, StorageError, StoreLocked
from tohyo.storage import open_store
from tohyo.storage.sqlite import SQLiteStore


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "tohyo.db"  # the parent is created on first run


async def test_state_ballots_and_key_survive_a_reopen(path: Path) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.create(definition())
    await store.cast("s1", key(1), ("2",), NOW)
    await store.close_voting("s1", NOW + 1)
    secret = await store.server_key()
    await store.close()

    again = SQLiteStore(str(path))
    await again.start()
    session, voted = await again.get("s1", key(1), NOW + 2)
    assert voted
    assert (session.state.status, session.state.counts, session.version) == ("closed", (0, 1, 0), 3)
    assert await again.ballots("s1") == [("2",)]
    assert await again.server_key() == secret
    await again.close()


async def test_a_vote_is_in_the_file_before_the_caller_hears_of_it(path: Path) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.create(definition())
    reader = sqlite3.connect(path)

    async def vote_and_look(n: int) -> bool:
        await store.cast("s1", key(n), ("1",), NOW)
        row = reader.execute(
            "SELECT 1 FROM ballots WHERE session_id = 's1' AND voter_key = ?", (key(n),)
        ).fetchone()
        return row is not None

    assert all(await asyncio.gather(*(vote_and_look(n) for n in range(200))))
    reader.close()
    await store.close()


async def test_concurrent_votes_share_commits(path: Path) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.create(definition())
    before = store.journal.commits
    await asyncio.gather(*(store.cast("s1", key(n), ("1",), NOW) for n in range(500)))
    assert store.journal.commits - before < 100  # 500 ballots, far fewer fsyncs
    await store.close()


async def test_second_owner_is_refused_until_the_first_closes(path: Path) -> None:
    first = SQLiteStore(str(path))
    with pytest.raises(StoreLocked, match="owns"):
        SQLiteStore(str(path))
    await first.start()
    await first.close()
    SQLiteStore(str(path))  # free again


async def test_failed_commit_acknowledges_nothing_and_recovers(path: Path) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.create(definition())
    await store.cast("s1", key(1), ("1",), NOW)

    # Make the next batch fail inside its transaction, as a full disk would.
    real_write = store.journal._write

    def failing_write(batch: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    store.journal._write = failing_write  # type: ignore[method-assign]
    results = await asyncio.gather(
        store.cast("s1", key(2), ("1",), NOW),
        store.cast("s1", key(2), ("1",), NOW),  # a duplicate of a ballot that will be lost
        store.close_voting("s1", NOW),
        return_exceptions=True,
    )
    assert all(isinstance(r, StorageError) for r in results), results
    store.journal._write = real_write  # type: ignore[method-assign]

    # Until the file has been re-read, nothing is served; then the file is the truth.
    session, voted = await served(store, key(2))
    assert store.journal.reopens == 1
    assert not voted and session.state.total_votes == 1
    after = await store.cast("s1", key(2), ("1",), NOW)
    assert after.state.total_votes == 2
    await store.close()


async def served(store: SQLiteStore, voter: bytes) -> tuple[domain.Session, bool]:
    for _ in range(400):
        try:
            return await store.get("s1", voter, NOW)
        except StorageError:
            await asyncio.sleep(0.025)
    raise AssertionError("the store never served again after a failed commit")


async def test_use_after_close_is_a_storage_error(path: Path) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.close()
    with pytest.raises(StorageError):
        await store.get("s1", None, NOW)


@pytest.mark.parametrize(
    "url",
    [
        "postgres://x",
        "sqlite://",
        "sqlite:///",
        "memory://x",
        "sqlite:///a.db?mode=ro",
        "sqlite:///a.db?synchronous=off",
        "tohyo.db",
        "",
    ],
)
def test_bad_storage_urls_name_the_valid_forms(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        open_store(url)
    assert "\n" not in caught.value.message


def test_synchronous_option(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'n.db'}?synchronous=normal")
    assert isinstance(store, SQLiteStore)


@pytest.mark.parametrize("n", [1, 127, 128, 129, 300])
async def test_batches_of_any_size_store_every_ballot(path: Path, n: int) -> None:
    store = SQLiteStore(str(path))
    await store.start()
    await store.create(definition())
    await asyncio.gather(*(store.cast("s1", key(i), (str(i % 3 + 1),), NOW) for i in range(n)))
    session, _ = await store.get("s1", None, NOW)
    ballots = await store.ballots("s1")
    assert len(ballots) == session.state.total_votes == n
    assert domain.tally(session.definition, ballots)[0] == session.state.counts
    await store.close()


async def test_a_deadline_that_passes_while_the_server_is_down_holds_after_restart(
    tmp_path: Path,
) -> None:
    from tohyo import domain
    from tohyo.errors import VotingClosed
    from tohyo.storage.sqlite import SQLiteStore

    path = str(tmp_path / "deadline.db")
    now = 1_800_000_000_000
    draft = domain.Draft("Q?", "single", ("a", "b"))
    definition = domain.make_definition(draft, "s1", b"h", now, 3_600_000)
    first = SQLiteStore(path)
    await first.start()
    await first.create(definition, domain.State.initial(2, "after_close", now + 60_000))
    await first.cast("s1", b"v1", ("1",), now + 1_000)
    await first.close()
    second = SQLiteStore(path)  # "restarted" after the deadline
    await second.start()
    try:
        with pytest.raises(VotingClosed):
            await second.cast("s1", b"v2", ("2",), now + 61_000)
        session, _ = await second.get("s1", None, now + 61_000)
        state = session.state
        assert (state.status, state.closed_at) == ("closed", now + 60_000)
        assert state.visibility == "after_close"
        assert state.counts == (1, 0)
    finally:
        await second.close()


OLD_SCHEMA = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, vote_type TEXT NOT NULL,
    choices TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    host_key BLOB NOT NULL, status TEXT NOT NULL, closed_at INTEGER, counts TEXT NOT NULL,
    total_votes INTEGER NOT NULL, version INTEGER NOT NULL
);
INSERT INTO sessions VALUES ('s', 'q', 'single', '["a", "b"]', 1, 2, x'00', 'active',
    NULL, '[0, 0]', 0, 1);
"""


def test_an_older_database_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    from tohyo.storage.sqlite_file import connect as _connect

    path = str(tmp_path / "old.db")
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.close()
    conn = _connect(path, "FULL")
    row = conn.execute("SELECT visibility, closes_at FROM sessions WHERE id = 's'").fetchone()
    assert row == ("after_vote", None)
    conn.close()
