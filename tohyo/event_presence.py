"""How many participants are connected to each watched event, for the host's screens.

A process knows exactly who holds a stream to it: the distinct participant keys of an
event's topic (`EventTopic.participants`; the host's own streams are not among them).
Every PRESENCE_INTERVAL it tells storage that count for each event it has viewers of, and
gets back the count over every process (`EventStore.count_present`: its own on memory and
SQLite, the sum of every process's fresh count on Redis). A topic whose total changed
sends it to the host's streams (`EventTopic.show_presence`); the host's screens show
"N connected". An event whose last stream here closed says 0 once, so the other
processes' totals drop now rather than when this process's count lapses.

The work is bounded: one storage call per watched event per round, a few in flight at a
time, and the next round waits for this one. Presence is advisory: a failing store
answers this process's own count, and a round that fails is simply the next round's to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from tohyo.feed import EventFeed, EventTopic
from tohyo.storage.events import PRESENCE_FRESH_MS, EventStore

log = logging.getLogger("tohyo.events")

# Seconds between rounds: a third of how long storage keeps a count, so a round that runs
# late never makes a live process's phones vanish from the total.
PRESENCE_INTERVAL = PRESENCE_FRESH_MS / 3 / 1000
IN_FLIGHT = 16  # storage calls of one round at once (each worker makes one at a time)


class EventPresence:
    def __init__(
        self,
        store: EventStore,
        feed: EventFeed,
        clock: Callable[[], int],
        interval: float = PRESENCE_INTERVAL,
    ) -> None:
        self._store = store
        self._feed = feed
        self._clock = clock
        self._interval = interval
        # The events this process last said it had participants of, with how many: the
        # ones to say 0 for once their topic is gone.
        self._reported: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name="tohyo-presence")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            try:
                await self.round()
            except Exception:  # the next round counts again; streams go on regardless
                log.exception("counting who is connected failed")
            await asyncio.sleep(max(0.0, self._interval - (loop.time() - began)))

    async def round(self) -> None:
        """Count every watched event once, and tell the host's streams what changed."""
        watched = {
            topic.session_id: topic
            for topic in self._feed.event_topics()
            if topic.viewers and topic.ended is None
        }
        left: list[tuple[str, EventTopic | None]] = [
            (event_id, None) for event_id in self._reported if event_id not in watched
        ]
        jobs = iter([*watched.items(), *left])

        async def worker() -> None:
            for event_id, topic in jobs:  # one iterator: each event is taken once
                await self._count(event_id, topic)

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))

    async def _count(self, event_id: str, topic: EventTopic | None) -> None:
        # Counted at the call, not at the round's start: who left meanwhile is not here.
        here = len(topic.participants) if topic is not None else 0
        total = await self._store.count_present(event_id, here, self._clock())
        if here:
            self._reported[event_id] = here
        else:
            self._reported.pop(event_id, None)
        if topic is not None:
            topic.show_presence(total)
