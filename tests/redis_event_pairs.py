"""Two stores on one Redis (or Cluster), as two tohyo processes would be, and what the
Redis event tests do with them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection, Iterator
from typing import Any

import pytest
import redis

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tests.redis_servers import RedisCluster, RedisServer
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.storage import open_store
from tohyo.storage.events import Answer
from tohyo.storage.redis import RedisStore

SHARED = ["redis", "redis-cluster"]


def shared_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty Redis or Cluster (`request.param`), with the periodic resync
    off: whatever a store hears, it heard on the channel or by repairing a gap."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        return server.url + "?resync_interval=0"
    cluster: RedisCluster = request.getfixturevalue("redis_cluster")
    cluster.flush()
    return cluster.url + "?resync_interval=0"


@contextlib.asynccontextmanager
async def two_processes(url: str) -> AsyncIterator[tuple[RedisStore, RedisStore]]:
    stores = (opened(url), opened(url))
    for store in stores:
        await store.start()
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


@pytest.fixture(params=SHARED)
def shared(request: pytest.FixtureRequest) -> str:
    """An empty Redis, then an empty Cluster (`shared_url`); a suite takes it, and `pair`,
    by importing them."""
    return shared_url(request)


@pytest.fixture
async def pair(shared: str) -> AsyncIterator[tuple[RedisStore, RedisStore]]:
    """Two stores on `shared`, playing two processes."""
    async with two_processes(shared) as stores:
        yield stores


def opened(url: str) -> RedisStore:
    store = open_store(url)
    assert isinstance(store, RedisStore)
    return store


def raw_client(url: str) -> Any:
    address = url.split("://", 1)[1].split("?", 1)[0].split("/", 1)[0]
    host, port = address.rsplit(":", 1)
    if "+cluster" in url:
        return redis.RedisCluster(host=host, port=int(port))
    return redis.Redis(host=host, port=int(port))


class Heard:
    """Everything one store's event listeners are told."""

    def __init__(self, store: RedisStore) -> None:
        self.states: list[Event] = []
        self.answers: set[Answer] = set()
        store.events.add_event_listener(self)

    def __call__(self, event: Event, answers: Collection[Answer]) -> None:
        self.states.append(event)
        self.answers.update(answers)

    @property
    def version(self) -> int:
        return self.states[-1].version if self.states else 0


def draft(event_id: str = "e1") -> Event:
    return new_event(spec("One?"), spec("Two?"), now=NOW, event_id=event_id, ttl=TTL)


async def running(store: RedisStore, event_id: str = "e1") -> Event:
    await store.events.create_event(draft(event_id))
    return await store.events.change_event(event_id, NOW, lambda e: t.open_question(e, "q1", NOW))


async def answer(
    store: RedisStore, who: int, question_id: str = "q1", event_id: str = "e1"
) -> Event:
    """The event after one answer (its round is checked where answers race resets)."""
    choice = str(who % 3 + 1)
    event, _ = await store.events.answer(
        event_id, participant(who), question_id, [choice], (choice,), NOW
    )
    return event


@contextlib.contextmanager
def unheard(store: RedisStore) -> Iterator[None]:
    """Changes made through `store` meanwhile are published to a channel nobody watches,
    as if every subscriber's connection had dropped them."""
    events = store.redis_events
    changing = events._changing
    events._changing = (
        lambda event_id: [  # type: ignore[method-assign]
            *changing(event_id)[:3],
            "tohyo:ev:{" + event_id + "}:nobody",
        ]
    )
    try:
        yield
    finally:
        events._changing = changing  # type: ignore[method-assign]
