"""One watched event (`EventTopic`) and its open streams (`EventViewer`).

The pass machinery is the session topic's (`topics.Topic`: coalescing, slices, busy
viewers, heartbeats); what differs is what a viewer is sent. An event's frame depends on
who watches: the host sees everything, a participant sees no drafts and each question's
results as its visibility allows — which, for "after_vote", turns on whether *this*
participant has answered the question's current round. So a viewer carries its
participant key and answered set, and an answer it makes widens that set on the open
connection: no reconnect.

Frames are rendered once per (version, audience) and a viewer is sent one only when it
differs from the last it got. A participant who may not see the counts therefore gets
nothing when only counts moved, and the rhythm of frames gives no count away.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

from tohyo.domain.event import Event, RoundKey
from tohyo.domain.event_views import audience, event_view
from tohyo.feed.frames import ENDINGS, Write, sse_frame
from tohyo.feed.topics import Topic, Viewer

FRAME_CACHE = 32  # rendered frames kept per topic (audiences × recent versions)


class EventViewer(Viewer):
    __slots__ = ("answered", "participant", "sent_frame", "sent_version")

    def __init__(
        self,
        write: Write,
        *,
        host: bool,
        participant: bytes | None,
        answered: frozenset[RoundKey],
        sent_version: int,
        sent_frame: bytes,
    ) -> None:
        super().__init__(write, None, host=host, voted=False)  # type: ignore[arg-type]
        self.participant = participant
        self.answered = answered
        self.sent_version = sent_version
        self.sent_frame = sent_frame


class EventTopic(Topic):
    """The newest committed state of one event and its viewers. (`session_id` is the
    event's id: the machinery it inherits names it so.)"""

    __slots__ = ("_frames", "answers", "latest", "participants")

    def __init__(self, event_id: str, interval: float) -> None:
        super().__init__(event_id, interval)
        self.latest: Event | None = None
        # Every answer heard while the topic is watched, by participant: a stream that
        # read the event just before its participant's answer committed learns of it here.
        self.answers: dict[bytes, set[RoundKey]] = {}
        self.participants: dict[bytes, dict[EventViewer, None]] = {}
        self._frames: dict[tuple[int, str, Hashable], bytes] = {}

    def frame(self, kind: str, *, host: bool, answered: Collection[RoundKey]) -> bytes:
        """The SSE frame of the current state for this audience; `id:` only where the
        view shows the version (it counts answers)."""
        event = self.latest
        assert event is not None
        key = (event.version, kind, audience(event, host=host, answered=answered))
        frame = self._frames.get(key)
        if frame is None:
            if len(self._frames) >= FRAME_CACHE:
                self._frames.clear()
            view = event_view(event, host=host, answered=answered)
            view["isHost"] = host
            frame = sse_frame(kind, view.get("version"), view)
            self._frames[key] = frame
        return frame

    def heard(self, answers: Collection[tuple[bytes, str, int]]) -> None:
        """Widen the answered sets of the participants who answered."""
        for participant, question_id, round_ in answers:
            self.answers.setdefault(participant, set()).add((question_id, round_))
            for viewer in self.participants.get(participant, ()):
                viewer.answered = viewer.answered | {(question_id, round_)}

    def join(self, viewer: EventViewer) -> None:
        if viewer.participant is not None:
            self.participants.setdefault(viewer.participant, {})[viewer] = None
            heard = self.answers.get(viewer.participant)
            if heard:
                viewer.answered = viewer.answered | heard

    def leave(self, viewer: EventViewer) -> None:
        if viewer.participant is not None:
            mine = self.participants.get(viewer.participant)
            if mine is not None:
                mine.pop(viewer, None)
                if not mine:
                    del self.participants[viewer.participant]

    def deliver(self, viewer: Viewer) -> None:
        """Write the newest state to `viewer` unless it has it or is still busy."""
        assert isinstance(viewer, EventViewer)
        if viewer.busy is not None or viewer.done:
            return
        if self.ended is not None:
            self._write(viewer, ENDINGS[self.ended], final=True)
            return
        event = self.latest
        if event is None or event.version <= viewer.sent_version:
            return
        frame = self.frame("update", host=viewer.host, answered=viewer.answered)
        viewer.sent_version = event.version
        if frame == viewer.sent_frame:
            return  # nothing this viewer may see has changed
        viewer.sent_frame = frame
        self._write(viewer, frame, final=False)

    def reset_frames(self) -> None:
        self._frames.clear()
