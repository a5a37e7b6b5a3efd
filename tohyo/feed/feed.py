"""The `Feed`: topics by session, the coalescing schedule, deadlines, expiry and the one
heartbeat timer of every stream."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, MutableMapping
from dataclasses import replace
from typing import Any

from tohyo.domain import Session
from tohyo.feed.collector import Freezer
from tohyo.feed.frames import HEARTBEAT_DUE, HEARTBEAT_EARLY, EndReason
from tohyo.feed.topics import Topic, Viewer


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
        # Open streams' objects out of the full collections' way (tohyo.feed.collector).
        self.freezer = Freezer()
        self._attached = 0  # viewers attached now, over every topic (sessions' and events')

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
        self._joined()
        topic.deliver(viewer)  # anything committed while its snapshot was being sent

    def _joined(self) -> None:
        self._attached += 1
        self.freezer.attached()
        self._ensure_ticker()

    def _left(self) -> None:
        self._attached -= 1
        if self._attached == 0:
            self.freezer.idle()

    def watched(self, session_id: str) -> bool:
        return session_id in self._topics

    def release(self, topic: Topic, viewer: Viewer | None = None) -> None:
        if release_from(self._topics, topic, viewer):
            self._left()

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
        self.freezer.shutdown()

    def _arm_deadline(self, topic: Topic, session: Session) -> None:
        state = session.state
        due = state.closes_at if state.status == "active" else None
        self._arm_timer(topic, due, self._on_deadline)

    def _arm_timer(self, topic: Topic, due: int | None, fire: Callable[[str, int], None]) -> None:
        """Keep one timer on `topic` for its next deadline `due` (ms; None: none), calling
        `fire(session_id, due)` then: one already armed for `due` stays, any other goes.
        (Polls and events alike: the event feed arms its questions' deadlines here too.)"""
        armed = topic._deadline
        if armed is not None and armed[0] == due:
            return
        if armed is not None:
            armed[1].cancel()
            topic._deadline = None
        if due is not None:
            topic._deadline = (due, self._call_at(due, fire, topic.session_id, due))

    def _call_at(
        self, at_ms: int, callback: Callable[..., object], *args: object
    ) -> asyncio.TimerHandle:
        """`callback(*args)` at `at_ms` on this feed's clock (at once if that is past)."""
        delay = max(0.0, (at_ms - self._clock_ms()) / 1000)
        return asyncio.get_running_loop().call_later(delay, callback, *args)

    def _arm_expiry(self, topic: Topic, expires_at: int) -> None:
        topic._expiry = self._call_at(expires_at, self.end, topic.session_id, "expired")

    def _ensure_ticker(self) -> None:
        # One timer for every heartbeat of every stream, not one per viewer. One armed is
        # due for a viewer written before now, so never after a viewer attached now.
        if self._ticker is None:
            self._arm_ticker(time.monotonic())

    def _arm_ticker(self, oldest_write: float) -> None:
        due = oldest_write + self._heartbeat * HEARTBEAT_DUE
        delay = max(0.0, due - time.monotonic())
        self._ticker = asyncio.get_running_loop().call_later(delay, self._tick)

    def _every_topic(self) -> list[Topic]:
        return list(self._topics.values())

    def _tick(self) -> None:
        self._ticker = None
        # Whoever is not pinged is due HEARTBEAT_EARLY from now or later: no spinning.
        quiet_since = time.monotonic() - self._heartbeat * (HEARTBEAT_DUE - HEARTBEAT_EARLY)
        topics = self._every_topic()
        oldest = min((topic.heartbeat(quiet_since) for topic in topics), default=math.inf)
        if oldest < math.inf:
            self._arm_ticker(oldest)


def release_from(topics: MutableMapping[str, Any], topic: Topic, viewer: Viewer | None) -> bool:
    """One request done with `topic` (and its viewer, if it attached one); the last one
    drops the topic from `topics` and cancels its timers. Sessions' and events' alike.
    Whether a viewer attached to the topic left it."""
    left = viewer is not None and viewer in topic.viewers
    if viewer is not None:
        topic.viewers.pop(viewer, None)
        if viewer.busy is not None:
            viewer.busy.cancel()
    topic.handlers -= 1
    if topic.handlers <= 0 and topics.get(topic.session_id) is topic:
        del topics[topic.session_id]
        for handle in (topic._flush, topic._expiry):
            if handle is not None:
                handle.cancel()
        if topic._deadline is not None:
            topic._deadline[1].cancel()
    return left
