"""A process with few file descriptors (`ulimit -n 1024`): `tohyo serve` fits its caps
below the limit and says so, and the refusals (429, 503, a closed connection) come before
the kernel would refuse everyone alike. Issue #12: one address could exhaust the process
with ordinary streams, below its own cap."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import QUESTION, ServerProcess
from tests.rawhttp import WAIT, closed_count, connect, healthy_from, held, status_of_request
from tohyo.config import Settings, fit_to_descriptors

pytestmark = pytest.mark.slow

TOHYO_SERVE = [sys.executable, "-m", "tohyo", "serve"]


class LimitedServer(ServerProcess):
    """A server that may open only `descriptors` files (soft = hard, like `ulimit -n`)."""

    descriptors = 1024

    def start(self, wait: bool = True) -> LimitedServer:
        limit = self.descriptors

        def limited() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [*TOHYO_SERVE, "--port", str(self.port), "--storage", self.storage, *self.args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                preexec_fn=limited,
            )
        if wait:
            self.wait_ready()
        return self

    def said_it_chose(self, fitted: Settings) -> bool:
        """Whether the start-up line names these caps."""
        return (
            f"{self.descriptors} file descriptors: at most {fitted.max_connections} "
            f"connections ({fitted.max_connections_per_address} per address), "
            f"{fitted.max_streams} streams ({fitted.max_streams_per_address} per address)"
        ) in self.log()


@pytest.fixture
def limited(tmp_path: Path) -> Any:
    started: list[LimitedServer] = []

    def make(**env: str) -> LimitedServer:
        env.setdefault("TOHYO_HEADER_TIMEOUT", "600")  # held connections outlast the test
        log = tmp_path / f"limited-{len(started)}.log"
        server = LimitedServer("memory://", log, (), **env)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


# What a server with 1,024 descriptors and default settings may hold.
FITTED = fit_to_descriptors(Settings(), LimitedServer.descriptors).settings


async def test_under_ulimit_1024_the_caps_fit_and_the_server_says_so(limited: Any) -> None:
    server = limited()
    assert server.said_it_chose(FITTED), server.log()
    assert (
        FITTED.max_streams_per_address
        < FITTED.max_streams
        < FITTED.max_connections
        < LimitedServer.descriptors
    )


async def test_under_ulimit_1024_stream_caps_refuse_before_descriptors_run_out(
    limited: Any,
) -> None:
    """With 1,024 descriptors one address used to exhaust the process with about 1,000
    streams, below its own cap of 2,000, and nobody got a 429 or a 503."""
    server = limited()
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
    request = f"GET /api/vote/{created['sessionId']}/stream HTTP/1.1\r\nHost: x\r\n\r\n"
    writers: list[asyncio.StreamWriter] = []  # every connection, closed at the end
    opened: dict[str, int] = {}
    refusals: dict[str, int] = {}
    try:
        # Each address opens streams until it is refused, until the process is full.
        for source in ("127.0.0.6", "127.0.0.7", "127.0.0.8"):
            opened[source] = 0
            while source not in refusals and opened[source] <= FITTED.max_streams:
                reader, writer = await connect(server, source)
                writers.append(writer)
                status = await status_of_request((reader, writer), request.encode())
                if status == 200:
                    opened[source] += 1
                else:
                    refusals[source] = status
            if refusals.get(source) == 503:
                break
        # The first address meets its own cap (429), a later one the process's (503),
        # and every refusal is an answer, with descriptors to spare for another client.
        assert opened["127.0.0.6"] == FITTED.max_streams_per_address
        assert refusals["127.0.0.6"] == 429
        assert list(refusals.values())[-1] == 503
        assert sum(opened.values()) == FITTED.max_streams
        assert await healthy_from(server, "127.0.0.9")
    finally:
        for writer in writers:
            writer.close()


async def test_under_ulimit_1024_one_address_cannot_take_every_descriptor(
    limited: Any,
) -> None:
    """The issue's half-sent flood, scaled to 1,024 descriptors: 1,000 connections from one
    address used to leave none for anyone else."""
    server = limited()
    bound = FITTED.max_connections_per_address
    async with held(server, "127.0.0.10", 1000) as (closes, _):
        assert await closed_count(closes, 1000 - bound) == 1000 - bound
        assert await healthy_from(server, "127.0.0.11")
