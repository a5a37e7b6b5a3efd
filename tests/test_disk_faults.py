"""SQLite under a failing disk: what a refused vote means, and what the process serves after.

A real `tohyo serve` runs with `tests/faults/failsync.c` preloaded: while a flag file
exists, every fsync of the WAL fails with EIO *after* SQLite has written the commit's
frames. That is the hard case of a failed commit: the frames may well be on the disk, and
recovery after a crash will then replay them. The promise (docs/api.md): after a failed
commit the process never serves a state other than the one the disk will hold after
recovery, a 503 means "outcome unknown — retry", and the retry answers the truth.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.components import unavailable
from tests.conftest import ServerProcess, voter
from tests.crowd import client_for, counts, create, host_view

pytestmark = pytest.mark.slow

SHIM = Path(__file__).with_name("faults") / "failsync.c"


@pytest.fixture(scope="session")
def failsync(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fault shim, compiled for this machine."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        unavailable("a C compiler (cc) builds the fsync fault shim")
    library = tmp_path_factory.mktemp("faults") / "failsync.so"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(SHIM), "-ldl"],
        check=True,
    )
    return library


def faulty_server(server_factory: Any, failsync: Path, flag: Path, **env: str) -> ServerProcess:
    server: ServerProcess = server_factory(
        LD_PRELOAD=str(failsync), TOHYO_FAILSYNC_FLAG=str(flag), **env
    )
    return server


async def vote(http: httpx.AsyncClient, session_id: str, n: int) -> httpx.Response:
    return await http.post(f"/api/vote/{session_id}", json={"choiceIds": ["1"]}, headers=voter(n))


async def serving(http: httpx.AsyncClient, created: dict[str, Any]) -> dict[str, Any]:
    """The host view once the process answers reads again (it may refuse while it
    re-reads the file)."""
    deadline = time.monotonic() + 20
    while True:
        response = await http.get(
            f"/api/vote/{created['sessionId']}",
            headers={"authorization": f"Bearer {created['hostToken']}"},
        )
        if response.status_code == 200:
            view: dict[str, Any] = response.json()
            return view
        assert response.status_code == 503, response.text
        assert time.monotonic() < deadline, "the store never recovered"
        await asyncio.sleep(0.05)


async def until_answered(
    status: int, request: Callable[[], Awaitable[httpx.Response]], timeout: float = 20
) -> None:
    """Repeat `request` until it answers `status` (the server recovers in its own time)."""
    deadline = time.monotonic() + timeout
    while (response := await request()).status_code != status:
        assert time.monotonic() < deadline, f"never {status}; last {response.status_code}"
        await asyncio.sleep(0.1)


async def refused_second_vote(http: httpx.AsyncClient, flag: Path) -> dict[str, Any]:
    """A session with voter 1's ballot, and voter 2's refused by a failed fsync."""
    created = await create(http)
    assert (await vote(http, created["sessionId"], 1)).status_code == 201
    flag.touch()
    refused = await vote(http, created["sessionId"], 2)
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "storage_unavailable"
    return created


async def test_a_vote_refused_for_a_failed_fsync_is_what_the_disk_holds_after_a_crash(
    server_factory: Any, failsync: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-fsync"
    first = faulty_server(server_factory, failsync, flag).start()
    async with client_for(first) as http:
        created = await refused_second_vote(http, flag)
        # While the disk still fails, whatever the process serves is what recovery gives.
        live = counts(await serving(http, created))
    first.kill()

    second: ServerProcess = server_factory(storage=first.storage).start()
    async with client_for(second) as http:
        assert counts(await host_view(http, created)) == live
    second.kill()


async def test_the_retry_of_a_refused_vote_answers_the_truth_and_counts_once(
    server_factory: Any, failsync: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-fsync"
    first = faulty_server(server_factory, failsync, flag).start()
    async with client_for(first) as http:
        created = await refused_second_vote(http, flag)
        sid = created["sessionId"]
        live = counts(await serving(http, created))
        flag.unlink()

        retry = await vote(http, sid, 2)
        # The retry says what happened to the first try: stored (409) or not (201).
        if live[0] == 2:
            assert retry.status_code == 409, retry.text
            assert retry.json()["code"] == "already_voted"
        else:
            assert live[0] == 1 and retry.status_code == 201, (live, retry.text)
        assert (await vote(http, sid, 3)).status_code == 201
        assert counts(await host_view(http, created))[0] == 3
    first.kill()

    second: ServerProcess = server_factory(storage=first.storage).start()
    async with client_for(second) as http:
        assert counts(await host_view(http, created))[0] == 3
        assert (await vote(http, sid, 2)).status_code == 409
    second.kill()


async def test_readiness_fails_while_commits_fail_and_returns_once_one_succeeds(
    server_factory: Any, failsync: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-fsync"
    server = faulty_server(server_factory, failsync, flag).start()
    async with client_for(server) as http:
        created = await create(http)
        assert (await http.get("/readyz")).status_code == 200
        flag.touch()
        # An idle server notices too (found in review: it said ready until a vote failed).
        await until_answered(503, lambda: http.get("/readyz"))
        assert (await vote(http, created["sessionId"], 1)).status_code == 503
        # However long the disk fails, readiness says so (each probe commit fails too).
        for _ in range(6):
            ready = await http.get("/readyz")
            assert ready.status_code == 503, ready.text
            await asyncio.sleep(0.3)
        flag.unlink()
        await until_answered(200, lambda: http.get("/readyz"))
        assert (await vote(http, created["sessionId"], 2)).status_code == 201
    server.kill()


async def test_a_failing_disk_logs_one_traceback_then_counts(
    server_factory: Any, failsync: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-fsync"
    server = faulty_server(server_factory, failsync, flag).start()
    async with client_for(server) as http:
        created = await create(http)
        flag.touch()
        refused = 0
        for n in range(200):
            response = await vote(http, created["sessionId"], n)
            assert response.status_code == 503, response.text
            refused += 1
        flag.unlink()
        await serving(http, created)
        await until_answered(201, lambda: vote(http, created["sessionId"], 1000))
    server.kill()
    log = server.log()
    assert refused == 200
    assert log.count("Traceback") == 1, log
    assert log.count("serving again") == 1, log  # every later re-read is counted
    assert "SQLite commit works again after" in log


async def test_a_first_vote_refused_with_503_carries_its_cookie_so_the_retry_counts_once(
    server_factory: Any, failsync: Path, tmp_path: Path
) -> None:
    """Found in review: a phone's first vote mints its voter cookie, but a 503 did not send
    it. The ballot may be in the file under that token; the retry came with a new one and
    counted again (one browser, three ballots)."""
    flag = tmp_path / "fail-fsync"
    server = faulty_server(server_factory, failsync, flag).start()
    async with client_for(server) as http:
        created = await create(http)
        sid = created["sessionId"]
        flag.touch()
        first = await http.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]})  # no cookie
        assert first.status_code == 503, first.text
        set_cookie = first.headers.get("set-cookie", "")
        assert set_cookie.startswith("tohyo_voter="), first.headers
        token = set_cookie.split(";")[0].removeprefix("tohyo_voter=")
        stored = counts(await serving(http, created))[0]
        flag.unlink()
        retry = await http.post(
            f"/api/vote/{sid}",
            json={"choiceIds": ["1"]},
            headers={"cookie": f"tohyo_voter={token}"},
        )
        assert retry.status_code == (409 if stored else 201), retry.text
        assert counts(await host_view(http, created))[0] == 1
    server.kill()
