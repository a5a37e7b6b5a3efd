"""Shared fixtures: apps over every backend in-process, and real servers on free ports.

In-process (httpx + ASGI) for JSON and HTML; a real `tohyo serve` subprocess for streams,
signals and crashes, because an in-process client buffers whole responses.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.redis_servers import RedisCluster, RedisServer
from tohyo.config import Settings
from tohyo.web.app import TohyoApp, create_app

BACKENDS = ["memory", "sqlite", "redis", "redis-cluster"]

QUESTION = {
    "question": "Lunch?",
    "voteType": "single",
    "choices": [{"text": "Ramen"}, {"text": "Curry"}, {"text": "Sushi"}],
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def storage(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty store of `backend`: its URL."""
    if backend == "memory":
        return "memory://"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'tohyo.db'}"
    if backend == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        return server.url
    if backend == "redis-cluster":
        cluster: RedisCluster = request.getfixturevalue("redis_cluster")
        cluster.flush()
        return cluster.url
    raise ValueError(backend)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One standalone Redis for the whole run; tests flush it before use."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    cluster = RedisCluster(tmp_path_factory.mktemp("cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def settings(storage: str) -> Settings:
    return Settings(storage=storage, stream_interval=0.01)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[TohyoApp]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: TohyoApp) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(app) as c:
        yield c


def new_client(app: TohyoApp, **kwargs: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", **kwargs)


async def create_session(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/vote", json={**QUESTION, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def voter(n: int) -> dict[str, str]:
    """Headers of an invented voter: any well-formed token is accepted."""
    return {"cookie": f"tohyo_voter=voter{n:020d}"}


def host(created: dict[str, Any]) -> dict[str, str]:
    return {"authorization": f"Bearer {created['hostToken']}"}


# --- real servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`python -m tohyo serve` on a free loopback port, with its output in a log file."""

    def __init__(
        self, storage: str, log_path: Path, args: tuple[str, ...] = (), **env: str
    ) -> None:
        self.storage = storage
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {**os.environ, **env}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> ServerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tohyo",
                "serve",
                "--port",
                str(self.port),
                "--storage",
                self.storage,
                *self.args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait(10)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[ServerProcess] = []

    def make(storage: str | None = None, args: tuple[str, ...] = (), **env: str) -> ServerProcess:
        storage = storage or f"sqlite:///{tmp_path / 'server.db'}"
        env.setdefault("TOHYO_STREAM_INTERVAL", "0.01")
        log = tmp_path / f"server-{len(started)}.log"
        server = ServerProcess(storage, log, args, **env)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def server(server_factory: Any) -> ServerProcess:
    running: ServerProcess = server_factory().start()
    return running
