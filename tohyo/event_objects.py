"""Event objects: what the web layer talks to for events — storage, the feed, deadlines.

The walk of an answer reads as the walk of a vote: the web layer parses and
authenticates; here the question's type validates the answer and turns it into tally
increments; the event's serialization point (storage) checks open, round and once, and
commits; the feed carries the new state to every phone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from typing import Any

from tohyo.domain import event_transitions as transitions
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, RoundKey
from tohyo.domain.event_specs import EventDraft
from tohyo.domain.questions import AnswerContext, answer_tag
from tohyo.domain.validation import DURATION_MIN, Deadline
from tohyo.errors import InvalidState, NotFound, TohyoError
from tohyo.event_presence import EventPresence
from tohyo.feed import EventFeed, EventTopic, EventViewer
from tohyo.storage.events import EventStore

log = logging.getLogger("tohyo.events")

SETTLE_TRIES = 120  # a deadline close is retried for about two minutes of storage trouble
SETTLE_RETRY = 1.0  # seconds

HostChange = Callable[[Event, int], Event]  # (event, now) -> event: a pure transition


class EventObjects:
    def __init__(
        self,
        store: EventStore,
        feed: EventFeed,
        clock: Callable[[], int],
        retention_ms: int,
    ) -> None:
        self.store = store
        self.feed = feed
        self.clock = clock
        self.retention_ms = retention_ms
        self._settling: set[asyncio.Task[None]] = set()
        # Counts who is connected to each watched event, for the host's screens.
        self.presence = EventPresence(store, feed, clock)
        store.add_event_listener(feed.publish_event)
        store.add_event_rollback_listener(feed.reset_event)

    def start(self) -> None:
        self.presence.start()

    async def stop(self) -> None:
        await self.presence.stop()

    # --- watching -----------------------------------------------------------------------

    async def watch(self, event_id: str) -> EventTopic:
        """The event's topic, receiving every committed change from here on (from other
        processes too). Call before reading the event, so no change slips in between."""
        topic = self.feed.watch_event(event_id)
        try:
            await self.store.watch_event(event_id)
        except BaseException:
            self.feed.release_event(topic)
            raise
        return topic

    def release(self, topic: EventTopic, viewer: EventViewer | None = None) -> None:
        self.feed.release_event(topic, viewer)
        self.store.unwatch_event(topic.session_id)

    def deadline_due(self, event_id: str, due: int) -> None:
        """A watched event's question reached its deadline: a read settles it now."""
        task = asyncio.create_task(self._settle(event_id, due))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _settle(self, event_id: str, due: int) -> None:
        for _ in range(SETTLE_TRIES):
            try:
                await self.store.get_event(event_id, None, max(self.clock(), due))
                return
            except NotFound:
                return
            except TohyoError:
                if self.feed.event_topic(event_id) is None:
                    return  # nobody waits; the next operation settles it
                await asyncio.sleep(SETTLE_RETRY)

    async def sweep(self) -> list[str]:
        """Delete expired events and end their streams."""
        gone: list[str] = []
        while True:
            batch = await self.store.expire_events(self.clock())
            for event_id in batch:
                self.feed.end_event(event_id, "expired")
            gone += batch
            if len(batch) < 500:
                return gone

    # --- operations ---------------------------------------------------------------------

    async def create(self, draft: EventDraft, event_id: str, host_key: bytes) -> Event:
        now = self.clock()
        specs = draft.questions
        event = Event(
            event_id,
            "",
            draft.title,
            host_key,
            created_at=now,
            expires_at=now + self.retention_ms,
            pace=draft.pace,
            questions=tuple(
                transitions.new_question(f"q{i}", spec) for i, spec in enumerate(specs, start=1)
            ),
            next_question=len(specs) + 1,
        )
        return await self.store.create_event(transitions.require_text_room(event))

    async def get(
        self, event_id: str, participant: bytes | None
    ) -> tuple[Event, frozenset[RoundKey]]:
        return await self.store.get_event(event_id, participant, self.clock())

    async def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey]
    ) -> dict[RoundKey, Any]:
        """`participant`'s own answers in those of `rounds` they answered, for their page
        alone (`EventStore.answers_of`); nothing is read for no rounds."""
        if not rounds:
            return {}
        return await self.store.answers_of(event_id, participant, rounds, self.clock())

    async def change(self, event_id: str, change: HostChange) -> Event:
        """Apply a host's change at the event's serialization point, timed now."""
        now = self.clock()
        return await self.store.change_event(event_id, now, lambda event: change(event, now))

    async def answer(
        self,
        event_id: str,
        participant: bytes,
        question_id: str,
        body: Any,
        now: int | None = None,
        expected_round: int | None = None,
    ) -> tuple[Event, int]:
        """Record an answer timed `now` (read from the clock unless the caller has read it:
        then the time it reports is the time stored with the answer): the event after it
        and the round it was recorded in (`EventStore.answer`)."""
        now = self.clock() if now is None else now
        event, question = await self._answerable(event_id, question_id, now)
        kind = questions.kind(question.type)
        # The filters as this process last heard of them: a word banned meanwhile still
        # never shows (results leave out what the filters catch, whenever it was sent).
        answer = kind.parse_answer(question.config, body, event.filters())
        context = AnswerContext(now, answer_tag(participant, question_id))
        increments = kind.increments(question.config, answer, context)
        # The round the participant meant (when they say) is checked where open and once
        # are, at the serialization point: a reset may come between this read and there.
        return await self.store.answer(
            event_id, participant, question_id, answer, increments, now, expected_round
        )

    async def _answerable(
        self, event_id: str, question_id: str, now: int
    ) -> tuple[Event, Question]:
        """The question as this process last heard of it, if that copy takes answers (an
        opened question's config never changes, so a watched copy is as good as a read),
        else as storage has it now. Storage checks again when it records the answer."""
        topic = self.feed.event_topic(event_id)
        known = topic.latest if topic is not None else None
        if known is not None and not known.expired(now):
            try:
                return known, transitions.answerable(known, question_id)
            except TohyoError:
                pass  # perhaps reopened since: ask storage
        event, _ = await self.store.get_event(event_id, None, now)
        return event, transitions.answerable(event, question_id)

    async def find_code(self, code: str) -> str | None:
        return await self.store.find_code(code, self.clock())


def opening_deadline(
    question: Question, asked: Deadline | None, now: int, expires_at: int
) -> int | None:
    """When an opening closes: the deadline the host gives now, else the question's own
    duration, else the time a draft was planned to close at if it is still ahead. A quiz
    takes no deadline but its time limit (its duration)."""
    if asked is not None and transitions.timed(question):
        raise InvalidState(transitions.QUIZ_DEADLINE)
    if asked is not None:
        return asked.resolve(now, expires_at)
    if question.duration is not None:
        return min(now + max(question.duration, DURATION_MIN) * 1000, expires_at)
    planned = question.closes_at
    if question.status == "draft" and planned is not None and planned >= now + DURATION_MIN * 1000:
        return min(planned, expires_at)
    return None
