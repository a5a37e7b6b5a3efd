"""HTTP helpers for tests against real servers: clients that keep no cookies, crowds of
small pools for floods, and the few requests every such test makes."""

from __future__ import annotations

import asyncio
import re
import ssl
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import httpx

from tests.conftest import QUESTION, ServerProcess, host

# Never used on plain http://127.0.0.1, but building one per client costs ~50 ms.
TLS = ssl.create_default_context()


def client_for(server: ServerProcess, connections: int = 5) -> httpx.AsyncClient:
    """A client that keeps no cookies (each request says who it is; a remembered host or
    voter cookie would change that)."""
    client = httpx.AsyncClient(
        base_url=server.url,
        verify=TLS,
        timeout=httpx.Timeout(10),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


class Crowd:
    """`clients` x `per_client` connections, request i on client i % clients.

    One httpx pool with many connections spends more CPU choosing a connection than the
    server spends on a vote; several small pools keep the client from being the bottleneck.
    """

    def __init__(self, server: ServerProcess, clients: int = 10, per_client: int = 5) -> None:
        self.clients = [client_for(server, per_client) for _ in range(clients)]

    def __getitem__(self, i: int) -> httpx.AsyncClient:
        return self.clients[i % len(self.clients)]

    async def __aenter__(self) -> Crowd:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in self.clients:
            await client.aclose()


async def create(http: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await http.post("/api/vote", json={**QUESTION, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def host_view(http: httpx.AsyncClient, created: dict[str, Any]) -> dict[str, Any]:
    """The session as its host sees it (with counts)."""
    response = await http.get(f"/api/vote/{created['sessionId']}", headers=host(created))
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    assert view["isHost"] is True
    return view


def counts(view: dict[str, Any]) -> list[int]:
    return [c["voteCount"] for c in view["choices"]]


async def until_open_streams(http: httpx.AsyncClient, count: int, timeout: float = 10.0) -> None:
    """Wait until the server counts `count` open streams (`/metrics`). It learns that a
    client closed a stream a moment after the client did: the disconnect is an event on
    its loop like any other, and a request sent right after may be handled first."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        scraped = (await http.get("/metrics")).text
        found = re.search(r"^tohyo_open_streams ([0-9.e+]+)$", scraped, re.MULTILINE)
        if found and float(found.group(1)) == count:
            return
        assert asyncio.get_running_loop().time() < deadline, f"open streams never {count}"
        await asyncio.sleep(0.02)
