"""The change feed: committed session states, coalesced, written straight to every viewer.

Each watched session has one `Topic` holding its newest committed state. A publish wakes
the topic at most once per `interval` (coalescing), and the wake-up writes the newest
frame to every viewer *directly*: the frame is rendered once per audience and handed to
each viewer's server `send`, which on an idle socket completes at once. No viewer has a
queue or a task of its own; only a viewer whose socket is full gets a small task that
finishes its write, and while it is busy it is skipped — when it drains it is sent
whatever is newest. So a slow viewer never makes memory grow, and a hot session costs
one pass over its viewers per interval, not one event per vote per viewer.

Frames are Server-Sent Events with `id: <version>` and absolute state, so resends and
reconnects are harmless.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import replace
from typing import Any, Literal

import orjson

from tohyo import domain, metrics
from tohyo.domain import Session

log = logging.getLogger("tohyo.feed")

EndReason = Literal["expired", "shutdown"]
Write = Callable[[bytes, bool], Awaitable[None]]  # (frame, final) -> the server's send

HEARTBEAT = b": ping\n\n"
EXPIRED = b"event: expired\ndata: {}\n\n"
# On shutdown, ask clients to come back soon: another process (or this one, restarted)
# will serve them.
SHUTDOWN = b"retry: 1000\n\n"
ENDINGS: dict[EndReason, bytes] = {"expired": EXPIRED, "shutdown": SHUTDOWN}
WAKE_SLICE = 500  # viewers written per turn of the event loop
# No stream goes longer than the heartbeat without a byte: one quiet for HEARTBEAT_DUE of
# it is pinged (the rest absorbs a late timer), and so are those due within HEARTBEAT_EARLY
# after it, so one wake-up serves many streams.
HEARTBEAT_DUE = 0.85
HEARTBEAT_EARLY = 0.05


def sse_frame(kind: str, version: int | None, data: object) -> bytes:
    """One event; `version` None leaves out the `id:` line (for viewers who may not see the
    counts: the version would give the number of ballots away)."""
    body = b"event: %s\ndata: %s\n\n" % (kind.encode(), orjson.dumps(data))
    return body if version is None else b"id: %d\n" % version + body


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


class Feed:
    """Fans committed session states out to the topics that have viewers."""

    def __init__(
        self,
        interval: float,
        heartbeat: float,
        clock_ms: Callable[[], int],
        on_deadline: Callable[[str, int], None] = lambda session_id, due: None,
    ) -> None:
        self.interval = interval
        self._heartbeat = heartbeat
        self._clock_ms = clock_ms  # the sessions' clock, for expiry and deadlines
        # Called when a watched session's deadline comes, so that storage closes it and
        # the close reaches the viewers now rather than at the next operation.
        self._on_deadline = on_deadline
        self._topics: dict[str, Topic] = {}
        self._ticker: asyncio.TimerHandle | None = None

    @property
    def viewers(self) -> int:
        return sum(len(t.viewers) for t in self._topics.values())

    def watch(self, session_id: str) -> Topic:
        """Take a topic *before* reading the session, so no change slips in between."""
        topic = self._topics.get(session_id)
        if topic is None:
            topic = self._topics[session_id] = Topic(session_id, self.interval)
        topic.handlers += 1
        return topic

    def attach(self, topic: Topic, viewer: Viewer) -> None:
        """Start writing changes to `viewer`, which has been sent `viewer.sent`."""
        topic.viewers[viewer] = None
        self._ensure_ticker()
        topic.deliver(viewer)  # anything committed while its snapshot was being sent

    def watched(self, session_id: str) -> bool:
        return session_id in self._topics

    def release(self, topic: Topic, viewer: Viewer | None = None) -> None:
        if viewer is not None:
            topic.viewers.pop(viewer, None)
            if viewer.busy is not None:
                viewer.busy.cancel()
        topic.handlers -= 1
        if topic.handlers <= 0 and self._topics.get(topic.session_id) is topic:
            del self._topics[topic.session_id]
            for handle in (topic._flush, topic._expiry):
                if handle is not None:
                    handle.cancel()
            if topic._deadline is not None:
                topic._deadline[1].cancel()

    def offer(self, topic: Topic, session: Session) -> bool:
        """Keep `session` if it is newer than what the topic holds (states are absolute)."""
        if topic.session is not None and session.version <= topic.session.version:
            return False
        if topic.session is None:
            self._arm_expiry(topic, session.definition.expires_at)
        topic.session = session
        self._arm_deadline(topic, session)
        return True

    def publish(self, session: Session) -> None:
        """Change listener: called by storage after each committed change."""
        topic = self._topics.get(session.session_id)
        if topic is None or topic.ended or not self.offer(topic, session):
            return
        self._schedule(topic)

    def _schedule(self, topic: Topic) -> None:
        """Wake the topic as soon as its pacing allows (at once if it is idle)."""
        if not topic._pending_since:
            topic._pending_since = time.monotonic()
        if topic._passing:
            topic._again = True
        elif topic._flush is None:
            loop = asyncio.get_running_loop()
            delay = topic.next_wake(self.interval) - time.monotonic()
            if delay <= 0:
                topic._flush = loop.call_soon(topic.wake)
            else:
                topic._flush = loop.call_later(delay, topic.wake)

    def reset(self, session: Session) -> None:
        """Storage lost changes that viewers were shown: send everyone `session`, older
        version and all. (Events are absolute state, so clients just show it.)"""
        topic = self._topics.get(session.session_id)
        if topic is None or topic.ended or topic.session is None:
            return
        topic.session = session
        topic._cache.clear()  # the versions after this one will have other contents
        for viewer in topic.viewers:
            sent = viewer.sent.state
            viewer.sent = Session(viewer.sent.definition, replace(sent, version=-1))
        self._schedule(topic)

    def end(self, session_id: str, reason: EndReason) -> None:
        topic = self._topics.get(session_id)
        if topic is not None and topic.ended is None:
            topic.ended = reason
            topic.wake()

    def shutdown(self) -> None:
        for session_id in list(self._topics):
            self.end(session_id, "shutdown")
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def _arm_deadline(self, topic: Topic, session: Session) -> None:
        state = session.state
        due = state.closes_at if state.status == "active" else None
        armed = topic._deadline
        if armed is not None and armed[0] == due:
            return
        if armed is not None:
            armed[1].cancel()
            topic._deadline = None
        if due is not None:
            delay = max(0.0, (due - self._clock_ms()) / 1000)
            handle = asyncio.get_running_loop().call_later(
                delay, self._on_deadline, topic.session_id, due
            )
            topic._deadline = (due, handle)

    def _arm_expiry(self, topic: Topic, expires_at: int) -> None:
        delay = max(0.0, (expires_at - self._clock_ms()) / 1000)
        topic._expiry = asyncio.get_running_loop().call_later(
            delay, self.end, topic.session_id, "expired"
        )

    def _ensure_ticker(self) -> None:
        # One timer for every heartbeat of every stream, not one per viewer. One armed is
        # due for a viewer written before now, so never after a viewer attached now.
        if self._ticker is None:
            self._arm_ticker(time.monotonic())

    def _arm_ticker(self, oldest_write: float) -> None:
        due = oldest_write + self._heartbeat * HEARTBEAT_DUE
        delay = max(0.0, due - time.monotonic())
        self._ticker = asyncio.get_running_loop().call_later(delay, self._tick)

    def _tick(self) -> None:
        self._ticker = None
        # Whoever is not pinged is due HEARTBEAT_EARLY from now or later: no spinning.
        quiet_since = time.monotonic() - self._heartbeat * (HEARTBEAT_DUE - HEARTBEAT_EARLY)
        topics = list(self._topics.values())
        oldest = min((topic.heartbeat(quiet_since) for topic in topics), default=math.inf)
        if oldest < math.inf:
            self._arm_ticker(oldest)


def _public(state: domain.State) -> tuple[object, ...]:
    """What a viewer who may not see the counts sees change."""
    return (state.status, state.closed_at, state.visibility, state.closes_at)


def drive(awaitable: Awaitable[None]) -> asyncio.Future[None] | None:
    """Run `awaitable` until it first blocks: None if it finished, else a task finishing it.

    A server's `send` on a socket with room completes without suspending, so the usual
    case costs no task and no trip through the event loop; only a viewer whose socket is
    full gets a task, for as long as it stays full.
    """
    steps = awaitable.__await__()
    try:
        blocked_on = steps.send(None)
    except StopIteration:
        return None
    except Exception as error:  # the viewer is gone; its handler cleans up on disconnect
        _write_failed(error)
        return None
    return asyncio.ensure_future(_finish(steps, blocked_on))


async def _finish(steps: Generator[Any, None, None], blocked_on: Any) -> None:
    # The step loop of an asyncio Task, for one awaitable that was started by hand.
    try:
        while True:
            if blocked_on is None:
                await asyncio.sleep(0)
            else:
                # What a Task does with a future its coroutine yields: take it over (clear
                # the "blocking" flag the yield set), wait for it, then resume the steps.
                blocked_on._asyncio_future_blocking = False
                await blocked_on
            blocked_on = steps.send(None)
    except StopIteration:
        pass
    except Exception as error:
        steps.close()
        _write_failed(error)
    except asyncio.CancelledError:
        steps.close()
        raise


def _write_failed(error: Exception) -> None:
    # A closed connection is routine; anything else is a bug worth seeing in the log.
    if not isinstance(error, OSError):
        log.warning("writing to a viewer failed", exc_info=error)
