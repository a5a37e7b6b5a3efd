"""uvicorn's per-connection state, lighter: about 1.7 KB off every connection, a fifth of
what an idle stream costs (BENCHMARKS.md, "Memory").

uvicorn keeps three empty deques per connection (an empty deque is 624 bytes): its queue
of pipelined requests, and the waiters of two asyncio.Events that never have more than
one. Lists do what uvicorn and asyncio ask of them there, in 56 bytes. Each is swapped only
while it is the empty deque expected, so another uvicorn or Python that keeps them
otherwise is left as it is (tests/test_connections.py runs pipelined requests, bodies in
parts and stalled readers through them).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class Pipeline(list):  # type: ignore[type-arg]
    """uvicorn's queue of pipelined requests, with the deque methods a queue is used by:
    uvicorn appendlefts and pops; it holds one or two requests at most, so an insert at 0
    costs nothing."""

    __slots__ = ()

    def appendleft(self, item: Any) -> None:
        self.insert(0, item)

    def popleft(self) -> Any:
        return super().pop(0)


def lighter_pipeline(pipeline: Any) -> Any:
    """A `Pipeline` for uvicorn's empty deque; anything else as it is."""
    return Pipeline() if isinstance(pipeline, deque) and not pipeline else pipeline


def lighten(event: asyncio.Event) -> None:
    """Its waiters in a list (asyncio appends, removes and iterates them)."""
    waiters = getattr(event, "_waiters", None)
    if isinstance(waiters, deque) and not waiters:
        event._waiters = []  # type: ignore[assignment]
