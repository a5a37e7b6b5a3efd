"""The change feed across processes: Redis pub/sub, healed from the stored state.

A process subscribes to the channel of every session it has viewers for — on a Cluster
with sharded pub/sub (SSUBSCRIBE) on the node that owns the session's slot, so a message
never crosses the whole cluster — and hands each state line to the store, which tells
the local feed. The feed coalesces as it does for every backend.

Pub/sub is "at most once": a dropped connection loses whatever was published meanwhile.
Messages carry the whole state, so a gap needs no repair: the next message is complete.
What is left is a loss with nothing after it, so the feed heals itself from storage:

- a subscription confirmed again after a reconnect (redis-py re-subscribes by itself)
  triggers a read of that session;
- every `resync_interval` seconds the versions of all watched sessions are read in one
  pipeline, and a session whose stored version is newer than the newest one heard is read
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
from typing import Any, Protocol

from tohyo.domain import Session
from tohyo.errors import NotFound, StorageError, TohyoError
from tohyo.storage.redis_keys import FAILURES, channel, session_key, session_of_channel
from tohyo.storage.redis_links import NodeLink, node_client, unavailable

log = logging.getLogger("tohyo.storage.redis")


class WatchedStore(Protocol):
    """What the subscriber needs of the store it heals (RedisStore), named here so that
    this module does not import the store that imports it."""

    async def read(self, session_id: str, voter_key: bytes, now: int) -> tuple[Session, bool]: ...

    def heard_line(self, session_id: str, line: bytes) -> None: ...

    def heard(self, session: Session) -> None: ...

    def rolled_back(self, session: Session) -> None: ...


class ChangeSubscriber:
    def __init__(
        self,
        store: WatchedStore,
        client: Any,
        *,
        sharded: bool,
        resync_interval: float = 2.0,
        subscribe_timeout: float = 5.0,
    ) -> None:
        self.store = store
        self.sharded = sharded
        self.subscribe_timeout = subscribe_timeout
        self._client = client
        self._watchers: dict[str, int] = {}  # session id -> stream handlers watching it
        self._versions: dict[str, int] = {}  # newest version heard per watched session
        self._links: dict[str, NodeLink] = {}  # node name -> link
        self._routes: dict[str, NodeLink] = {}  # session id -> the link it is watched on
        self._background: set[asyncio.Future[Any]] = set()
        self._resync_interval = resync_interval
        self._resyncer: asyncio.Task[None] | None = None
        self._topology: asyncio.Task[None] | None = None

    # --- what the store asks -----------------------------------------------------------

    async def watch(self, session_id: str) -> None:
        """Subscribe to the session's changes; return once the subscription is live."""
        self._watchers[session_id] = self._watchers.get(session_id, 0) + 1
        try:
            link = self._routes.get(session_id) or self._route(session_id)
            await link.subscribe(channel(session_id).encode())
        except BaseException as error:
            self.unwatch(session_id)
            if isinstance(error, FAILURES):
                raise unavailable(error) from None
            raise
        if self._resyncer is None and self._resync_interval > 0:
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
            name = channel(session_id).encode()
            self.spawn(link.unsubscribe(name, partial(self.wants, name)))

    def wants(self, channel_name: bytes) -> bool:
        return session_of_channel(channel_name) in self._watchers

    def saw(self, session_id: str, version: int) -> bool:
        """Note `version` of a watched session; False if it is not newer than known."""
        if session_id not in self._watchers or version <= self._versions.get(session_id, 0):
            return False
        self._versions[session_id] = version
        return True

    async def close(self) -> None:
        for task in (self._resyncer, self._topology, *self._background):
            if task is not None:
                task.cancel()
        for link in self._links.values():
            await link.close()

    # --- what the links report ---------------------------------------------------------

    def received(self, channel_name: bytes, line: bytes) -> None:
        session_id = session_of_channel(channel_name)
        if self.saw(session_id, int(line.split(b" ", 1)[0])):
            self.store.heard_line(session_id, line)

    def resubscribed(self, channel_name: bytes) -> None:
        self.refresh_soon(session_of_channel(channel_name))

    def moved_away(self, channel_name: bytes) -> None:
        self.moved(session_of_channel(channel_name))

    def refresh_soon(self, session_id: str) -> None:
        if session_id in self._watchers:
            self.spawn(self._refresh(session_id))

    def moved(self, session_id: str) -> None:
        """The session's slot lives elsewhere now: subscribe there and read it."""
        if session_id in self._watchers:
            self._routes.pop(session_id, None)
            self.spawn(self._rewatch(session_id))

    def link_suspect(self, link: NodeLink) -> None:
        """A link timed out, was redirected or keeps failing: on a Cluster the slot map
        may be stale. Refresh it and move the sessions whose slot has a new owner."""
        if not self.sharded or (self._topology is not None and not self._topology.done()):
            return  # one server: redis-py reconnects to it, and re-subscribing heals
        self._topology = asyncio.create_task(self._reroute(link), name="tohyo-reroute")

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- inside ----------------------------------------------------------------------

    def _route(self, session_id: str) -> NodeLink:
        if self.sharded:
            node = self._client.get_node_from_key(channel(session_id))
            link = self._links.get(node.name)
            if link is None:
                link = NodeLink(self, node_client(node), node.name, owns_client=True)
        else:
            link = self._links.get("redis") or NodeLink(
                self, self._client, "redis", owns_client=False
            )
        self._links[link.name] = link
        self._routes[session_id] = link
        return link

    async def _reroute(self, link: NodeLink) -> None:
        with contextlib.suppress(*FAILURES):
            await self._client.nodes_manager.initialize()
        for session_id, routed in list(self._routes.items()):
            try:
                owner = self._client.get_node_from_key(channel(session_id)).name
            except FAILURES:
                continue
            if routed is link and owner != link.name:
                self.moved(session_id)

    async def _rewatch(self, session_id: str) -> None:
        name = channel(session_id).encode()
        while session_id in self._watchers:
            try:
                await self._route(session_id).subscribe(name)
            except (StorageError, *FAILURES) as error:
                log.warning("re-subscribing %s: %s", session_id, error)
                await asyncio.sleep(1.0)
                continue
            await self._refresh(session_id)
            return

    async def _refresh(self, session_id: str, *, rollback: bool = False) -> None:
        """Read the session and tell the feed if it is news; with `rollback`, reset the
        viewers if Redis has less than this process had heard before the read."""
        heard_before = self._versions.get(session_id, 0)
        try:
            session, _ = await self.store.read(session_id, b"", time.time_ns() // 1_000_000)
        except NotFound:
            return  # expired or deleted: the feed's own timer ends its streams
        except TohyoError:
            return  # storage trouble: the next resync tries again
        if session_id not in self._watchers:
            return
        if session.version >= self._versions.get(session_id, 0):
            # Equal counts too: a message may have been noted before its definition was
            # known, and so never reached the listeners.
            self._versions[session_id] = session.version
            self.store.heard(session)
        elif rollback and session.version < heard_before:
            self._versions[session_id] = session.version
            self.store.rolled_back(session)
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
            for session_id in watched:
                pipe.hget(session_key(session_id), "v")
            versions = await pipe.execute()
        except FAILURES as error:
            log.warning("resync: %s", error)
            return
        for session_id, raw in zip(watched, versions, strict=True):
            if raw is None:
                continue
            stored = int(raw)
            if stored > self._versions.get(session_id, 0):
                await self._refresh(session_id)
            elif stored < heard_before.get(session_id, 0):
                # Redis lost writes that viewers were shown. Show them what is stored.
                await self._refresh(session_id, rollback=True)
