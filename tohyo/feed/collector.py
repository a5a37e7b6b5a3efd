"""Open streams out of the garbage collector's way: `Freezer`.

Every open stream is some fifty objects the collector tracks (the server's connection,
its request, the handler's coroutines, the viewer), and they live for as long as the
stream does. A full (generation 2) collection walks every one of them: with 10,000 phones
on an event that is about 600,000 objects and a pause of 200–450 ms, which fell inside
every 10,000-phone answer flood (BENCHMARKS.md, "Events"). Young collections never reach
them, and a stream's objects are freed by reference counting when it ends (none is left
in a cycle: tests/test_stream_collector.py checks), so the collector has nothing to gain
by walking them.

So once streams have attached, the feed moves everything the collector tracks into its
permanent generation (`gc.freeze()`), which no collection walks. A viewer attaching arms
a check FREEZE_DELAY later (a room fills in a burst: one check covers it), which freezes
if at least FREEZE_AFTER viewers attached since the last freeze; if fewer did, the next
attach arms another check. Young garbage is collected just before (`gc.collect(1)`, which
walks only the young generations), so none of it is frozen.

The price: an object frozen that later becomes part of a garbage *cycle* is not freed
while it stays frozen (reference counting still frees everything else). So when the last
viewer leaves, or the feed shuts down, everything is thawed (`gc.unfreeze()`) and the
collector's next full collection, over a server with no stream open, takes back anything
such a cycle held. A server that always has a stream open never gets there, so a freeze
due FULL_EVERY or more after the last full collection thaws and runs one first: at most
one pause in that time, when a crowd is joining rather than voting, and garbage cycles
kept at most that long.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

FREEZE_AFTER = 100  # viewers attached since the last freeze that are worth one
FREEZE_DELAY = 1.0  # seconds after the first of them: the rest of the burst comes too
FULL_EVERY = 600.0  # seconds: the longest a frozen garbage cycle is kept while streams stay


class Freezer:
    """Freezes the collector's objects after streams attach; thaws when none is open."""

    def __init__(
        self,
        after: int = FREEZE_AFTER,
        delay: float = FREEZE_DELAY,
        full_every: float = FULL_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.after = after
        self.delay = delay
        self.full_every = full_every
        self.clock = clock
        self._last_full = clock()  # a thaw counts: the collector may walk everything then
        self._attached = 0  # viewers attached since the last freeze (or thaw)
        self._timer: asyncio.TimerHandle | None = None
        self.frozen = False  # whether this freezer froze and has not thawed since
        self.checks = 0  # how many times it looked whether to freeze, and froze
        self.freezes = 0
        self.full_collections = 0  # run here before a freeze, to free frozen garbage cycles

    def attached(self) -> None:
        """One more viewer attached."""
        self._attached += 1
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay, self._due)

    def idle(self) -> None:
        """No viewer is attached any more: thaw, so the collector sees everything again."""
        self._cancel()
        self._attached = 0
        self._thaw()

    def shutdown(self) -> None:
        self.idle()

    def _due(self) -> None:
        self._timer = None
        self.checks += 1
        if self._attached < self.after:
            return  # too few yet: the next attach looks again, FREEZE_DELAY later
        self._attached = 0
        if self.frozen and self.clock() - self._last_full >= self.full_every:
            self._thaw()
            gc.collect()  # everything, once: cycles that held frozen objects are freed
            self.full_collections += 1
            self._last_full = self.clock()
        gc.collect(1)  # the young generations only: cheap, and no young garbage is frozen
        gc.freeze()
        self.frozen = True
        self.freezes += 1

    def _thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
            self._last_full = self.clock()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
