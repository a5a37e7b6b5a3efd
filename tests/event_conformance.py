"""What the event conformance suites share: a real clock's NOW, join codes drawn from a
space the test chooses, waiting for a condition (never a bare sleep), and what the
listeners are told."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator

import pytest

from tohyo.domain.event import Event
from tohyo.storage import events as event_storage
from tohyo.storage import open_store
from tohyo.storage.events import Answer, EventStore

# A real time: Redis deletes keys at their expiresAt by its own clock. It is read once, as
# the suite is collected, and a whole run lasts tens of minutes (more on a busy machine),
# so every expiry a test sets from it must lie hours ahead, not minutes: a 10-minute
# retention expired ended events before the late Redis tests could read them.
NOW = (time.time_ns() // 1_000_000 // 1000) * 1000
TTL = 86_400_000  # a day: no key expires while the suite runs


@pytest.fixture
async def events(storage: str) -> AsyncIterator[EventStore]:
    """A fresh, started store of the test's backend (`conftest.storage`), and its events;
    a suite takes it by importing it."""
    s = open_store(storage)
    await s.start()
    yield s.events
    await s.close()


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


class Heard:
    """What an event's listeners are told, for one event: the versions in the order told
    and every answer they carry. A store may tell several changes at once (a shared
    store's copy catches up by more than one version), but never a state twice or an
    older one after a newer, and every answer once."""

    def __init__(self, events: EventStore, event_id: str) -> None:
        self.versions: list[int] = []
        self.answers: list[Answer] = []
        self.last: Event | None = None

        def listen(event: Event, answers: Collection[Answer]) -> None:
            if event.event_id == event_id:
                self.versions.append(event.version)
                self.answers.extend(answers)
                self.last = event

        events.add_event_listener(listen)

    async def reach(self, version: int) -> Event:
        await until(lambda: self.last is not None and self.last.version >= version)
        assert self.last is not None
        return self.last

    def check_order(self) -> None:
        assert self.versions == sorted(set(self.versions)), "a state told twice, or late"
        assert len(set(self.answers)) == len(self.answers), "an answer told twice"
