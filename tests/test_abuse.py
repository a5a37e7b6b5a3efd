"""Abuse resistance: each control refuses what it should and lets through what it should.

Same-origin writes, budgets per address (in memory and in Redis across processes), caps on
open streams, the trusted-proxy rule, security headers on every response, and secrets
that never reach a log. docs/security.md says which threat each control answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.budgets import inside_one_window
from tests.conftest import QUESTION, create_session, host, new_client, voter
from tests.crowd import until_open_streams
from tests.redis_servers import RedisServer
from tohyo.config import Settings
from tohyo.web import security
from tohyo.web.app import TohyoApp, create_app

EVIL = "https://evil.example"


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[TohyoApp]:
    app = create_app(settings)
    async with LifespanManager(app):
        yield app


def from_address(app: TohyoApp, address: str) -> httpx.AsyncClient:
    """A client whose requests come from `address` (the ASGI scope's client)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


# --- same-origin writes ------------------------------------------------------------------


async def test_writes_from_another_site_are_refused(client: httpx.AsyncClient) -> None:
    created = await create_session(client)
    sid = created["sessionId"]
    refused = [
        ("/api/vote", QUESTION, {"origin": EVIL}),
        ("/api/vote", QUESTION, {"origin": "null"}),  # sandboxed frames, file: pages
        ("/api/vote", QUESTION, {"sec-fetch-site": "cross-site"}),
        ("/api/vote", QUESTION, {"sec-fetch-site": "same-site"}),  # a sibling subdomain
        (f"/api/vote/{sid}", {"choiceIds": ["1"]}, {"origin": EVIL, **voter(1)}),
        (f"/api/vote/{sid}/close", {}, {"origin": EVIL, **host(created)}),
        (f"/api/vote/{sid}/host", {}, {"sec-fetch-site": "cross-site", **host(created)}),
    ]
    for path, body, headers in refused:
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 403, (path, headers)
        assert response.json()["code"] == "cross_origin"
    # Nothing happened: no vote, still open.
    view = (await client.get(f"/api/vote/{sid}", headers=host(created))).json()
    assert (view["totalVotes"], view["status"]) == (0, "active")


async def test_this_site_and_clients_without_origin_may_write(client: httpx.AsyncClient) -> None:
    allowed = [
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},  # our own pages
        {"sec-fetch-site": "none"},  # typed by the user
        {},  # curl, scripts, the Bearer host token
    ]
    for headers in allowed:
        response = await client.post("/api/vote", json=QUESTION, headers=headers)
        assert response.status_code == 201, headers
    # Reads are not writes: any page may read a session it knows (CORS still applies).
    created = response.json()
    read = await client.get(f"/api/vote/{created['sessionId']}", headers={"origin": EVIL})
    assert read.status_code == 200


async def test_the_public_url_is_our_origin_too(tmp_path: Path) -> None:
    settings = Settings(storage="memory://", public_url="https://vote.example.org")
    async with running(settings) as app, new_client(app) as client:
        ok = await client.post(
            "/api/vote", json=QUESTION, headers={"origin": "https://vote.example.org"}
        )
        assert ok.status_code == 201


# --- budgets per address -----------------------------------------------------------------


async def test_a_hall_of_1000_behind_one_address_votes_within_the_default_budget() -> None:
    async with (
        running(Settings(storage="memory://")) as app,
        from_address(app, "203.0.113.7") as hall,
    ):
        created = await create_session(hall)
        url = f"/api/vote/{created['sessionId']}"
        statuses = await asyncio.gather(
            *(hall.post(url, json={"choiceIds": ["1"]}, headers=voter(n)) for n in range(1000))
        )
        assert {r.status_code for r in statuses} == {201}
        # Everyone loads the page's session and opens nothing else: still fine.
        reads = await asyncio.gather(*(hall.get(url, headers=voter(n)) for n in range(1000)))
        assert {r.status_code for r in reads} == {200}


async def test_voting_budget_is_per_address_and_session() -> None:
    settings = Settings(storage="memory://", limit_vote="3/minute")
    inside_one_window()
    async with running(settings) as app, from_address(app, "198.51.100.1") as one:
        first = (await create_session(one))["sessionId"]
        second = (await create_session(one))["sessionId"]
        for n in range(3):
            assert (await one.post(f"/api/vote/{first}", json={"choiceIds": ["1"]},
                                   headers=voter(n))).status_code == 201  # fmt: skip
        refused = await one.post(f"/api/vote/{first}", json={"choiceIds": ["1"]}, headers=voter(9))
        assert refused.status_code == 429
        body = refused.json()
        assert body["code"] == "rate_limited"
        retry = int(refused.headers["retry-after"])
        assert 1 <= retry <= 60 and body["details"]["retryAfter"] == retry
        # The same address in another session, and another address in this one, go on.
        assert (await one.post(f"/api/vote/{second}", json={"choiceIds": ["1"]},
                               headers=voter(9))).status_code == 201  # fmt: skip
        async with from_address(app, "198.51.100.2") as other:
            assert (await other.post(f"/api/vote/{first}", json={"choiceIds": ["1"]},
                                     headers=voter(9))).status_code == 201  # fmt: skip


async def test_creating_has_its_own_budget_and_the_ceiling_covers_everything() -> None:
    settings = Settings(storage="memory://", limit_create="2/minute", limit_requests="5/minute")
    inside_one_window()
    async with running(settings) as app, from_address(app, "198.51.100.3") as client:
        codes = [(await client.post("/api/vote", json=QUESTION)).status_code for _ in range(3)]
        assert codes == [201, 201, 429]
        sid = (await client.get("/healthz")).status_code  # health checks are not counted
        assert sid == 200
        codes = [(await client.get("/api/vote/nope")).status_code for _ in range(3)]
        assert codes == [404, 404, 429]  # the ceiling: 5 API requests in all


async def test_lifting_the_limits_for_load_tests() -> None:
    settings = Settings(storage="memory://", limit_vote="1/minute", rate_limits=False)
    async with running(settings) as app, from_address(app, "198.51.100.4") as client:
        created = await create_session(client)
        url = f"/api/vote/{created['sessionId']}"
        results = [
            await client.post(url, json={"choiceIds": ["1"]}, headers=voter(n)) for n in range(5)
        ]
        assert {r.status_code for r in results} == {201}


async def test_budgets_in_redis_hold_across_processes(redis_server: RedisServer) -> None:
    redis_server.flush()
    settings = Settings(storage=redis_server.url, limit_vote="4/minute")
    inside_one_window()
    async with (
        running(settings) as first,
        running(settings) as second,
        from_address(first, "192.0.2.9") as a,
        from_address(second, "192.0.2.9") as b,
    ):
        created = await create_session(a)
        url = f"/api/vote/{created['sessionId']}"
        codes = []
        for n in range(6):  # alternating processes, one address
            client = a if n % 2 else b
            response = await client.post(url, json={"choiceIds": ["1"]}, headers=voter(n))
            codes.append(response.status_code)
        assert codes == [201, 201, 201, 201, 429, 429]


# --- streams, proxies, headers and secrets on a real server --------------------------------


async def test_stream_caps_per_address_and_per_process(server_factory: Any) -> None:
    server = server_factory(
        storage="memory://", TOHYO_MAX_STREAMS_PER_ADDRESS="2", TOHYO_MAX_STREAMS="3"
    ).start()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
        url = f"/api/vote/{created['sessionId']}/stream"
        async with contextlib.AsyncExitStack() as held:
            for _ in range(2):
                response = await held.enter_async_context(client.stream("GET", url))
                assert response.status_code == 200
            third = await client.get(url)
            assert third.status_code == 429 and third.json()["code"] == "too_many_streams"
            assert "retry-after" in third.headers
            # Another address (through a trusted proxy here would be one; on loopback
            # every client is 127.0.0.1): the process-wide cap still applies.
        # Closed streams are counted out: room again.
        await until_open_streams(client, 0)
        async with client.stream("GET", url) as again:
            assert again.status_code == 200


async def test_the_process_cap_answers_503(server_factory: Any) -> None:
    server = server_factory(
        storage="memory://", TOHYO_MAX_STREAMS="1", TOHYO_RATE_LIMITS="false"
    ).start()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
        url = f"/api/vote/{created['sessionId']}/stream"
        async with client.stream("GET", url) as first:
            assert first.status_code == 200
            busy = await client.get(url)
            assert busy.status_code == 503 and busy.json()["code"] == "server_busy"
            assert int(busy.headers["retry-after"]) >= 1


@pytest.mark.parametrize("trusted", [True, False])
async def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    server_factory: Any, trusted: bool
) -> None:
    env = {"TOHYO_LIMIT_VOTE": "2/minute"}
    args = ("--trusted-proxies", "127.0.0.1") if trusted else ()
    server = server_factory(storage="memory://", args=args, **env).start()
    inside_one_window()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
        url = f"/api/vote/{created['sessionId']}"
        codes = []
        for n in range(4):  # four "people" the proxy says are at different addresses
            headers = {**voter(n), "x-forwarded-for": f"203.0.113.{n + 1}"}
            codes.append(
                (await client.post(url, json={"choiceIds": ["1"]}, headers=headers)).status_code
            )
    # Trusted: four addresses, each within budget. Untrusted: one address (the proxy's),
    # whose budget of two runs out; a client cannot dodge limits by inventing the header.
    assert codes == ([201] * 4 if trusted else [201, 201, 429, 429])


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    created = await create_session(client)
    sid = created["sessionId"]
    responses = [
        await client.get("/"),
        await client.get(f"/vote/{sid}"),
        await client.get("/vote/nope"),
        await client.get("/static/app.js"),
        await client.get("/palette.css"),
        await client.get("/openapi.json"),
        await client.get("/healthz"),
        await client.get(f"/api/vote/{sid}"),
        await client.get(f"/api/vote/{sid}/export?format=csv", headers=host(created)),
        await client.post("/api/vote", content=b"x", headers={"content-type": "text/plain"}),
        await client.delete("/api/vote"),
    ]
    for response in responses:
        where = f"{response.request.method} {response.request.url.path}"
        assert response.headers["x-content-type-options"] == "nosniff", where
        assert response.headers["referrer-policy"] == "same-origin", where
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, where
        assert "unsafe-inline" not in csp, where
        assert "strict-transport-security" not in response.headers, where  # plain http


async def test_hsts_over_https(app: TohyoApp) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as tls:
        for path in ("/", "/healthz", "/api/vote/nope"):
            response = await tls.get(path)
            assert response.headers["strict-transport-security"].startswith("max-age="), path


def test_tokens_carry_at_least_128_bits() -> None:
    voter_tokens = {security.new_token() for _ in range(1000)}
    assert len(voter_tokens) == 1000
    assert all(len(t) >= 22 and security.well_formed(t) for t in voter_tokens)  # 16 bytes


async def test_no_token_reaches_the_log(server_factory: Any) -> None:
    server = server_factory(
        storage="memory://", TOHYO_ACCESS_LOG="true", TOHYO_LOG_LEVEL="debug"
    ).start()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
        sid, token = created["sessionId"], created["hostToken"]
        cast = await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]})
        voter_token = re.search(r"tohyo_voter=([^;]+)", cast.headers["set-cookie"])
        assert voter_token is not None
        await client.post(f"/api/vote/{sid}/close", headers={"authorization": f"Bearer {token}"})
        await client.post(f"/api/vote/{sid}/host", headers={"authorization": f"Bearer {token}"})
        await client.get(f"/api/vote/{sid}", headers={"cookie": f"tohyo_voter={voter_token[1]}"})
    server.stop()
    log = server.log()
    assert f"/api/vote/{sid}/close" in log  # the access log was on
    assert token not in log and voter_token[1] not in log


async def test_storage_holds_no_token_in_the_clear(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    redis_server.flush()
    database = tmp_path / "tokens.db"
    for storage in (f"sqlite:///{database}", redis_server.url):
        async with running(Settings(storage=storage)) as app, new_client(app) as client:
            created = await create_session(client)
            sid, host_token = created["sessionId"], created["hostToken"]
            cast = await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]})
            voter_token = cast.cookies["tohyo_voter"]
        if storage.startswith("sqlite"):
            stored = b"".join(p.read_bytes() for p in tmp_path.glob("tokens.db*"))
        else:
            raw = redis_server.client()
            stored = b"".join(
                key + b"".join(k + v for k, v in raw.hgetall(key).items())
                for key in raw.scan_iter(match=b"tohyo:{*")
            )
        assert sid.encode() in stored and b"Ramen" in stored  # the data is there...
        assert host_token.encode() not in stored  # ...the secrets are not
        assert voter_token.encode() not in stored
