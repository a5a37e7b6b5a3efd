"""The feed for events as well as sessions: `EventFeed` adds event topics to the `Feed`.

An event's topic shares the session topics' heartbeat timer and pacing; what it adds is
who answered (so each phone's stream can widen what it shows), deadlines of any open
question, and an expiry that moves when the event ends (it is kept for a while after).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from tohyo.domain.event import Event
from tohyo.domain.event_transitions import next_deadline
from tohyo.feed.event_topics import STALE, EventTopic, EventViewer
from tohyo.feed.feed import Feed, release_from
from tohyo.feed.frames import EndReason
from tohyo.feed.topics import Topic


class EventFeed(Feed):
    def __init__(
        self,
        interval: float,
        heartbeat: float,
        clock_ms: Callable[[], int],
        on_deadline: Callable[[str, int], None] = lambda session_id, due: None,
        on_event_deadline: Callable[[str, int], None] = lambda event_id, due: None,
    ) -> None:
        super().__init__(interval, heartbeat, clock_ms, on_deadline)
        self._on_event_deadline = on_event_deadline
        self._event_topics: dict[str, EventTopic] = {}

    @property
    def viewers(self) -> int:
        return super().viewers + sum(len(t.viewers) for t in self._event_topics.values())

    def _every_topic(self) -> list[Topic]:
        return [*super()._every_topic(), *self._event_topics.values()]

    def watch_event(self, event_id: str) -> EventTopic:
        """Take a topic *before* reading the event, so no change slips in between."""
        topic = self._event_topics.get(event_id)
        if topic is None:
            topic = self._event_topics[event_id] = EventTopic(event_id, self.interval)
        topic.handlers += 1
        return topic

    def event_topic(self, event_id: str) -> EventTopic | None:
        return self._event_topics.get(event_id)

    def event_topics(self) -> list[EventTopic]:
        """Every watched event's topic (a copy: topics come and go while it is used)."""
        return list(self._event_topics.values())

    def attach_event(self, topic: EventTopic, viewer: EventViewer) -> None:
        topic.viewers[viewer] = None
        topic.join(viewer)
        self._joined()
        topic.deliver(viewer)  # anything committed while its snapshot was being sent

    def release_event(self, topic: EventTopic, viewer: EventViewer | None = None) -> None:
        if viewer is not None:
            topic.leave(viewer)
        if release_from(self._event_topics, topic, viewer):
            self._left()

    def offer_event(self, topic: EventTopic, event: Event) -> bool:
        """Keep `event` if it is newer than what the topic holds (states are absolute),
        and bring the open streams to it."""
        before = topic.latest
        if before is not None and event.version <= before.version:
            return False
        if before is None or before.expires_at != event.expires_at:
            self._arm_event_expiry(topic, event.expires_at)
        topic.latest = event
        self._arm_event_deadline(topic, event)
        # A stream's read can be newer than what was published so far (on a shared store
        # a read may overtake the message of the change it sees): the open streams are
        # owed it now, since that message, when it comes, is no news here.
        if topic.viewers and not topic.ended:
            self._schedule(topic)
        return True

    def publish_event(self, event: Event, answers: Collection[tuple[bytes, str, int]]) -> None:
        """Event listener: called by storage after each committed change."""
        topic = self._event_topics.get(event.event_id)
        if topic is None or topic.ended:
            return
        # Who answered widens what their streams show, even when the state itself is
        # not news (a read brought it first): those streams are owed a pass too.
        widened = topic.heard(answers)
        if not self.offer_event(topic, event) and widened:
            self._schedule(topic)

    def show_qa(self, event_id: str, version: int, everyone: bytes, host: bytes) -> None:
        """The event's Q&A as of `version`, rendered for everyone and for the host: to
        every open stream at the next pass (a storm of upvotes is paced as answers are).
        An older version than the topic holds is no news."""
        topic = self._event_topics.get(event_id)
        if topic is None or topic.ended or (topic.qa is not None and topic.qa[0] >= version):
            return
        topic.qa = (version, everyone, host)
        if topic.viewers:
            self._schedule(topic)

    def reset_event(self, event: Event) -> None:
        """Storage lost changes that viewers were shown (Redis after a failover): send
        everyone `event`, older version and all. (States are absolute: phones show it.)"""
        topic = self._event_topics.get(event.event_id)
        if topic is None or topic.ended or topic.latest is None:
            return
        before = topic.latest
        topic.latest = event
        topic.reset_frames()  # the versions after this one will have other contents
        if before.expires_at != event.expires_at:
            self._arm_event_expiry(topic, event.expires_at)
        self._arm_event_deadline(topic, event)
        for viewer in topic.viewers:
            assert isinstance(viewer, EventViewer)
            viewer.sent_version = STALE
        self._schedule(topic)

    def end_event(self, event_id: str, reason: EndReason) -> None:
        topic = self._event_topics.get(event_id)
        if topic is not None and topic.ended is None:
            topic.ended = reason
            topic.wake()

    def shutdown(self) -> None:
        for event_id in list(self._event_topics):
            self.end_event(event_id, "shutdown")
        super().shutdown()

    def _arm_event_deadline(self, topic: EventTopic, event: Event) -> None:
        self._arm_timer(topic, next_deadline(event), self._on_event_deadline)

    def _arm_event_expiry(self, topic: EventTopic, expires_at: int) -> None:
        if topic._expiry is not None:
            topic._expiry.cancel()
        topic._expiry = self._call_at(expires_at, self.end_event, topic.session_id, "expired")
