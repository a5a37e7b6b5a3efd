"""What an operator relies on: /metrics that move, /readyz that tells the truth about
storage and shutdown, access logs without addresses by default, and a SIGTERM in the
middle of votes and streams that loses nothing."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import create_session, host, voter
from tests.crowd import Crowd, client_for, counts, create, host_view, until_open_streams
from tests.redis_servers import RedisServer
from tests.sse import open_snapshot, open_stream
from tohyo.config import Settings
from tohyo.web.app import create_app


def metric(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name) + (re.escape("{" + labels + "}") if labels else "") + r" ([0-9.e+]+)"
    found = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def test_metrics_count_votes_by_outcome_sessions_and_commits(
    client: httpx.AsyncClient, backend: str
) -> None:
    before = (await client.get("/metrics")).text
    created = await create_session(client)
    url = f"/api/vote/{created['sessionId']}"
    await client.post(url, json={"choiceIds": ["1"]}, headers=voter(1))
    await client.post(url, json={"choiceIds": ["1"]}, headers=voter(1))  # 409
    await client.post(url, json={"choiceIds": ["9"]}, headers=voter(2))  # 400
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def moved(name: str, labels: str = "") -> float:
        return metric(after, name, labels) - metric(before, name, labels)

    assert moved("tohyo_votes_total", 'outcome="accepted"') == 1
    assert moved("tohyo_votes_total", 'outcome="already_voted"') == 1
    assert moved("tohyo_votes_total", 'outcome="invalid_ballot"') == 1
    assert moved("tohyo_sessions_created_total") == 1
    if backend == "sqlite":  # the group commits: at least the create and the vote
        assert moved("tohyo_commit_seconds_count") >= 2
        assert moved("tohyo_commit_batch_size_sum") >= 2


async def test_readyz_follows_storage_and_shutdown(tmp_path: Path) -> None:
    server = RedisServer(tmp_path).start()
    app = create_app(Settings(storage=server.url))
    try:
        from asgi_lifespan import LifespanManager

        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                ready = await client.get("/readyz")
                assert ready.status_code == 200 and ready.json()["storage"] == "ok"
                server.kill()
                down = await client.get("/readyz")
                assert down.status_code == 503 and down.json()["storage"] == "unavailable"
                assert (await client.get("/healthz")).status_code == 200  # alive, though
                server.start()
                assert (await client.get("/readyz")).status_code == 200
                app.begin_shutdown()
                draining = await client.get("/readyz")
                assert draining.status_code == 503 and draining.json()["status"] == "shutting_down"
    finally:
        server.stop()


@pytest.mark.slow
async def test_streams_and_broadcasts_show_in_metrics(server_factory: Any) -> None:
    server = server_factory(storage="memory://").start()
    async with client_for(server) as http:
        created = await create(http)
        sid = created["sessionId"]
        async with open_stream(http, sid, host(created)) as stream:
            await open_snapshot(stream)
            scraped = (await http.get("/metrics")).text
            assert metric(scraped, "tohyo_open_streams") == 1
            await http.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(1))
            await stream.next_event()
            scraped = (await http.get("/metrics")).text
            assert metric(scraped, "tohyo_broadcast_seconds_count") >= 1
        await until_open_streams(http, 0)


@pytest.mark.slow
@pytest.mark.parametrize("addresses", [False, True])
async def test_access_logs_are_json_without_addresses_unless_asked(
    server_factory: Any, addresses: bool
) -> None:
    env = {"TOHYO_ACCESS_LOG": "true", "TOHYO_ACCESS_LOG_ADDRESSES": str(addresses).lower()}
    server = server_factory(storage="memory://", **env).start()
    async with client_for(server) as http:
        created = await create(http)
        await http.post(f"/api/vote/{created['sessionId']}", json={"choiceIds": ["1"]})
    server.stop()
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    vote = next(
        line
        for line in lines
        if line["method"] == "POST" and line["path"].endswith(created["sessionId"])
    )
    assert vote["status"] == 201 and vote["ms"] >= 0
    assert ("address" in vote) == addresses
    # (uvicorn's own banner names the address it binds; the access lines are what count)
    assert any("127.0.0.1" in json.dumps(line) for line in lines) == addresses


@pytest.mark.slow
async def test_sigterm_mid_flood_loses_no_acknowledged_vote(server_factory: Any) -> None:
    first = server_factory().start()
    voters = range(600)
    acked: set[int] = set()
    failed: list[str] = []
    enough = asyncio.Event()

    async def one(crowd: Crowd, sid: str, n: int) -> None:
        try:
            response = await crowd[n].post(
                f"/api/vote/{sid}", json={"choiceIds": [str(n % 3 + 1)]}, headers=voter(n)
            )
        except httpx.TransportError as error:
            failed.append(type(error).__name__)
            return
        if response.status_code == 201:
            acked.add(n)
            if len(acked) >= 150:
                enough.set()
        else:
            failed.append(str(response.status_code))

    async with Crowd(first) as crowd:
        created = await create(crowd[0])
        sid = created["sessionId"]
        async with open_stream(crowd[0], sid, host(created)) as stream:
            await open_snapshot(stream)
            flood = asyncio.gather(*(one(crowd, sid, n) for n in voters))
            await asyncio.wait_for(enough.wait(), 30)
            first.signal(signal.SIGTERM)
            await flood
            frames = []
            while (frame := await stream.next(timeout=10)) is not None:
                frames.append(frame)
            assert frames and frames[-1].retry == 1000  # told to come back
    assert await asyncio.to_thread(first.wait, 20) in (0, -signal.SIGTERM)
    assert len(acked) >= 150 and set(failed) <= {
        "ConnectError",
        "RemoteProtocolError",
        "ReadError",
        "503",
    }

    second = server_factory(storage=first.storage).start()
    async with Crowd(second) as crowd:
        again = await asyncio.gather(
            *(
                crowd[n].post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(n))
                for n in sorted(acked)
            )
        )
        assert {r.status_code for r in again} == {409}  # every acknowledged vote is there
        view = await host_view(crowd[0], created)
        assert view["totalVotes"] >= len(acked) and sum(counts(view)) == view["totalVotes"]
    second.stop()


async def test_metrics_can_require_a_token() -> None:
    from asgi_lifespan import LifespanManager

    app = create_app(Settings(storage="memory://", metrics_token="scrape-me"))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = {"authorization": "Bearer nope"}
            assert (await client.get("/metrics", headers=wrong)).status_code == 401
            right = {"authorization": "Bearer scrape-me"}
            assert (await client.get("/metrics", headers=right)).status_code == 200


async def test_a_session_is_counted_closed_once(client: httpx.AsyncClient) -> None:
    before = metric((await client.get("/metrics")).text, "tohyo_sessions_closed_total")
    created = await create_session(client)
    for _ in range(3):
        await client.post(f"/api/vote/{created['sessionId']}/close", headers=host(created))
    after = metric((await client.get("/metrics")).text, "tohyo_sessions_closed_total")
    assert after - before == 1
