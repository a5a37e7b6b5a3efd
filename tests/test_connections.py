"""Connection-level protection (tohyo.web.protocol and the descriptor fit in tohyo serve),
on real servers over raw sockets: what one client can hold before any request is handled.

Issue #12: a 100 MB header was parsed to the end while others waited; half-sent requests
were held forever; one address could use every file descriptor of the process. Every
wait here is bounded and waits on a condition (a reply, a close), not on a clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import QUESTION, ServerProcess
from tohyo.config import Settings, fit_to_descriptors

pytestmark = pytest.mark.slow

MiB = 1 << 20
WAIT = 30.0  # seconds: generous for a loaded two-core machine; a pass takes far less


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(server: ServerProcess, source: str = "127.0.0.1") -> Connection:
    """A connection to `server` from `source` (any of 127/8: all of it is loopback)."""
    return await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0)), WAIT
    )


@contextlib.asynccontextmanager
async def connection(server: ServerProcess, source: str = "127.0.0.1") -> AsyncIterator[Connection]:
    reader, writer = await connect(server, source)
    try:
        yield reader, writer
    finally:
        writer.close()


async def until_closed(reader: asyncio.StreamReader, timeout: float = WAIT) -> bytes:
    """Everything the server sends before it closes the connection."""
    received = b""
    async with asyncio.timeout(timeout):
        with contextlib.suppress(ConnectionResetError):
            while chunk := await reader.read(65536):
                received += chunk
    return received


def error_of(reply: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, orjson.loads(body)


async def status_of_request(connection: Connection, request: bytes) -> int:
    reader, writer = connection
    writer.write(request)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
    return int(head.split(b" ", 2)[1])


def healthz(header: bytes = b"") -> bytes:
    return b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n"


async def healthy_from(server: ServerProcess, source: str) -> bool:
    async with connection(server, source) as client:
        return await status_of_request(client, healthz()) == 200


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# --- oversized heads ----------------------------------------------------------------------


async def test_a_100_mib_header_is_cut_at_the_cap_while_others_are_served(
    server_factory: Any,
) -> None:
    """The issue's reproduction: one header of 100 x 1 MiB. It was read to the end (6 s of
    event loop for 80 MB, 200 OK); now the connection is answered 431 and closed a little
    past the cap, memory stays flat, and another client is served meanwhile."""
    server = server_factory(storage="memory://").start()
    assert server.proc is not None
    pid = server.proc.pid
    before = rss_kib(pid)
    sent = 0
    started = threading.Event()

    def flood() -> None:
        nonlocal sent
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
            chunk = b"a" * MiB
            with contextlib.suppress(OSError):  # the server cuts it off: a broken pipe
                for _ in range(100):
                    sock.sendall(chunk)
                    sent += 1
                    started.set()
                sock.sendall(b"\r\n\r\n")
            started.set()

    flooder = threading.Thread(target=flood)
    flooder.start()
    try:
        assert await asyncio.to_thread(started.wait, WAIT)
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            assert (await client.get("/healthz")).status_code == 200
            peak = rss_kib(pid)
    finally:
        await asyncio.to_thread(flooder.join, WAIT)
    # Bytes the kernel buffers before the server even reads them, plus a bounded drain,
    # account for a few MiB; a server reading on would take all 100.
    assert sent < 32, f"{sent} MiB of one header were taken"
    assert max(peak, rss_kib(pid)) - before < 48 * 1024, "the header grew the server"
    assert await healthy_from(server, "127.0.0.1")


CHUNKED = b"Transfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("opening", "piece"),
    [
        # Found in review: trailers are headers, and httptools gathers them in memory, but
        # they come after the head's cap. One endless trailer...
        (b"POST /api/vote HTTP/1.1\r\nHost: x\r\n" + CHUNKED + b"0\r\nX-Trailer: ", b"a"),
        # ...or millions of small ones (25x their size in the parser's memory).
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + CHUNKED + b"0\r\n", b"a:b\r\n"),
        # A chunk extension without end.
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + CHUNKED + b"1;ext=", b"a"),
    ],
    ids=["one-trailer", "many-trailers", "chunk-extension"],
)
async def test_what_follows_the_head_is_capped_too(
    server_factory: Any, opening: bytes, piece: bytes
) -> None:
    server = server_factory(storage="memory://").start()
    assert server.proc is not None
    pid = server.proc.pid
    before = rss_kib(pid)
    chunk = piece * (MiB // len(piece))
    sent = 0

    def flood() -> None:
        nonlocal sent
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
            sock.sendall(opening)
            with contextlib.suppress(OSError):  # the server cuts it off: a broken pipe
                for _ in range(100):
                    sock.sendall(chunk)
                    sent += 1

    await asyncio.to_thread(flood)
    assert sent < 32, f"{sent} MiB after the head were taken"
    assert rss_kib(pid) - before < 48 * 1024, "what followed the head grew the server"
    assert await healthy_from(server, "127.0.0.1")


async def test_a_chunked_vote_with_trailers_within_the_cap_is_served(server_factory: Any) -> None:
    server = server_factory(storage="memory://").start()
    body = orjson.dumps(QUESTION)
    request = (
        b"POST /api/vote HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + CHUNKED
        + b"%x\r\n%s\r\n0\r\nX-Trailer: %s\r\n\r\n" % (len(body), body, b"t" * 1000)
    )
    async with connection(server) as client:
        assert await status_of_request(client, request) == 201


async def test_headers_over_the_cap_get_431_in_the_error_shape(server_factory: Any) -> None:
    server = server_factory(storage="memory://").start()
    async with connection(server) as (reader, writer):
        writer.write(healthz(b"X-Big: " + b"a" * 70_000 + b"\r\n"))
        status, body = error_of(await until_closed(reader))
    assert status == 431
    assert body["code"] == "headers_too_large" and body["details"] == {"limit": 65536}
    # Just under the cap is an ordinary request.
    async with connection(server) as client:
        assert await status_of_request(client, healthz(b"X-Big: " + b"a" * 60_000 + b"\r\n")) == 200


async def test_the_cap_counts_each_request_of_a_connection_afresh(server_factory: Any) -> None:
    """Kept-alive and pipelined requests each get the whole cap: it bounds one request's
    head, not a connection's life."""
    server = server_factory(storage="memory://", TOHYO_MAX_HEADER_BYTES="2048").start()
    request = healthz(b"X-Pad: " + b"a" * 1500 + b"\r\n")  # each under 2 KiB; five are not
    async with connection(server) as (reader, writer):
        for _ in range(5):  # one after another on one connection
            assert await status_of_request((reader, writer), request) == 200
            await reader.readexactly(15)  # {"status":"ok"}
        writer.write(request * 3)  # pipelined: three heads in one write
        replies = b""
        async with asyncio.timeout(WAIT):
            while replies.count(b"HTTP/1.1 200") < 3:
                chunk = await reader.read(65536)
                assert chunk, f"closed after {replies!r}"
                replies += chunk


# --- slow and idle connections --------------------------------------------------------------


async def test_a_half_sent_request_is_closed_after_the_header_timeout(
    server_factory: Any,
) -> None:
    """`GET /heal` and nothing more was held forever (19,980 of them filled the process)."""
    server = server_factory(storage="memory://", TOHYO_HEADER_TIMEOUT="1").start()
    async with connection(server) as (reader, writer):
        writer.write(b"GET /heal")
        status, body = error_of(await until_closed(reader))
    assert status == 408 and body["code"] == "request_timeout"
    # A connection that never sends a byte has nothing to answer: it is just closed.
    async with connection(server) as (reader, _):
        assert await until_closed(reader) == b""


async def test_kept_alive_connections_are_reaped_idle_or_half_sent(server_factory: Any) -> None:
    server = server_factory(
        storage="memory://", TOHYO_KEEP_ALIVE_TIMEOUT="1", TOHYO_HEADER_TIMEOUT="1"
    ).start()
    # Idle after a response: uvicorn's keep-alive timeout, now a tohyo setting.
    async with connection(server) as (reader, writer):
        assert await status_of_request((reader, writer), healthz()) == 200
        assert await until_closed(reader) == b'{"status":"ok"}'
    # Half of a second request: the keep-alive timer stops at its first byte, and nothing
    # used to take over; now the header timeout does.
    async with connection(server) as (reader, writer):
        assert await status_of_request((reader, writer), healthz()) == 200
        await reader.readexactly(15)
        writer.write(b"GET /heal")
        status, body = error_of(await until_closed(reader))
    assert status == 408 and body["code"] == "request_timeout"


async def test_a_stream_outlives_the_header_timeout(server_factory: Any) -> None:
    """The header clock stops when a request's headers are in: a live stream, which sends
    for as long as the session lasts, is not cut."""
    server = server_factory(
        storage="memory://", TOHYO_HEADER_TIMEOUT="1", TOHYO_HEARTBEAT="0.5"
    ).start()
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        created = (await client.post("/api/vote", json=QUESTION)).json()
        url = f"/api/vote/{created['sessionId']}/stream"
        async with client.stream("GET", url) as stream:
            lines = stream.aiter_lines()
            heartbeats = 0
            async with asyncio.timeout(WAIT):
                while heartbeats < 6:  # three seconds of heartbeats: three header timeouts
                    heartbeats += (await anext(lines)).startswith(":")


# --- connections per address and per process --------------------------------------------


@contextlib.asynccontextmanager
async def held(
    server: ServerProcess, source: str, count: int
) -> AsyncIterator[tuple[list[asyncio.Task[bytes]], list[asyncio.StreamWriter]]]:
    """`count` connections from `source`, each having sent half a request; and for each,
    a task that ends when the server closes it."""
    writers: list[asyncio.StreamWriter] = []
    closes: list[asyncio.Task[bytes]] = []
    try:
        for _ in range(count):
            reader, writer = await connect(server, source)
            writer.write(b"GET /heal")
            writers.append(writer)
            closes.append(asyncio.create_task(until_closed(reader, timeout=4 * WAIT)))
        yield closes, writers
    finally:
        for writer in writers:
            writer.close()
        for task in closes:
            task.cancel()
        await asyncio.gather(*closes, return_exceptions=True)


async def closed_count(closes: list[asyncio.Task[bytes]], expected: int) -> int:
    """Wait until `expected` of the connections are closed by the server (or the wait
    runs out), then say how many are."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(WAIT):
            while sum(task.done() for task in closes) < expected:
                await asyncio.wait(closes, return_when=asyncio.FIRST_COMPLETED)
    return sum(task.done() for task in closes)


async def test_one_address_cannot_starve_another(server_factory: Any) -> None:
    server = server_factory(
        storage="memory://",
        TOHYO_MAX_CONNECTIONS_PER_ADDRESS="50",
        TOHYO_HEADER_TIMEOUT="600",  # the held connections must outlast the test
    ).start()
    async with held(server, "127.0.0.3", 60) as (closes, _):
        assert await closed_count(closes, 10) == 10  # the ten past the bound, at once
        assert all(task.result() == b"" for task in closes[50:])
        assert await healthy_from(server, "127.0.0.2")
        assert sum(task.done() for task in closes) == 10


async def test_a_trusted_proxy_is_not_bounded_per_address(server_factory: Any) -> None:
    """Behind a proxy every client has the proxy's address: bounding it would bound the
    whole audience. Its connections count toward the process-wide bound only."""
    server = server_factory(
        storage="memory://",
        args=("--trusted-proxies", "127.0.0.4"),
        TOHYO_MAX_CONNECTIONS_PER_ADDRESS="5",
        TOHYO_HEADER_TIMEOUT="600",
    ).start()
    async with (
        held(server, "127.0.0.4", 8) as (proxy, _),
        held(server, "127.0.0.5", 8) as (other, _),
    ):
        assert await closed_count(other, 3) == 3
        assert await healthy_from(server, "127.0.0.4")
        assert not any(task.done() for task in proxy)


# --- a process with few descriptors -----------------------------------------------------------


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


async def test_warnings_any_client_can_cause_are_logged_once_a_minute(
    server_factory: Any,
) -> None:
    """Found in review: each request with an `Upgrade` header logged two uvicorn warnings,
    and each malformed one another: a client could write the log at will."""
    server = server_factory(storage="memory://").start()
    upgrade = healthz(b"Connection: upgrade\r\nUpgrade: websocket\r\n")
    malformed = b"GET / HTTP/1.1\r\nHost x\r\n\r\n"
    for _ in range(150):
        async with connection(server) as client:
            assert await status_of_request(client, upgrade) == 200
        async with connection(server) as (reader, writer):
            writer.write(malformed)
            assert (await until_closed(reader)).startswith(b"HTTP/1.1 400")
    log = server.log()
    assert log.count("Unsupported upgrade request") == 1, log
    assert log.count("Invalid HTTP request received") == 1, log
