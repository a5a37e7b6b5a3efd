"""One watched session (`Topic`) and its open streams (`Viewer`): what each viewer has
been sent, and the pass that writes the newest state to all of them."""

from __future__ import annotations

import asyncio
import math
import time

from tohyo import domain, metrics
from tohyo.domain import Session
from tohyo.feed.frames import ENDINGS, HEARTBEAT, EndReason, Write, sse_frame
from tohyo.feed.writes import drive

WAKE_SLICE = 500  # viewers written per turn of the event loop


class Viewer:
    """One open stream: how to write to it, who is watching, what it has been sent."""

    __slots__ = ("busy", "done", "host", "last_write", "sent", "voted", "write")

    def __init__(self, write: Write, sent: Session, *, host: bool, voted: bool) -> None:
        self.write = write
        # Whether counts are shown follows the session's visibility at each event, which
        # the host may switch while the stream is open.
        self.host = host
        self.voted = voted
        self.sent = sent
        self.busy: asyncio.Future[None] | None = None  # a write waiting for the socket
        self.done = False  # the final frame has been written
        self.last_write = time.monotonic()  # when its last byte went to the socket


class Topic:
    """The newest committed state of one session and the viewers of it."""

    __slots__ = (
        "_again",
        "_cache",
        "_deadline",
        "_expiry",
        "_flush",
        "_last_flush",
        "_pass_cost",
        "_passing",
        "_pending_since",
        "ended",
        "handlers",
        "interval",
        "session",
        "session_id",
        "viewers",
    )

    def __init__(self, session_id: str, interval: float) -> None:
        self.session_id = session_id
        self.interval = interval  # at least this long between passes
        self.session: Session | None = None
        self.ended: EndReason | None = None
        self.handlers = 0  # requests using this topic, registered as viewers or not yet
        self.viewers: dict[Viewer, None] = {}  # insertion-ordered set
        self._flush: asyncio.Handle | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._deadline: tuple[int, asyncio.TimerHandle] | None = None
        self._last_flush = 0.0
        self._pass_cost = 0.0  # seconds the (last) pass over the viewers spent writing
        self._passing = False  # a pass is writing to its viewers, slice by slice
        self._again = False  # a change arrived during the pass: another pass follows
        self._pending_since = 0.0  # when the oldest change not yet written arrived
        self._cache: dict[tuple[int, str, bool], bytes] = {}

    def event(self, kind: str, with_counts: bool) -> bytes:
        """The SSE frame of the current state, rendered once per audience and version."""
        assert self.session is not None
        key = (self.session.version, kind, with_counts)
        frame = self._cache.get(key)
        if frame is None:
            if len(self._cache) > 8:
                self._cache.clear()
            view = domain.snapshot(self.session, with_counts)
            frame = sse_frame(kind, self.session.version if with_counts else None, view)
            self._cache[key] = frame
        return frame

    def wake(self) -> None:
        self._flush = None
        if self._passing:  # never two passes at once: this one ends with the newest state
            self._again = True
            return
        self._passing = True
        self._last_flush = time.monotonic()
        self._pass_cost = 0.0
        self._deliver_from(list(self.viewers), 0)

    def _deliver_from(self, viewers: list[Viewer], start: int) -> None:
        # Thousands of viewers are written in slices, with a turn of the event loop in
        # between, so votes and other requests are not held up for a whole pass.
        began = time.monotonic()
        end = start + WAKE_SLICE
        for viewer in viewers[start:end]:
            self.deliver(viewer)
        self._pass_cost += time.monotonic() - began
        loop = asyncio.get_running_loop()
        if end < len(viewers):
            loop.call_soon(self._deliver_from, viewers, end)
            return
        self._passing = False
        if self._pending_since:
            now = time.monotonic()
            metrics.BROADCAST.observe(now - self._pending_since)
            # Changes that came during the pass wait for the next one, from now on.
            self._pending_since = now if self._again else 0.0
        if self._again and self._flush is None:
            self._again = False
            # An ending goes out at once; a newer state waits its turn.
            delay = 0.0 if self.ended else self.next_wake(self.interval) - time.monotonic()
            self._flush = loop.call_later(max(0.0, delay), self.wake)

    def next_wake(self, interval: float) -> float:
        """When the next pass may start: `interval` after the last one started, and never
        sooner than twice its cost — so fan-out takes at most about half the loop however
        many viewers there are, and votes keep flowing."""
        return self._last_flush + max(interval, 2 * self._pass_cost)

    def deliver(self, viewer: Viewer) -> None:
        """Write the newest state to `viewer` unless it has it or is still busy."""
        if viewer.busy is not None or viewer.done:
            return
        if self.ended is not None:
            self._write(viewer, ENDINGS[self.ended], final=True)
            return
        session = self.session
        if session is None or session.version <= viewer.sent.version:
            return
        closing = session.state.status == "closed" and viewer.sent.state.status != "closed"
        with_counts = domain.can_see_counts(session.state, host=viewer.host, voted=viewer.voted)
        if not with_counts and _public(session.state) == _public(viewer.sent.state):
            # Only ballots changed, which this viewer may not see: send nothing at all,
            # or the rhythm of frames would count the votes.
            viewer.sent = session
            return
        frame = self.event("closed" if closing else "update", with_counts)
        viewer.sent = session
        self._write(viewer, frame, final=False)

    def heartbeat(self, quiet_since: float) -> float:
        """Ping the viewers quiet since before `quiet_since`; return the oldest last write
        of any viewer not yet ended (infinity if none)."""
        now, oldest = time.monotonic(), math.inf
        for viewer in list(self.viewers):
            if viewer.busy is None and not viewer.done and viewer.last_write < quiet_since:
                self._write(viewer, HEARTBEAT, final=False)
            if not viewer.done:  # a busy one is quiet only from when it drains, after now
                oldest = min(oldest, now if viewer.busy else viewer.last_write)
        return oldest

    def _write(self, viewer: Viewer, frame: bytes, *, final: bool) -> None:
        viewer.last_write = time.monotonic()
        viewer.done = final
        pending = drive(viewer.write(frame, final))
        if pending is not None:
            viewer.busy = pending
            pending.add_done_callback(lambda _: self._drained(viewer))

    def _drained(self, viewer: Viewer) -> None:
        viewer.busy = None
        viewer.last_write = time.monotonic()  # its last bytes left just now
        if viewer in self.viewers:
            self.deliver(viewer)  # it may have missed changes while it was busy


def _public(state: domain.State) -> tuple[object, ...]:
    """What a viewer who may not see the counts sees change."""
    return (state.status, state.closed_at, state.visibility, state.closes_at)
