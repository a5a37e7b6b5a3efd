"""The change feed across processes: Redis pub/sub, healed from the stored state.

A process subscribes to the channel of every session (and every event) it has viewers
for — on a Cluster with sharded pub/sub (SSUBSCRIBE) on the node that owns the object's
slot, so a message never crosses the whole cluster — and hands each message to the store,
which tells the local feed. The feed coalesces as it does for every backend. One
subscriber serves one kind of object (a `Topic`: how its keys and channels are named);
each message starts with the object's version.

Pub/sub is "at most once": a dropped connection loses whatever was published meanwhile.
A session's messages carry its whole state, so a gap needs no repair: the next message is
complete (an event's store repairs its own gaps: `redis_events.py`). What is left is a
loss with nothing after it, so the feed heals itself from storage:

- a subscription confirmed again after a reconnect (redis-py re-subscribes by itself)
  triggers a read of that object;
- every `resync_interval` seconds the versions of all watched objects are read in one
  pipeline, and an object whose stored version is newer than the newest one heard is read
  in full.

Only a real loss resets viewers. A read cannot return less than what this process had
heard *before sending it* (the version was committed, then published or answered, then
heard, and Redis runs commands in order), so a stored version below that means Redis lost
writes (a failover, a restart without fsync): viewers are reset to the stored state. A
version heard *while* the read was on its way proves nothing — under a flood nearly every
read is overtaken by a newer message — so it is never compared with the read's answer.

Either way viewers converge to what is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from tohyo.errors import NotFound, StorageError, TohyoError
from tohyo.storage.redis_keys import FAILURES, Topic
from tohyo.storage.redis_links import NodeLink, node_client, unavailable

log = logging.getLogger("tohyo.storage.redis")


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


class WatchedStore(Protocol[V]):
    """What the subscriber needs of the store it heals (RedisStore for sessions,
    RedisEvents for events), named here so that this module imports neither."""

    async def latest(self, object_id: str, now: int) -> V:
        """The stored state, read now (NotFound if gone)."""

    def heard_line(self, object_id: str, line: bytes) -> None:
        """A message from the object's channel, newer than any heard before."""

    def heard(self, latest: V) -> None:
        """A state read back to heal the feed, at least as new as any heard."""

    def rolled_back(self, latest: V) -> None:
        """Redis has less than was heard before the read: this is what it has now."""


class ChangeSubscriber(Generic[V]):
    def __init__(
        self,
        store: WatchedStore[V],
        client: Any,
        *,
        topic: Topic,
        sharded: bool,
        resync_interval: float = 2.0,
        subscribe_timeout: float = 5.0,
    ) -> None:
        self.store = store
        self.topic = topic
        self.sharded = sharded
        self.subscribe_timeout = subscribe_timeout
        self._client = client
        self._watchers: dict[str, int] = {}  # object id -> stream handlers watching it
        self._versions: dict[str, int] = {}  # newest version heard per watched object
        self._links: dict[str, NodeLink] = {}  # node name -> link
        self._routes: dict[str, NodeLink] = {}  # object id -> the link it is watched on
        self._background: set[asyncio.Future[Any]] = set()
        self._resync_interval = resync_interval
        self._resyncer: asyncio.Task[None] | None = None
        self._topology: asyncio.Task[None] | None = None

    # --- what the store asks -----------------------------------------------------------

    async def watch(self, object_id: str) -> None:
        """Subscribe to the object's changes; return once the subscription is live."""
        self._watchers[object_id] = self._watchers.get(object_id, 0) + 1
        try:
            link = self._routes.get(object_id) or self._route(object_id)
            await link.subscribe(self.topic.channel(object_id).encode())
        except BaseException as error:
            self.unwatch(object_id)
            if isinstance(error, FAILURES):
                raise unavailable(error) from None
            raise
        if self._resyncer is None and self._resync_interval > 0:
            self._resyncer = asyncio.create_task(
                self._resync_forever(), name=f"tohyo-resync-{self.topic.kind}"
            )

    def unwatch(self, object_id: str) -> None:
        count = self._watchers.get(object_id, 0) - 1
        if count > 0:
            self._watchers[object_id] = count
            return
        self._watchers.pop(object_id, None)
        self._versions.pop(object_id, None)
        link = self._routes.pop(object_id, None)
        if link is not None:
            name = self.topic.channel(object_id).encode()
            self.spawn(link.unsubscribe(name, partial(self.wants, name)))

    def watching(self, object_id: str) -> bool:
        return object_id in self._watchers

    def wants(self, channel_name: bytes) -> bool:
        return self.topic.of_channel(channel_name) in self._watchers

    def saw(self, object_id: str, version: int) -> bool:
        """Note `version` of a watched object; False if it is not newer than known."""
        if object_id not in self._watchers or version <= self._versions.get(object_id, 0):
            return False
        self._versions[object_id] = version
        return True

    async def close(self) -> None:
        for task in (self._resyncer, self._topology, *self._background):
            if task is not None:
                task.cancel()
        for link in self._links.values():
            await link.close()

    # --- what the links report ---------------------------------------------------------

    def received(self, channel_name: bytes, line: bytes) -> None:
        object_id = self.topic.of_channel(channel_name)
        if self.saw(object_id, int(line.split(b" ", 1)[0])):
            self.store.heard_line(object_id, line)

    def resubscribed(self, channel_name: bytes) -> None:
        self.refresh_soon(self.topic.of_channel(channel_name))

    def moved_away(self, channel_name: bytes) -> None:
        self.moved(self.topic.of_channel(channel_name))

    def refresh_soon(self, object_id: str) -> None:
        if object_id in self._watchers:
            self.spawn(self._refresh(object_id))

    def moved(self, object_id: str) -> None:
        """The object's slot lives elsewhere now: subscribe there and read it."""
        if object_id in self._watchers:
            self._routes.pop(object_id, None)
            self.spawn(self._rewatch(object_id))

    def link_suspect(self, link: NodeLink) -> None:
        """A link timed out, was redirected or keeps failing: on a Cluster the slot map
        may be stale. Refresh it and move the objects whose slot has a new owner."""
        if not self.sharded or (self._topology is not None and not self._topology.done()):
            return  # one server: redis-py reconnects to it, and re-subscribing heals
        self._topology = asyncio.create_task(self._reroute(link), name="tohyo-reroute")

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- inside ----------------------------------------------------------------------

    def _route(self, object_id: str) -> NodeLink:
        if self.sharded:
            node = self._client.get_node_from_key(self.topic.channel(object_id))
            link = self._links.get(node.name)
            if link is None:
                link = NodeLink(self, node_client(node), node.name, owns_client=True)
        else:
            link = self._links.get("redis") or NodeLink(
                self, self._client, "redis", owns_client=False
            )
        self._links[link.name] = link
        self._routes[object_id] = link
        return link

    async def _reroute(self, link: NodeLink) -> None:
        with contextlib.suppress(*FAILURES):
            await self._client.nodes_manager.initialize()
        for object_id, routed in list(self._routes.items()):
            try:
                owner = self._client.get_node_from_key(self.topic.channel(object_id)).name
            except FAILURES:
                continue
            if routed is link and owner != link.name:
                self.moved(object_id)

    async def _rewatch(self, object_id: str) -> None:
        name = self.topic.channel(object_id).encode()
        while object_id in self._watchers:
            try:
                await self._route(object_id).subscribe(name)
            except (StorageError, *FAILURES) as error:
                log.warning("re-subscribing %s: %s", object_id, error)
                await asyncio.sleep(1.0)
                continue
            await self._refresh(object_id)
            return

    async def _refresh(self, object_id: str, *, rollback: bool = False) -> None:
        """Read the object and tell the feed if it is news; with `rollback`, reset the
        viewers if Redis has less than this process had heard before the read."""
        heard_before = self._versions.get(object_id, 0)
        try:
            latest = await self.store.latest(object_id, time.time_ns() // 1_000_000)
        except NotFound:
            return  # expired or deleted: the feed's own timer ends its streams
        except TohyoError:
            return  # storage trouble: the next resync tries again
        if object_id not in self._watchers:
            return
        if latest.version >= self._versions.get(object_id, 0):
            # Equal counts too: a message may have been noted before the store could use
            # it (a session's definition unknown, a gap in an event's versions).
            self._versions[object_id] = latest.version
            self.store.heard(latest)
        elif rollback and latest.version < heard_before:
            self._versions[object_id] = latest.version
            self.store.rolled_back(latest)
        # Otherwise newer versions were heard while the read was on its way: it is stale.

    async def _resync_forever(self) -> None:
        while True:
            await asyncio.sleep(self._resync_interval)
            try:
                await self._resync()
            except Exception:  # never let one bad round end the healing
                log.exception("resync failed")

    async def _resync(self) -> None:
        # What was heard before the reads are sent is all a stored version can be held to.
        heard_before = dict(self._versions)
        watched = list(self._watchers)
        if not watched:
            return
        try:
            pipe = self._client.pipeline(transaction=False)
            for object_id in watched:
                pipe.hget(self.topic.key(object_id), "v")
            versions = await pipe.execute()
        except FAILURES as error:
            log.warning("resync: %s", error)
            return
        for object_id, raw in zip(watched, versions, strict=True):
            if raw is None:
                continue
            stored = int(raw)
            if stored > self._versions.get(object_id, 0):
                await self._refresh(object_id)
            elif stored < heard_before.get(object_id, 0):
                # Redis lost writes that viewers were shown. Show them what is stored.
                await self._refresh(object_id, rollback=True)
