"""Pub/sub connections for the change feed: one `NodeLink` per Redis node.

A link subscribes and unsubscribes channels in the order they were decided, reads its
connection forever, and reports what it hears to its owner (a `ChangeSubscriber`,
`redis_feed.py`) by channel name: messages, confirmations that come again after a
reconnect (what was published in between is lost), and unsubscriptions nobody asked for
(on a Cluster, the slot moved). It knows nothing of what a channel's messages mean.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import AskError, MovedError

from tohyo.errors import StorageError
from tohyo.storage.redis_keys import FAILURES

log = logging.getLogger("tohyo.storage.redis")

# A channel nobody publishes to, subscribed on every link so its connection stays in
# subscribed mode (and redis-py can block reading it) even with no channel watched.
IDLE_CHANNEL = b"tohyo:idle"


class LinkOwner(Protocol):
    """What a link reports to, named here so that this module imports no subscriber."""

    sharded: bool  # SSUBSCRIBE (a Cluster's sharded pub/sub) rather than SUBSCRIBE
    subscribe_timeout: float

    def received(self, channel_name: bytes, data: bytes) -> None: ...

    def wants(self, channel_name: bytes) -> bool: ...

    def resubscribed(self, channel_name: bytes) -> None:
        """Confirmed again after a reconnect: whatever was published meanwhile is lost."""

    def moved_away(self, channel_name: bytes) -> None:
        """Unsubscribed without asking: the channel's slot moved to another node."""

    def link_suspect(self, link: NodeLink) -> None: ...

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None: ...


def unavailable(cause: BaseException) -> StorageError:
    error = StorageError()
    error.__cause__ = cause
    return error


class NodeLink:
    """One pub/sub connection to one Redis node, and the channels watched through it."""

    def __init__(self, owner: LinkOwner, client: Any, name: str, *, owns_client: bool) -> None:
        self.name = name
        self._owner = owner
        self._client = client
        self._owns_client = owns_client
        self._pubsub = client.pubsub()
        self._sharded = owner.sharded
        self._pending: dict[bytes, asyncio.Future[None]] = {}  # awaiting confirmation
        self._live: set[bytes] = set()  # confirmed and wanted
        self._leaving: set[bytes] = set()  # unsubscribes we sent, awaiting confirmation
        # Subscribes and unsubscribes go out in the order they were decided, so a viewer
        # arriving just as the last one leaves is never left unsubscribed.
        self._order = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    async def subscribe(self, name: bytes) -> None:
        """Subscribe, or join a subscription that is live or on its way; StorageError if
        Redis does not confirm it in time."""
        if name in self._live and name not in self._pending:
            return
        future = self._pending.get(name)
        if future is None:
            future = self._pending[name] = asyncio.get_running_loop().create_future()
            try:
                async with self._order:
                    await self._start()
                    await self._send(name, subscribe=True)
            except FAILURES as error:
                self._fail(name, error)
        try:
            await asyncio.wait_for(asyncio.shield(future), self._owner.subscribe_timeout)
        except TimeoutError as error:
            # Give up on this attempt so the next viewer tries afresh, and suspect the
            # route: on a Cluster the slot may have moved.
            self._fail(name, error)
            self._owner.link_suspect(self)
            raise unavailable(error) from None

    async def unsubscribe(self, name: bytes, wanted: Callable[[], bool]) -> None:
        async with self._order:
            if wanted():
                return
            self._live.discard(name)
            self._leaving.add(name)
            await self._send(name, subscribe=False)

    def fail_pending(self, cause: BaseException) -> None:
        for name in list(self._pending):
            self._fail(name, cause)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        with contextlib.suppress(*FAILURES):
            await self._pubsub.aclose()
            if self._owns_client:
                await self._client.aclose()

    # --- inside ----------------------------------------------------------------------

    async def _send(self, name: bytes, *, subscribe: bool) -> None:
        if self._sharded:
            command = self._pubsub.ssubscribe if subscribe else self._pubsub.sunsubscribe
        else:
            command = self._pubsub.subscribe if subscribe else self._pubsub.unsubscribe
        await command(name)

    def _fail(self, name: bytes, cause: BaseException) -> None:
        future = self._pending.pop(name, None)
        if future is not None and not future.done():
            future.set_exception(unavailable(cause))

    async def _start(self) -> None:
        if self._reader is None:
            await self._pubsub.subscribe(IDLE_CHANNEL)
            self._reader = asyncio.create_task(self._read(), name=f"tohyo-pubsub-{self.name}")

    async def _read(self) -> None:
        failures = 0
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except (MovedError, AskError) as error:
                # A subscription went to a node that no longer owns its slot.
                log.warning("pub/sub link %s: %s", self.name, error)
                self.fail_pending(error)
                self._owner.link_suspect(self)
                continue
            except FAILURES as error:
                failures += 1
                log.warning("pub/sub link %s: %s (retrying)", self.name, error)
                if failures >= 3:
                    self._owner.link_suspect(self)
                await asyncio.sleep(min(2.0, 0.05 * 2**failures))
                continue
            failures = 0
            if message is not None:
                self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        name: bytes = message["channel"]
        if name == IDLE_CHANNEL:
            return
        if kind in ("message", "smessage"):
            self._owner.received(name, message["data"])
        elif kind in ("subscribe", "ssubscribe"):
            future = self._pending.pop(name, None)
            if future is not None and not future.done():
                future.set_result(None)  # a new viewer reads the state itself
            if not self._owner.wants(name):
                # A confirmation that came too late, or a re-subscription redis-py made
                # after a reconnect for a channel nobody watches any more.
                wanted = partial(self._owner.wants, name)
                self._owner.spawn(self.unsubscribe(name, wanted))
            elif name in self._live:
                # Confirmed before: this is a reconnect, and whatever was published in
                # between is lost to this process.
                self._owner.resubscribed(name)
            else:
                self._live.add(name)
        elif kind in ("unsubscribe", "sunsubscribe"):
            if name in self._leaving:
                self._leaving.discard(name)
            elif name in self._live:
                # Unasked: the slot moved to another node (resharding, failover).
                self._live.discard(name)
                self._owner.moved_away(name)


def node_client(node: Any) -> Any:
    """A client for one cluster node's pub/sub, connecting exactly as the cluster client
    does (TLS, credentials and all)."""
    pool = aioredis.ConnectionPool(connection_class=node.connection_class, **node.connection_kwargs)
    return aioredis.Redis(connection_pool=pool)
