"""One watched event (`EventTopic`) and its open streams (`EventViewer`).

The pass machinery is the session topic's (`topics.Topic`: coalescing, slices, busy
viewers, heartbeats); what differs is what a viewer is sent. An event's frame depends on
who watches: the host sees everything, a participant sees no drafts and each question's
results as its visibility allows — which, for "after_vote", turns on whether *this*
participant has answered the question's current round. So a viewer carries its
participant key and answered set, and an answer it makes widens that set on the open
connection: no reconnect.

The host's frames are the whole event (`event_view`); a participant's carry only what the
phone shows (`phone_view`: the presented question, or the open ones in audience pace), so
a hall of phones is sent small frames, and few distinct ones (`audience`: at most two in
presenter pace). Frames are rendered once per audience for the newest version (a phone's
put together from pieces rendered once: tohyo.feed.event_frames), and a viewer is sent one
only when it differs from the last it got. A participant who may not
see the counts therefore gets nothing when only counts moved, and the rhythm of frames
gives no count away; nor does a phone get anything when a question it does not show is
answered.

Every stream of an event with audience Q&A gets `qa` frames (tohyo.qa_objects renders
them: one for the host, one for everyone else), sent after each change of its version,
paced with the passes; a phone's own pending questions are its page's to add.

The host's streams also get `presence` frames: how many participants are connected over
every process (tohyo.event_presence counts them), sent when it changes and once after the
snapshot; a participant never gets one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator

from tohyo.domain.event import Event, RoundKey
from tohyo.feed.event_frames import EventFrames
from tohyo.feed.frames import ENDINGS, Write, sse_frame
from tohyo.feed.topics import Topic, Viewer

STALE = -1  # a viewer's sent_version once its audience changed: its next pass renders
ANSWER_SETS = 4096  # distinct answered sets an event's topic shares at most


class EventViewer(Viewer):
    __slots__ = (
        "answered",
        "participant",
        "sent_frame",
        "sent_presence",
        "sent_qa",
        "sent_version",
    )

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
        # The version and the `update` frame of what it was last sent (for the snapshot:
        # the update that shows the same, so that only a change of view is sent after it).
        self.sent_version = sent_version
        self.sent_frame = sent_frame
        self.sent_presence: int | None = None  # the last count of connected it was sent
        self.sent_qa = -1  # the version of the Q&A it was last sent (-1: none yet; 0 is empty)

    def widen(self, answered: Collection[RoundKey]) -> None:
        """It answered these too: what it may see changes, at the version it has."""
        if not self.answered.issuperset(answered):
            self.answered = self.answered.union(answered)
            self.sent_version = STALE


class EventTopic(Topic):
    """The newest committed state of one event and its viewers. (`session_id` is the
    event's id: the machinery it inherits names it so.)"""

    __slots__ = (
        "_answer_sets",
        "_frames",
        "hosts",
        "latest",
        "participants",
        "pending",
        "presence",
        "qa",
    )

    def __init__(self, event_id: str, interval: float) -> None:
        super().__init__(event_id, interval)
        self.latest: Event | None = None
        # Each participant's open streams: almost always one, so a tuple (a dict per
        # participant would cost a hall of phones ~200 bytes each).
        self.participants: dict[bytes, tuple[EventViewer, ...]] = {}
        self.hosts: dict[EventViewer, None] = {}  # the viewers that are the host's
        # How many participants are connected over every process, as last counted (None
        # until the first count): what the host's streams are sent.
        self.presence: int | None = None
        # The newest Q&A frames: (version, everyone's, the host's); None until rendered.
        self.qa: tuple[int, bytes, bytes] | None = None
        # The answers heard for participants whose stream has read the event but is not
        # attached yet (it read before its own answer committed, perhaps), with how many
        # such streams each has: only those, so this stays as small as the connects in
        # flight, however many answer.
        self.pending: dict[bytes, tuple[int, set[RoundKey]]] = {}
        # The frames of the newest state, by event name and audience; an older state's
        # are never sent again (states are absolute), so they go when a newer one renders.
        self._frames: EventFrames | None = None
        # One frozenset per distinct answered set, shared by the viewers that have it (a
        # hall that answered the same questions holds a few sets, not one per phone).
        self._answer_sets: dict[frozenset[RoundKey], frozenset[RoundKey]] = {}

    def frame(self, kind: str, *, host: bool, answered: Collection[RoundKey]) -> bytes:
        """The SSE frame of the current state for this audience; `id:` only where the
        view shows the version (it counts answers)."""
        event = self.latest
        assert event is not None
        frames = self._frames
        if frames is None or frames.event is not event:
            frames = self._frames = EventFrames(event, frames)
        return frames.frame(kind, host=host, answered=answered)

    # --- who answered what ----------------------------------------------------------------

    @contextlib.contextmanager
    def expecting(self, participant: bytes | None) -> Iterator[None]:
        """While a stream of `participant` reads the event and sends its snapshot: keep
        the answers heard for it, for `answered_by` and its `join`."""
        if participant is None:
            yield
            return
        count, answers = self.pending.get(participant, (0, set()))
        self.pending[participant] = (count + 1, answers)
        try:
            yield
        finally:
            count, answers = self.pending[participant]
            if count > 1:
                self.pending[participant] = (count - 1, answers)
            else:
                del self.pending[participant]

    def answered_by(
        self, participant: bytes | None, answered: frozenset[RoundKey]
    ) -> frozenset[RoundKey]:
        """`answered` as read, with what was heard of `participant` since."""
        heard = self.pending.get(participant) if participant is not None else None
        return answered.union(heard[1]) if heard and heard[1] else answered

    def heard(self, answers: Collection[tuple[bytes, str, int]]) -> bool:
        """Widen the answered sets of the participants who answered; whether any open
        stream's view changed by it."""
        widened = False
        for participant, question_id, round_ in answers:
            key = (question_id, round_)
            waiting = self.pending.get(participant)
            if waiting is not None:
                waiting[1].add(key)
            for viewer in self.participants.get(participant, ()):
                self._widen(viewer, (key,))
                widened = True
        return widened

    def join(self, viewer: EventViewer) -> None:
        if viewer.host:
            self.hosts[viewer] = None
        viewer.answered = self._shared(viewer.answered)
        if viewer.participant is not None:
            self.participants[viewer.participant] = (
                *self.participants.get(viewer.participant, ()),
                viewer,
            )
            waiting = self.pending.get(viewer.participant)
            if waiting is not None:
                self._widen(viewer, waiting[1])

    def leave(self, viewer: EventViewer) -> None:
        self.hosts.pop(viewer, None)
        if viewer.participant is not None:
            mine = self.participants.get(viewer.participant, ())
            rest = tuple(other for other in mine if other is not viewer)
            if rest:
                self.participants[viewer.participant] = rest
            elif mine:
                del self.participants[viewer.participant]

    def _widen(self, viewer: EventViewer, answered: Collection[RoundKey]) -> None:
        viewer.widen(answered)
        viewer.answered = self._shared(viewer.answered)

    def _shared(self, answered: frozenset[RoundKey]) -> frozenset[RoundKey]:
        """The one frozenset equal to `answered` that this topic's viewers hold."""
        shared = self._answer_sets.get(answered)
        if shared is None:
            if len(self._answer_sets) >= ANSWER_SETS:  # only sharing is lost, never a set
                self._answer_sets.clear()
            shared = self._answer_sets[answered] = answered
        return shared

    # --- writing --------------------------------------------------------------------------

    def _deliver_state(self, viewer: EventViewer) -> None:
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

    def deliver(self, viewer: Viewer) -> None:
        """Write the newest state to `viewer` unless it has it or is still busy; and to a
        host, the count of connected participants if it changed since."""
        assert isinstance(viewer, EventViewer)
        self._deliver_state(viewer)
        self.deliver_qa(viewer)
        self.deliver_presence(viewer)

    def deliver_qa(self, viewer: EventViewer) -> None:
        """The newest Q&A frame, to a viewer that is not busy and lacks it."""
        qa = self.qa
        if (
            qa is None
            or qa[0] <= viewer.sent_qa
            or viewer.busy is not None
            or viewer.done
            or self.ended is not None
        ):
            return
        viewer.sent_qa = qa[0]
        self._write(viewer, qa[2] if viewer.host else qa[1], final=False)

    def deliver_presence(self, viewer: EventViewer) -> None:
        """A host's viewer that is not busy is sent the newest count if it lacks it (a
        busy one is, once it drains: `_drained` delivers)."""
        count = self.presence
        if (
            not viewer.host
            or count is None
            or count == viewer.sent_presence
            or viewer.busy is not None
            or viewer.done
            or self.ended is not None
        ):
            return
        viewer.sent_presence = count
        self._write(viewer, presence_frame(count), final=False)

    def show_presence(self, count: int) -> None:
        """The newest count of connected participants: to every host viewer at once
        (presence is not coalesced with states: it changes every few seconds at most)."""
        if count == self.presence:
            return
        self.presence = count
        for viewer in list(self.hosts):
            self.deliver_presence(viewer)

    def reset_frames(self) -> None:
        self._frames = None


def presence_frame(count: int) -> bytes:
    """No `id:` line: a count of connections is no version of the event."""
    return sse_frame("presence", None, {"connected": count})
