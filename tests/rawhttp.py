"""Raw-socket helpers for tests of what a client can hold at the connection level
(tests/test_connections.py, tests/test_descriptors.py): connections from any loopback
address, half-sent requests, replies read to the close. Every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson

from tests.conftest import ServerProcess

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
