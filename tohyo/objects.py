"""Session objects: what the web layer talks to — storage, the change feed, and expiry.

This is the Python side of "one durable object per session". Storage decides every
operation atomically and durably and reports each committed change; the feed
(`tohyo.feed`) carries it to every viewer; the sweeper deletes expired sessions and ends
their streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from tohyo import domain
from tohyo.domain import Session
from tohyo.domain.model import Ballot
from tohyo.errors import NotFound, TohyoError
from tohyo.event_objects import EventObjects
from tohyo.feed import EventFeed, Topic, Viewer
from tohyo.qa_objects import QaObjects
from tohyo.quiz_objects import QuizObjects
from tohyo.storage.base import Store

log = logging.getLogger("tohyo.objects")


SETTLE_TRIES = 120  # a deadline close is retried for about two minutes of storage trouble
SETTLE_RETRY = 1.0  # seconds


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class SessionObjects:
    """Storage plus feed plus the expiry sweeper: what the web layer talks to."""

    def __init__(
        self,
        store: Store,
        *,
        stream_interval: float,
        heartbeat: float,
        sweep_interval: float,
        clock: Callable[[], int] = now_ms,
        event_retention: float = 30 * 86_400,
    ) -> None:
        self.store = store
        # One feed for sessions and events: one heartbeat timer for every stream.
        self.feed = EventFeed(
            stream_interval,
            heartbeat,
            clock,
            on_deadline=self._deadline_due,
            on_event_deadline=lambda event_id, due: self.events.deadline_due(event_id, due),
        )
        self.events = EventObjects(store.events, self.feed, clock, int(event_retention * 1000))
        self.quiz = QuizObjects(store.events, clock)
        self.qa = QaObjects(store.events, self.feed, clock)
        self.clock = clock
        self._sweep_interval = sweep_interval
        self._sweeper: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        store.add_listener(self.feed.publish)
        store.add_rollback_listener(self.feed.reset)

    async def start(self) -> None:
        await self.store.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="tohyo-sweeper")
        self.events.start()
        self.qa.start()

    async def stop(self) -> None:
        self.feed.shutdown()
        await self.events.stop()
        await self.qa.stop()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.store.close()

    async def sweep(self) -> list[str]:
        """Delete expired sessions and end their streams (`events.sweep` does events)."""
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
                await self.events.sweep()
            except Exception:  # a failed sweep is retried next time; serving goes on
                log.exception("expiry sweep failed")

    # --- watching -----------------------------------------------------------------------

    async def watch(self, session_id: str) -> Topic:
        """The session's topic, receiving every committed change from here on (from other
        processes too). Call before reading the session, so no change slips in between."""
        topic = self.feed.watch(session_id)
        try:
            await self.store.watch(session_id)
        except BaseException:
            self.feed.release(topic)
            raise
        return topic

    def release(self, topic: Topic, viewer: Viewer | None = None) -> None:
        self.feed.release(topic, viewer)
        self.store.unwatch(topic.session_id)

    def _deadline_due(self, session_id: str, due: int) -> None:
        """A watched session's deadline: any operation closes it now; a read will do."""
        task = asyncio.create_task(self._settle(session_id, due))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _settle(self, session_id: str, due: int) -> None:
        # A timer may fire a hair before the clock reads the deadline: the deadline has
        # come all the same. If storage is in trouble, try again while anyone watches:
        # an idle session's viewers would otherwise never hear that voting closed.
        for _ in range(SETTLE_TRIES):
            try:
                await self.store.get(session_id, None, max(self.clock(), due))
                return
            except NotFound:
                return  # gone: its streams end by expiry
            except TohyoError:
                if not self.feed.watched(session_id):
                    return  # nobody waits; the next operation closes it
                await asyncio.sleep(SETTLE_RETRY)

    # --- the operations, timed by this object's clock ---------------------------------

    async def create(
        self, definition: domain.Definition, initial: domain.State | None = None
    ) -> Session:
        return await self.store.create(definition, initial)

    async def configure(
        self,
        session_id: str,
        visibility: domain.Visibility | None = None,
        closes_at: int | None = None,
    ) -> Session:
        return await self.store.configure(session_id, self.clock(), visibility, closes_at)

    async def get(self, session_id: str, voter_key: bytes | None) -> tuple[Session, Ballot]:
        """The session and `voter_key`'s ballot (its choice ids; empty: none)."""
        return await self.store.get(session_id, voter_key, self.clock())

    def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Awaitable[Session]:
        # The store's own coroutine, not one wrapping it: a frame less on every vote.
        return self.store.cast(session_id, voter_key, choice_ids, now)

    async def close_voting(self, session_id: str) -> Session:
        return await self.store.close_voting(session_id, self.clock())
