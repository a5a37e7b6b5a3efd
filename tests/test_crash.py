"""Durability and atomicity of votes over real HTTP, with real crashes.

A `tohyo serve` on a SQLite file is killed with SIGKILL in the middle of a flood of votes
and restarted on the same file: every acknowledged vote must still be there, no ballot
may be counted twice, and nobody may be locked out. Then: many requests at once, and a
second server on a file that is already owned.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess, voter
from tests.crowd import Crowd, client_for, counts, create, host_view

pytestmark = pytest.mark.slow


def choice_of(n: int) -> str:
    """Each voter always picks the same choice, so the exact final counts are known."""
    return str(n % 3 + 1)


async def vote(http: httpx.AsyncClient, session_id: str, n: int) -> httpx.Response:
    return await http.post(
        f"/api/vote/{session_id}", json={"choiceIds": [choice_of(n)]}, headers=voter(n)
    )


def expected_counts(voters: range) -> list[int]:
    return [sum(1 for n in voters if choice_of(n) == str(i)) for i in (1, 2, 3)]


def sqlite_path(server: ServerProcess) -> Path:
    return Path(server.storage.removeprefix("sqlite:///"))


async def test_acknowledged_votes_survive_kill_9_in_the_middle_of_a_flood(
    server_factory: Any,
) -> None:
    voters = range(600)
    kill_after = 150
    first = server_factory().start()
    assert first.proc is not None

    acked: set[int] = set()
    refused: dict[int, int] = {}  # voter -> unexpected status
    lost: dict[int, str] = {}  # voter -> transport error (no answer: outcome unknown)
    enough = asyncio.Event()

    async def one(crowd: Crowd, sid: str, n: int) -> None:
        try:
            response = await vote(crowd[n], sid, n)
        except httpx.TransportError as error:
            lost[n] = type(error).__name__
            return
        if response.status_code == 201:
            acked.add(n)
            if len(acked) >= kill_after:
                enough.set()
        else:
            refused[n] = response.status_code

    async def killer() -> float:
        await asyncio.wait_for(enough.wait(), 30)
        first.signal(signal.SIGKILL)
        return time.monotonic()

    async with Crowd(first) as crowd:  # 50 connections
        created = await create(crowd[0])
        sid = created["sessionId"]
        kill = asyncio.create_task(killer())
        await asyncio.gather(*(one(crowd, sid, n) for n in voters))
        killed_at = await kill
    assert await asyncio.to_thread(first.wait, 10) == -signal.SIGKILL
    flood_end = time.monotonic() - killed_at

    assert refused == {}, refused
    assert len(acked) + len(lost) == len(voters)
    assert kill_after <= len(acked) < len(voters)
    assert len(lost) > 100, "the kill landed after the flood, not in the middle of it"
    assert flood_end < 10

    # A new process on the same file.
    second = server_factory(storage=first.storage).start()
    async with Crowd(second) as crowd:
        http = crowd[0]
        view = await host_view(http, created)  # the host token still works
        counted = view["totalVotes"]
        assert sum(counts(view)) == counted
        assert view["version"] == 1 + counted
        assert len(acked) <= counted <= len(voters)

        # Every acknowledged vote is there: voting again is refused.
        again = await asyncio.gather(*(vote(crowd[n], sid, n) for n in sorted(acked)))
        assert [r.status_code for r in again] == [409] * len(acked)
        assert {r.json()["code"] for r in again} == {"already_voted"}

        # Everybody tries again: exactly the ones not counted get in, once.
        retry = await asyncio.gather(*(vote(crowd[n], sid, n) for n in voters))
        statuses = {n: r.status_code for n, r in zip(voters, retry, strict=True)}
        assert set(statuses.values()) <= {201, 409}, statuses
        already = {n for n, status in statuses.items() if status == 409}
        assert acked <= already
        # Votes committed but never acknowledged (the answer died with the process) count.
        assert len(already) == counted

        final = await host_view(http, created)
        assert final["totalVotes"] == len(voters)
        assert counts(final) == expected_counts(voters)
        assert sum(counts(final)) == final["totalVotes"]
        assert final["version"] == 1 + len(voters)

    # The tally columns agree with the ballots stored (audit from the file itself).
    second.stop()
    with contextlib.closing(sqlite3.connect(sqlite_path(second))) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ballots = conn.execute(
            "SELECT choice_ids, count(*) FROM ballots WHERE session_id = ? GROUP BY choice_ids",
            (sid,),
        ).fetchall()
        total, stored_counts = conn.execute(
            "SELECT total_votes, counts FROM sessions WHERE id = ?", (sid,)
        ).fetchone()
    assert dict(ballots) == {str(i): c for i, c in enumerate(expected_counts(voters), start=1)}
    assert total == len(voters)
    assert stored_counts.replace(" ", "") == str(expected_counts(voters)).replace(" ", "")


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
async def test_concurrent_votes_over_http_count_each_voter_once(
    server_factory: Any, tmp_path: Path, storage: str
) -> None:
    url = "memory://" if storage == "memory" else f"sqlite:///{tmp_path / 'concurrent.db'}"
    server = server_factory(storage=url).start()
    async with Crowd(server, clients=20, per_client=10) as crowd:  # 200 connections
        http = crowd[0]
        created = await create(http)
        sid = created["sessionId"]

        # One voter, 30 requests at once: one ballot.
        same = await asyncio.gather(*(vote(crowd[i], sid, 1) for i in range(30)))
        statuses = sorted(r.status_code for r in same)
        assert statuses == [201] + [409] * 29
        assert {r.json()["code"] for r in same if r.status_code == 409} == {"already_voted"}
        view = await host_view(http, created)
        assert view["totalVotes"] == 1
        assert counts(view) == expected_counts(range(1, 2))

        # 200 distinct voters at once: 200 ballots.
        voters = range(1000, 1200)
        many = await asyncio.gather(*(vote(crowd[n], sid, n) for n in voters))
        assert [r.status_code for r in many] == [201] * len(voters)
        view = await host_view(http, created)
        assert view["totalVotes"] == 1 + len(voters)
        assert counts(view) == [
            a + b
            for a, b in zip(expected_counts(voters), expected_counts(range(1, 2)), strict=True)
        ]
        assert view["version"] == 2 + len(voters)


async def test_a_second_server_on_the_same_file_refuses_to_start(
    server: ServerProcess, server_factory: Any
) -> None:
    assert server.proc is not None
    async with client_for(server) as http:
        created = await create(http)
        sid = created["sessionId"]
        assert (await vote(http, sid, 1)).status_code == 201

        intruder = server_factory(storage=server.storage)
        started = time.monotonic()
        intruder.start(wait=False)
        code = await asyncio.to_thread(intruder.wait, 10)
        elapsed = time.monotonic() - started
        assert code != 0
        assert elapsed < 5
        message = intruder.log()
        assert "owns" in message
        assert f"pid {server.proc.pid}" in message
        assert str(sqlite_path(server)) in message

        # The first server never noticed: it still answers, votes and counts.
        assert server.proc.poll() is None
        assert (await http.get("/healthz")).status_code == 200
        assert (await vote(http, sid, 2)).status_code == 201
        assert (await vote(http, sid, 1)).status_code == 409
        assert (await host_view(http, created))["totalVotes"] == 2
