"""This process's copy of each event it works with, kept exact and moving forward only.

Changes to an event reach a process by three ways that race one another: the replies
to its own scripts (on pooled connections, so replies to scripts sent together come back
in any order), the event's channel (in commit order, but only while it is watched), and
reads. A `Mirror` holds the event's state at one version exactly as Redis committed it,
and moves it forward by *messages* (`redis_event_wire`), each the change from the version
before to its own:

- a message for the very next version is applied at once;
- a message further ahead waits in `pending` until the versions between arrive;
- a whole state (a read) newer than the mirror replaces it, unless this process is
  still waiting for replies to its own scripts on the event, or for the state at one
  version: then it is kept aside (`ahead`) and used once nothing waits.

Each reply is answered with the state at its own version (an answer returns the event as
of that answer, as on every backend), so the last few states are kept while scripts are
in flight: the channel may bring a change before the reply that made it.

Listeners are told each time the mirror moves forward, with the answers it took in, so
they never see a state twice or go back. A gap that nothing in flight will fill is
repaired by a read: at once when the event is not watched here (no channel brings the
missing versions), after a short grace when it is (they are most likely on their way).
A reply whose version such a read went past gets that newer state: the versions between
came from other processes and are known to no one here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Iterator

from tohyo.domain.event import Event
from tohyo.errors import NotFound, StorageError, TohyoError
from tohyo.storage.events import EVENTS_KEPT, Answer
from tohyo.storage.redis_event_wire import AnswerMessage, Message, apply, made_by

GAP_GRACE = 0.05  # seconds a watched event's gap may wait for its channel before a read
MAX_PENDING = 1000  # messages held ahead of a gap; past that the gap is read at once
HISTORY = 256  # states kept while replies are in flight (a reply finds its own here)


class Mirror:
    __slots__ = (
        "ahead",
        "event",
        "event_id",
        "in_flight",
        "pending",
        "recent",
        "repair",
        "waiters",
    )

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.event: Event | None = None  # exact at its version; None until first known
        self.pending: dict[int, Message] = {}  # version -> message ahead of a gap
        self.recent: OrderedDict[int, Event] = OrderedDict()  # version -> exact state
        self.ahead: Event | None = None  # a newer whole state, kept while replies wait
        self.waiters: dict[int, list[asyncio.Future[Event]]] = {}  # for the state at v
        self.in_flight = 0  # this process's scripts on the event awaiting their reply
        self.repair: asyncio.Task[None] | None = None

    @property
    def version(self) -> int:
        return 0 if self.event is None else self.event.version

    def gapped(self) -> bool:
        return bool(self.pending or self.waiters)

    def idle(self) -> bool:
        return not (self.waiters or self.in_flight or self.repair)


class EventMirrors:
    def __init__(
        self,
        read: Callable[[str], Awaitable[Event]],
        announce: Callable[[Event, Collection[Answer]], None],
        watched: Callable[[str], bool],
        *,
        capacity: int = EVENTS_KEPT,
        grace: float = GAP_GRACE,
    ) -> None:
        self._read = read
        self._announce = announce
        self._watched = watched
        self._mirrors: OrderedDict[str, Mirror] = OrderedDict()
        self._capacity = capacity
        self._grace = grace

    def get(self, event_id: str) -> Mirror:
        mirror = self._mirrors.get(event_id)
        if mirror is None:
            mirror = self._mirrors[event_id] = Mirror(event_id)
            self._evict()
        else:
            self._mirrors.move_to_end(event_id)
        return mirror

    def forget(self, event_id: str) -> None:
        """The event is gone: whoever waits on it learns so."""
        mirror = self._mirrors.pop(event_id, None)
        if mirror is not None:
            self._fail(mirror, NotFound())

    async def close(self) -> None:
        for mirror in self._mirrors.values():
            if mirror.repair is not None:
                mirror.repair.cancel()
            self._fail(mirror, StorageError())

    # --- what comes in -------------------------------------------------------------

    @contextlib.contextmanager
    def sending(self, mirror: Mirror) -> Iterator[None]:
        """Around a script on the event whose reply is offered here (before it ends)."""
        mirror.in_flight += 1
        try:
            yield
        finally:
            mirror.in_flight -= 1
            if not mirror.in_flight:
                self._quiet(mirror)
            self._maybe_repair(mirror)

    def offer_message(self, mirror: Mirror, message: Message) -> None:
        if message.version <= mirror.version:
            known = mirror.recent.get(message.version)
            if known is None or made_by(known, message):
                # Already in the state; if a read went past it, its participant's phones
                # have not heard of it yet.
                if isinstance(message, AnswerMessage) and mirror.event and known is None:
                    self._announce(mirror.event, (message.answer,))
                return
            # Another change under a version this copy had: Redis lost changes (a
            # failover) and this process, not watching, never heard. Start again.
            mirror.event, mirror.ahead = None, None
            mirror.pending.clear()
            mirror.recent.clear()
        mirror.pending[message.version] = message
        if mirror.event is not None and message.version == mirror.version + 1:
            self._advance(mirror)
        self._maybe_repair(mirror)

    def offer_state(self, mirror: Mirror, event: Event) -> None:
        """A whole committed state (a read, a new event)."""
        if event.version <= mirror.version:
            return
        if mirror.event is None or not (mirror.in_flight or mirror.waiters):
            self._jump(mirror, event)
        elif mirror.ahead is None or mirror.ahead.version < event.version:
            mirror.ahead = event

    def state_at(self, mirror: Mirror, version: int) -> asyncio.Future[Event]:
        """The state at `version` (or, if a read went past it, the newest): call it
        before the reply's `sending` ends, so that no read is let past it meanwhile."""
        future: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        known = mirror.recent.get(version)
        if known is not None:
            future.set_result(known)
        elif mirror.event is not None and mirror.version >= version:
            future.set_result(mirror.event)
        else:
            mirror.waiters.setdefault(version, []).append(future)
        return future

    def rolled_back(self, mirror: Mirror, event: Event) -> None:
        """Redis lost versions this mirror had: start again from what it has."""
        mirror.event, mirror.ahead = event, None
        mirror.pending.clear()
        mirror.recent.clear()
        self._fail(mirror, StorageError("Redis lost this change"))

    # --- inside --------------------------------------------------------------------

    def _advance(self, mirror: Mirror, heard: list[Answer] | None = None) -> None:
        """Apply the pending messages that follow on; tell the listeners once."""
        heard = heard if heard is not None else []
        while mirror.event is not None:
            message = mirror.pending.pop(mirror.version + 1, None)
            if message is None:
                break
            mirror.event = apply(mirror.event, message)
            self._remember(mirror, mirror.event)
            if isinstance(message, AnswerMessage):
                heard.append(message.answer)
        event = mirror.event
        assert event is not None
        if mirror.ahead is not None and mirror.ahead.version <= event.version:
            mirror.ahead = None
        for version in [v for v in mirror.waiters if v <= event.version]:
            known = mirror.recent.get(version, event)
            for future in mirror.waiters.pop(version):
                if not future.done():
                    future.set_result(known)
        self._announce(event, heard)

    def _jump(self, mirror: Mirror, event: Event) -> None:
        mirror.event = event
        self._remember(mirror, event)
        heard: list[Answer] = []
        for version in [v for v in mirror.pending if v <= event.version]:
            message = mirror.pending.pop(version)
            if isinstance(message, AnswerMessage):
                heard.append(message.answer)
        self._advance(mirror, heard)

    def _remember(self, mirror: Mirror, event: Event) -> None:
        if not mirror.in_flight and not mirror.waiters:
            mirror.recent.clear()  # nobody will ask: keep no more than the newest
        mirror.recent[event.version] = event
        while len(mirror.recent) > HISTORY:
            mirror.recent.popitem(last=False)

    def _quiet(self, mirror: Mirror) -> None:
        """No reply of ours is on its way: a newer state kept aside may be used now."""
        if mirror.ahead is not None and not mirror.waiters:
            ahead, mirror.ahead = mirror.ahead, None
            if ahead.version > mirror.version:
                self._jump(mirror, ahead)

    def _fail(self, mirror: Mirror, error: TohyoError) -> None:
        waiting, mirror.waiters = mirror.waiters, {}
        for futures in waiting.values():
            for future in futures:
                if not future.done():
                    future.set_exception(error)

    def _maybe_repair(self, mirror: Mirror) -> None:
        # Without a first state nothing can be applied: read it even while replies of
        # ours are on their way.
        waiting = mirror.in_flight and mirror.event is not None
        if mirror.repair is not None or waiting or not mirror.gapped():
            return
        wait = (
            mirror.event is not None
            and len(mirror.pending) < MAX_PENDING
            and self._watched(mirror.event_id)
        )
        mirror.repair = asyncio.create_task(
            self._repair(mirror, self._grace if wait else 0.0),
            name=f"tohyo-event-repair-{mirror.event_id}",
        )

    async def _repair(self, mirror: Mirror, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            if not mirror.gapped():
                return
            event = mirror.ahead
            if event is None or event.version <= mirror.version:
                try:
                    event = await self._read(mirror.event_id)
                except TohyoError as error:
                    # Held messages are only a shortcut; a watched event's resync heals it.
                    mirror.pending.clear()
                    self._fail(mirror, error)
                    if isinstance(error, NotFound):
                        self._mirrors.pop(mirror.event_id, None)
                    return
            mirror.ahead = None
            if event.version > mirror.version:
                self._jump(mirror, event)
        finally:
            mirror.repair = None
        self._maybe_repair(mirror)

    def _evict(self) -> None:
        while len(self._mirrors) > self._capacity:
            for event_id, mirror in self._mirrors.items():
                if mirror.idle():
                    del self._mirrors[event_id]
                    break
            else:
                return  # every one is busy: keep them all for now
