"""Storage whose data outlives a killed server, for the kill -9 tests: a SQLite file, or a
Redis server with its append-only file fsynced on every write (killed too: only the AOF
brings the data back)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.redis_servers import RedisServer


@dataclass
class Durable:
    """A storage URL whose data outlives the server, and what a power cut does to it."""

    url: str
    redis: RedisServer | None = None

    def crash(self) -> None:
        if self.redis is not None:
            self.redis.kill()  # SIGKILL: nothing but the AOF survives

    def recover(self) -> None:
        if self.redis is not None:
            self.redis.start()


@pytest.fixture(params=["sqlite", "redis-aof"])
def durable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Durable]:
    if request.param == "sqlite":
        yield Durable(f"sqlite:///{tmp_path / 'events.db'}")
        return
    store = RedisServer(tmp_path, appendonly=True).start()  # appendfsync always
    try:
        yield Durable(store.url, store)
    finally:
        store.stop()
