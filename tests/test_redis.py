"""What only the Redis backend promises, in process against real redis-servers: the feed
across processes (two stores on one Redis play two processes), its healing, its failure
modes, and refusing a Redis that could lose sessions.

The conformance and API suites run over Redis and the Cluster too (conftest.BACKENDS);
test_scale_out.py runs real server processes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import redis

from tests.redis_servers import RedisCluster, RedisServer
from tohyo import domain
from tohyo.domain import Session
from tohyo.errors import ConfigurationError, StorageError
from tohyo.storage import open_store
from tohyo.storage.redis import RedisStore
from tohyo.storage.redis_keys import channel, session_key

TTL = 60_000


def now() -> int:
    return time.time_ns() // 1_000_000


def definition(session_id: str = "s1") -> domain.Definition:
    draft = domain.Draft("Q?", "single", ("a", "b", "c"))
    return domain.make_definition(draft, session_id, b"host-key", now(), TTL)


def opened(url: str) -> RedisStore:
    store = open_store(url)
    assert isinstance(store, RedisStore)
    return store


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[tuple[RedisStore, RedisStore]]:
    """Two stores on one Redis, as two processes would be, with the periodic resync off:
    whatever a watcher hears, it heard through pub/sub or a reconnect."""
    redis_server.flush()
    stores = (
        opened(redis_server.url + "?resync_interval=0"),
        opened(redis_server.url + "?resync_interval=0"),
    )
    for store in stores:
        await store.start()
    yield stores
    for store in stores:
        await store.close()


def heard_by(store: RedisStore) -> list[Session]:
    heard: list[Session] = []
    store.add_listener(heard.append)
    return heard


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_vote_in_one_process_reaches_the_watchers_of_another(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    voting, watching = pair
    heard = heard_by(watching)
    await voting.create(definition())
    await watching.watch("s1")
    await watching.get("s1", None, now())  # a viewer reads once it is subscribed
    await voting.cast("s1", b"k1", ("2",), now())
    await until(lambda: any(s.version == 2 for s in heard))
    assert heard[-1].state.counts == (0, 1, 0)
    watching.unwatch("s1")
    await until(lambda: redis_numsub(voting, "s1") == 0)  # nobody left: unsubscribed


def redis_numsub(store: RedisStore, session_id: str) -> int:
    client = redis.Redis.from_url(store.url)
    return int(client.pubsub_numsub(channel(session_id))[0][1])


async def test_a_change_never_published_is_found_by_the_resync(
    redis_server: RedisServer,
) -> None:
    redis_server.flush()
    store = opened(redis_server.url + "?resync_interval=0.1")
    await store.start()
    try:
        heard = heard_by(store)
        await store.create(definition())
        await store.watch("s1")
        # A vote that reached storage while its message was lost: written behind pub/sub.
        raw = redis_server.client()
        raw.hset(session_key("s1"), mapping={"c3": 1, "tv": 1, "v": 2})
        await until(lambda: any(s.version == 2 for s in heard))
        assert heard[-1].state.counts == (0, 0, 1)
    finally:
        await store.close()


async def test_writes_lost_by_redis_roll_viewers_back(redis_server: RedisServer) -> None:
    redis_server.flush()
    store = opened(redis_server.url + "?resync_interval=0.1")
    await store.start()
    try:
        rolled: list[Session] = []
        store.add_rollback_listener(rolled.append)
        await store.create(definition())
        await store.watch("s1")
        for voter in range(3):
            await store.cast("s1", bytes([voter]), ("1",), now())
        # What a failover to a replica that missed the last two votes looks like.
        raw = redis_server.client()
        raw.hset(session_key("s1"), mapping={"c1": 1, "tv": 1, "v": 2})
        await until(lambda: bool(rolled), timeout=3)
        assert (rolled[-1].version, rolled[-1].state.counts) == (2, (1, 0, 0))
    finally:
        await store.close()


async def test_viewers_arriving_while_redis_is_down_get_503_and_leave_nothing_behind(
    tmp_path: Path,
) -> None:
    server = RedisServer(tmp_path).start()
    store = opened(server.url)
    await store.start()
    try:
        await store.create(definition())
        server.kill()
        results = await asyncio.gather(store.watch("s1"), store.watch("s1"), return_exceptions=True)
        assert all(isinstance(r, StorageError) for r in results), results
        assert store.subscriber is not None and store.subscriber._watchers == {}
    finally:
        await store.close()
        server.stop()


async def test_a_confirmation_that_comes_too_late_does_not_leave_a_dead_subscription(
    pair: tuple[RedisStore, RedisStore], redis_server: RedisServer
) -> None:
    voting, watching = pair
    assert watching.subscriber is not None
    watching.subscriber.subscribe_timeout = 0.3
    heard = heard_by(watching)
    await voting.create(definition())
    raw = redis_server.client()
    raw.execute_command("CLIENT", "PAUSE", "1000", "ALL")
    with pytest.raises(StorageError):
        await watching.watch("s1")  # Redis confirms only after the pause, too late
    await asyncio.sleep(1.2)
    await watching.watch("s1")  # a new viewer: this subscription must be real
    await until(lambda: redis_numsub(voting, "s1") == 1)
    await voting.cast("s1", b"k1", ("1",), now())
    await until(lambda: any(s.version == 2 for s in heard))


async def test_a_cluster_outage_is_storage_unavailable(tmp_path: Path) -> None:
    cluster = RedisCluster(tmp_path).start()
    store = opened(cluster.url)
    await store.start()
    try:
        await store.create(definition())
        cluster.stop()
        for operation in (
            store.cast("s1", b"k1", ("1",), now()),
            store.get("s1", None, now()),
            store.watch("s2"),
        ):
            with pytest.raises(StorageError):
                await operation
    finally:
        await store.close()
        cluster.stop()


async def test_a_redis_that_may_evict_sessions_is_refused(redis_server: RedisServer) -> None:
    raw = redis_server.client()
    raw.config_set("maxmemory", "100mb")
    raw.config_set("maxmemory-policy", "volatile-lru")
    try:
        store = opened(redis_server.url)
        with pytest.raises(ConfigurationError, match="noeviction"):
            await store.start()
        await store.close()
    finally:
        raw.config_set("maxmemory-policy", "noeviction")
        raw.config_set("maxmemory", "0")


@pytest.mark.parametrize("option", ["resync_interval=soon", "resync_interval="])
def test_bad_redis_options_are_configuration_errors(option: str) -> None:
    with pytest.raises(ConfigurationError):
        open_store(f"redis://127.0.0.1:6379/0?{option}")


async def test_sessions_stored_before_visibility_and_deadlines_still_work(
    pair: tuple[RedisStore, RedisStore], redis_server: RedisServer
) -> None:
    store, _ = pair
    await store.create(definition())
    redis_server.client().hdel(session_key("s1"), "vis", "dl")  # as an older tohyo wrote it
    await store.cast("s1", b"k1", ("2",), now())
    session, _ = await store.get("s1", None, now())
    state = session.state
    assert (state.visibility, state.closes_at, state.counts) == ("after_vote", None, (0, 1, 0))


async def test_a_fault_free_flood_never_rolls_viewers_back_but_a_real_loss_does(
    redis_server: RedisServer,
) -> None:
    """Regression (#12, item 7): during floods each process logged "went back to version N"
    and reset its viewers though Redis had lost nothing. The resync compared the version
    it had read with the newest one heard *after* that read was sent."""
    redis_server.flush()
    # Two processes on one Redis, both watching, both voting, resyncing as often as they
    # can: rounds keep overlapping votes that land between a read and its comparison.
    stores = [opened(redis_server.url + "?resync_interval=0.005") for _ in range(2)]
    rolled: list[list[Session]] = [[], []]
    for store, resets in zip(stores, rolled, strict=True):
        store.add_rollback_listener(resets.append)
        await store.start()
    try:
        rounds = [resyncs_of(store) for store in stores]
        await stores[0].create(definition())
        for store in stores:
            await store.watch("s1")
        raw = redis_server.client()
        voters = iter(range(4000))
        older: bytes | None = None

        async def voting() -> None:
            nonlocal older
            for n in voters:
                await stores[n % 2].cast("s1", n.to_bytes(4, "big"), ("1",), now())
                if n == 3000:  # a copy to restore below, as a replica that fell behind
                    older = raw.dump(session_key("s1"))

        await asyncio.gather(*(voting() for _ in range(20)))  # 20 voters at a time, nonstop
        for count in rounds:
            assert count() > 20, "the resync hardly ran during the flood"
        assert rolled == [[], []]

        # A real loss is still caught: Redis goes back to a copy taken mid-flood.
        assert older is not None
        raw.restore(session_key("s1"), raw.pttl(session_key("s1")), older, replace=True)
        restored = int(raw.hget(session_key("s1"), "v") or 0)
        assert restored < 4001
        await until(lambda: all(resets for resets in rolled))
        for resets in rolled:
            assert [s.version for s in resets] == [restored]
    finally:
        for store in stores:
            await store.close()


def resyncs_of(store: RedisStore) -> Callable[[], int]:
    """How many resync rounds `store` has started so far."""
    subscriber = store.subscriber
    assert subscriber is not None
    started = 0
    resync = subscriber._resync

    async def counted() -> None:
        nonlocal started
        started += 1
        await resync()

    subscriber._resync = counted  # type: ignore[method-assign]
    return lambda: started


async def test_a_redis_refusing_writes_is_not_ready_and_logs_one_traceback(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A Redis that answers PING but refuses every write (here: it demands a replica it
    does not have, as after losing its replicas) must not be called ready."""
    redis_server.flush()
    store = opened(redis_server.url + "?resync_interval=0")
    await store.start()
    admin = redis.Redis(port=redis_server.port)
    try:
        await store.create(definition())
        assert await store.ready()
        admin.config_set("min-replicas-to-write", 1)
        with caplog.at_level("WARNING", "tohyo.storage.redis"):
            for n in range(50):
                with pytest.raises(StorageError):
                    await store.cast("s1", b"v%d" % n, ("1",), now())
            assert not await store.ready()
            assert not await store.ready()
        assert sum(r.exc_info is not None for r in caplog.records) == 1
        admin.config_set("min-replicas-to-write", 0)
        assert await store.ready()
        await store.cast("s1", b"v1", ("1",), now())
    finally:
        admin.config_set("min-replicas-to-write", 0)
        admin.close()
        await store.close()
