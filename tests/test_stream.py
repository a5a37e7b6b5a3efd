"""`GET /api/vote/{id}/stream` against a real `tohyo serve` on a free loopback port.

An in-process ASGI client buffers whole responses, so every test here talks HTTP to a
subprocess. Frames are read by a background task into a queue, and every wait has a
timeout: a stream that hangs fails the test in seconds instead of blocking the run.
One test drives the ASGI app in process instead, because it needs a `send` that blocks
the way uvicorn's does when a client stops reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import ServerProcess, create_session, host, new_client, voter
from tests.crowd import counts, create, host_view
from tests.sse import Frame, open_snapshot, open_stream
from tohyo.config import Settings
from tohyo.web.app import create_app

# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
async def http(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(server) as c:
        yield c


def client_for(server: ServerProcess) -> httpx.AsyncClient:
    """A client that keeps no cookies: creating a session sets the host cookie and voting
    sets a voter cookie, and either would silently change who every later request is."""
    client = httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(5, read=30))
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


async def vote(http: httpx.AsyncClient, session_id: str, n: int, choice: str) -> httpx.Response:
    return await http.post(
        f"/api/vote/{session_id}", json={"choiceIds": [choice]}, headers=voter(n)
    )


def assert_hidden(data: dict[str, Any]) -> None:
    assert "totalVotes" not in data and "version" not in data  # version - 1 = ballots
    for choice in data["choices"]:
        assert set(choice) == {"choiceId", "text"}


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"] == "not_found"
    assert isinstance(body["error"], str) and body["error"]


# --- snapshot, updates, reconnect ------------------------------------------------------


async def test_snapshot_first_then_an_update_per_vote_with_absolute_counts(
    http: httpx.AsyncClient,
) -> None:
    created = await create(http)
    sid = created["sessionId"]
    async with open_stream(http, sid, host(created)) as stream:
        snapshot = await open_snapshot(stream)
        data = snapshot.data
        assert snapshot.id == data["version"] == 1
        assert data["sessionId"] == sid
        assert data["question"] == "Lunch?"
        assert data["voteType"] == "single"
        assert data["status"] == "active"
        assert data["totalVotes"] == 0
        assert data["createdAt"] == created["createdAt"]
        assert data["expiresAt"] == created["expiresAt"]
        assert "closedAt" not in data
        assert data["choices"] == [
            {"choiceId": "1", "text": "Ramen", "voteCount": 0, "percentage": 0.0},
            {"choiceId": "2", "text": "Curry", "voteCount": 0, "percentage": 0.0},
            {"choiceId": "3", "text": "Sushi", "voteCount": 0, "percentage": 0.0},
        ]

        ids = [snapshot.id]
        expected = [0, 0, 0]
        for n, choice in enumerate(["2", "2", "1", "3"], start=1):
            assert (await vote(http, sid, n, choice)).status_code == 201
            expected[int(choice) - 1] += 1
            update = await stream.next_event()
            assert update.event == "update"
            assert update.id == update.data["version"]
            assert update.data["totalVotes"] == n
            assert counts(update.data) == expected  # absolute state, not a delta
            ids.append(update.id)

        assert ids == sorted(set(ids)), ids  # strictly increasing
        assert ids[-1] == 5
        last = update.data
        assert [c["percentage"] for c in last["choices"]] == [25.0, 50.0, 25.0]
        # The stream and the JSON API agree on the state.
        view = await host_view(http, created)
        assert view["version"] == last["version"]
        assert counts(view) == counts(last)
        assert view["totalVotes"] == last["totalVotes"]


@pytest.mark.parametrize("last_event_id", ["1", "999", "not-a-number"])
async def test_reconnect_with_last_event_id_gets_the_current_state_at_once(
    http: httpx.AsyncClient, last_event_id: str
) -> None:
    created = await create(http)
    sid = created["sessionId"]
    async with open_stream(http, sid, voter(1)) as first:
        snapshot = await open_snapshot(first)
        assert snapshot.get("id") is None  # no version for who may not see the counts
        assert_hidden(snapshot.data)  # voter 1 has not voted yet
    # Changes happen while the viewer is away.
    for n, choice in [(1, "1"), (2, "3"), (3, "3")]:
        assert (await vote(http, sid, n, choice)).status_code == 201

    started = time.monotonic()
    headers = {**voter(1), "last-event-id": last_event_id}
    async with open_stream(http, sid, headers) as again:
        snapshot = await open_snapshot(again)
        assert time.monotonic() - started < 1.0
        assert snapshot.id == snapshot.data["version"] == 4
        # Voter 1 has voted now, so this stream shows the counts.
        assert snapshot.data["totalVotes"] == 3
        assert counts(snapshot.data) == [1, 0, 2]
        # Nothing else is owed: no replay of the missed versions.
        assert await again.quiet(0.3) == []


# --- audiences and closing -------------------------------------------------------------


async def test_closed_event_reaches_every_audience_and_only_some_see_counts(
    http: httpx.AsyncClient,
) -> None:
    created = await create(http)
    sid = created["sessionId"]
    assert (await vote(http, sid, 1, "2")).status_code == 201

    async with contextlib.AsyncExitStack() as stack:
        viewers = {
            "host": await stack.enter_async_context(open_stream(http, sid, host(created))),
            "voted": await stack.enter_async_context(open_stream(http, sid, voter(1))),
            "not voted": await stack.enter_async_context(open_stream(http, sid, voter(2))),
            "anonymous": await stack.enter_async_context(open_stream(http, sid)),
        }
        with_counts = {"host", "voted"}
        for name, stream in viewers.items():
            snapshot = await open_snapshot(stream)
            assert snapshot.get("id") == ("2" if name in with_counts else None), name
            if name in with_counts:
                assert snapshot.data["totalVotes"] == 1, name
                assert counts(snapshot.data) == [0, 1, 0], name
            else:
                assert_hidden(snapshot.data)

        response = await http.post(f"/api/vote/{sid}/close", headers=host(created))
        assert response.status_code == 200, response.text
        closed_at = response.json()["closedAt"]

        for name, stream in viewers.items():
            closed = await stream.next_event()
            assert closed.event == "closed", name
            if name in with_counts:
                assert closed.id == closed.data["version"] == 3, name
            else:  # the version would count the ballots: not for these viewers
                assert closed.get("id") is None and "version" not in closed.data, name
            assert closed.data["status"] == "closed", name
            assert closed.data["closedAt"] == closed_at, name
            if name in with_counts:
                assert counts(closed.data) == [0, 1, 0], name
            else:
                assert_hidden(closed.data)

        # A vote after closing is refused and changes nothing on any stream.
        refused = await vote(http, sid, 3, "1")
        assert refused.status_code == 403
        assert refused.json()["code"] == "closed"
        assert await viewers["host"].quiet(0.3) == []

    # A viewer arriving after the close gets a closed snapshot, not a `closed` event.
    async with open_stream(http, sid) as late:
        snapshot = await open_snapshot(late)
        assert snapshot.data["status"] == "closed"
        assert snapshot.get("id") is None  # an anonymous viewer: no counts, no version
        assert await late.quiet(0.3) == []


async def test_updates_are_coalesced_and_end_on_the_exact_final_tally(
    server_factory: Any,
) -> None:
    interval = 0.5
    server = server_factory(TOHYO_STREAM_INTERVAL=str(interval)).start()
    async with client_for(server) as http:
        created = await create(http)
        sid = created["sessionId"]
        async with open_stream(http, sid, host(created)) as stream:
            await open_snapshot(stream)
            # 50 votes in bursts of 5 over about 1.5 s: several intervals' worth of
            # coalescing, while this test's own loop stays free to note when each frame
            # arrives (one burst of 50 kept it busy, so a frame could be noted late and
            # the gap to the next look short: it failed once in a full run).
            total, burst = 50, 5
            responses: list[httpx.Response] = []
            for start in range(0, total, burst):
                responses += await asyncio.gather(
                    *(vote(http, sid, n, str(n % 3 + 1)) for n in range(start, start + burst))
                )
                await asyncio.sleep(0.15)
            assert [r.status_code for r in responses] == [201] * total
            expected = [len([n for n in range(total) if n % 3 == i]) for i in range(3)]

            updates: list[Frame] = []
            while not updates or updates[-1].data["totalVotes"] < total:
                updates.append(await stream.next_event(timeout=3))
            assert all(u.event == "update" for u in updates)
            assert 3 <= len(updates) <= total // 5, f"{len(updates)} events for {total} votes"
            last = updates[-1].data
            assert last["totalVotes"] == total
            assert counts(last) == expected
            assert updates[-1].id == last["version"] == 1 + total
            ids = [u.id for u in updates]
            assert ids == sorted(set(ids))
            # At most one event per interval (the first one after a quiet spell is immediate).
            gaps = [b.at - a.at for a, b in itertools.pairwise(updates)]
            assert all(gap > interval * 0.7 for gap in gaps), gaps
            # Nothing is left over: the last event already carried the final state.
            assert await stream.quiet(interval * 1.5) == []
        assert counts(await host_view(http, created)) == expected


# --- how streams end -------------------------------------------------------------------


async def test_stream_ends_with_expired_and_the_session_is_gone(
    server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory(TOHYO_SESSION_TTL="2", TOHYO_SWEEP_INTERVAL="0.5").start()
    async with client_for(server) as http:
        created = await create(http)
        created_at = time.monotonic()
        sid = created["sessionId"]
        assert (await vote(http, sid, 1, "1")).status_code == 201
        async with contextlib.AsyncExitStack() as stack:
            streams = [
                await stack.enter_async_context(open_stream(http, sid, host(created))),
                await stack.enter_async_context(open_stream(http, sid)),
            ]
            for stream in streams:
                await open_snapshot(stream)
            for stream in streams:
                expired = await stream.next_event(timeout=4)
                assert expired.event == "expired"
                assert expired.get("data") == "{}"
                assert await stream.next(timeout=1) is None  # and the response ends
                assert stream.error is None
                assert stream.ended_at is not None
                assert 1.5 < stream.ended_at - created_at < 3.0

        assert_not_found(await http.get(f"/api/vote/{sid}", headers=host(created)))
        assert_not_found(await http.get(f"/api/vote/{sid}/stream", headers=host(created)))
        assert_not_found(await http.get(f"/api/vote/{sid}/stream"))
        assert_not_found(await vote(http, sid, 2, "1"))

    # The sweeper deletes the session and its ballots from the file, not only from view.
    db = tmp_path / "server.db"
    deadline = time.monotonic() + 3
    while True:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            left = conn.execute("SELECT count(*) FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
            ballots = conn.execute(
                "SELECT count(*) FROM ballots WHERE session_id = ?", (sid,)
            ).fetchone()[0]
        if left == 0 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert (left, ballots) == (0, 0)


async def test_sigterm_ends_every_stream_and_the_server_exits_promptly(
    server: ServerProcess, http: httpx.AsyncClient
) -> None:
    first = await create(http)
    second = await create(http)
    async with contextlib.AsyncExitStack() as stack:
        streams = [
            await stack.enter_async_context(open_stream(http, first["sessionId"], host(first))),
            await stack.enter_async_context(open_stream(http, first["sessionId"])),
            await stack.enter_async_context(open_stream(http, second["sessionId"], voter(7))),
        ]
        for stream in streams:
            await open_snapshot(stream)

        started = time.monotonic()
        server.signal(signal.SIGTERM)
        for stream in streams:
            tail = await stream.next(timeout=5)
            assert tail is not None
            assert tail.fields == [("retry", "1000")]  # come back soon, elsewhere
            assert await stream.next(timeout=5) is None
            assert stream.error is None  # a clean end of the chunked body, not a reset
        code = await asyncio.to_thread(server.wait, 5)
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"shutdown took {elapsed:.2f}s"
    # uvicorn >= 0.29 re-raises the signal it handled once shutdown is complete, so a
    # graceful SIGTERM ends the process "killed by SIGTERM" (-15 here, 143 in a shell).
    assert code in (0, -signal.SIGTERM), code
    log = server.log()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log


# --- a viewer that falls behind ---------------------------------------------------------


async def test_a_viewer_blocked_in_send_gets_the_newest_state_as_soon_as_it_catches_up() -> None:
    """In process, so that `send` can block exactly like uvicorn's does under backpressure
    (over real HTTP the same stall needs ~4 MB of unread frames; see the report)."""
    heartbeat = 2.0
    app = create_app(Settings(storage="memory://", stream_interval=0.01, heartbeat=heartbeat))
    async with LifespanManager(app), new_client(app) as client:
        created = await create_session(client)
        sid = created["sessionId"]
        frames: asyncio.Queue[bytes] = asyncio.Queue()
        caught_up = asyncio.Event()  # set when the slow client reads again
        gone = asyncio.Event()

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                frames.put_nowait(message["body"])
                if b"event: update" in message["body"]:
                    await caught_up.wait()

        async def receive() -> dict[str, Any]:
            await gone.wait()
            return {"type": "http.disconnect"}

        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/api/vote/{sid}/stream",
            "query_string": b"",
            # The host: a viewer shown every change (others are spared ballot-only ones).
            "headers": [
                (b"host", b"testserver"),
                (b"authorization", host(created)["authorization"].encode()),
            ],
        }
        viewer = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
        try:
            assert b"event: snapshot" in await asyncio.wait_for(frames.get(), 2)
            assert (
                await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(1))
            ).status_code == 201
            blocked = await asyncio.wait_for(frames.get(), 2)
            assert b"id: 2\nevent: update" in blocked  # and now the viewer waits in send()
            closed = await client.post(f"/api/vote/{sid}/close", headers=host(created))
            assert closed.status_code == 200
            await asyncio.sleep(0.2)  # the close's wake-up fires while the viewer is blocked
            caught_up.set()
            started = time.monotonic()
            try:
                frame = await asyncio.wait_for(frames.get(), 0.5)
            except TimeoutError:
                frame = await asyncio.wait_for(frames.get(), heartbeat + 1)
                late = time.monotonic() - started
                raise AssertionError(f"the close reached the viewer {late:.1f}s late") from None
            assert b"id: 3\nevent: closed" in frame
        finally:
            gone.set()
            await asyncio.wait_for(viewer, 5)


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("session_id", [str(uuid.uuid4()), "not-a-session-id"])
async def test_unknown_session_stream_is_404_json(http: httpx.AsyncClient, session_id: str) -> None:
    response = await http.get(f"/api/vote/{session_id}/stream")
    assert_not_found(response)
    assert set(response.json()) == {"error", "code"}
    # The server is fine afterwards: a real session still streams.
    created = await create(http)
    async with open_stream(http, created["sessionId"]) as stream:
        await open_snapshot(stream)
