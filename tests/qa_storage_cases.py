"""What the Q&A storage suites (tests/test_qa_storage*.py) share: an event to ask in, a
question asked as the web layer asks it, more processes on a shared store, and what the
Q&A listeners are told."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tohyo.domain.event import Event
from tohyo.domain.qa import QaEntry, QaStatus
from tohyo.storage import open_store
from tohyo.storage.events import EventStore

RETENTION = TTL // 2  # as the conformance suite's: hours ahead, shorter than TTL
DURABLE = ["sqlite", "redis", "redis-cluster"]


def draft(event_id: str = "e1", ttl: int = TTL) -> Event:
    return new_event(spec("One?"), now=NOW, event_id=event_id, ttl=ttl)


async def ask(
    events: EventStore,
    who: int,
    text: str | None = None,
    status: QaStatus = "approved",
    *,
    event_id: str = "e1",
    nickname: str | None = None,
    filtered: bool = False,
    now: int = NOW,
) -> QaEntry:
    """Participant `who` asks (an open Q&A's entry by default)."""
    text = text if text is not None else f"Question from {who}?"
    return await events.qa_ask(event_id, participant(who), text, nickname, status, filtered, now)


async def upvote(
    events: EventStore, who: int, entry_id: str, up: bool = True, event_id: str = "e1"
) -> int:
    return await events.qa_upvote(event_id, entry_id, participant(who), up, NOW)


@contextlib.asynccontextmanager
async def processes(storage: str, events: EventStore) -> AsyncIterator[list[EventStore]]:
    """`events`, and on a shared store (Redis, Cluster) four more stores on the same URL,
    as four more tohyo processes would be; a local store has one process only."""
    others = [open_store(storage) for _ in range(4)] if storage.startswith("redis") else []
    for store in others:
        await store.start()
    try:
        yield [events, *(store.events for store in others)]
    finally:
        for store in others:
            await store.close()


class Told:
    """The event ids a store's Q&A listeners are told, in order."""

    def __init__(self, events: EventStore) -> None:
        self.ids: list[str] = []
        events.add_qa_listener(self.ids.append)
