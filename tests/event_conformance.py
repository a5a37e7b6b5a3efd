"""What the event conformance suites share: a real clock's NOW, join codes drawn from a
space the test chooses, and waiting for a condition (never a bare sleep)."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from tohyo.storage import events as event_storage

# A real time: Redis deletes keys at their expiresAt by its own clock.
NOW = (time.time_ns() // 1_000_000 // 1000) * 1000
TTL = 3_600_000  # an hour: no key expires while the suite runs


def draw_codes(monkeypatch: pytest.MonkeyPatch, candidates: Callable[[], Iterator[str]]) -> None:
    """Make every backend draw join codes from `candidates()`: each module of tohyo's
    that holds `code_candidates` (by `from … import` or as `events.code_candidates`)."""
    original = event_storage.code_candidates
    patched = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("tohyo.") and getattr(module, "code_candidates", None) is original:
            monkeypatch.setattr(module, "code_candidates", candidates)
            patched += 1
    assert patched, "no module of tohyo's draws join codes through code_candidates"


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `condition()` holds (listeners of a shared store hear changes through
    its channel, a moment after the change returns)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.01)
