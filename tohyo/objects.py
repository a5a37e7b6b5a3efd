"""Session objects: the namespace of live sessions, their change feed, and expiry.

This is the Python side of "one durable object per session". Storage decides every
operation atomically and durably; this module turns committed changes into stream
events. Each watched session has one `Topic` holding its newest committed state; viewers
wait on the topic's shared wake-up future, and a publish wakes them at most once per
`interval` (coalescing). A viewer that is slow simply reads the newest state when it gets
round to it, so nothing queues per viewer and memory stays flat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Literal

from tohyo import domain
from tohyo.domain import Session
from tohyo.storage.base import Store

log = logging.getLogger("tohyo.objects")

EndReason = Literal["expired", "shutdown"]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Topic:
    """The newest committed state of one session and the viewers waiting for it."""

    __slots__ = (
        "_cache",
        "_flush",
        "_last_flush",
        "_wakeup",
        "ended",
        "session",
        "session_id",
        "viewers",
    )

    def __init__(self, session_id: str, loop: asyncio.AbstractEventLoop) -> None:
        self.session_id = session_id
        self.session: Session | None = None
        self.ended: EndReason | None = None
        self.viewers = 0
        self._wakeup: asyncio.Future[None] = loop.create_future()
        self._flush: asyncio.Handle | None = None
        self._last_flush = 0.0
        self._cache: dict[tuple[int, str, bool], bytes] = {}

    @property
    def wakeup(self) -> asyncio.Future[None]:
        """Resolves at the next coalesced change (or end); a fresh future after each."""
        return self._wakeup

    def event(self, kind: str, with_counts: bool) -> bytes:
        """The SSE frame of the current state, rendered once per audience and version."""
        assert self.session is not None
        key = (self.session.version, kind, with_counts)
        frame = self._cache.get(key)
        if frame is None:
            if len(self._cache) > 8:
                self._cache.clear()
            frame = sse_frame(
                kind, self.session.version, domain.snapshot(self.session, with_counts)
            )
            self._cache[key] = frame
        return frame

    def wake(self) -> None:
        self._flush = None
        self._last_flush = time.monotonic()
        waiters, self._wakeup = self._wakeup, self._wakeup.get_loop().create_future()
        waiters.set_result(None)


class Feed:
    """Fans committed session states out to the topics that have viewers."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._topics: dict[str, Topic] = {}

    @property
    def viewers(self) -> int:
        return sum(t.viewers for t in self._topics.values())

    def watch(self, session_id: str) -> Topic:
        """Register a viewer *before* reading the session, so no change slips between."""
        topic = self._topics.get(session_id)
        if topic is None:
            topic = Topic(session_id, asyncio.get_running_loop())
            self._topics[session_id] = topic
        topic.viewers += 1
        return topic

    def release(self, topic: Topic) -> None:
        topic.viewers -= 1
        if topic.viewers <= 0 and self._topics.get(topic.session_id) is topic:
            del self._topics[topic.session_id]
            if topic._flush is not None:
                topic._flush.cancel()

    def offer(self, topic: Topic, session: Session) -> bool:
        """Keep `session` if it is newer than what the topic holds (absolute states)."""
        if topic.session is None or session.version > topic.session.version:
            topic.session = session
            return True
        return False

    def publish(self, session: Session) -> None:
        """Change listener: called by storage after each committed change."""
        topic = self._topics.get(session.session_id)
        if topic is None or topic.ended or not self.offer(topic, session):
            return
        if topic._flush is None:
            delay = topic._last_flush + self.interval - time.monotonic()
            loop = topic.wakeup.get_loop()
            if delay <= 0:
                topic._flush = loop.call_soon(topic.wake)
            else:
                topic._flush = loop.call_later(delay, topic.wake)

    def end(self, session_id: str, reason: EndReason) -> None:
        topic = self._topics.get(session_id)
        if topic is not None and topic.ended is None:
            topic.ended = reason
            topic.wake()

    def shutdown(self) -> None:
        for session_id in list(self._topics):
            self.end(session_id, "shutdown")


def sse_frame(kind: str, version: int, data: object) -> bytes:
    from orjson import dumps

    return b"id: %d\nevent: %s\ndata: %s\n\n" % (version, kind.encode(), dumps(data))


class SessionObjects:
    """Storage plus feed plus the expiry sweeper: what the web layer talks to."""

    def __init__(
        self,
        store: Store,
        *,
        stream_interval: float,
        sweep_interval: float,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.store = store
        self.feed = Feed(stream_interval)
        self.clock = clock
        self._sweep_interval = sweep_interval
        self._sweeper: asyncio.Task[None] | None = None
        store.add_listener(self.feed.publish)

    async def start(self) -> None:
        await self.store.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="tohyo-sweeper")

    async def stop(self) -> None:
        self.feed.shutdown()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.store.close()

    async def sweep(self) -> list[str]:
        """Delete expired sessions and end their streams."""
        gone: list[str] = []
        while True:
            batch = await self.store.expire(self.clock())
            for session_id in batch:
                self.feed.end(session_id, "expired")
            gone += batch
            if len(batch) < 500:
                return gone

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_interval)
            try:
                await self.sweep()
            except Exception:  # a failed sweep is retried next time; serving goes on
                log.exception("expiry sweep failed")

    # --- the operations, timed by this object's clock ---------------------------------

    async def create(self, definition: domain.Definition) -> Session:
        return await self.store.create(definition)

    async def get(self, session_id: str, voter_key: bytes | None) -> tuple[Session, bool]:
        return await self.store.get(session_id, voter_key, self.clock())

    async def cast(self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...]) -> Session:
        return await self.store.cast(session_id, voter_key, choice_ids, self.clock())

    async def close_voting(self, session_id: str) -> Session:
        return await self.store.close_voting(session_id, self.clock())
