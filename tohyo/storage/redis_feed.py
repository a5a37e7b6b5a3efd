"""The change feed across processes: Redis pub/sub, healed from the stored state.

A process subscribes to the channel of every session it has viewers for — on a Cluster
with sharded pub/sub (SSUBSCRIBE) on the node that owns the session's slot, so a message
never crosses the whole cluster — and hands each state line to the store, which tells
the local feed. The feed coalesces as it does for every backend.

Pub/sub is "at most once": a dropped connection loses whatever was published meanwhile.
Messages carry absolute state, so any later message repairs an earlier loss; what is
left is a loss with nothing after it. So the feed heals itself from the stored state:

- every subscription confirmation that nobody is waiting for (redis-py re-subscribes by
  itself after a reconnect) triggers a read of that session;
- every `resync_interval` seconds, the versions of all watched sessions are read in one
  pipeline and any session that moved on without a message is read in full.

Either way viewers converge to the stored state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from tohyo.errors import NotFound, StorageError, TohyoError
from tohyo.storage.redis_keys import channel, session_key, session_of_channel

if TYPE_CHECKING:
    from tohyo.storage.redis import RedisStore

log = logging.getLogger("tohyo.storage.redis")

# A channel nobody publishes to, subscribed on every link so its connection stays in
# subscribed mode (and redis-py can block reading it) even with no session watched.
IDLE_CHANNEL = "tohyo:idle"
SUBSCRIBE_TIMEOUT = 5.0  # seconds a new viewer waits for its subscription


class NodeLink:
    """One pub/sub connection to one Redis node, and the sessions watched through it."""

    def __init__(self, subscriber: ChangeSubscriber, client: Any, name: str) -> None:
        self.name = name
        self._subscriber = subscriber
        self._pubsub = client.pubsub()
        self._sharded = subscriber.sharded
        self._pending: dict[bytes, asyncio.Future[None]] = {}  # awaiting confirmation
        self._live: set[bytes] = set()  # confirmed at least once, still wanted
        # Subscribes and unsubscribes go out in the order they were decided, so a viewer
        # arriving just as the last one leaves is never left unsubscribed.
        self._order = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    async def subscribe(self, channel: str) -> None:
        """Subscribe, or join a subscription that is live or on its way."""
        name = channel.encode()
        if name in self._live and name not in self._pending:
            return
        future = self._pending.get(name)
        if future is None:
            future = self._pending[name] = asyncio.get_running_loop().create_future()
            try:
                async with self._order:
                    await self._start()
                    if self._sharded:
                        await self._pubsub.ssubscribe(channel)
                    else:
                        await self._pubsub.subscribe(channel)
            except RedisError:
                self._pending.pop(name, None)
                future.cancel()
                raise
        await asyncio.wait_for(asyncio.shield(future), SUBSCRIBE_TIMEOUT)

    async def unsubscribe(self, channel: str, wanted: Callable[[], bool]) -> None:
        async with self._order:
            if wanted():
                return
            self._live.discard(channel.encode())
            if self._sharded:
                await self._pubsub.sunsubscribe(channel)
            else:
                await self._pubsub.unsubscribe(channel)

    async def _start(self) -> None:
        if self._reader is None:
            await self._pubsub.subscribe(IDLE_CHANNEL)
            self._reader = asyncio.create_task(self._read(), name=f"tohyo-pubsub-{self.name}")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()

    async def _read(self) -> None:
        failures = 0
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except (RedisError, OSError) as error:
                failures += 1
                log.warning("pub/sub link %s: %s (retrying)", self.name, error)
                if failures >= 3:
                    self._subscriber.link_failing(self)
                await asyncio.sleep(min(2.0, 0.05 * 2**failures))
                continue
            failures = 0
            if message is not None:
                self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        name: bytes = message["channel"]
        if kind in ("message", "smessage"):
            if name != IDLE_CHANNEL.encode():
                self._subscriber.received(name, message["data"])
        elif kind in ("subscribe", "ssubscribe"):
            future = self._pending.pop(name, None)
            if future is not None and not future.done():
                future.set_result(None)  # a new viewer reads the state itself
            if name in self._live:
                # Subscribed before: after a reconnect, whatever was published in between
                # is lost to this process. Read the session.
                self._subscriber.resubscribed(name)
            elif name != IDLE_CHANNEL.encode():
                self._live.add(name)
        elif kind == "sunsubscribe":
            # Unasked, this means the slot moved to another node (resharding, failover).
            self._subscriber.moved(name)


class ChangeSubscriber:
    def __init__(
        self, store: RedisStore, client: Any, *, sharded: bool, resync_interval: float = 2.0
    ) -> None:
        self.store = store
        self.sharded = sharded
        self._client = client
        self._watchers: dict[str, int] = {}  # session id -> stream handlers watching it
        self._versions: dict[str, int] = {}  # newest version heard per watched session
        self._links: dict[str, NodeLink] = {}  # node name -> link
        self._routes: dict[str, NodeLink] = {}  # session id -> the link it is watched on
        self._background: set[asyncio.Task[None]] = set()
        self._resync_interval = resync_interval
        self._resyncer: asyncio.Task[None] | None = None

    # --- what the store asks -----------------------------------------------------------

    async def watch(self, session_id: str) -> None:
        """Subscribe to the session's changes; return once the subscription is live."""
        self._watchers[session_id] = self._watchers.get(session_id, 0) + 1
        try:
            link = self._routes.get(session_id) or self._route(session_id)
            await link.subscribe(channel(session_id))
        except (RedisError, OSError, TimeoutError) as error:
            self.unwatch(session_id)
            raise StorageError() from error
        if self._resyncer is None:
            self._resyncer = asyncio.create_task(self._resync_forever(), name="tohyo-resync")

    def unwatch(self, session_id: str) -> None:
        count = self._watchers.get(session_id, 0) - 1
        if count > 0:
            self._watchers[session_id] = count
            return
        self._watchers.pop(session_id, None)
        self._versions.pop(session_id, None)
        link = self._routes.pop(session_id, None)
        if link is not None:
            wanted = partial(operator.contains, self._watchers, session_id)
            self._spawn(_quietly(link.unsubscribe(channel(session_id), wanted)))

    async def close(self) -> None:
        if self._resyncer is not None:
            self._resyncer.cancel()
        for task in list(self._background):
            task.cancel()
        for link in self._links.values():
            await link.close()

    # --- what the links report ---------------------------------------------------------

    def received(self, channel_name: bytes, line: bytes) -> None:
        session_id = session_of_channel(channel_name)
        if self.saw(session_id, int(line.split(b" ", 1)[0])):
            self.store.heard_line(session_id, line)

    def saw(self, session_id: str, version: int) -> bool:
        """Note `version` of a watched session; False if it is not newer than known."""
        if session_id not in self._watchers or version <= self._versions.get(session_id, 0):
            return False
        self._versions[session_id] = version
        return True

    def resubscribed(self, channel_name: bytes) -> None:
        """A reconnect re-subscribed: whatever was published meanwhile is lost; read it."""
        self.refresh_soon(session_of_channel(channel_name))

    def moved(self, channel_name: bytes) -> None:
        session_id = session_of_channel(channel_name)
        if session_id in self._watchers:
            self._routes.pop(session_id, None)
            self._spawn(self._rewatch(session_id, channel(session_id)))

    def link_failing(self, link: NodeLink) -> None:
        """A node keeps failing: on a Cluster its slots may have moved; re-route."""
        if not self.sharded:
            return  # one server: redis-py reconnects to it, and re-subscribing heals
        for session_id, routed in list(self._routes.items()):
            if routed is link:
                self.moved_session(session_id)

    def moved_session(self, session_id: str) -> None:
        self.moved(channel(session_id).encode())

    def refresh_soon(self, session_id: str) -> None:
        if session_id in self._watchers:
            self._spawn(self._refresh(session_id))

    # --- inside ----------------------------------------------------------------------

    def _route(self, session_id: str) -> NodeLink:
        if self.sharded:
            node = self._client.get_node_from_key(channel(session_id))
            name, client = node.name, node
            make = self._node_client
        else:
            name, client, make = "redis", self._client, None
        link = self._links.get(name)
        if link is None:
            link = self._links[name] = NodeLink(self, make(client) if make else client, name)
        self._routes[session_id] = link
        return link

    def _node_client(self, node: Any) -> Any:
        # A plain client for one cluster node, for its pub/sub connection.
        kwargs = node.connection_kwargs
        return aioredis.Redis(
            host=node.host,
            port=node.port,
            **{k: v for k, v in kwargs.items() if k in _NODE_OPTIONS},
        )

    async def _rewatch(self, session_id: str, channel_name: str) -> None:
        with contextlib.suppress(RedisError, OSError, TimeoutError):
            if hasattr(self._client, "nodes_manager"):
                await self._client.nodes_manager.initialize()
            await self._route(session_id).subscribe(channel_name)
            await self._refresh(session_id)

    async def _refresh(self, session_id: str) -> None:
        try:
            session, _ = await self.store.read(session_id, b"", time.time_ns() // 1_000_000)
        except NotFound:
            return  # expired or deleted: the feed's own timer ends its streams
        except TohyoError:
            return  # storage trouble: the next resync tries again
        # Equal counts too: a message may have been noted before its definition was known.
        if session_id in self._watchers and session.version >= self._versions.get(session_id, 0):
            self._versions[session_id] = session.version
            self.store.heard(session)

    async def _resync_forever(self) -> None:
        while True:
            await asyncio.sleep(self._resync_interval)
            watched = list(self._watchers)
            if not watched:
                continue
            try:
                pipe = self._client.pipeline(transaction=False)
                for session_id in watched:
                    pipe.hget(session_key(session_id), "v")
                versions = await pipe.execute()
            except (RedisError, OSError) as error:
                log.warning("resync: %s", error)
                continue
            for session_id, raw in zip(watched, versions, strict=True):
                if raw is not None and int(raw) > self._versions.get(session_id, 0):
                    await self._refresh(session_id)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


_NODE_OPTIONS = {
    "username",
    "password",
    "ssl",
    "ssl_ca_certs",
    "ssl_certfile",
    "ssl_keyfile",
    "ssl_cert_reqs",
    "socket_keepalive",
    "socket_connect_timeout",
    "health_check_interval",
}


async def _quietly(awaitable: Any) -> None:
    with contextlib.suppress(RedisError, OSError):
        await awaitable
